#pragma once
// Symbols that must be visible across the plugin boundary (exception types, so that a typed
// `catch` in the host matches an exception thrown in a plugin on every standard library).
#define NEOHEBB_SDK_API __attribute__((visibility("default")))
