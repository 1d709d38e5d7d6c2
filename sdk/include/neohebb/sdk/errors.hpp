#pragma once
#include <stdexcept>
#include <string>

#include "neohebb/sdk/export.hpp"

namespace neohebb::sdk {

// Base of every error a plugin may throw through the SDK boundary.
class NEOHEBB_SDK_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter value the plugin cannot accept (cross-field constraints the schema cannot state).
class NEOHEBB_SDK_API ParameterError : public Error {
 public:
  ParameterError(std::string parameter, const std::string& message)
      : Error(message), parameter_(std::move(parameter)) {}
  const std::string& parameter() const noexcept { return parameter_; }

 private:
  std::string parameter_;
};

}  // namespace neohebb::sdk
