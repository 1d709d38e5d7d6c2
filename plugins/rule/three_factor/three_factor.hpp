#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <neohebb/sdk/plasticity_rule.hpp>
#include <neohebb/sdk/typed_parameters.hpp>

namespace neohebb::plugins {

enum class Baseline { Global, PerCondition, None };
constexpr std::array<const char*, 3> choice_names(Baseline) {
  return {"global", "per_condition", "none"};
}
enum class ClipShape { Hard, Smooth };
constexpr std::array<const char*, 2> choice_names(ClipShape) {
  return {"hard", "smooth"};
}
enum class Modulation { Plain, BaselineMagnitude };
constexpr std::array<const char*, 2> choice_names(Modulation) {
  return {"plain", "baseline_magnitude"};
}

// The rule's parameters, declared once (sdk/typed_parameters.hpp).
struct ThreeFactorParams {
  double eta = 0.1;
  Baseline baseline = Baseline::PerCondition;
  double baseline_tau = 4.0;
  double baseline_init = 0.0;
  Modulation modulation = Modulation::Plain;
  double modulation_power = 1.0;
  double clip = 0.0;
  ClipShape clip_shape = ClipShape::Hard;
  std::int64_t warmup_trials = 0;

  static auto fields() {
    using F = sdk::Fields<ThreeFactorParams>;
    return std::tuple{
        F::field(&ThreeFactorParams::eta, "eta", "learning rate").at_least(0),
        F::field(&ThreeFactorParams::baseline, "baseline",
                 "reward baseline Rbar: 'global', 'per_condition' or 'none' (Rbar = 0)"),
        F::field(&ThreeFactorParams::baseline_tau, "baseline_tau",
                 "time constant of the baseline's running average: Rbar <- (1 - 1/tau) Rbar + "
                 "(1/tau) R, counted in trials of its condition")
            .with_unit("trials")
            .at_least(1),
        F::field(&ThreeFactorParams::baseline_init, "baseline_init",
                 "value of Rbar at the start of a lifetime"),
        F::field(&ThreeFactorParams::modulation, "modulation",
                 "'plain': eta (R - Rbar) e; 'baseline_magnitude': eta |Rbar| (R - Rbar) e "
                 "(Miconi 2017)"),
        F::field(&ThreeFactorParams::modulation_power, "modulation_power",
                 "exponent p of 'baseline_magnitude': m = |Rbar|^p; p > 1 shrinks the step "
                 "faster as the error falls, p = 1 is Miconi's")
            .at_least(0),
        F::field(&ThreeFactorParams::clip, "clip",
                 "bound on each weight change |mu_ij|; 0 = no clipping")
            .at_least(0),
        F::field(&ThreeFactorParams::clip_shape, "clip_shape",
                 "'hard': min(max(mu, -clip), clip) (Miconi 2017; a clipped synapse has no "
                 "derivative); 'smooth': clip tanh(mu / clip), differentiable everywhere, so "
                 "meta-learning sees the clip it is used with"),
        F::field(&ThreeFactorParams::warmup_trials, "warmup_trials",
                 "trials at the start of a lifetime that only fill the baseline")
            .with_unit("trials")
            .at_least(0),
    };
  }
};

// mu = clip( eta * m * (R - Rbar) * e_T ), with Rbar a running average of the reward (global,
// per condition, or none) updated after the weight change, and m = 1 or, as in Miconi (2017),
// m = |Rbar|^p (p = 1: an effective learning rate that anneals as the error falls; p sets how
// fast). The clip is hard (Miconi's) or smooth, c tanh(x / c), whose slope 1 - tanh^2(x / c) the
// tangent and the adjoint carry. Meta-learnable (in log space): baseline_tau, through the decay
// a = 1 - 1/tau (da/du = 1 - a), the clip level c (d mu/du = c d mu/dc) and the exponent p
// (dm/du = p m log|Rbar|).
template <class S>
class ThreeFactor final : public sdk::PlasticityRule<S> {
 public:
  static sdk::ParamSchema schema() { return sdk::schema_of<ThreeFactorParams>(); }

  explicit ThreeFactor(const sdk::ParamSet& p)
      : ThreeFactor(sdk::read_params<ThreeFactorParams>(p)) {}
  explicit ThreeFactor(const ThreeFactorParams& p)
      : eta_(p.eta),
        decay_(1.0 - 1.0 / p.baseline_tau),
        power_(p.modulation_power),
        init_(p.baseline_init),
        clip_(p.clip),
        smooth_(p.clip_shape == ClipShape::Smooth),
        warmup_(p.warmup_trials),
        mode_(p.baseline),
        scaled_(p.modulation == Modulation::BaselineMagnitude) {
    if (scaled_ && mode_ == Baseline::None)
      throw sdk::ParameterError(
          "modulation", "modulation 'baseline_magnitude' needs a baseline other than 'none'");
    if (!scaled_ && p.modulation_power != 1.0)
      throw sdk::ParameterError("modulation_power",
                                "modulation_power needs modulation 'baseline_magnitude'");
    if (mode_ != Baseline::None) learnable_.push_back({Learned::BaselineTau, p.baseline_tau});
    if (p.clip > 0) learnable_.push_back({Learned::Clip, p.clip});
    if (scaled_ && p.modulation_power > 0)
      learnable_.push_back({Learned::Power, p.modulation_power});
  }

  // baseline_tau (at least 1) when there is a baseline, the clip level when there is a clip, the
  // modulation's exponent when the step is scaled by |Rbar|^p with p > 0.
  std::vector<sdk::LearnableParameter> learnable_parameters() const override {
    std::vector<sdk::LearnableParameter> out;
    for (const auto& [kind, value] : learnable_) {
      if (kind == Learned::BaselineTau) out.push_back({"baseline_tau", value, 1});
      if (kind == Learned::Clip) out.push_back({"clip", value, 0});
      if (kind == Learned::Power) out.push_back({"modulation_power", value, 0});
    }
    return out;
  }

  void learn_parameters(const std::vector<int>& which, const S* values) override {
    learned_.clear();
    for (std::size_t j = 0; j < which.size(); ++j) {
      if (which[j] < 0 || static_cast<std::size_t>(which[j]) >= learnable_.size())
        throw sdk::Error("three_factor: no learnable parameter " + std::to_string(which[j]));
      const Learned kind = learnable_[static_cast<std::size_t>(which[j])].first;
      learned_.push_back(kind);
      if (kind == Learned::BaselineTau) decay_ = S(1.0) - S(1.0) / values[j];
      if (kind == Learned::Clip) clip_ = values[j];
      if (kind == Learned::Power) power_ = values[j];
    }
  }

  void begin_lifetime(int conditions, int directions) override {
    first_learned_ = directions - static_cast<int>(learned_.size());
    const int slots = mode_ == Baseline::PerCondition ? conditions : 1;
    rbar_.assign(static_cast<std::size_t>(slots), S(mode_ == Baseline::None ? 0.0 : init_));
    drbar_.assign(static_cast<std::size_t>(directions),
                  std::vector<S>(static_cast<std::size_t>(slots), S(0)));
  }

  bool plastic(std::int64_t trial) const override { return trial >= warmup_; }

  void weight_update(const sdk::TrialOutcome<S>& o, sdk::MatCRef<S> e, sdk::MatCRef<S>,
                     sdk::MatRef<S> mu) const override {
    const S gain = S(eta_) * modulation(rbar_[slot(o)]) * (o.reward - rbar_[slot(o)]);
    mu = gain * e;
    if (!clipped()) return;
    mu = mu.unaryExpr([this](const S& v) { return clip(v); });
  }

  // d/dp [eta m (R - Rbar) e] = eta [dm (R - Rbar) + m (dR - dRbar)] e + eta m (R - Rbar) E_p,
  // times the clip's slope: zero wherever the hard clip is active, 1 - tanh^2 for the smooth one.
  // dm = m'(Rbar) dRbar, plus p m log|Rbar| in the exponent's own direction.
  void weight_update_tangent(const sdk::TrialOutcome<S>& o, int p, const S& dR_p, sdk::MatCRef<S> e,
                             sdk::MatCRef<S> E_p, sdk::MatCRef<S>, sdk::MatCRef<S>,
                             sdk::MatRef<S> dmu_p) const override {
    const std::size_t s = slot(o);
    const S rbar = rbar_[s], drbar = drbar_[static_cast<std::size_t>(p)][s];
    const S m = modulation(rbar);
    S dm = modulation_slope(rbar) * drbar;
    if (learned(p) == Learned::Power) dm += modulation_du(rbar, m);
    const S delta = o.reward - rbar;
    dmu_p = S(eta_) * ((dm * delta + m * (dR_p - drbar)) * e + m * delta * E_p);
    apply_clip_slope(S(eta_) * m * delta, e, dmu_p);
    if (learned(p) == Learned::Clip)
      dmu_p += (S(eta_) * m * delta * e).unaryExpr([this](const S& x) { return clip_du(x); });
  }

  // Rbar <- a Rbar + (1 - a) R; the decay's own direction adds (Rbar - R) da/du.
  void end_trial(const sdk::TrialOutcome<S>& o, const S* dR) override {
    if (mode_ == Baseline::None) return;
    const std::size_t s = slot(o);
    const S before = rbar_[s];
    rbar_[s] = decay_ * before + (1.0 - decay_) * o.reward;
    if (!dR) return;
    for (std::size_t p = 0; p < drbar_.size(); ++p) {
      drbar_[p][s] = decay_ * drbar_[p][s] + (1.0 - decay_) * dR[p];
      if (learned(static_cast<int>(p)) == Learned::BaselineTau)
        drbar_[p][s] += (before - o.reward) * (1.0 - decay_);
    }
  }

  // The state is Rbar, one scalar per slot.
  int state_size() const override { return static_cast<int>(rbar_.size()); }
  void save_state(S* out) const override { std::copy(rbar_.begin(), rbar_.end(), out); }
  void load_state(const S* in) override { std::copy(in, in + rbar_.size(), rbar_.begin()); }

  // The transpose of weight_update_tangent: with mu_bar times the clip's slope,
  // e_bar = eta m (R - Rbar) mu_bar and, with s = <mu_bar, e>, R_bar += eta m s,
  // Rbar_bar += eta (m' (R - Rbar) - m) s and u_bar += eta (dm/du) (R - Rbar) s for the exponent.
  // mu does not depend on W.
  void weight_update_adjoint(const sdk::TrialOutcome<S>& o, sdk::MatCRef<S> e, sdk::MatCRef<S>,
                             sdk::MatCRef<S> mu_bar, sdk::MatRef<S> e_bar, sdk::MatRef<S> W_bar,
                             S& R_bar, S* state_bar, S* parameter_bar) const override {
    const std::size_t s = slot(o);
    const S rbar = rbar_[s], m = modulation(rbar), delta = o.reward - rbar;
    const S gain = S(eta_) * m * delta;
    for (std::size_t j = 0; j < learned_.size(); ++j)  // the clip level's direct term
      if (learned_[j] == Learned::Clip)
        parameter_bar[j] +=
            (mu_bar.array() *
             (gain * e).unaryExpr([this](const S& x) { return clip_du(x); }).array())
                .sum();
    e_bar = mu_bar;
    apply_clip_slope(gain, e, e_bar);
    const S dot = (e_bar.array() * e.array()).sum();
    e_bar *= gain;
    W_bar.setZero();
    for (std::size_t j = 0; j < learned_.size(); ++j)
      if (learned_[j] == Learned::Power)
        parameter_bar[j] += S(eta_) * modulation_du(rbar, m) * delta * dot;
    R_bar += S(eta_) * m * dot;
    state_bar[s] += S(eta_) * (modulation_slope(rbar) * delta - m) * dot;
  }

  // Rbar <- a Rbar + (1 - a) R in the trial's slot, transposed (the state before the trial is
  // the rule's, restored by the host).
  void end_trial_adjoint(const sdk::TrialOutcome<S>& o, S* state_bar, S& R_bar,
                         S* parameter_bar) const override {
    if (mode_ == Baseline::None) return;
    const std::size_t s = slot(o);
    for (std::size_t j = 0; j < learned_.size(); ++j)
      if (learned_[j] == Learned::BaselineTau)
        parameter_bar[j] += state_bar[s] * (rbar_[s] - o.reward) * (1.0 - decay_);
    R_bar += (1.0 - decay_) * state_bar[s];
    state_bar[s] *= decay_;
  }

  S baseline(int condition) const override {
    return rbar_[mode_ == Baseline::PerCondition ? static_cast<std::size_t>(condition) : 0];
  }

 private:
  enum class Learned { BaselineTau, Clip, Power, None };

  bool clipped() const { return sdk::real_part(clip_) > 0; }
  // x / c, in real arithmetic when c is real (a complex division rounds differently).
  S over_clip(const S& x) const {
    if constexpr (sdk::is_complex_v<S>)
      if (clip_.imag() == 0) return x / clip_.real();
    return x / clip_;
  }
  // c tanh(x / c), or x held to [-c, c].
  S clip(const S& x) const {
    if (smooth_) return clip_ * std::tanh(over_clip(x));
    if (sdk::real_part(x) > sdk::real_part(clip_)) return clip_;
    if (sdk::real_part(x) < -sdk::real_part(clip_)) return -clip_;
    return x;
  }
  // d clip(x)/du for u = log c: c (tanh(y) - y (1 - tanh^2(y))) with y = x/c, or +-c where the
  // hard clip holds. For |y| < 0.1 the two terms cancel to (2/3) y^3: their series instead,
  // sum_n -2n a_n y^(2n+1) with tanh(y) = sum_n a_n y^(2n+1), to seven terms (error < 1e-15).
  S clip_du(const S& x) const {
    if (smooth_) {
      const S y = over_clip(x);
      if (std::abs(sdk::real_part(y)) < 0.1) {
        static constexpr double kSeries[] = {2.0 / 3,
                                             -8.0 / 15,
                                             34.0 / 105,
                                             -496.0 / 2835,
                                             13820.0 / 155925,
                                             -262128.0 / 6081075,
                                             13013966.0 / 638512875};
        const S y2 = y * y;
        S sum(0);
        for (int i = 6; i >= 0; --i) sum = sum * y2 + kSeries[i];
        return clip_ * sum * y * y2;
      }
      const S t = std::tanh(y);
      return clip_ * (t - y * (S(1.0) - t * t));
    }
    if (std::abs(sdk::real_part(x)) <= sdk::real_part(clip_)) return S(0);
    return sdk::real_part(x) > 0 ? clip_ : S(-clip_);
  }
  // Which learned parameter direction p is, if any.
  Learned learned(int p) const {
    const int j = p - first_learned_;
    return first_learned_ >= 0 && j >= 0 && j < static_cast<int>(learned_.size())
               ? learned_[static_cast<std::size_t>(j)]
               : Learned::None;
  }

  // d clip(x)/dx at x = gain * e, multiplied into `m` (a tangent or an adjoint of mu).
  void apply_clip_slope(const S& gain, sdk::MatCRef<S> e, sdk::MatRef<S> m) const {
    if (!clipped()) return;
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const S x = gain * e(i, j);
        if (smooth_) {
          const S t = std::tanh(over_clip(x));
          m(i, j) *= S(1.0) - t * t;
        } else if (std::abs(sdk::real_part(x)) > sdk::real_part(clip_)) {
          m(i, j) = S(0);
        }
      }
  }

  std::size_t slot(const sdk::TrialOutcome<S>& o) const {
    if (mode_ != Baseline::PerCondition) return 0;
    if (o.condition < 0 || static_cast<std::size_t>(o.condition) >= rbar_.size())
      throw sdk::Error("three_factor: condition id " + std::to_string(o.condition) +
                       " is outside the task's " + std::to_string(rbar_.size()) + " conditions");
    return static_cast<std::size_t>(o.condition);
  }
  // m = |Rbar|^p, or 1. p = 1 takes |Rbar| itself (Miconi's, bit for bit); m(0) = 0 for p > 0.
  S modulation(const S& rbar) const {
    if (!scaled_) return S(1.0);
    const S magnitude = sdk::abs_cs(rbar);
    if (power_is_one()) return magnitude;
    if (sdk::real_part(magnitude) == 0) return sdk::real_part(power_) == 0 ? S(1.0) : S(0);
    return std::pow(magnitude, power_);
  }
  // dm/dRbar = p |Rbar|^(p-1) sign(Rbar). At Rbar = 0 it is taken as 0 (p > 1: its value; p < 1:
  // singular there, a set of measure zero); p = 1 keeps the sign, as |Rbar| does.
  S modulation_slope(const S& rbar) const {
    if (!scaled_) return S(0);
    const S sign(sdk::real_part(rbar) < 0 ? -1.0 : 1.0);
    if (power_is_one()) return sign;
    const S magnitude = sdk::abs_cs(rbar);
    if (sdk::real_part(magnitude) == 0) return S(0);
    return sign * power_ * std::pow(magnitude, power_ - 1.0);
  }
  // dm/du for u = log p: p m log|Rbar| (0 where m = 0).
  S modulation_du(const S& rbar, const S& m) const {
    if (sdk::real_part(m) == 0) return S(0);
    return power_ * m * std::log(sdk::abs_cs(rbar));
  }
  bool power_is_one() const { return power_ == S(1.0); }

  double eta_;
  S decay_;  // a = 1 - 1 / baseline_tau
  S power_;  // p of m = |Rbar|^p
  double init_;
  S clip_;
  bool smooth_;  // the smooth clip, else the hard one
  std::int64_t warmup_;
  Baseline mode_;
  bool scaled_;
  std::vector<S> rbar_;
  std::vector<std::vector<S>> drbar_;                  // [direction][slot]
  std::vector<std::pair<Learned, double>> learnable_;  // and the values the rule was built with
  std::vector<Learned> learned_;                       // learn_parameters' choice, in order
  int first_learned_ = -1;                             // the direction of learned_[0]
};

}  // namespace neohebb::plugins
