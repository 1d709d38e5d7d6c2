#pragma once
// What an analysis plugin's test needs to run it on a small network with a known answer:
// neuron models with phi(x) = x and phi(x) = tanh(x), a sink that keeps the results in memory,
// and a one-call runner.
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "neohebb/sdk/analysis.hpp"

namespace neohebb::sdk::testing {

// Leaky neuron with the transfer function phi: 0 linear (phi(x) = x), 1 tanh.
class TestNeuron final : public NeuronModel<Real> {
 public:
  explicit TestNeuron(bool tanh_rate) : tanh_(tanh_rate) {}
  double dt() const override { return 1.0; }
  void rate(VecCRef<Real> x, VecRef<Real> r) const override {
    r = tanh_ ? Vec<Real>(x.array().tanh()) : Vec<Real>(x);
  }
  void rate_derivative(VecCRef<Real> x, VecRef<Real> dr) const override {
    if (tanh_)
      dr = 1.0 - x.array().tanh().square();
    else
      dr.setOnes();
  }
  void step(VecCRef<Real> x, VecCRef<Real> current, VecRef<Real> x_next) const override {
    x_next = x + 0.1 * (current - x);
  }
  void step_partials(VecCRef<Real>, VecCRef<Real>, VecRef<Real> F_x,
                     VecRef<Real> F_I) const override {
    F_x.setConstant(0.9);
    F_I.setConstant(0.1);
  }

 private:
  bool tanh_;
};

inline const TestNeuron& linear_neuron() {
  static const TestNeuron n(false);
  return n;
}
inline const TestNeuron& tanh_neuron() {
  static const TestNeuron n(true);
  return n;
}

// Keeps what an analysis writes: matrices and vectors (as n x 1 columns, marked in `vectors`) in
// `arrays`, complex arrays in `complex_arrays`.
class MemorySink final : public AnalysisSink {
 public:
  void array(const std::string& name, const Eigen::Ref<const Eigen::MatrixXd>& a) override {
    arrays[name] = a;
  }
  void vector(const std::string& name, const Eigen::Ref<const Eigen::VectorXd>& v) override {
    arrays[name] = v;
    vectors.insert(name);
  }
  void complex_array(const std::string& name,
                     const Eigen::Ref<const Eigen::MatrixXcd>& a) override {
    complex_arrays[name] = a;
  }
  void scalar(const std::string& name, double value) override { scalars[name] = value; }
  const Eigen::MatrixXd& at(const std::string& name) const { return arrays.at(name); }
  const Eigen::MatrixXcd& complex_at(const std::string& name) const {
    return complex_arrays.at(name);
  }
  std::map<std::string, Eigen::MatrixXd> arrays;
  std::set<std::string> vectors;
  std::map<std::string, Eigen::MatrixXcd> complex_arrays;
  std::map<std::string, double> scalars;
};

// Runs `analysis` and returns its results.
inline MemorySink run_analysis(const Analysis& analysis, const TrainedNetwork& net,
                               const Recording& recording = {},
                               const AnalysisResults& earlier = {}) {
  MemorySink sink;
  analysis.analyze(AnalysisInput{net, recording, earlier}, sink);
  return sink;
}

}  // namespace neohebb::sdk::testing
