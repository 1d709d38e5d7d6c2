#include "core/support/allocator.hpp"

#include <malloc.h>

namespace neohebb::core {

void keep_freed_memory() {
  mallopt(M_MMAP_MAX, 0);         // every block from the heap, none mmapped
  mallopt(M_TRIM_THRESHOLD, -1);  // and the heap never shrinks
}

}  // namespace neohebb::core
