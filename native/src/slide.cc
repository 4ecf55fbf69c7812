// Slide: the object open() resolves with. Metadata is copied onto the object
// at construction; reads are queued as async work holding a share of the
// handle; close() and the GC finalizer drop the object's share.
#include "slide.h"

#include <cmath>
#include <optional>
#include <utility>

#include "errors.h"
#include "workers.h"

namespace smearlab {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

// Accepts JS numbers that are integers within the safe range.
bool ToInteger(const Napi::Value& value, int64_t* out) {
  if (!value.IsNumber()) return false;
  const double v = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || std::trunc(v) != v || std::fabs(v) > kMaxSafeInteger) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

Napi::Object LevelsToJs(Napi::Env env, const std::vector<LevelInfo>& levels) {
  Napi::Array array = Napi::Array::New(env, levels.size());
  for (size_t i = 0; i < levels.size(); i++) {
    Napi::Object level = Napi::Object::New(env);
    level.Set("width", Napi::Number::New(env, static_cast<double>(levels[i].width)));
    level.Set("height", Napi::Number::New(env, static_cast<double>(levels[i].height)));
    level.Set("downsample", Napi::Number::New(env, levels[i].downsample));
    array.Set(static_cast<uint32_t>(i), level);
  }
  return array;
}

Napi::Object PropertiesToJs(Napi::Env env,
                            const std::vector<std::pair<std::string, std::string>>& props) {
  Napi::Object object = Napi::Object::New(env);
  for (const auto& [name, value] : props) object.Set(name, value);
  return object;
}

Napi::Object AssociatedToJs(Napi::Env env, const std::vector<AssociatedInfo>& images) {
  Napi::Object object = Napi::Object::New(env);
  for (const AssociatedInfo& image : images) {
    Napi::Object dims = Napi::Object::New(env);
    dims.Set("width", Napi::Number::New(env, static_cast<double>(image.width)));
    dims.Set("height", Napi::Number::New(env, static_cast<double>(image.height)));
    object.Set(image.name, dims);
  }
  return object;
}

}  // namespace

void Slide::Init(Napi::Env env) {
  Napi::Function ctor = DefineClass(
      env, "Slide",
      {
          InstanceMethod<&Slide::BestLevelForDownsample>("bestLevelForDownsample"),
          InstanceMethod<&Slide::ReadRegion>("readRegion"),
          InstanceMethod<&Slide::ReadRegionJpeg>("readRegionJpeg"),
          InstanceMethod<&Slide::ReadAssociatedImage>("readAssociatedImage"),
          InstanceMethod<&Slide::Close>("close"),
          InstanceAccessor<&Slide::GetClosed>("closed"),
      });
  env.SetInstanceData(new Napi::FunctionReference(Napi::Persistent(ctor)));
}

Napi::Object Slide::NewInstance(Napi::Env env, std::unique_ptr<OpenedSlide> opened) {
  Napi::FunctionReference* ctor = env.GetInstanceData<Napi::FunctionReference>();
  return ctor->New({Napi::External<OpenedSlide>::New(env, opened.release())});
}

Slide::Slide(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Slide>(info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(env, "Slide objects are created by open(path)");
  }
  std::unique_ptr<OpenedSlide> opened(info[0].As<Napi::External<OpenedSlide>>().Data());
  handle_ = std::move(opened->handle);
  meta_ = std::move(opened->meta);

  const auto readOnly = static_cast<napi_property_attributes>(napi_enumerable);
  info.This().As<Napi::Object>().DefineProperties({
      Napi::PropertyDescriptor::Value("path", Napi::String::New(env, meta_.path), readOnly),
      Napi::PropertyDescriptor::Value("vendor", Napi::String::New(env, meta_.vendor), readOnly),
      Napi::PropertyDescriptor::Value("levels", LevelsToJs(env, meta_.levels), readOnly),
      Napi::PropertyDescriptor::Value("properties", PropertiesToJs(env, meta_.properties),
                                      readOnly),
      Napi::PropertyDescriptor::Value("associatedImages", AssociatedToJs(env, meta_.associated),
                                      readOnly),
  });
}

Napi::Error Slide::ClosedError(Napi::Env env) const {
  return MakeError(env, "closed", meta_.path, "The slide is closed");
}

// Same rule as openslide_get_best_level_for_downsample, on the cached
// downsamples, so it also works while the handle is in its error state.
Napi::Value Slide::BestLevelForDownsample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) throw ClosedError(env);
  if (info.Length() < 1 || !info[0].IsNumber() ||
      std::isnan(info[0].As<Napi::Number>().DoubleValue())) {
    throw MakeError(env, "bad-argument", meta_.path,
                    "bestLevelForDownsample needs a downsample number");
  }
  const double downsample = info[0].As<Napi::Number>().DoubleValue();
  const auto& levels = meta_.levels;
  if (downsample < levels[0].downsample) return Napi::Number::New(env, 0);
  for (size_t i = 1; i < levels.size(); i++) {
    if (downsample < levels[i].downsample) return Napi::Number::New(env, static_cast<double>(i - 1));
  }
  return Napi::Number::New(env, static_cast<double>(levels.size() - 1));
}

std::string Slide::CheckRegion(const Napi::CallbackInfo& info, const char* usage, int64_t* x0,
                               int64_t* y0, int64_t* level, int64_t* width,
                               int64_t* height) const {
  if (info.Length() < 5 || !ToInteger(info[0], x0) || !ToInteger(info[1], y0) ||
      !ToInteger(info[2], level) || !ToInteger(info[3], width) || !ToInteger(info[4], height)) {
    return std::string(usage) + " needs five integers";
  }
  const int64_t levelCount = static_cast<int64_t>(meta_.levels.size());
  if (*level < 0 || *level >= levelCount) {
    return "Level " + std::to_string(*level) + " does not exist: the slide has levels 0.." +
           std::to_string(levelCount - 1);
  }
  if (*width <= 0 || *height <= 0) {
    return "Region size must be positive, got " + std::to_string(*width) + "x" +
           std::to_string(*height);
  }
  if (*width > kMaxRegionPixels || *height > kMaxRegionPixels ||
      *width * *height > kMaxRegionPixels) {
    return "Region " + std::to_string(*width) + "x" + std::to_string(*height) +
           " is larger than the limit of " + std::to_string(kMaxRegionPixels) + " pixels";
  }
  return "";
}

namespace {

// Reads [r, g, b] with integers 0..255; returns why it is unusable, or "".
std::string BackgroundColour(const Napi::Value& value, Rgb* background) {
  const char* bad = "background must be [r, g, b] with integers 0..255";
  if (!value.IsArray() || value.As<Napi::Array>().Length() != 3) return bad;
  int64_t channels[3];
  for (uint32_t i = 0; i < 3; i++) {
    if (!ToInteger(value.As<Napi::Array>().Get(i), &channels[i]) || channels[i] < 0 ||
        channels[i] > 255) {
      return bad;
    }
  }
  *background = Rgb{static_cast<uint8_t>(channels[0]), static_cast<uint8_t>(channels[1]),
                    static_cast<uint8_t>(channels[2])};
  return "";
}

// Reads { quality, background: [r, g, b] }; returns why it is unusable, or "".
std::string JpegOptions(const Napi::Value& value, int* quality, Rgb* background) {
  if (!value.IsObject() || value.IsArray()) {
    return "readRegionJpeg needs an options object { quality, background: [r, g, b] }";
  }
  const Napi::Object options = value.As<Napi::Object>();
  int64_t q;
  if (!ToInteger(options.Get("quality"), &q) || q < 1 || q > 100) {
    return "JPEG quality must be an integer 1..100";
  }
  *quality = static_cast<int>(q);
  return BackgroundColour(options.Get("background"), background);
}

}  // namespace

Napi::Value Slide::ReadRegion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) return RejectedPromise(env, ClosedError(env));
  const char* usage = "readRegion(x0, y0, level, width, height[, background])";
  int64_t x0, y0, level, width, height;
  std::optional<Rgb> background;
  std::string bad = info.Length() != 5 && info.Length() != 6
                        ? std::string(usage) + " needs five integers and an optional [r, g, b]"
                        : CheckRegion(info, usage, &x0, &y0, &level, &width, &height);
  if (bad.empty() && info.Length() == 6) {
    Rgb colour{0, 0, 0};
    bad = BackgroundColour(info[5], &colour);
    background = colour;
  }
  if (!bad.empty()) return RejectedPromise(env, MakeError(env, "bad-argument", meta_.path, bad));
  Napi::Buffer<uint8_t> dest = Napi::Buffer<uint8_t>::New(env, static_cast<size_t>(width * height * 4));
  auto* worker = new ReadRegionWorker(env, handle_, meta_.path, dest, x0, y0,
                                      static_cast<int32_t>(level), width, height, background);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Slide::ReadRegionJpeg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) return RejectedPromise(env, ClosedError(env));
  const char* usage = "readRegionJpeg(x0, y0, level, width, height, options)";
  int64_t x0, y0, level, width, height;
  int quality = 0;
  Rgb background{0, 0, 0};
  std::string bad = info.Length() != 6
                        ? std::string(usage) + " needs five integers and an options object"
                        : CheckRegion(info, usage, &x0, &y0, &level, &width, &height);
  if (bad.empty() && (width > kMaxJpegDimension || height > kMaxJpegDimension)) {
    bad = "Region " + std::to_string(width) + "x" + std::to_string(height) +
          " is wider or taller than a JPEG can be (" + std::to_string(kMaxJpegDimension) + ")";
  }
  if (bad.empty()) bad = JpegOptions(info[5], &quality, &background);
  if (!bad.empty()) return RejectedPromise(env, MakeError(env, "bad-argument", meta_.path, bad));
  auto* worker = new ReadRegionJpegWorker(env, handle_, meta_.path, x0, y0,
                                          static_cast<int32_t>(level), width, height, quality,
                                          background);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Slide::ReadAssociatedImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!handle_) return RejectedPromise(env, ClosedError(env));
  if (info.Length() != 1 || !info[0].IsString()) {
    return RejectedPromise(env, MakeError(env, "bad-argument", meta_.path,
                                          "readAssociatedImage(name) needs a name string"));
  }
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const AssociatedInfo* found = nullptr;
  std::string known;
  for (const AssociatedInfo& image : meta_.associated) {
    if (image.name == name) found = &image;
    known += (known.empty() ? "" : ", ") + image.name;
  }
  if (found == nullptr) {
    return RejectedPromise(
        env, MakeError(env, "bad-argument", meta_.path,
                       "No associated image named '" + name + "' (the slide has: " +
                           (known.empty() ? "none" : known) + ")"));
  }
  if (found->width <= 0 || found->height <= 0 ||
      found->width * found->height > kMaxRegionPixels) {
    return RejectedPromise(
        env, MakeError(env, "openslide", meta_.path,
                       "Associated image '" + name + "' has an unusable size " +
                           std::to_string(found->width) + "x" + std::to_string(found->height)));
  }
  Napi::Buffer<uint8_t> dest =
      Napi::Buffer<uint8_t>::New(env, static_cast<size_t>(found->width * found->height * 4));
  auto* worker = new ReadAssociatedWorker(env, handle_, meta_.path, dest, name, found->width,
                                          found->height);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Slide::Close(const Napi::CallbackInfo& info) {
  handle_.reset();
  return info.Env().Undefined();
}

Napi::Value Slide::GetClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !handle_);
}

}  // namespace smearlab
