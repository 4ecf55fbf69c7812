// OpenSlide decodes every slide tile into a fresh malloc'ed block (256 KiB
// for a 256 x 256 MIRAX image) and its 32 MiB cache frees them again in
// random order. With glibc's defaults, memory freed at the top of an arena
// goes back to the kernel (trim threshold ~512 KiB; a per-thread arena's
// whole 64 MiB heap once it empties) and the next decode faults it back in,
// page by page. On the 2-core VM that made the first few hundred tiles after
// opening a slide ~1.5x dearer in CPU (native/README.md has the numbers).
// The ingest's instance step is the other churn: per slice it allocates a few
// dozen typed arrays of 6-20 MB (V8 takes their memory from calloc) and frees
// them at the end. Above the mmap threshold each was a fresh mapping, zeroed
// by the kernel page by page: ~5,000 faults per 20 MB array, 116-176 ms of
// system time per 0.5 um/px slice (12 real slices, test harness), 5 ms after.
// So, for the whole process:
// - mmap threshold 32 MiB, glibc's largest (tile blocks and a slice's arrays
//   come from the heap; setting either threshold stops glibc adjusting them
//   itself);
// - trim threshold 256 MiB (a slice's working set stays between slices, and
//   with it one OpenSlide cache's worth of tiles); the cost is up to that much
//   free memory kept per arena;
// - at most 2 arenas: with one arena per libuv thread, a tile read that
//   lands on a thread whose arena just emptied paid the faults again (a
//   single client's reads hop between the 4 pool threads). Small blocks are
//   served from per-thread caches without the arena lock, so sharing costs
//   little; it also lowered resident memory by ~40 MiB in the benchmark.
//
// Applied when the addon loads, only where glibc's malloc is the allocator,
// and not when the user already tuned it (GLIBC_TUNABLES glibc.malloc.*,
// MALLOC_*_ variables) or set SMEARLAB_MALLOC_TUNING=off.
#include "allocator.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace smearlab {

namespace {

constexpr size_t kMmapThreshold = size_t{32} << 20;
constexpr size_t kTrimThreshold = size_t{256} << 20;
constexpr int kArenaMax = 2;

AllocatorTuning Apply() {
  AllocatorTuning tuning;
#if defined(__GLIBC__)
  const char* optOut = std::getenv("SMEARLAB_MALLOC_TUNING");
  if (optOut != nullptr && std::strcmp(optOut, "off") == 0) {
    tuning.reason = "SMEARLAB_MALLOC_TUNING=off";
    return tuning;
  }
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if ((tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) ||
      std::getenv("MALLOC_TRIM_THRESHOLD_") != nullptr ||
      std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr ||
      std::getenv("MALLOC_ARENA_MAX") != nullptr) {
    tuning.reason = "malloc settings already given in the environment";
    return tuning;
  }
  // Setting either turns off glibc's own threshold adjustment, so set both.
  if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThreshold)) == 1 &&
      mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThreshold)) == 1 &&
      mallopt(M_ARENA_MAX, kArenaMax) == 1) {
    tuning.applied = true;
    tuning.mmapThreshold = kMmapThreshold;
    tuning.trimThreshold = kTrimThreshold;
    tuning.arenaMax = kArenaMax;
  } else {
    tuning.reason = "mallopt refused the settings";
  }
#else
  tuning.reason = "not glibc malloc";
#endif
  return tuning;
}

}  // namespace

const AllocatorTuning& TuneAllocatorOnce() {
  static std::once_flag once;
  static AllocatorTuning tuning;
  std::call_once(once, [] { tuning = Apply(); });
  return tuning;
}

}  // namespace smearlab
