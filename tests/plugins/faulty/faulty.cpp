// A task that fails on request (in its constructor or during a trial) and has a required
// parameter: the host must turn each failure into a clear error, never a crash.
#include <neohebb/sdk/plugin.hpp>

namespace {

using namespace neohebb;

template <class S>
class FaultyTask final : public sdk::Task<S> {
 public:
  static sdk::ParamSchema schema() {
    return {
        sdk::ParamSpec::text("fail", "never", "where to throw: 'never', 'constructor', 'trial'")
            .one_of({"never", "constructor", "trial"}),
        sdk::ParamSpec::required("level", sdk::ParamType::Real, "a required value"),
    };
  }
  explicit FaultyTask(const sdk::ParamSet& p) : fail_(p.text("fail")) {
    if (fail_ == "constructor")
      throw sdk::ParameterError("fail", "asked to fail in the constructor");
  }
  void setup(const sdk::TaskSetup&) override {}
  sdk::TaskLayout layout() const override { return {1, 1, 10, 1}; }
  void make_trial(std::int64_t trial, sdk::Rng&, sdk::TrialSpec& out) const override {
    if (fail_ == "trial" && trial == 3) throw sdk::Error("faulty_task: asked to fail in trial 3");
    out.condition = 0;
    out.input.setOnes(1, 10);
    out.target.setZero(1, 10);
    out.response_begin = 5;
    out.response_end = 10;
  }
  S reward(const sdk::TrialSpec&, sdk::MatCRef<S> z) const override { return -z.sum(); }
  void reward_gradient(const sdk::TrialSpec&, sdk::MatCRef<S>, sdk::MatRef<S> g) const override {
    g.setConstant(S(-1));
  }
  bool correct(const sdk::TrialSpec&, sdk::MatCRef<S>) const override { return false; }

 private:
  std::string fail_;
};

}  // namespace

NEOHEBB_PLUGIN("faulty", "0.0.1",
               neohebb::sdk::component<neohebb::sdk::Kind::Task, FaultyTask>(
                   "faulty_task", "fails on request (tests only)"))
