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

namespace smearlab {

// What a region held before compositing: nothing scanned, all scanned, or both.
enum class AlphaCoverage { kTransparent, kOpaque, kMixed };

struct Rgb {
  uint8_t r, g, b;
};

// Composites premultiplied native-endian ARGB words onto an opaque background
// in place (c + (255 - a) * bg / 255, rounded), so the words can go straight
// to the JPEG encoder; the alpha byte is left as it was (the encoder ignores
// it). Opaque regions are only scanned. Fully transparent ones (alpha 0
// everywhere) are reported and left untouched: the caller paints them.
AlphaCoverage CompositeOnBackground(uint32_t* pixels, size_t count, Rgb background);

}  // namespace smearlab

namespace smearlab {

// Both steps of a pipeline read in one pass: premultiplied native-endian ARGB
// composited on `background` (as CompositeOnBackground) and written as R, G,
// B, 255 bytes, so unscanned areas read as the slide's glass colour.
void PremultipliedArgbOnBackgroundToRgba(uint32_t* pixels, size_t count, Rgb background);

}  // namespace smearlab
