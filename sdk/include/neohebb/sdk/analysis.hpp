#pragma once
#include <string>

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
};

// Where an analysis writes its named results; the host stores them in the run directory.
class AnalysisSink {
 public:
  virtual ~AnalysisSink() = default;
  virtual void array(const std::string& name, const Eigen::Ref<const Eigen::MatrixXd>& a) = 0;
  virtual void scalar(const std::string& name, double value) = 0;
};

class Analysis : public Component<Real> {
 public:
  virtual void analyze(const TrainedNetwork& net, AnalysisSink& out) const = 0;
};

}  // namespace neohebb::sdk
