// Premultiplied ARGB (OpenSlide) -> straight RGBA (what sharp, canvas and the
// pipeline expect), or -> opaque pixels on a background colour (what the
// JPEG tile encoder takes). Both in place, so a region costs one buffer.
#include "pixels.h"

#include <algorithm>

namespace smearlab {

namespace {

inline uint32_t Unpremultiply(uint32_t c, uint32_t a) {
  const uint32_t v = (c * 255 + a / 2) / a;
  return v > 255 ? 255 : v;
}

}  // namespace

void PremultipliedArgbToRgba(uint32_t* pixels, size_t count) {
  // Bytes are written one by one so the result is R,G,B,A in memory on any
  // endianness; the uint32 read matches OpenSlide's native-endian write.
  uint8_t* out = reinterpret_cast<uint8_t*>(pixels);
  for (size_t i = 0; i < count; i++) {
    const uint32_t p = pixels[i];
    const uint32_t a = p >> 24;
    uint32_t r = (p >> 16) & 0xff;
    uint32_t g = (p >> 8) & 0xff;
    uint32_t b = p & 0xff;
    if (a == 0) {
      r = g = b = 0;
    } else if (a != 255) {
      r = Unpremultiply(r, a);
      g = Unpremultiply(g, a);
      b = Unpremultiply(b, a);
    }
    uint8_t* o = out + i * 4;
    o[0] = static_cast<uint8_t>(r);
    o[1] = static_cast<uint8_t>(g);
    o[2] = static_cast<uint8_t>(b);
    o[3] = static_cast<uint8_t>(a);
  }
}

namespace {

// What (255 - a) of the background adds to each channel, per alpha value,
// packed like a pixel (0x00RRGGBB).
void BackgroundShares(Rgb background, uint32_t add[256]) {
  for (uint32_t a = 0; a < 256; a++) {
    const uint32_t k = 255 - a;
    const uint32_t r = (k * background.r + 127) / 255;
    const uint32_t g = (k * background.g + 127) / 255;
    const uint32_t b = (k * background.b + 127) / 255;
    add[a] = (r << 16) | (g << 8) | b;
  }
}

// c + the background's share, clamped: premultiplied channels never exceed
// alpha, so the sum stays <= 255; the clamp only guards against a damaged
// decoder's output.
inline uint32_t Composite(uint32_t p, const uint32_t add[256]) {
  const uint32_t extra = add[p >> 24];
  const uint32_t r = std::min<uint32_t>(255, ((p >> 16) & 0xff) + (extra >> 16));
  const uint32_t g = std::min<uint32_t>(255, ((p >> 8) & 0xff) + ((extra >> 8) & 0xff));
  const uint32_t b = std::min<uint32_t>(255, (p & 0xff) + (extra & 0xff));
  return (p & 0xff000000u) | (r << 16) | (g << 8) | b;
}

}  // namespace

void PremultipliedArgbOnBackgroundToRgba(uint32_t* pixels, size_t count, Rgb background) {
  uint32_t add[256];
  BackgroundShares(background, add);
  uint8_t* out = reinterpret_cast<uint8_t*>(pixels);
  for (size_t i = 0; i < count; i++) {
    uint32_t p = pixels[i];
    if ((p >> 24) != 255) p = Composite(p, add);
    uint8_t* o = out + i * 4;
    o[0] = static_cast<uint8_t>(p >> 16);
    o[1] = static_cast<uint8_t>(p >> 8);
    o[2] = static_cast<uint8_t>(p);
    o[3] = 255;
  }
}

AlphaCoverage CompositeOnBackground(uint32_t* pixels, size_t count, Rgb background) {
  // A tight AND / OR over the words first: the compiler vectorises it, and
  // most MIRAX tiles are entirely opaque, so most calls stop here.
  // Fixed-size blocks so -O2's cautious vectoriser takes the inner loop.
  constexpr size_t kBlock = 16;
  uint32_t all = 0xffffffffu;
  uint32_t any = 0;
  size_t i = 0;
  for (; i + kBlock <= count; i += kBlock) {
    for (size_t k = 0; k < kBlock; k++) {
      all &= pixels[i + k];
      any |= pixels[i + k];
    }
  }
  for (; i < count; i++) {
    all &= pixels[i];
    any |= pixels[i];
  }
  if ((all >> 24) == 0xff) return AlphaCoverage::kOpaque;
  // Nothing scanned: the caller has a background tile for that, so do not
  // spend a pass painting one.
  if ((any >> 24) == 0) return AlphaCoverage::kTransparent;

  uint32_t add[256];
  BackgroundShares(background, add);
  for (i = 0; i < count; i++) {
    if ((pixels[i] >> 24) != 255) pixels[i] = Composite(pixels[i], add);
  }
  return AlphaCoverage::kMixed;
}

}  // namespace smearlab
