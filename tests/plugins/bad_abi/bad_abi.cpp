// A plugin that lies about the SDK ABI it was built against: the host must refuse it before it
// reads the manifest.
#include <neohebb/sdk/plugin.hpp>

namespace {
const neohebb::sdk::BuildFingerprint* fingerprint() {
  static neohebb::sdk::BuildFingerprint f = [] {
    auto b = neohebb::sdk::this_build();
    b.abi_version = 999;
    return b;
  }();
  return &f;
}
const neohebb::sdk::Manifest& manifest() {
  static const neohebb::sdk::Manifest m{"bad_abi", "0.0.1", {}};
  return m;
}
}  // namespace

BOOST_DLL_ALIAS_SECTIONED(fingerprint, neohebb_abi, neohebb)
BOOST_DLL_ALIAS_SECTIONED(manifest, neohebb_manifest, neohebb)
