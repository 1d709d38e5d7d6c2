// Layout tripwires for the types that cross the plugin boundary. If one of these fails you
// changed an SDK type: bump sdk::kAbiVersion (plugins built before must be refused), then update
// the numbers here.
#include <gtest/gtest.h>

#include <neohebb/sdk/plugin.hpp>

using namespace neohebb;

TEST(SdkAbi, VersionMatchesTheLayoutsBelow) {
  EXPECT_EQ(sdk::kAbiVersion, 7u);
}

TEST(SdkAbi, LayoutsOfBoundaryTypes) {
  EXPECT_EQ(sizeof(sdk::BuildFingerprint), 32u);
  EXPECT_EQ(offsetof(sdk::BuildFingerprint, abi_version), 4u);
  EXPECT_EQ(sizeof(sdk::TaskSetup), 8u);
  EXPECT_EQ(sizeof(sdk::TaskLayout), 16u);
  EXPECT_EQ(sizeof(sdk::TrialSpec), 64u);
  EXPECT_EQ(sizeof(sdk::TrialOutcome<sdk::Real>), 24u);
  EXPECT_EQ(sizeof(sdk::TrialOutcome<sdk::Complex>), 32u);
  EXPECT_EQ(sizeof(sdk::ParamSpec), 216u);
  EXPECT_EQ(sizeof(sdk::ParamValue), 40u);
  EXPECT_EQ(sizeof(sdk::ComponentInfo), 112u);
  EXPECT_EQ(sizeof(sdk::Manifest), 88u);
  EXPECT_EQ(sizeof(sdk::LearnableParameter), 48u);
}

TEST(SdkAbi, FingerprintDescribesThisBuild) {
  const sdk::BuildFingerprint f = sdk::this_build();
  EXPECT_EQ(f.struct_size, sizeof(sdk::BuildFingerprint));
  EXPECT_EQ(f.abi_version, sdk::kAbiVersion);
  EXPECT_EQ(f.eigen_version, 30400u);
  EXPECT_EQ(f.eigen_index_size, sizeof(Eigen::Index));
  EXPECT_EQ(f.eigen_max_align_bytes, static_cast<unsigned>(EIGEN_MAX_ALIGN_BYTES));
}

TEST(SdkAbi, ParameterDocIsMandatory) {
  EXPECT_THROW(sdk::ParamSpec::real("x", 1.0, ""), sdk::Error);
}
