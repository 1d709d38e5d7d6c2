// `neohebb validate EXP`: every check `run` makes, without running.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "core/config/document.hpp"
#include "core/config/experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/run/sweep.hpp"

namespace neohebb::app {
namespace {

struct ValidateArgs {
  std::string experiment;
  std::vector<std::string> overrides;
};

void validate(const ValidateArgs& args, Context& ctx) {
  const core::ExperimentSource source{args.experiment, args.overrides, {}, {}};
  if (!core::sweep_grid(source).empty()) {  // a sweep: what `neohebb sweep` checks, every point
    fmt::print("{}: ok, a sweep of {} points\n", args.experiment,
               core::validate_sweep(source, ctx.registry));
    return;
  }
  const auto e = core::load_experiment(source, ctx.registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  if (e.meta.steps > 0) core::validate_meta(e, setup, e.meta);  // what `run` would refuse
  fmt::print("{}: ok (task {}, neuron {}, trace {}, rule {})\n", args.experiment,
             e.plugin("task").type, e.plugin("neuron").type, e.plugin("trace").type,
             e.plugin("rule").type);
}

}  // namespace

void add_validate(CLI::App& app, Context& ctx) {
  static ValidateArgs args;
  auto* sub = app.add_subcommand("validate", "check an experiment file without running it");
  sub->add_option("experiment", args.experiment, "experiment TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  add_set_option(*sub, args.overrides);
  sub->callback([&ctx] { validate(args, ctx); });
}

}  // namespace neohebb::app
