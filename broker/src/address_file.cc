#include "address_file.h"

#include <unistd.h>

#include <fstream>
#include <system_error>

namespace newsflow::broker {

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return Status::Unavailable("create " + path.parent_path().string() + ": " + ec.message());
  }
  // The pid keeps two brokers started at once from clobbering each other's temp file.
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return Status::Unavailable("write " + tmp.string());
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Status::Unavailable("rename to " + path.string() + " failed");
  }
  return Status::Ok();
}

ScopedFile::~ScopedFile() {
  std::error_code ec;  // best effort: nothing useful to do when it is already gone
  std::filesystem::remove(path_, ec);
}

}  // namespace newsflow::broker
