// Helpers shared by the libFuzzer targets: where the knowledge base is, and invariant checks that
// abort (libFuzzer records the input that made them fail as a crash).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace newsflow::fuzz {

// The real kb/ of the source tree, overridable with NEWSFLOW_KB_DIR (a CI checkout elsewhere).
inline std::filesystem::path KbDir() {
  const char* env = std::getenv("NEWSFLOW_KB_DIR");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path(NEWSFLOW_FUZZ_KB_DIR);
}

// The object a target builds once in LLVMFuzzerInitialize and uses in every run: libFuzzer's C
// entry points take no context argument, so it can only live in a function-local static.
template <typename T>
std::unique_ptr<T>& Instance() {
  static std::unique_ptr<T> instance;
  return instance;
}

// A broken invariant: print what broke and abort, so the fuzzer saves the input.
[[noreturn]] inline void Fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

inline void Check(bool ok, std::string_view what) {
  if (!ok) Fail(what);
}

// Setup failures (a missing kb/) are not findings: stop before fuzzing starts.
[[noreturn]] inline void SetupFailed(const std::string& message) {
  std::fprintf(stderr, "fuzz setup failed: %s\n", message.c_str());
  std::exit(2);
}

}  // namespace newsflow::fuzz
