// Module entry: detectVendor(path), open(path) -> Promise<Slide>, version(),
// allocatorTuning(), and test hooks (pixel conversion, count of open
// OpenSlide handles).
#include <napi.h>
#include <openslide.h>

#include <cstdint>
#include <string>

#include "allocator.h"
#include "errors.h"
#include "pixels.h"
#include "slide.h"
#include "workers.h"

namespace smearlab {

namespace {

Napi::Value DetectVendor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsString()) {
    throw MakeError(env, "bad-argument", "", "detectVendor(path) needs a path string");
  }
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const char* vendor = openslide_detect_vendor(path.c_str());
  return vendor != nullptr ? Napi::Value(Napi::String::New(env, vendor)) : env.Null();
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsString()) {
    return RejectedPromise(env, MakeError(env, "bad-argument", "", "open(path) needs a path string"));
  }
  auto* worker = new OpenWorker(env, info[0].As<Napi::String>().Utf8Value());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), openslide_get_version());
}

// Converts a Buffer of premultiplied native-endian ARGB words in place, so
// tests can check the conversion on exact values.
Napi::Value PremultipliedArgbToRgbaHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsBuffer()) {
    throw MakeError(env, "bad-argument", "", "needs a Buffer");
  }
  Napi::Buffer<uint8_t> buffer = info[0].As<Napi::Buffer<uint8_t>>();
  if (buffer.Length() % 4 != 0 || reinterpret_cast<uintptr_t>(buffer.Data()) % 4 != 0) {
    throw MakeError(env, "bad-argument", "", "needs a 4-byte aligned Buffer of whole pixels");
  }
  PremultipliedArgbToRgba(reinterpret_cast<uint32_t*>(buffer.Data()), buffer.Length() / 4);
  return buffer;
}

// What TuneAllocatorOnce did at load, for benchmarks and diagnostics.
Napi::Value AllocatorTuningInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const AllocatorTuning& tuning = TuneAllocatorOnce();
  Napi::Object out = Napi::Object::New(env);
  out.Set("applied", Napi::Boolean::New(env, tuning.applied));
  out.Set("reason", Napi::String::New(env, tuning.reason));
  out.Set("mmapThreshold", Napi::Number::New(env, static_cast<double>(tuning.mmapThreshold)));
  out.Set("trimThreshold", Napi::Number::New(env, static_cast<double>(tuning.trimThreshold)));
  out.Set("arenaMax", Napi::Number::New(env, tuning.arenaMax));
  return out;
}

Napi::Value LiveHandles(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(OsrHandle::Live()));
}

Napi::Object InitExports(Napi::Env env, Napi::Object exports) {
  TuneAllocatorOnce();
  Slide::Init(env);
  exports.Set("detectVendor", Napi::Function::New<DetectVendor>(env, "detectVendor"));
  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("version", Napi::Function::New<Version>(env, "version"));
  exports.Set("premultipliedArgbToRgba",
              Napi::Function::New<PremultipliedArgbToRgbaHook>(env, "premultipliedArgbToRgba"));
  exports.Set("allocatorTuning",
              Napi::Function::New<AllocatorTuningInfo>(env, "allocatorTuning"));
  exports.Set("liveHandles", Napi::Function::New<LiveHandles>(env, "liveHandles"));
  return exports;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) { return InitExports(env, exports); }

}  // namespace smearlab

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return smearlab::Init(env, exports);
}

NODE_API_MODULE(openslide_binding, InitModule)
