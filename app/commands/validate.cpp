// `neohebb validate EXP`: every check `run` makes, without running.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "core/config/experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/run/sweep.hpp"

namespace neohebb::app {

void validate(const ValidateArgs& args, Context& ctx) {
  const core::ExperimentSource source{args.experiment, args.overrides, {}, {}, {}};
  if (core::describes_sweep(source)) {  // a sweep: what `neohebb sweep` checks, every point
    fmt::print("{}: ok, a sweep of {} points\n", args.experiment,
               core::validate_sweep(source, ctx.registry));
    return;
  }
  const auto e = core::load_experiment(source, ctx.registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  if (e.meta.steps > 0) core::check_meta(e, setup);  // what `run` would refuse
  fmt::print("{}: ok (task {}, neuron {}, trace {}, rule {})\n", args.experiment,
             e.plugin("task").type, e.plugin("neuron").type, e.plugin("trace").type,
             e.plugin("rule").type);
}

}  // namespace neohebb::app
