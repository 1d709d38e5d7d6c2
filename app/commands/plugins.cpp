// `neohebb plugins [NAME]`: what is installed, with every parameter; `--markdown` for docs/.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "core/config/parameter_listing.hpp"
#include "core/loader/plugin_search.hpp"
#include "core/support/errors.hpp"

namespace neohebb::app {
namespace {

struct PluginsArgs {
  std::string name;
  bool markdown = false;
  std::vector<std::string> paths;
};

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

}  // namespace

void add_plugins(CLI::App& app, Context& ctx) {
  static PluginsArgs args;
  auto* sub = app.add_subcommand("plugins", "list plugins, their versions and parameters");
  sub->add_option("name", args.name, "only this component ('core' for the core sections)");
  sub->add_flag("--markdown", args.markdown, "print the Markdown parameter reference for docs/");
  sub->add_option("--path", args.paths, "also load plugins from this file or folder (repeatable)")
      ->allow_extra_args(false);
  sub->callback([&ctx] { plugins(args, ctx); });
}

}  // namespace neohebb::app
