#pragma once

namespace neohebb::core {
inline constexpr const char* kVersion = NEOHEBB_VERSION;  // set by CMake from project()
}
