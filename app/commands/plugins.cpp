// `neohebb plugins [NAME]`: what is installed, with every parameter; `--markdown` for docs/.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "core/config/parameter_listing.hpp"
#include "core/loader/plugin_search.hpp"
#include "core/support/errors.hpp"

namespace neohebb::app {

void plugins(const PluginsArgs& args, Context& ctx) {
  for (const auto& p : args.paths) ctx.registry.load_path(p);
  core::load_default_plugins(ctx.registry);
  for (const auto& f : ctx.registry.failures()) {
    fmt::print(stderr, "{}: {}\n", f.duplicate ? "error" : "warning", f.message);
    if (f.duplicate) ctx.exit_code = 1;  // the listing is still shown
  }
  if (args.markdown) {
    fmt::print("{}", core::parameter_reference_markdown(ctx.registry));
    return;
  }
  const std::string listing = core::plugin_listing(ctx.registry, args.name);
  if (listing.empty())
    throw core::RunError(
        fmt::format("no component named '{}'; `neohebb plugins` lists them all", args.name));
  fmt::print("{}", listing);
}

}  // namespace neohebb::app
