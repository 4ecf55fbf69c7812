// Async work on the libuv pool: open a slide, read a region (as RGBA or as a
// finished JPEG tile), read an associated image. Each returns a Promise and never blocks the JS thread.
#pragma once

#include <napi.h>

#include <memory>
#include <optional>
#include <string>

#include "jpeg-tile.h"
#include "pixels.h"
#include "slide.h"

namespace smearlab {

// Settles a promise from OnOK: rejected with a coded error when Execute
// called Fail(), else resolved with Result().
class PromiseWorker : public Napi::AsyncWorker {
 public:
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  PromiseWorker(Napi::Env env, const char* name, std::string path);
  void Fail(const char* code, std::string reason);
  virtual Napi::Value Result(Napi::Env env) = 0;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

  std::string path_;

 private:
  Napi::Promise::Deferred deferred_;
  const char* code_ = nullptr;
  std::string reason_;
};

class OpenWorker : public PromiseWorker {
 public:
  OpenWorker(Napi::Env env, std::string path);

 protected:
  void Execute() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::unique_ptr<OpenedSlide> opened_;
};

// Reads into a Buffer allocated on the JS thread (Electron's V8 memory cage
// forbids external buffers), then converts it in place on the worker.
class ReadRegionWorker : public PromiseWorker {
 public:
  ReadRegionWorker(Napi::Env env, std::shared_ptr<OsrHandle> handle, std::string path,
                   Napi::Buffer<uint8_t> dest, int64_t x0, int64_t y0, int32_t level,
                   int64_t width, int64_t height, std::optional<Rgb> background);

 protected:
  void Execute() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::shared_ptr<OsrHandle> handle_;
  Napi::Reference<Napi::Buffer<uint8_t>> dest_;
  uint8_t* data_;
  int64_t x0_, y0_;
  int32_t level_;
  int64_t width_, height_;
  // Set: composited on this colour, every alpha 255 (the pipeline's read).
  std::optional<Rgb> background_;
};

// Reads into scratch memory owned by the worker thread, composites on the
// background and encodes a JPEG there; only the encoded bytes cross to JS
// (one copy into a Buffer). Resolves with null for a fully transparent
// region, without encoding it: the caller has a background tile for that.
class ReadRegionJpegWorker : public PromiseWorker {
 public:
  ReadRegionJpegWorker(Napi::Env env, std::shared_ptr<OsrHandle> handle, std::string path,
                       int64_t x0, int64_t y0, int32_t level, int64_t width, int64_t height,
                       int quality, Rgb background);

 protected:
  void Execute() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::shared_ptr<OsrHandle> handle_;
  int64_t x0_, y0_;
  int32_t level_;
  int64_t width_, height_;
  int quality_;
  Rgb background_;
  bool transparent_ = false;
  JpegBytes jpeg_;
};

class ReadAssociatedWorker : public PromiseWorker {
 public:
  ReadAssociatedWorker(Napi::Env env, std::shared_ptr<OsrHandle> handle, std::string path,
                       Napi::Buffer<uint8_t> dest, std::string name, int64_t width,
                       int64_t height);

 protected:
  void Execute() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::shared_ptr<OsrHandle> handle_;
  Napi::Reference<Napi::Buffer<uint8_t>> dest_;
  uint8_t* data_;
  std::string name_;
  int64_t width_, height_;
};

}  // namespace smearlab
