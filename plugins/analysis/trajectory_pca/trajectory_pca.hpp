#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include <Eigen/SVD>
#include <neohebb/sdk/analysis.hpp>
#include <neohebb/sdk/parameters.hpp>

namespace neohebb::plugins {

// Principal components of the condition-averaged test trajectories x_t (all conditions' time
// steps pooled, centred on their mean), by a singular value decomposition; each trajectory and
// (when fixed_points ran) each fixed point projected on the first components.
class TrajectoryPca final : public sdk::Analysis {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::integer("components", 10, "principal components kept (at most N)").at_least(1),
    };
  }

  explicit TrajectoryPca(const sdk::ParamSet& p) : components_(p.integer("components")) {}

  std::vector<std::string> uses_results() const override { return {"fixed_points"}; }

  void analyze(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const override {
    const auto& trajectories = in.recording.mean_states;
    if (trajectories.empty())
      throw sdk::Error("trajectory_pca: no trajectories were recorded (no test trials)");
    const Eigen::Index n = in.net.size();
    Eigen::Index columns = 0;
    for (const auto& t : trajectories) columns += t.cols();
    Eigen::MatrixXd data(columns, n);  // one row per (condition, step)
    Eigen::Index row = 0;
    for (const auto& t : trajectories) {
      data.middleRows(row, t.cols()) = t.transpose();
      row += t.cols();
    }
    const Eigen::RowVectorXd mean = data.colwise().mean();
    data.rowwise() -= mean;
    Eigen::BDCSVD<Eigen::MatrixXd> svd(data, Eigen::ComputeThinV);
    const Eigen::VectorXd variance = svd.singularValues().array().square();
    const Eigen::Index K = std::min<Eigen::Index>({components_, n, variance.size()});
    Eigen::MatrixXd V = svd.matrixV().leftCols(K);
    // Fix each component's sign (arbitrary in an SVD): its largest entry is positive.
    for (Eigen::Index k = 0; k < K; ++k) {
      Eigen::Index at = 0;
      V.col(k).cwiseAbs().maxCoeff(&at);
      if (V(at, k) < 0) V.col(k) *= -1;
    }
    const double total = variance.sum();
    const Eigen::VectorXd ratio =
        total > 0 ? Eigen::VectorXd(variance.head(K) / total) : Eigen::VectorXd::Zero(K);
    out.array("components", V.transpose());
    out.vector("explained_variance_ratio", ratio);
    out.vector("mean", mean.transpose());
    for (std::size_t c = 0; c < trajectories.size(); ++c)
      out.array("trajectory_" + std::to_string(c),
                (trajectories[c].transpose().rowwise() - mean) * V);
    if (auto fp = in.earlier.find("fixed_points"); fp != in.earlier.end())
      out.array("fixed_points", (fp->second.at("points").rowwise() - mean) * V);
    out.scalar("components", double(K));
    out.scalar("explained_variance_ratio_top2", ratio.head(std::min<Eigen::Index>(2, K)).sum());
    out.scalar("explained_variance_ratio_top3", ratio.head(std::min<Eigen::Index>(3, K)).sum());
  }

 private:
  std::int64_t components_;
};

}  // namespace neohebb::plugins
