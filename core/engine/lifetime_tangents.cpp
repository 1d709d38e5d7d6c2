// Forward-mode tangents of a lifetime for every direction p at once, over the stored primal
// trajectory of the trial (docs/meta-learning.md): X_p = dx/dtheta_p, Xbar_p, D_p = dd/dtheta_p,
// E_p = de_T/dtheta_p, the output tangents Z_p that give dR/dtheta_p and d log pi/dtheta_p, and
// U_p = dW/dtheta_p through the rule's update.
#include <algorithm>

#include "core/engine/lifetime.hpp"

namespace neohebb::core {

namespace {
// Rows of the chunk buffers (P N x C K) stay within this many entries (~16 MB of doubles).
constexpr Eigen::Index kChunkEntries = 2'000'000;
}  // namespace

template <class S>
void Lifetime<S>::allocate_tangents() {
  const int M = T_ - first_trace_step_, L = setup_.trace->post_terms(),
            n_out = setup_.layout.outputs, P = tangents_.P;
  const Eigen::Index PN = Eigen::Index(P) * N_;
  auto& t = tangent_work_;
  tangents_.U.setZero(PN, N_);
  tangents_.Xbar.setZero(N_, P);
  for (auto* m : {&t.X, &t.X_next, &t.D, &t.Rr, &t.dI}) m->setZero(N_, P);
  t.G.setZero(PN, T_);
  t.E1.setZero(PN, N_);
  t.E2.setZero(PN, N_);
  t.chunk_steps =
      static_cast<int>(std::clamp<Eigen::Index>(kChunkEntries / (PN * K_), 1, std::max(M, 1)));
  t.L1_chunk.setZero(PN, Eigen::Index(t.chunk_steps) * K_);
  t.dA_chunk.setZero(PN, Eigen::Index(t.chunk_steps) * K_);
  t.Ep.setZero(N_, N_);
  t.dmu.setZero(N_, N_);
  t.Z.setZero(n_out, P);
  t.NL.setZero(N_, L);
  t.post_derivative.setZero(N_, L);
  t.pre_derivative.setZero(N_, K_);
  t.Fx.setZero(N_);
  t.FI.setZero(N_);
  t.rate_slope.setZero(N_);
}

// Adds the chunk's terms of E_p = sum_t dP_t,p A_t^T + P_t dA_t,p^T for all p at once:
// E1 += [dP_t,p]_p,t [A_t]_t^T and E2 += [dA_t,p]_p,t [P_t]_t^T (E2 holds E_p^T).
template <class S>
void Lifetime<S>::flush_eligibility_tangents(int first_step, int steps) {
  if (steps == 0) return;
  auto& t = tangent_work_;
  const Eigen::Index col = Eigen::Index(first_step - first_trace_step_) * K_,
                     width = Eigen::Index(steps) * K_;
  t.E1.noalias() += t.L1_chunk.leftCols(width) * work_.pre_stack.middleCols(col, width).transpose();
  t.E2.noalias() +=
      t.dA_chunk.leftCols(width) * work_.post_stack.middleCols(col, width).transpose();
}

// The factors of step t's trace increment, differentiated for every p, into chunk column
// `column`: dP_t,p = w [b(d) e_p + (b'(d) * D_p) theta^T] (the direct term sits in column k), for
// log tau_e dP_t = [w (b'(d) * D) + w' b(d)] theta^T with w' = dw_t/dlog tau_e, for a rule's
// parameter only w (b'(d) * D) theta^T, and dA_t,p = a'(r_t) * (r'_t * X_p).
template <class S>
void Lifetime<S>::eligibility_tangents(int step, int column) {
  const auto& trace = *setup_.trace;
  auto& t = tangent_work_;
  const S w = trace_weight_[static_cast<std::size_t>(step)];
  const Eigen::Index col = Eigen::Index(column) * K_, N = N_;
  trace.post_basis(work_.deviations.col(step), work_.post_basis);
  trace.post_basis_derivative(work_.deviations.col(step), t.post_derivative);
  trace.pre_basis_derivative(work_.rates.col(step), t.pre_derivative);
  for (int p = 0; p < tangents_.P; ++p) {
    t.NL = t.post_derivative.array().colwise() * t.D.col(p).array();
    auto dP = t.L1_chunk.block(Eigen::Index(p) * N, col, N, K_);
    if (p == tau_direction_) {
      t.NL = w * t.NL + trace_weight_tau_[static_cast<std::size_t>(step)] * work_.post_basis;
      dP.noalias() = t.NL * theta_t_;
    } else {
      dP.noalias() = (w * t.NL) * theta_t_;
      if (static_cast<std::size_t>(p) < setup_.directions.size()) {  // a rule's has no direct term
        const auto [k, l] = setup_.directions[static_cast<std::size_t>(p)];
        dP.col(k) += w * work_.post_basis.col(l);
      }
    }
    t.dA_chunk.block(Eigen::Index(p) * N, col, N, K_) =
        t.pre_derivative.array().colwise() * t.Rr.col(p).array();
  }
}

// Step t of the tangents: the state's, the running average's and the deviation's, the trace's
// (flushed a chunk at a time), and the output's, which give the reward's and log pi's.
template <class S>
void Lifetime<S>::tangent_step(int step, int& chunk_first, int& in_chunk) {
  const auto& el = setup_.eligibility;
  const double beta = el.average_beta;
  const auto& neuron = *setup_.neuron;
  auto& t = tangent_work_;
  auto& Xbar = tangents_.Xbar;
  t.dI = Eigen::Map<const sdk::Mat<S>>(t.G.col(step).data(), N_, tangents_.P);
  t.dI.noalias() += state_.W * t.Rr;
  neuron.step_partials(work_.xs.col(step), work_.currents.col(step), t.Fx, t.FI);
  t.X_next = t.X.array().colwise() * t.Fx.array() + t.dI.array().colwise() * t.FI.array();
  stepper_.clamp_tangent(t.X_next);
  if (el.postsynaptic == Postsynaptic::Perturbation) {  // the kicks do not depend on theta
    Xbar = beta * Xbar + (1.0 - beta) * t.X_next;
    t.D.setZero();
  } else if (el.deviation == Deviation::BeforeAverage) {
    t.D = Xbar - t.X_next;
    Xbar = beta * Xbar + (1.0 - beta) * t.X_next;
  } else {
    Xbar = beta * Xbar + (1.0 - beta) * t.X_next;
    t.D = Xbar - t.X_next;
  }
  if (step >= first_trace_step_) {
    eligibility_tangents(step, in_chunk);
    if (++in_chunk == t.chunk_steps) {
      flush_eligibility_tangents(chunk_first, in_chunk);
      chunk_first = step + 1;
      in_chunk = 0;
    }
  }
  t.X.swap(t.X_next);
  // The next step's rate tangents, and through them Z_p = W_out (r'(x_t+1) * X_p); the reward
  // and log-policy tangents follow by the chain rule.
  neuron.rate_derivative(work_.xs.col(step + 1), t.rate_slope);
  t.Rr = t.X.array().colwise() * t.rate_slope.array();
  t.Z.noalias() = state_.W_out * t.Rr;
  for (int p = 0; p < tangents_.P; ++p) {
    tangents_.dR_task(p) += sdk::real_part(t.Z.col(p).dot(work_.dR_dz.col(step)));
    if (state_.action >= 0)
      tangents_.dlogpi(p) += sdk::real_part(t.Z.col(p).dot(work_.dlogpi_dz.col(step)));
  }
}

template <class S>
void Lifetime<S>::propagate_tangents() {
  auto& t = tangent_work_;
  // U_p r_t for every p and t: one (P N x N)(N x T) product.
  t.G.noalias() = tangents_.U * work_.rates;
  t.E1.setZero();
  t.E2.setZero();
  tangents_.dR_task.setZero();
  tangents_.dlogpi.setZero();
  int chunk_first = first_trace_step_, in_chunk = 0;
  setup_.neuron->rate_derivative(work_.xs.col(0), t.rate_slope);
  t.Rr = t.X.array().colwise() * t.rate_slope.array();  // r'_t * X_p: the rates' tangents
  for (int step = 0; step < T_; ++step) tangent_step(step, chunk_first, in_chunk);
  flush_eligibility_tangents(chunk_first, in_chunk);
}

// U_p += dmu/dtheta_p, from the rule, with E_p = E1_p + E2_p^T.
template <class S>
void Lifetime<S>::update_tangents(const sdk::TrialOutcome<S>& outcome, const Eigen::VectorXd& dR) {
  auto& t = tangent_work_;
  for (int p = 0; p < tangents_.P; ++p) {
    auto U_p = tangents_.U.middleRows(Eigen::Index(p) * N_, N_);
    t.Ep = t.E1.middleRows(Eigen::Index(p) * N_, N_) +
           t.E2.middleRows(Eigen::Index(p) * N_, N_).transpose();
    state_.rule->weight_update_tangent(outcome, p, S(dR(p)), work_.e, t.Ep, state_.W, U_p, t.dmu);
    U_p += t.dmu;
  }
}

#define NEOHEBB_LIFETIME_TANGENTS(S)                               \
  template void Lifetime<S>::allocate_tangents();                  \
  template void Lifetime<S>::flush_eligibility_tangents(int, int); \
  template void Lifetime<S>::eligibility_tangents(int, int);       \
  template void Lifetime<S>::tangent_step(int, int&, int&);        \
  template void Lifetime<S>::propagate_tangents();                 \
  template void Lifetime<S>::update_tangents(const sdk::TrialOutcome<S>&, const Eigen::VectorXd&);
NEOHEBB_LIFETIME_TANGENTS(sdk::Real)
NEOHEBB_LIFETIME_TANGENTS(sdk::Complex)
#undef NEOHEBB_LIFETIME_TANGENTS

}  // namespace neohebb::core
