// The JS-visible Slide object (one open OpenSlide handle) and the shared,
// reference-counted handle that reads in flight keep alive.
#pragma once

#include <napi.h>
#include <openslide.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace smearlab {

// Owns one openslide_t. The Slide object and every read in flight hold a
// shared_ptr, so close() while reads run frees it when the last read ends.
class OsrHandle {
 public:
  explicit OsrHandle(openslide_t* osr) : osr_(osr) { live_++; }
  ~OsrHandle() {
    openslide_close(osr_);
    live_--;
  }
  // How many openslide_t are open in this process (tests check close and GC).
  static int64_t Live() { return live_.load(); }
  OsrHandle(const OsrHandle&) = delete;
  OsrHandle& operator=(const OsrHandle&) = delete;
  openslide_t* get() const { return osr_; }

 private:
  static inline std::atomic<int64_t> live_{0};
  openslide_t* osr_;
};

struct LevelInfo {
  int64_t width;
  int64_t height;
  double downsample;
};

struct AssociatedInfo {
  std::string name;
  int64_t width;
  int64_t height;
};

// What never changes after open, gathered on the worker thread so getters
// never touch OpenSlide (whose handle may be in its sticky error state).
struct SlideMeta {
  std::string path;
  std::string vendor;
  std::vector<LevelInfo> levels;
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<AssociatedInfo> associated;
};

struct OpenedSlide {
  std::shared_ptr<OsrHandle> handle;
  SlideMeta meta;
};

// Regions are bounded so a typo cannot ask for terabytes: 64 Mpx = 256 MiB RGBA.
constexpr int64_t kMaxRegionPixels = int64_t{64} * 1024 * 1024;

class Slide : public Napi::ObjectWrap<Slide> {
 public:
  static void Init(Napi::Env env);
  static Napi::Object NewInstance(Napi::Env env, std::unique_ptr<OpenedSlide> opened);
  explicit Slide(const Napi::CallbackInfo& info);

 private:
  Napi::Value BestLevelForDownsample(const Napi::CallbackInfo& info);
  Napi::Value ReadRegion(const Napi::CallbackInfo& info);
  Napi::Value ReadRegionJpeg(const Napi::CallbackInfo& info);
  Napi::Value ReadAssociatedImage(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value GetClosed(const Napi::CallbackInfo& info);
  Napi::Error ClosedError(Napi::Env env) const;
  // Checks x0, y0, level, width, height in info[0..4]; returns the reason
  // they are unusable, or an empty string.
  std::string CheckRegion(const Napi::CallbackInfo& info, const char* usage, int64_t* x0,
                          int64_t* y0, int64_t* level, int64_t* width, int64_t* height) const;

  std::shared_ptr<OsrHandle> handle_;
  SlideMeta meta_;
};

}  // namespace smearlab
