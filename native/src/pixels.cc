// Premultiplied ARGB (OpenSlide) -> straight RGBA (what sharp, canvas and the
// pipeline expect), in place so a region costs one buffer, never two.
#include "pixels.h"

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

}  // namespace smearlab
