#include "core/config/sections.hpp"

namespace neohebb::core {

const std::vector<CoreSection>& core_sections() {
  static const std::vector<CoreSection> sections = [] {
    std::vector<CoreSection> out;
    CoreSections{}.for_each(
        [&](const auto& s) { out.push_back(core_section<std::decay_t<decltype(s)>>()); });
    return out;
  }();
  return sections;
}

const std::vector<PluginSection>& plugin_sections() {
  static const std::vector<PluginSection> sections = {
      {"neuron", sdk::Kind::NeuronModel, "rate_tanh"},
      {"trace", sdk::Kind::TracePolynomial, nullptr},
      {"rule", sdk::Kind::PlasticityRule, nullptr},
      {"task", sdk::Kind::Task, nullptr},
  };
  return sections;
}

const CoreSection& analysis_section() {
  static const CoreSection section = core_section<AnalysisSection>();
  return section;
}

}  // namespace neohebb::core
