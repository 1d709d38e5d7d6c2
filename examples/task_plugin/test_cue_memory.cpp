#include <gtest/gtest.h>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "cue_memory.hpp"

using namespace neohebb;

TEST(CueMemory, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<example::CueMemory>(
      sdk::defaults_of(example::CueMemory<double>::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}
