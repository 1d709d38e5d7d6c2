#pragma once
#include <string>
#include <vector>

#include <neohebb/sdk/analysis.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/spectrum.hpp>

namespace neohebb::plugins {

// How well the readout sees each mode of the linearised dynamics at each fixed point: the
// overlap |w^T v_i| / (|w| |v_i|) of readout row w with every right eigenvector v_i (the mode's
// direction in state space) and left eigenvector u_i (the direction that excites the mode), in
// the eigenvalue order of jacobian_spectrum (descending real part).
class ReadoutAlignment final : public sdk::Analysis {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::text("readout", "weights",
                        "the readout vector: 'weights' (the row of W_out) or 'linearized' "
                        "(W_out diag(phi'(x*)), the output's gradient in x at the point)")
            .one_of({"weights", "linearized"}),
    };
  }

  explicit ReadoutAlignment(const sdk::ParamSet& p)
      : linearized_(p.text("readout") == "linearized") {}

  std::vector<std::string> requires_results() const override { return {"fixed_points"}; }

  void analyze(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const override {
    const Eigen::Index n = in.net.size(), outputs = in.net.W_out.rows();
    const Eigen::MatrixXd& points = in.earlier.at("fixed_points").at("points");
    const Eigen::Index M = points.rows();
    std::vector<Eigen::MatrixXd> right(std::size_t(outputs), Eigen::MatrixXd(M, n)),
        left(std::size_t(outputs), Eigen::MatrixXd(M, n));
    Eigen::MatrixXd J(n, n);
    Eigen::VectorXd slope(n);
    for (Eigen::Index m = 0; m < M; ++m) {
      const Eigen::VectorXd x = points.row(m).transpose();
      in.net.jacobian(x, J);
      const sdk::Spectrum s = sdk::spectrum(J, true);
      in.net.neuron.rate_derivative(x, slope);
      for (Eigen::Index o = 0; o < outputs; ++o) {
        Eigen::VectorXd w = in.net.W_out.row(o).transpose();
        if (linearized_) w = w.cwiseProduct(slope);
        right[std::size_t(o)].row(m) = overlaps(w, s.right);
        left[std::size_t(o)].row(m) = overlaps(w, s.left);
      }
    }
    for (Eigen::Index o = 0; o < outputs; ++o) {
      out.array("right_overlap_" + std::to_string(o), right[std::size_t(o)]);
      out.array("left_overlap_" + std::to_string(o), left[std::size_t(o)]);
    }
    out.scalar("outputs", double(outputs));
  }

  // |w^T v_i| / (|w| |v_i|) for each column v_i of V (as a row).
  static Eigen::RowVectorXd overlaps(const Eigen::VectorXd& w, const Eigen::MatrixXcd& V) {
    const double wn = w.norm();
    Eigen::RowVectorXd o(V.cols());
    for (Eigen::Index i = 0; i < V.cols(); ++i) {
      const double vn = V.col(i).norm();
      o(i) = wn > 0 && vn > 0 ? std::abs(w.cast<std::complex<double>>().dot(V.col(i))) / (wn * vn)
                              : 0.0;
    }
    return o;
  }

 private:
  bool linearized_;
};

}  // namespace neohebb::plugins
