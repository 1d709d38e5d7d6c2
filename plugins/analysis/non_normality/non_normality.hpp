#pragma once
#include <string>
#include <vector>

#include <neohebb/sdk/analysis.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/spectrum.hpp>

namespace neohebb::plugins {

// Henrici's departure from normality of the Jacobian at each fixed point,
// d(J) = sqrt(||J||_F^2 - sum |lambda_i|^2), raw and divided by ||J||_F (0 for a normal matrix,
// up to 1), and the same for the recurrent weights W themselves.
class NonNormality final : public sdk::Analysis {
 public:
  static sdk::ParamSchema schema() { return {}; }
  explicit NonNormality(const sdk::ParamSet&) {}

  std::vector<std::string> requires_results() const override { return {"fixed_points"}; }

  void analyze(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const override {
    const Eigen::Index n = in.net.size();
    const Eigen::MatrixXd& points = in.earlier.at("fixed_points").at("points");
    Eigen::VectorXd raw(points.rows()), normalised(points.rows());
    Eigen::MatrixXd J(n, n);
    for (Eigen::Index m = 0; m < points.rows(); ++m) {
      in.net.jacobian(points.row(m).transpose(), J);
      raw(m) = sdk::henrici_departure(J);
      normalised(m) = relative(raw(m), J.norm());
    }
    out.vector("henrici", raw);
    out.vector("henrici_normalized", normalised);
    const double w = sdk::henrici_departure(in.net.W);
    out.scalar("weights_henrici", w);
    out.scalar("weights_henrici_normalized", relative(w, in.net.W.norm()));
    if (points.rows() > 0) {
      out.scalar("mean_henrici_normalized", normalised.mean());
      out.scalar("max_henrici_normalized", normalised.maxCoeff());
    }
  }

  static double relative(double d, double frobenius) { return frobenius > 0 ? d / frobenius : 0; }
};

}  // namespace neohebb::plugins
