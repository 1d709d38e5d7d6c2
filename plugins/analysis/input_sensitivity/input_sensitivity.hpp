#pragma once
#include <string>
#include <vector>

#include <Eigen/LU>
#include <neohebb/sdk/analysis.hpp>
#include <neohebb/sdk/parameters.hpp>

namespace neohebb::plugins {

// How a fixed point moves when the constant input changes: from F(x*, u) = 0,
// dx*/du = p = (-J)^-1 W_in (N x inputs), one column per input channel, at each stable fixed
// point (or each fixed point). The readout's steady-state response W_out diag(phi'(x*)) p comes
// with it.
class InputSensitivity final : public sdk::Analysis {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::text("points", "stable",
                        "where: 'stable' fixed points, or all 'fixed' points (an unstable one's "
                        "response is not reached by the dynamics)")
            .one_of({"stable", "fixed"}),
    };
  }

  explicit InputSensitivity(const sdk::ParamSet& p) : stable_only_(p.text("points") == "stable") {}

  std::vector<std::string> requires_results() const override { return {"fixed_points"}; }

  void analyze(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const override {
    const auto& fp = in.earlier.at("fixed_points");
    const Eigen::MatrixXd& points = fp.at("points");
    std::vector<Eigen::Index> chosen;
    for (Eigen::Index m = 0; m < points.rows(); ++m)
      if (fp.at("is_fixed")(m) == 1 && (!stable_only_ || fp.at("stable")(m) == 1))
        chosen.push_back(m);
    const Eigen::Index n = in.net.size(), n_in = in.net.W_in.cols(),
                       M = Eigen::Index(chosen.size());
    const Eigen::MatrixXd B = in.net.effective_input_weights();
    std::vector<Eigen::MatrixXd> per_input(std::size_t(n_in), Eigen::MatrixXd(M, n));
    Eigen::MatrixXd readout(M * in.net.W_out.rows(), n_in), J(n, n);
    Eigen::VectorXd index(M), slope(n);
    for (Eigen::Index k = 0; k < M; ++k) {
      const Eigen::VectorXd x = points.row(chosen[std::size_t(k)]).transpose();
      in.net.jacobian(x, J);
      const Eigen::MatrixXd p = (-J).partialPivLu().solve(B);
      for (Eigen::Index j = 0; j < n_in; ++j)
        per_input[std::size_t(j)].row(k) = p.col(j).transpose();
      in.net.neuron.rate_derivative(x, slope);
      readout.middleRows(k * in.net.W_out.rows(), in.net.W_out.rows()) =
          in.net.W_out * slope.asDiagonal() * p;
      index(k) = double(chosen[std::size_t(k)]);
    }
    for (Eigen::Index j = 0; j < n_in; ++j)
      out.array("sensitivity_" + std::to_string(j), per_input[std::size_t(j)]);
    out.array("readout_sensitivity", readout);
    out.vector("fixed_point_index", index);
    out.scalar("points", double(M));
  }

 private:
  bool stable_only_;
};

}  // namespace neohebb::plugins
