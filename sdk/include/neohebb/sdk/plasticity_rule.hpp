#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "neohebb/sdk/component.hpp"
#include "neohebb/sdk/errors.hpp"

namespace neohebb::sdk {

template <class S>
struct TrialOutcome {
  std::int64_t trial = 0;  // index within the lifetime, from 0
  int condition = 0;       // the task's condition id
  S reward = S(0);
};

// A positive parameter of a rule that meta-learning may move ([meta] learn_rule): the host moves
// u = log(value), kept at value >= minimum.
struct LearnableParameter {
  std::string name;  // the rule's parameter of that name
  double value = 1;  // as the rule was built
  double minimum = 0;
};

// Three-factor rule: the end-of-trial weight change mu from the eligibility e_T, the reward and
// the rule's own state (e.g. a reward baseline). One instance lives for one lifetime.
//
// Tangents: for meta-learning direction p the host supplies E_p = de/dtheta_p,
// dR_p = dR/dtheta_p and U_p = dW/dtheta_p; the rule returns dmu/dtheta_p and keeps the
// tangents of its own state (dRbar/dtheta_p) in `end_trial`.
//
// Adjoints (reverse mode): the host checkpoints the rule's state as a flat list of scalars and,
// walking the lifetime backwards, asks for the vector-Jacobian products of `weight_update` and
// `end_trial` at the state the rule had before that trial (restored with `load_state`).
template <class S>
class PlasticityRule : public Component<S> {
 public:
  // Meta-learnable parameters (none by default).
  virtual std::vector<LearnableParameter> learnable_parameters() const { return {}; }
  // Before begin_lifetime: the parameters the host learns (indices into learnable_parameters())
  // take `values`. Their tangent directions are the last which.size() of begin_lifetime's
  // `directions`, in this order, as derivatives with respect to u = log(value): the rule adds
  // its direct terms d mu/du (weight_update_tangent) and d state/du (end_trial), and the adjoints
  // of u to parameter_bar[0 .. which.size()) (weight_update_adjoint, end_trial_adjoint).
  virtual void learn_parameters(const std::vector<int>& which, const S* values) {
    if (!which.empty()) throw Error("this rule has no learnable parameters");
    (void)values;
  }
  virtual void begin_lifetime(int conditions, int directions) = 0;
  // False during warm-up trials: the host then skips the update (end_trial still runs).
  virtual bool plastic(std::int64_t trial) const = 0;
  virtual void weight_update(const TrialOutcome<S>& o, MatCRef<S> e, MatCRef<S> W,
                             MatRef<S> mu) const = 0;
  virtual void weight_update_tangent(const TrialOutcome<S>& o, int p, const S& dR_p, MatCRef<S> e,
                                     MatCRef<S> E_p, MatCRef<S> W, MatCRef<S> U_p,
                                     MatRef<S> dmu_p) const = 0;
  // Advances the rule's state after the update; dR holds one reward tangent per direction
  // (nullptr when no tangents are propagated).
  virtual void end_trial(const TrialOutcome<S>& o, const S* dR) = 0;
  virtual S baseline(int condition) const = 0;  // the current reward baseline, for the record

  // The state that end_trial advances (e.g. the baselines), flattened: state_size() scalars.
  virtual int state_size() const = 0;
  virtual void save_state(S* out) const = 0;
  virtual void load_state(const S* in) = 0;
  // Given mu_bar = dJ/dmu: writes e_bar = dJ/de and W_bar = dJ/dW (through mu alone), adds
  // dJ/dR to R_bar, dJ/d(state) to state_bar[0 .. state_size()) and dJ/du of the learned
  // parameters to parameter_bar.
  virtual void weight_update_adjoint(const TrialOutcome<S>& o, MatCRef<S> e, MatCRef<S> W,
                                     MatCRef<S> mu_bar, MatRef<S> e_bar, MatRef<S> W_bar, S& R_bar,
                                     S* state_bar, S* parameter_bar) const = 0;
  // state_bar holds dJ/d(the state after end_trial) and becomes dJ/d(the state before it);
  // adds dJ/dR to R_bar and dJ/du of the learned parameters to parameter_bar.
  virtual void end_trial_adjoint(const TrialOutcome<S>& o, S* state_bar, S& R_bar,
                                 S* parameter_bar) const = 0;
};

}  // namespace neohebb::sdk
