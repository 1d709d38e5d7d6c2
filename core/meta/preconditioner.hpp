#pragma once
// [meta] precondition = "basis": a step size per coefficient from the scale of its basis term.
// Adam moves every coefficient by about the learning rate, whatever its term's size; with the
// degree-5 monomial basis the terms a_k(r) b_l(d) span orders of magnitude (d^0 is 1, d^5 of a
// deviation of 0.1 is 1e-5), so one step that suits r^3 d^3 makes the low-order terms swamp the
// rule. The multiplier of coefficient (k, l) is median_s / s_kl, s_kl the root mean square of
// a_k(r_j) b_l(d_i) over the synapses and trace steps of a few probe trials of the initial rule.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "core/engine/setup.hpp"

namespace neohebb::core {

// s_kl (K x L) from `trials` trials of a probe lifetime with its own seed.
Eigen::MatrixXd basis_scales(const Setup<sdk::Real>& setup, const Eigen::MatrixXd& theta,
                             int trials = 5);

// median_s / s_p over the learnable coefficients (1 where s_p is 0).
Eigen::VectorXd basis_step_multipliers(const Setup<sdk::Real>& setup,
                                       const Eigen::MatrixXd& scales);

}  // namespace neohebb::core
