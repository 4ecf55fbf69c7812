// Pixel layout conversion done on the worker thread, in place.
#pragma once

#include <cstddef>
#include <cstdint>

namespace smearlab {

// OpenSlide writes premultiplied ARGB as native-endian uint32. Rewrites each
// pixel as straight (un-premultiplied) R, G, B, A bytes in the same memory.
// Alpha 0 becomes 0,0,0,0 (transparent: unscanned or outside the slide).
void PremultipliedArgbToRgba(uint32_t* pixels, size_t count);

}  // namespace smearlab
