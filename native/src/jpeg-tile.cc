// libjpeg's error handling is longjmp-based: everything between setjmp and
// the end of the encode is plain C data (no destructors to skip), and the
// output block is freed by its owner whatever happens.
#include "jpeg-tile.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>

#ifndef JCS_EXTENSIONS
#error "libjpeg-turbo is required (JCS_EXT_* colour spaces); install libjpeg62-turbo-dev"
#endif

namespace smearlab {

namespace {

// OpenSlide's words are 0xAARRGGBB in native byte order.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr J_COLOR_SPACE kArgbWords = JCS_EXT_XRGB;
#else
constexpr J_COLOR_SPACE kArgbWords = JCS_EXT_BGRX;
#endif

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnFatal(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings would go to stderr by default; an encoder has none worth showing.
void OnMessage(j_common_ptr /*cinfo*/) {}

// Grows a malloc'ed block as libjpeg fills it; JpegBytes owns the block from
// the first allocation on, so a longjmp out of the encoder cannot leak it.
struct Destination {
  jpeg_destination_mgr pub;
  JpegBytes* out;
  size_t capacity;
};

void InitDestination(j_compress_ptr cinfo) {
  auto* dest = reinterpret_cast<Destination*>(cinfo->dest);
  dest->pub.next_output_byte = dest->out->data.get();
  dest->pub.free_in_buffer = dest->capacity;
}

boolean GrowDestination(j_compress_ptr cinfo) {
  auto* dest = reinterpret_cast<Destination*>(cinfo->dest);
  const size_t used = dest->capacity;  // libjpeg calls this only when the block is full
  const size_t grown = used * 2;
  auto* bigger = static_cast<uint8_t*>(std::realloc(dest->out->data.get(), grown));
  if (bigger == nullptr) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
  (void)dest->out->data.release();
  dest->out->data.reset(bigger);
  dest->capacity = grown;
  dest->pub.next_output_byte = bigger + used;
  dest->pub.free_in_buffer = grown - used;
  return TRUE;
}

void TermDestination(j_compress_ptr cinfo) {
  auto* dest = reinterpret_cast<Destination*>(cinfo->dest);
  dest->out->size = dest->capacity - dest->pub.free_in_buffer;
}

// The encode proper, kept free of C++ objects with destructors: a longjmp
// from libjpeg lands back here.
bool Encode(jpeg_compress_struct* cinfo, ErrorManager* err, Destination* dest,
            const uint32_t* pixels, int width, int height, int quality) {
  if (setjmp(err->jump) != 0) return false;
  jpeg_create_compress(cinfo);
  cinfo->dest = &dest->pub;
  cinfo->image_width = static_cast<JDIMENSION>(width);
  cinfo->image_height = static_cast<JDIMENSION>(height);
  cinfo->input_components = 4;
  cinfo->in_color_space = kArgbWords;
  jpeg_set_defaults(cinfo);  // 4:2:0, integer DCT, JFIF header, no optimisation
  jpeg_set_quality(cinfo, quality, TRUE);
  jpeg_start_compress(cinfo, TRUE);
  const auto* bytes = reinterpret_cast<const uint8_t*>(pixels);
  const size_t stride = static_cast<size_t>(width) * 4;
  JSAMPROW rows[16];
  while (cinfo->next_scanline < cinfo->image_height) {
    JDIMENSION n = 0;
    for (; n < 16 && cinfo->next_scanline + n < cinfo->image_height; n++) {
      rows[n] = const_cast<JSAMPROW>(bytes + (cinfo->next_scanline + n) * stride);
    }
    jpeg_write_scanlines(cinfo, rows, n);
  }
  jpeg_finish_compress(cinfo);
  return true;
}

}  // namespace

bool EncodeArgbAsJpeg(const uint32_t* pixels, int width, int height, int quality, JpegBytes* out,
                      std::string* error) {
  // A first guess that holds most tiles (typical tiles are 2-10 % of the raw
  // size); larger ones double the block a few times.
  const size_t capacity = std::max<size_t>(16384, static_cast<size_t>(width) * height / 2);
  out->data.reset(static_cast<uint8_t*>(std::malloc(capacity)));
  out->size = 0;
  if (!out->data) {
    *error = "Out of memory for the JPEG output";
    return false;
  }
  jpeg_compress_struct cinfo;
  ErrorManager err;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnFatal;
  err.pub.output_message = OnMessage;
  err.message[0] = '\0';
  Destination dest;
  dest.pub.init_destination = InitDestination;
  dest.pub.empty_output_buffer = GrowDestination;
  dest.pub.term_destination = TermDestination;
  dest.out = out;
  dest.capacity = capacity;
  const bool ok = Encode(&cinfo, &err, &dest, pixels, width, height, quality);
  jpeg_destroy_compress(&cinfo);
  if (!ok) {
    *error = std::string("JPEG encoding failed: ") + err.message;
    out->data.reset();
    out->size = 0;
  }
  return ok;
}

}  // namespace smearlab
