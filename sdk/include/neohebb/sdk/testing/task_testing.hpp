#pragma once
// A task instance for tests, as the host would build it: its schema's defaults with `overrides`
// applied, then setup at the neuron's step dt (ms). In a task's test:
//
//   using neohebb::sdk::testing::make_task;
//   const auto task = make_task<MyTask>();          // the defaults, dt = 1 ms
//   const auto coarse = make_task<MyTask>(p, 5.0);  // overrides p, dt = 5 ms
//
// Unlike the host, it does not check the overrides against the schema's ranges; a task's own
// checks (sdk::ParameterError from its constructor or setup) still apply.
#include <type_traits>

#include "neohebb/sdk/parameters.hpp"
#include "neohebb/sdk/task.hpp"

namespace neohebb::sdk::testing {

template <template <class> class Impl>
Impl<double> make_task(const ParamSet& overrides = {}, double dt = 1.0) {
  static_assert(std::is_base_of_v<Task<double>, Impl<double>>, "make_task builds tasks");
  Impl<double> task(defaults_of(Impl<double>::schema(), overrides));
  task.setup({dt});
  return task;
}

}  // namespace neohebb::sdk::testing
