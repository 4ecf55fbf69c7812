// The three kinds of async work. Execute() runs on a libuv worker thread and
// must not touch JS values; OnOK() runs back on the JS thread.
#include "workers.h"

#include <openslide.h>

#include <cstring>
#include <filesystem>
#include <new>
#include <system_error>
#include <utility>
#include <vector>

#include "errors.h"
#include "pixels.h"

namespace smearlab {

namespace {

// Buffers from napi_create_buffer are malloc'ed (aligned); the fallback only
// guards against an allocator that ever hands out an odd address.
bool IsAligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % alignof(uint32_t) == 0; }

template <typename ReadFn, typename ConvertFn>
void ReadArgbInto(uint8_t* data, size_t pixels, ReadFn read, ConvertFn convert) {
  if (IsAligned(data)) {
    read(reinterpret_cast<uint32_t*>(data));
    convert(reinterpret_cast<uint32_t*>(data), pixels);
    return;
  }
  std::vector<uint32_t> tmp(pixels);
  read(tmp.data());
  convert(tmp.data(), pixels);
  std::memcpy(data, tmp.data(), pixels * 4);
}

// Pixel memory for JPEG tiles, kept per pool thread: a 256 x 256 tile is
// 256 KiB, which glibc's default settings would mmap and fault in afresh for
// every tile. OpenSlide clears it before drawing. Regions above the cap get
// memory of their own, freed when they are done.
constexpr size_t kKeptScratchPixels = size_t{512} * 512;

class PixelScratch {
 public:
  explicit PixelScratch(size_t pixels) {
    if (pixels > kKeptScratchPixels) {
      own_.reset(new (std::nothrow) uint32_t[pixels]);
      data_ = own_.get();
      return;
    }
    thread_local std::unique_ptr<uint32_t[]> kept;
    thread_local size_t keptPixels = 0;
    if (keptPixels < pixels) {
      kept.reset(new (std::nothrow) uint32_t[pixels]);
      keptPixels = kept ? pixels : 0;
    }
    data_ = kept.get();
  }
  uint32_t* data() const { return data_; }

 private:
  std::unique_ptr<uint32_t[]> own_;
  uint32_t* data_ = nullptr;
};

std::string RegionText(int32_t level, int64_t x0, int64_t y0, int64_t w, int64_t h) {
  return "level " + std::to_string(level) + " region at (" + std::to_string(x0) + ", " +
         std::to_string(y0) + ") size " + std::to_string(w) + "x" + std::to_string(h);
}

}  // namespace

// ---------------------------------------------------------------- PromiseWorker

PromiseWorker::PromiseWorker(Napi::Env env, const char* name, std::string path)
    : Napi::AsyncWorker(env, name), path_(std::move(path)),
      deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseWorker::Fail(const char* code, std::string reason) {
  code_ = code;
  reason_ = std::move(reason);
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  if (code_ != nullptr) {
    deferred_.Reject(MakeError(env, code_, path_, reason_).Value());
    return;
  }
  // An exception escaping OnOK would be uncaught: turn it into a rejection.
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& error) {
    deferred_.Reject(error.Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

// ---------------------------------------------------------------- OpenWorker

OpenWorker::OpenWorker(Napi::Env env, std::string path)
    : PromiseWorker(env, "openslide:open", std::move(path)) {}

void OpenWorker::Execute() {
  std::error_code ec;
  const auto fsPath = std::filesystem::u8path(path_);
  if (!std::filesystem::exists(fsPath, ec)) {
    Fail("not-found", "No such file");
    return;
  }
  if (std::filesystem::is_directory(fsPath, ec)) {
    Fail("unsupported-format", "This is a folder, not a slide file");
    return;
  }
  const char* vendor = openslide_detect_vendor(path_.c_str());
  if (vendor == nullptr) {
    Fail("unsupported-format", "OpenSlide does not recognise this file as a slide");
    return;
  }
  openslide_t* osr = openslide_open(path_.c_str());
  if (osr == nullptr) {
    Fail("unsupported-format", "OpenSlide does not recognise this file as a slide");
    return;
  }
  if (const char* err = openslide_get_error(osr)) {
    std::string reason = std::string("OpenSlide cannot open this ") + vendor + " slide: " + err;
    openslide_close(osr);
    Fail("openslide", std::move(reason));
    return;
  }
  auto opened = std::make_unique<OpenedSlide>();
  opened->handle = std::make_shared<OsrHandle>(osr);
  SlideMeta& meta = opened->meta;
  meta.path = path_;
  meta.vendor = vendor;

  const int32_t levels = openslide_get_level_count(osr);
  for (int32_t level = 0; level < levels; level++) {
    LevelInfo info{0, 0, openslide_get_level_downsample(osr, level)};
    openslide_get_level_dimensions(osr, level, &info.width, &info.height);
    meta.levels.push_back(info);
  }
  for (const char* const* name = openslide_get_property_names(osr); *name != nullptr; name++) {
    const char* value = openslide_get_property_value(osr, *name);
    meta.properties.emplace_back(*name, value != nullptr ? value : "");
  }
  for (const char* const* name = openslide_get_associated_image_names(osr); *name != nullptr;
       name++) {
    AssociatedInfo info{*name, 0, 0};
    openslide_get_associated_image_dimensions(osr, *name, &info.width, &info.height);
    meta.associated.push_back(info);
  }
  if (const char* err = openslide_get_error(osr)) {
    Fail("openslide", std::string("OpenSlide failed while reading slide metadata: ") + err);
    return;  // opened_ stays empty; the handle closes with `opened`.
  }
  if (levels <= 0) {
    Fail("openslide", "OpenSlide reports no pyramid levels");
    return;
  }
  opened_ = std::move(opened);
}

Napi::Value OpenWorker::Result(Napi::Env env) { return Slide::NewInstance(env, std::move(opened_)); }

// ---------------------------------------------------------------- ReadRegionWorker

ReadRegionWorker::ReadRegionWorker(Napi::Env env, std::shared_ptr<OsrHandle> handle,
                                   std::string path, Napi::Buffer<uint8_t> dest, int64_t x0,
                                   int64_t y0, int32_t level, int64_t width, int64_t height,
                                   std::optional<Rgb> background)
    : PromiseWorker(env, "openslide:readRegion", std::move(path)), handle_(std::move(handle)),
      dest_(Napi::Persistent(dest)), data_(dest.Data()), x0_(x0), y0_(y0), level_(level),
      width_(width), height_(height), background_(background) {}

void ReadRegionWorker::Execute() {
  openslide_t* osr = handle_->get();
  // OpenSlide's error state is sticky: once set, reads return transparent
  // pixels. Say so instead of blaming this region.
  if (const char* prior = openslide_get_error(osr)) {
    Fail("openslide", "Cannot read " + RegionText(level_, x0_, y0_, width_, height_) +
                          ": the OpenSlide handle failed earlier: " + prior);
  } else {
    ReadArgbInto(
        data_, static_cast<size_t>(width_ * height_),
        [&](uint32_t* dest) { openslide_read_region(osr, dest, x0_, y0_, level_, width_, height_); },
        [&](uint32_t* pixels, size_t count) {
          if (background_) {
            PremultipliedArgbOnBackgroundToRgba(pixels, count, *background_);
          } else {
            PremultipliedArgbToRgba(pixels, count);
          }
        });
    if (const char* err = openslide_get_error(osr)) {
      Fail("openslide", "Cannot read " + RegionText(level_, x0_, y0_, width_, height_) +
                            ": " + err);
    }
  }
  // Drop our share here so a close() that came in meanwhile frees the
  // handle on this thread, not the JS thread.
  handle_.reset();
}

Napi::Value ReadRegionWorker::Result(Napi::Env /*env*/) { return dest_.Value(); }

// ---------------------------------------------------------------- ReadRegionJpegWorker

ReadRegionJpegWorker::ReadRegionJpegWorker(Napi::Env env, std::shared_ptr<OsrHandle> handle,
                                           std::string path, int64_t x0, int64_t y0,
                                           int32_t level, int64_t width, int64_t height,
                                           int quality, Rgb background)
    : PromiseWorker(env, "openslide:readRegionJpeg", std::move(path)),
      handle_(std::move(handle)), x0_(x0), y0_(y0), level_(level), width_(width),
      height_(height), quality_(quality), background_(background) {}

void ReadRegionJpegWorker::Execute() {
  openslide_t* osr = handle_->get();
  const size_t pixels = static_cast<size_t>(width_ * height_);
  PixelScratch scratch(pixels);
  if (const char* prior = openslide_get_error(osr)) {
    Fail("openslide", "Cannot read " + RegionText(level_, x0_, y0_, width_, height_) +
                          ": the OpenSlide handle failed earlier: " + prior);
  } else if (scratch.data() == nullptr) {
    Fail("openslide", "Cannot read " + RegionText(level_, x0_, y0_, width_, height_) +
                          ": out of memory for its pixels");
  } else {
    openslide_read_region(osr, scratch.data(), x0_, y0_, level_, width_, height_);
    if (const char* err = openslide_get_error(osr)) {
      Fail("openslide", "Cannot read " + RegionText(level_, x0_, y0_, width_, height_) +
                            ": " + err);
    } else if (CompositeOnBackground(scratch.data(), pixels, background_) ==
               AlphaCoverage::kTransparent) {
      transparent_ = true;
    } else {
      std::string error;
      if (!EncodeArgbAsJpeg(scratch.data(), static_cast<int>(width_), static_cast<int>(height_),
                            quality_, &jpeg_, &error)) {
        Fail("openslide", "Cannot encode " + RegionText(level_, x0_, y0_, width_, height_) +
                              ": " + error);
      }
    }
  }
  handle_.reset();
}

Napi::Value ReadRegionJpegWorker::Result(Napi::Env env) {
  if (transparent_) return env.Null();
  Napi::Value buffer = Napi::Buffer<uint8_t>::Copy(env, jpeg_.data.get(), jpeg_.size);
  jpeg_.data.reset();
  return buffer;
}

// ---------------------------------------------------------------- ReadAssociatedWorker

ReadAssociatedWorker::ReadAssociatedWorker(Napi::Env env, std::shared_ptr<OsrHandle> handle,
                                           std::string path, Napi::Buffer<uint8_t> dest,
                                           std::string name, int64_t width, int64_t height)
    : PromiseWorker(env, "openslide:readAssociatedImage", std::move(path)),
      handle_(std::move(handle)), dest_(Napi::Persistent(dest)), data_(dest.Data()),
      name_(std::move(name)), width_(width), height_(height) {}

void ReadAssociatedWorker::Execute() {
  openslide_t* osr = handle_->get();
  if (const char* prior = openslide_get_error(osr)) {
    Fail("openslide", "Cannot read associated image '" + name_ +
                          "': the OpenSlide handle failed earlier: " + prior);
  } else {
    ReadArgbInto(
        data_, static_cast<size_t>(width_ * height_),
        [&](uint32_t* dest) { openslide_read_associated_image(osr, name_.c_str(), dest); },
        PremultipliedArgbToRgba);
    if (const char* err = openslide_get_error(osr)) {
      Fail("openslide", "Cannot read associated image '" + name_ + "': " + err);
    }
  }
  handle_.reset();
}

Napi::Value ReadAssociatedWorker::Result(Napi::Env env) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("width", Napi::Number::New(env, static_cast<double>(width_)));
  result.Set("height", Napi::Number::New(env, static_cast<double>(height_)));
  result.Set("data", dest_.Value());
  return result;
}

}  // namespace smearlab
