// The typed core sections: each is declared once, so its schema's defaults, a default-constructed
// struct and the values read back from a validated file must all agree.
#include <gtest/gtest.h>

#include "core/config/sections.hpp"

using namespace neohebb;

namespace {

template <class Section>
void expect_defaults_agree() {
  const sdk::ParamSchema schema = sdk::schema_of<Section>();
  const sdk::ParamSet defaults = sdk::defaults_of(schema);
  EXPECT_EQ(defaults.values().size(), schema.size()) << Section::kName << ": a required field";
  EXPECT_TRUE(sdk::read_params<Section>(defaults) == Section{}) << Section::kName;
  EXPECT_EQ(sdk::to_params(Section{}).values(), defaults.values()) << Section::kName;
}

}  // namespace

TEST(Sections, DefaultConstructedStructEqualsSchemaDefaults) {
  core::CoreSections{}.for_each(
      [](const auto& s) { expect_defaults_agree<std::decay_t<decltype(s)>>(); });
  expect_defaults_agree<core::AnalysisSection>();
}

TEST(Sections, ListedInFileOrder) {
  std::vector<std::string> names;
  for (const auto& s : core::core_sections()) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"experiment", "network", "exploration", "meta",
                                             "eligibility"}));
}

TEST(Sections, ChoicesAreEnumsWithTheirNames) {
  const auto schema = sdk::schema_of<core::MetaSection>();
  const auto on_divergence = std::find_if(schema.begin(), schema.end(),
                                          [](const auto& s) { return s.name == "on_divergence"; });
  ASSERT_NE(on_divergence, schema.end());
  EXPECT_EQ(on_divergence->choices,
            (std::vector<std::string>{"stop", "backtrack", "skip", "worst"}));
  sdk::ParamSet p = sdk::defaults_of(schema);
  p.set("on_divergence", std::string("backtrack"));
  p.set("optimizer", std::string("sgd"));
  const auto meta = sdk::read_params<core::MetaSection>(p);
  EXPECT_EQ(meta.on_divergence, core::MetaDivergence::Backtrack);
  EXPECT_EQ(meta.optimizer, core::Optimizer::Sgd);
  EXPECT_EQ(sdk::choice_name(meta.on_divergence), "backtrack");
  p.set("optimizer", std::string("rmsprop"));  // never validated: refused, not misread
  EXPECT_THROW(sdk::read_params<core::MetaSection>(p), sdk::ParameterError);
}

TEST(Sections, UnitListsRoundTrip) {
  core::NetworkSection net;
  net.clamped_units = {1, 10, 11};
  net.clamped_values = {1.0, 1.0, -1.0};
  const sdk::ParamSet p = sdk::to_params(net);
  EXPECT_EQ(p.integers("clamped_units"), (std::vector<std::int64_t>{1, 10, 11}));
  EXPECT_TRUE(sdk::read_params<core::NetworkSection>(p) == net);
}
