// The [analysis] table's own keys, declared like every other section's. Its `run` list (names of
// analysis plugins) and its [analysis.<name>] subtables are checked against the installed
// analyses in experiment.cpp.
#include "core/config/experiment.hpp"

namespace neohebb::core {

const CoreSection& analysis_section() {
  static const CoreSection section{
      "analysis",
      "analyses of the trained networks, run at the end of `neohebb run` (and by `neohebb "
      "analyze`): `run = [\"fixed_points\", ...]` names them (default: none), "
      "`[analysis.<name>]` sets an analysis's parameters",
      {
          sdk::ParamSpec::integer("test_trials", 10,
                                  "test trials recorded per task condition for the analyses "
                                  "(final weights, plasticity and exploration off)")
              .at_least(1)
              .at_most(100000),
      }};
  return section;
}

}  // namespace neohebb::core
