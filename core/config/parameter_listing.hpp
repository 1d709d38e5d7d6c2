#pragma once
// Human-readable listings of the declared parameters: `neohebb plugins` on a terminal, and the
// Markdown reference in docs/ (generated from the same declarations, never written by hand).
#include <string>

#include "core/loader/plugin_registry.hpp"

namespace neohebb::core {

// Every component (or only those named `name`), with kind, plugin version and parameters.
std::string plugin_listing(const PluginRegistry& registry, const std::string& name = "");

// docs/reference/parameters.md: the core sections and every installed component.
std::string parameter_reference_markdown(const PluginRegistry& registry);

}  // namespace neohebb::core
