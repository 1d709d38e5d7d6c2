#pragma once
// Analyses of trained networks. An analysis reads the network, the trajectories the host recorded
// from test trials (plasticity and exploration off) and the results of the analyses it depends
// on, and writes named arrays and scalars.
//
// Every analysis studies the continuous-time rate dynamics of which each neuron model's step is
// the Euler discretisation, with time in units of the membrane time constant tau:
//
//   dx/dt = F(x) = -x + W phi(x) + W_in u,     J(x) = dF/dx = -I + W diag(phi'(x)),
//
// so the stability boundary of an eigenvalue is Re(lambda) = 0. Clamped units (bias units held at
// a constant x) are not state variables: F is zero on them, and their rows and columns of J are
// those of -I, so each adds one decoupled eigenvalue -1 and nothing else to the spectrum.
#include <map>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "neohebb/sdk/component.hpp"
#include "neohebb/sdk/neuron_model.hpp"

namespace neohebb::sdk {

// What an analysis reads: a trained network and the neuron model it runs with.
struct TrainedNetwork {
  const Eigen::MatrixXd& W;      // N x N, W(post, pre)
  const Eigen::MatrixXd& W_in;   // N x inputs
  const Eigen::MatrixXd& W_out;  // outputs x N
  const NeuronModel<Real>& neuron;
  std::vector<int> clamped_units = {};  // held at clamped_values (same order)
  std::vector<double> clamped_values = {};

  Eigen::Index size() const { return W.rows(); }

  // F(x) for the constant input u; zero on clamped units.
  void velocity(const Eigen::VectorXd& x, const Eigen::VectorXd& u, Eigen::VectorXd& F) const {
    Eigen::VectorXd r(x.size());
    neuron.rate(x, r);
    F.noalias() = W * r;
    F.noalias() += W_in * u;
    F -= x;
    for (int c : clamped_units) F(c) = 0.0;
  }

  // J(x) = -I + W diag(phi'(x)), clamped units decoupled (rows and columns of -I).
  void jacobian(const Eigen::VectorXd& x, Eigen::MatrixXd& J) const {
    Eigen::VectorXd slope(x.size());
    neuron.rate_derivative(x, slope);
    J.noalias() = W * slope.asDiagonal();
    J.diagonal().array() -= 1.0;
    for (int c : clamped_units) {
      J.row(c).setZero();
      J.col(c).setZero();
      J(c, c) = -1.0;
    }
  }

  // W_in with the rows of clamped units zeroed: the input cannot move a clamped unit.
  Eigen::MatrixXd effective_input_weights() const {
    Eigen::MatrixXd B = W_in;
    for (int c : clamped_units) B.row(c).setZero();
    return B;
  }

  // Sets the clamped units of x to their values.
  void clamp(Eigen::VectorXd& x) const {
    for (std::size_t i = 0; i < clamped_units.size(); ++i) x(clamped_units[i]) = clamped_values[i];
  }
};

// Test trials the host recorded for the analyses, with plasticity and exploration off.
struct Recording {
  std::vector<std::string> conditions;       // condition names, in the order of mean_states
  std::vector<Eigen::MatrixXd> mean_states;  // per condition: N x T condition-averaged x_t
  Eigen::MatrixXd visited_states;            // N x S states visited in the recorded trials
  // Constant inputs u at which to look for fixed points: zero first, then each distinct
  // context input of the task (the input channels held constant through a trial).
  std::vector<Eigen::VectorXd> constant_inputs;
  std::vector<std::string> constant_input_names;
};

// Results of earlier analyses, by analysis name and then array name. A vector is an n x 1
// column here; a complex array `c` is two arrays, `c_re` and `c_im`.
using AnalysisResults = std::map<std::string, std::map<std::string, Eigen::MatrixXd>>;

struct AnalysisInput {
  const TrainedNetwork& net;
  const Recording& recording;
  const AnalysisResults& earlier;
};

// Where an analysis writes its named results; the host stores them in the run directory (as
// NumPy writes such arrays: a matrix 2-D, a vector 1-D, a complex array one complex128 file) and
// hands them to the analyses that depend on this one.
class AnalysisSink {
 public:
  virtual ~AnalysisSink() = default;
  virtual void array(const std::string& name, const Eigen::Ref<const Eigen::MatrixXd>& a) = 0;
  // One value per point, condition or sample: a 1-D array of n elements.
  virtual void vector(const std::string& name, const Eigen::Ref<const Eigen::VectorXd>& v) = 0;
  virtual void complex_array(const std::string& name,
                             const Eigen::Ref<const Eigen::MatrixXcd>& a) = 0;
  virtual void scalar(const std::string& name, double value) = 0;
};

class Analysis : public Component<Real> {
 public:
  // Analyses whose results this one needs in AnalysisInput::earlier; the host runs them first.
  virtual std::vector<std::string> requires_results() const { return {}; }
  // Analyses whose results this one uses when they are run too (the host runs them first).
  virtual std::vector<std::string> uses_results() const { return {}; }
  virtual void analyze(const AnalysisInput& in, AnalysisSink& out) const = 0;
};

}  // namespace neohebb::sdk
