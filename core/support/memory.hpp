#pragma once
// This machine's memory and this process's use of it: for refusing experiments that could never
// fit before they start, and for reporting the peak in run.json.

namespace neohebb::core {

// Physical memory in bytes (0 when unknown).
double machine_memory();

// The most resident memory this process has held so far, in bytes.
double peak_resident_memory();

}  // namespace neohebb::core
