// Process-wide malloc settings that keep OpenSlide's tile churn out of the
// kernel (see allocator.cc for the numbers and the opt-out).
#pragma once

#include <cstddef>

namespace smearlab {

struct AllocatorTuning {
  bool applied = false;
  // Why not, when not applied (other allocator, opt-out, the user's own settings).
  const char* reason = "";
  size_t mmapThreshold = 0;
  size_t trimThreshold = 0;
  int arenaMax = 0;
};

// Applies the settings once per process (later calls return the first result).
const AllocatorTuning& TuneAllocatorOnce();

}  // namespace smearlab
