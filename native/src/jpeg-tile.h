// JPEG encoding with libjpeg-turbo, on the worker thread, straight from
// OpenSlide's native-endian ARGB words (no RGB copy: libjpeg-turbo reads the
// words as BGRX / XRGB and converts to YCbCr with SIMD).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace smearlab {

// JPEG bytes in a malloc'ed block: the worker fills it, the JS thread copies
// it into a Buffer (Electron's memory cage forbids handing it over as is).
struct JpegBytes {
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data;
  size_t size = 0;
};

// The largest width or height a baseline JPEG can have (libjpeg's limit).
constexpr int64_t kMaxJpegDimension = 65500;

// Encodes width x height opaque ARGB words (alpha ignored) as a baseline
// JFIF JPEG: 4:2:0 chroma, standard tables scaled by `quality` (1..100),
// integer DCT, no Huffman optimisation -- what PIL writes by default, so
// tiles match openslide-python's in size and look. On failure returns false
// and sets `error` to libjpeg's message.
bool EncodeArgbAsJpeg(const uint32_t* pixels, int width, int height, int quality, JpegBytes* out,
                      std::string* error);

}  // namespace smearlab
