#pragma once
// `neohebb check-gradients`: the forward-mode meta-gradient of one lifetime against the
// complex-step derivative (the whole lifetime in complex arithmetic with theta_p + ih, exact to
// rounding), against central finite differences with Richardson extrapolation and against the
// reverse-mode (adjoint) one; per trial and cumulated over the lifetime, with the growth of the
// tangents' norm.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/config/experiment.hpp"

namespace neohebb::core {

struct GradientCheckOptions {
  std::int64_t trials = 0;  // 0: the experiment's
  bool finite_differences = true;
  int threads = 0;
};

struct GradientTable {
  std::string label;       // "trial 1", ..., "cumulative"
  Eigen::MatrixXd values;  // P x 4: forward mode, complex step, finite differences, adjoint
};

struct GradientCheck {
  std::string quantity;                   // what is differentiated, in words
  std::string cumulative;                 // the cumulative objective, in words
  std::vector<std::string> coefficients;  // one name per direction, e.g. "r^2 d^3"
  std::vector<GradientTable> tables;
  std::vector<double> tangent_norm;  // ||dW/dtheta||_F after each trial
};

GradientCheck check_gradients(const Experiment& e, const GradientCheckOptions& options);

// Normwise relative error max_p |a_p - b_p| / max_p |b_p| (b = the reference column): a
// per-coefficient ratio would divide rounding noise by gradients that are themselves ~0.
double max_relative_error(const Eigen::MatrixXd& values, int column, int reference);

std::string gradient_check_report(const GradientCheck& c);  // text tables for the terminal
std::string gradient_check_csv(const GradientCheck& c);     // table,coefficient,fm,cs,fd,adjoint
std::string tangent_norm_csv(const GradientCheck& c);       // trial,tangent_norm

}  // namespace neohebb::core
