#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include <neohebb/sdk/analysis.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/spectrum.hpp>

namespace neohebb::plugins {

// Eigenvalues (and eigenvectors) of the Jacobian J(x) = -I + W diag(phi'(x)) at every point
// fixed_points found and at states sampled along the condition-averaged test trajectories.
// Eigenvalues are in units of 1/tau, ordered by descending real part.
class JacobianSpectrum final : public sdk::Analysis {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::integer("trajectory_samples", 20,
                           "states sampled along each condition-averaged trajectory, evenly "
                           "spaced in time (0: none)")
            .at_least(0),
        ParamSpec::boolean("eigenvectors", true,
                           "also write the right eigenvectors at each fixed point "
                           "(eigenvectors_<m>.npy, complex N x N, column i for eigenvalue i)"),
    };
  }

  explicit JacobianSpectrum(const sdk::ParamSet& p)
      : samples_(static_cast<int>(p.integer("trajectory_samples"))),
        eigenvectors_(p.flag("eigenvectors")) {}

  std::vector<std::string> requires_results() const override { return {"fixed_points"}; }

  void analyze(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const override {
    const Eigen::Index n = in.net.size();
    Eigen::MatrixXd J(n, n);
    const Eigen::MatrixXd& points = in.earlier.at("fixed_points").at("points");
    Eigen::MatrixXd re(points.rows(), n), im(points.rows(), n);
    for (Eigen::Index m = 0; m < points.rows(); ++m) {
      in.net.jacobian(points.row(m).transpose(), J);
      if (eigenvectors_) {
        const sdk::Spectrum s = sdk::spectrum(J);
        re.row(m) = s.values.real().transpose();
        im.row(m) = s.values.imag().transpose();
        out.complex_array("eigenvectors_" + std::to_string(m), s.right);
      } else {
        const Eigen::VectorXcd v = sdk::sorted_eigenvalues(J);
        re.row(m) = v.real().transpose();
        im.row(m) = v.imag().transpose();
      }
    }
    out.complex_array("fixed_point_eigenvalues", complex(re, im));
    trajectory(in, out);
  }

 private:
  static Eigen::MatrixXcd complex(const Eigen::MatrixXd& re, const Eigen::MatrixXd& im) {
    Eigen::MatrixXcd c(re.rows(), re.cols());
    c.real() = re;
    c.imag() = im;
    return c;
  }

  // Jacobians at `samples_` evenly spaced steps of each condition's mean trajectory.
  void trajectory(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const {
    const Eigen::Index n = in.net.size();
    std::vector<std::pair<int, int>> at;  // (condition, step)
    for (std::size_t c = 0; c < in.recording.mean_states.size(); ++c) {
      const auto T = in.recording.mean_states[c].cols();
      const Eigen::Index k = std::min<Eigen::Index>(samples_, T);
      for (Eigen::Index i = 0; i < k; ++i)
        at.emplace_back(int(c), int(k == 1 ? 0 : i * (T - 1) / (k - 1)));
    }
    const Eigen::Index S = Eigen::Index(at.size());
    Eigen::MatrixXd re(S, n), im(S, n), J(n, n);
    Eigen::VectorXd condition(S), step(S);
    for (Eigen::Index s = 0; s < S; ++s) {
      const auto [c, t] = at[static_cast<std::size_t>(s)];
      in.net.jacobian(in.recording.mean_states[static_cast<std::size_t>(c)].col(t), J);
      const Eigen::VectorXcd v = sdk::sorted_eigenvalues(J);
      re.row(s) = v.real().transpose();
      im.row(s) = v.imag().transpose();
      condition(s) = c;
      step(s) = t;
    }
    out.complex_array("trajectory_eigenvalues", complex(re, im));
    out.vector("trajectory_condition", condition);
    out.vector("trajectory_step", step);
    out.scalar("trajectory_samples", double(S));
    out.scalar("max_real_eigenvalue_along_trajectories", S ? re.col(0).maxCoeff() : 0.0);
  }

  int samples_;
  bool eigenvectors_;
};

}  // namespace neohebb::plugins
