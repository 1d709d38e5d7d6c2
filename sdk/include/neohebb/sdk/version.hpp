#pragma once
// The handshake a plugin answers before the host touches any C++ object it made: a C-layout
// record of the SDK ABI version and of the toolchain facts that silently change the layout of
// the types crossing the boundary (compiler, libstdc++ string ABI, Eigen version and alignment).
#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

namespace neohebb::sdk {

// Bump on any change to a type or virtual interface that crosses the boundary.
inline constexpr std::uint32_t kAbiVersion = 7;  // 7: PlasticityRule's learnable parameters
inline constexpr const char* kSdkVersion = "0.1.0";

extern "C" {
// Append-only: new fields go at the end; struct_size tells the reader what the writer had.
struct BuildFingerprint {
  std::uint32_t struct_size;
  std::uint32_t abi_version;
  std::uint32_t compiler_id;  // 1 = GCC, 2 = Clang, 0 = other
  std::uint32_t compiler_major;
  std::uint32_t cxx11_string_abi;
  std::uint32_t eigen_version;  // world * 10000 + major * 100 + minor
  std::uint32_t eigen_max_align_bytes;
  std::uint32_t eigen_index_size;
};
}

constexpr BuildFingerprint this_build() {
  BuildFingerprint f{};
  f.struct_size = sizeof(BuildFingerprint);
  f.abi_version = kAbiVersion;
#if defined(__clang__)
  f.compiler_id = 2;
  f.compiler_major = __clang_major__;
#elif defined(__GNUC__)
  f.compiler_id = 1;
  f.compiler_major = __GNUC__;
#endif
#if defined(_GLIBCXX_USE_CXX11_ABI)
  f.cxx11_string_abi = _GLIBCXX_USE_CXX11_ABI;
#endif
  f.eigen_version = EIGEN_WORLD_VERSION * 10000 + EIGEN_MAJOR_VERSION * 100 + EIGEN_MINOR_VERSION;
  f.eigen_max_align_bytes = EIGEN_MAX_ALIGN_BYTES;
  f.eigen_index_size = sizeof(Eigen::Index);
  return f;
}

}  // namespace neohebb::sdk
