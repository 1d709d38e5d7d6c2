#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <neohebb/sdk/analysis.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/rng.hpp>
#include <neohebb/sdk/spectrum.hpp>

namespace neohebb::plugins {

// Fixed points and slow points of dx/dt = F(x) = -x + W phi(x) + W_in u for each constant input
// u the host offers (zero, then each task context), found by damped Newton steps from many
// starts. The damping is Levenberg-Marquardt's: dx = -(J^T J + mu I)^-1 J^T F, with mu shrunk
// after a step that lowers q = |F|^2 / 2 and grown after one that does not. With mu -> 0 it is
// Newton's step (quadratic convergence at a fixed point); where J is singular it descends q, so
// a start that finds no root ends at a minimum of q with q > 0: a slow point.
class FixedPoints final : public sdk::Analysis {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::integer("starts", 200, "starts of the search for each constant input")
            .at_least(1)
            .at_most(100000),
        ParamSpec::real("visited_fraction", 0.5,
                        "fraction of the starts drawn from states visited in the test trials "
                        "(the rest: x ~ N(0, random_scale^2) per unit)")
            .at_least(0)
            .at_most(1),
        ParamSpec::real("start_noise", 0.01,
                        "sd of the Gaussian noise added to each start drawn from visited states")
            .at_least(0),
        ParamSpec::real("random_scale", 1.0, "sd of the random starts, per unit").above(0),
        ParamSpec::real("tolerance", 1e-12, "a point is fixed when q = |F|^2 / 2 is below this")
            .above(0),
        ParamSpec::real("merge_distance", 1e-3,
                        "points closer than this (Euclidean) are one point; the lower q is kept")
            .at_least(0),
        ParamSpec::real("slow_gradient", 1e-8,
                        "a search that stops with q >= tolerance ends at a slow point when "
                        "|grad q| = |J^T F| is below this; otherwise it did not converge")
            .above(0),
        ParamSpec::real("slow_max_q", std::numeric_limits<double>::infinity(),
                        "slow points with a larger q are dropped (inf: none is)")
            .above(0)
            .or_infinite(),
        ParamSpec::integer("max_iterations", 500, "damped Newton steps per start").at_least(1),
        ParamSpec::integer("seed", 0, "seed of the starts").at_least(0),
        ParamSpec::reals("input", {},
                         "one constant input u to use instead of zero and the task's contexts "
                         "(empty: those)"),
    };
  }

  explicit FixedPoints(const sdk::ParamSet& p)
      : starts_(p.integer("starts")),
        visited_fraction_(p.real("visited_fraction")),
        start_noise_(p.real("start_noise")),
        random_scale_(p.real("random_scale")),
        tolerance_(p.real("tolerance")),
        merge_distance_(p.real("merge_distance")),
        slow_gradient_(p.real("slow_gradient")),
        slow_max_q_(p.real("slow_max_q")),
        max_iterations_(static_cast<int>(p.integer("max_iterations"))),
        seed_(static_cast<std::uint64_t>(p.integer("seed"))),
        input_(p.reals("input")) {}

  enum class Outcome { Fixed, Slow, NotConverged };
  struct Search {
    Eigen::VectorXd x;
    double q = 0;
    Outcome outcome = Outcome::NotConverged;
  };

  // One damped Newton search from x0 at constant input u.
  Search search(const sdk::TrainedNetwork& net, const Eigen::VectorXd& u, Eigen::VectorXd x) const {
    const Eigen::Index n = net.size();
    net.clamp(x);
    Eigen::VectorXd F(n), F_new(n), x_new(n), g(n), dx(n);
    Eigen::MatrixXd J(n, n), A(n, n);
    net.velocity(x, u, F);
    double q = 0.5 * F.squaredNorm(), mu = 1e-3;
    Search s;
    for (int it = 0; it < max_iterations_ && q >= tolerance_ && std::isfinite(q); ++it) {
      net.jacobian(x, J);
      g.noalias() = J.transpose() * F;
      if (g.norm() < slow_gradient_) break;
      A.noalias() = J.transpose() * J;
      bool improved = false;
      while (!improved && mu < 1e12) {
        Eigen::MatrixXd damped = A;
        damped.diagonal().array() += mu;
        dx = damped.ldlt().solve(-g);
        x_new = x + dx;
        net.clamp(x_new);
        net.velocity(x_new, u, F_new);
        const double q_new = 0.5 * F_new.squaredNorm();
        if (q_new < q) {
          improved = true;
          x.swap(x_new);
          F.swap(F_new);
          q = q_new;
          mu = std::max(mu / 3.0, 1e-12);
        } else {
          mu *= 4.0;
        }
      }
      if (!improved) break;  // no damping lowers q: x is a minimum of q to rounding
    }
    s.q = q;
    if (q < tolerance_) {
      s.outcome = Outcome::Fixed;
      s.q = polish(net, u, x, F, q);
    } else if (std::isfinite(q)) {
      net.jacobian(x, J);
      const double grad = (J.transpose() * F).norm();
      if (grad < slow_gradient_ && q <= slow_max_q_) s.outcome = Outcome::Slow;
    }
    s.x = std::move(x);
    return s;
  }

  // A few undamped Newton steps from a converged point: q < tolerance leaves |F| up to
  // sqrt(2 tolerance), and x that far (over |lambda|) from the root; these take it to rounding.
  double polish(const sdk::TrainedNetwork& net, const Eigen::VectorXd& u, Eigen::VectorXd& x,
                Eigen::VectorXd& F, double q) const {
    const Eigen::Index n = net.size();
    Eigen::MatrixXd J(n, n);
    Eigen::VectorXd x_new(n), F_new(n);
    for (int it = 0; it < 3 && q > 0; ++it) {
      net.jacobian(x, J);
      x_new = x - J.partialPivLu().solve(F);
      net.clamp(x_new);
      net.velocity(x_new, u, F_new);
      const double q_new = 0.5 * F_new.squaredNorm();
      if (!(q_new < q)) break;
      x.swap(x_new);
      F.swap(F_new);
      q = q_new;
    }
    return q;
  }

  // Start k of `starts`: the first share drawn from visited states (plus noise), the rest random.
  Eigen::VectorXd draw_start(std::int64_t k, Eigen::Index n, const Eigen::MatrixXd& visited,
                             sdk::Rng& rng) const {
    const auto from_visited =
        visited.cols() == 0
            ? std::int64_t{0}
            : static_cast<std::int64_t>(std::llround(visited_fraction_ * double(starts_)));
    Eigen::VectorXd x(n);
    if (k < from_visited) {
      x = visited.col(static_cast<Eigen::Index>(rng.below(visited.cols())));
      for (Eigen::Index i = 0; i < n; ++i) x(i) += start_noise_ * rng.normal();
    } else {
      for (Eigen::Index i = 0; i < n; ++i) x(i) = random_scale_ * rng.normal();
    }
    return x;
  }

  // Keeps one point per cluster closer than merge_distance: fixed before slow, lower q first.
  std::vector<Search> deduplicate(std::vector<Search> found) const {
    std::stable_sort(found.begin(), found.end(), [](const Search& a, const Search& b) {
      if (a.outcome != b.outcome) return a.outcome < b.outcome;
      return a.q < b.q;
    });
    std::vector<Search> kept;
    for (auto& s : found) {
      if (s.outcome == Outcome::NotConverged) continue;
      const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const Search& k) {
        return (k.x - s.x).norm() <= merge_distance_;
      });
      if (!duplicate) kept.push_back(std::move(s));
    }
    return kept;
  }

  std::vector<Eigen::VectorXd> inputs(const sdk::AnalysisInput& in) const {
    const Eigen::Index n_in = in.net.W_in.cols();
    if (!input_.empty()) {
      if (static_cast<Eigen::Index>(input_.size()) != n_in)
        throw sdk::ParameterError("input", "input has " + std::to_string(input_.size()) +
                                               " values but the network has " +
                                               std::to_string(n_in) + " inputs");
      return {Eigen::Map<const Eigen::VectorXd>(input_.data(), n_in)};
    }
    if (in.recording.constant_inputs.empty()) return {Eigen::VectorXd::Zero(n_in)};
    return in.recording.constant_inputs;
  }

  void analyze(const sdk::AnalysisInput& in, sdk::AnalysisSink& out) const override {
    const auto t0 = std::chrono::steady_clock::now();
    const sdk::TrainedNetwork& net = in.net;
    const Eigen::Index n = net.size();
    const auto us = inputs(in);
    sdk::Rng rng(sdk::derive_seed(seed_, {0xf1ed}));
    std::vector<Search> points;
    std::vector<int> input_of;
    std::int64_t unconverged = 0;
    for (std::size_t k = 0; k < us.size(); ++k) {
      std::vector<Search> found;
      for (std::int64_t j = 0; j < starts_; ++j) {
        Search s = search(net, us[k], draw_start(j, n, in.recording.visited_states, rng));
        unconverged += s.outcome == Outcome::NotConverged;
        if (s.outcome != Outcome::NotConverged) found.push_back(std::move(s));
      }
      for (auto& s : deduplicate(std::move(found))) {
        points.push_back(std::move(s));
        input_of.push_back(static_cast<int>(k));
      }
    }
    write(in, us, points, input_of, out);
    out.scalar("starts", double(starts_ * std::int64_t(us.size())));
    out.scalar("unconverged_starts", double(unconverged));
    out.scalar("seconds",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }

 private:
  void write(const sdk::AnalysisInput& in, const std::vector<Eigen::VectorXd>& us,
             const std::vector<Search>& points, const std::vector<int>& input_of,
             sdk::AnalysisSink& out) const {
    const Eigen::Index n = in.net.size(), m = Eigen::Index(points.size());
    Eigen::MatrixXd x(m, n), inputs(Eigen::Index(us.size()), in.net.W_in.cols());
    Eigen::VectorXd is_fixed(m), stable(m), q(m), index(m), max_re(m), unstable_dims(m);
    Eigen::MatrixXd J(n, n);
    int fixed = 0, stable_fixed = 0;
    for (Eigen::Index i = 0; i < m; ++i) {
      const Search& s = points[static_cast<std::size_t>(i)];
      x.row(i) = s.x.transpose();
      in.net.jacobian(s.x, J);
      const Eigen::VectorXcd ev = sdk::sorted_eigenvalues(J);
      max_re(i) = ev(0).real();
      unstable_dims(i) = double((ev.real().array() > 0).count());
      is_fixed(i) = s.outcome == Outcome::Fixed;
      stable(i) = max_re(i) < 0;
      q(i) = s.q;
      index(i) = input_of[static_cast<std::size_t>(i)];
      fixed += s.outcome == Outcome::Fixed;
      stable_fixed += s.outcome == Outcome::Fixed && max_re(i) < 0;
    }
    for (std::size_t k = 0; k < us.size(); ++k) inputs.row(Eigen::Index(k)) = us[k].transpose();
    out.array("points", x);
    out.vector("is_fixed", is_fixed);
    out.vector("stable", stable);
    out.vector("q", q);
    out.vector("input_index", index);
    out.array("inputs", inputs);
    out.vector("max_real_eigenvalue", max_re);
    out.vector("unstable_dimensions", unstable_dims);
    out.scalar("fixed_points", fixed);
    out.scalar("stable_fixed_points", stable_fixed);
    out.scalar("unstable_fixed_points", fixed - stable_fixed);
    out.scalar("slow_points", double(m - fixed));
    out.scalar("constant_inputs", double(us.size()));
  }

  std::int64_t starts_;
  double visited_fraction_, start_noise_, random_scale_, tolerance_, merge_distance_,
      slow_gradient_, slow_max_q_;
  int max_iterations_;
  std::uint64_t seed_;
  std::vector<double> input_;
};

}  // namespace neohebb::plugins
