// The file through which the other binaries find the dev broker (see common ResolveBrokers).
#pragma once

#include <filesystem>
#include <string_view>

#include "newsflow/common/result.h"

namespace newsflow::broker {

// Writes `content` to `path` atomically: a temp file in the same directory, then rename, so a
// reader sees either no file or the whole content, never half a line. Creates parent directories.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

// Removes the file at `path` on destruction (the address must not outlive the broker).
class ScopedFile {
 public:
  explicit ScopedFile(std::filesystem::path path) : path_(std::move(path)) {}
  ScopedFile(const ScopedFile&) = delete;
  ScopedFile& operator=(const ScopedFile&) = delete;
  ~ScopedFile();

 private:
  std::filesystem::path path_;
};

}  // namespace newsflow::broker
