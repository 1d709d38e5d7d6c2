#pragma once
#include "neohebb/sdk/scalar.hpp"

namespace neohebb::sdk {

// Root of every object a plugin creates for the host. The host deletes it through this virtual
// destructor while the plugin's library is still loaded.
template <class S>
class Component {
 public:
  virtual ~Component() = default;
};

}  // namespace neohebb::sdk
