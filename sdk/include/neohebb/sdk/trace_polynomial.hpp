#pragma once
#include <string>

#include "neohebb/sdk/component.hpp"

namespace neohebb::sdk {

// The eligibility increment f(r_j, d_i) = sum_kl theta_kl a_k(r_j) b_l(d_i), separable in a
// presynaptic basis a_k (K terms) and a postsynaptic basis b_l (L terms). The host owns theta
// (it is what meta-learning changes); the plugin owns the bases and theta's initial value.
template <class S>
class TracePolynomial : public Component<S> {
 public:
  virtual int pre_terms() const = 0;   // K
  virtual int post_terms() const = 0;  // L
  // A(j, k) = a_k(r_j), N x K; and its elementwise derivative a_k'(r_j).
  virtual void pre_basis(VecCRef<S> r, MatRef<S> A) const = 0;
  virtual void pre_basis_derivative(VecCRef<S> r, MatRef<S> dA) const = 0;
  // B(i, l) = b_l(d_i), N x L; and b_l'(d_i).
  virtual void post_basis(VecCRef<S> d, MatRef<S> B) const = 0;
  virtual void post_basis_derivative(VecCRef<S> d, MatRef<S> dB) const = 0;
  // theta's initial value (K x L) and which of its entries meta-learning may change.
  virtual Mat<Real> initial_coefficients() const = 0;
  virtual bool learnable(int k, int l) const = 0;
  virtual std::string pre_term_name(int k) const = 0;   // e.g. "r^2"
  virtual std::string post_term_name(int l) const = 0;  // e.g. "d^3"
};

}  // namespace neohebb::sdk
