// Errors handed to JS: a machine code that matches SlideErrorCode in
// src-main/slide/slide-error.ts, the slide path, and the bare reason, so the
// TypeScript side can rebuild a SlideError without parsing messages.
#pragma once

#include <napi.h>

#include <string>

namespace smearlab {

inline Napi::Error MakeError(Napi::Env env, const char* code, const std::string& path,
                             const std::string& reason) {
  Napi::Error error = Napi::Error::New(env, path.empty() ? reason : reason + " (" + path + ")");
  error.Set("code", Napi::String::New(env, code));
  error.Set("path", Napi::String::New(env, path));
  error.Set("reason", Napi::String::New(env, reason));
  return error;
}

inline Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

}  // namespace smearlab
