#include "newsflow/ingest/state.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace newsflow::ingest {

using nlohmann::json;

void FeedState::Remember(const std::string& id, size_t capacity) {
  if (!seen_set_.insert(id).second) return;
  seen_.push_back(id);
  while (seen_.size() > capacity) {
    seen_set_.erase(seen_.front());
    seen_.pop_front();
  }
}

Result<IngestState> IngestState::Load(const std::filesystem::path& path) {
  IngestState state;
  state.path_ = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return state;
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in) return Status::InvalidArgument("cannot read state file " + path.string());
  const json doc = json::parse(content.str(), nullptr, /*allow_exceptions=*/false);
  const std::string bad = "state file " + path.string() + " is not a newsflow-ingest state: ";
  if (!doc.is_object() || doc.value("version", 0) != 1) return Status::InvalidArgument(bad + "no \"version\": 1");
  // Type mismatches inside throw from nlohmann; they are a malformed file, never a crash.
  try {
    if (auto files = doc.find("files"); files != doc.end())
      for (const auto& [name, f] : files->items())
        state.files_[name] = {f.at("size").get<uint64_t>(), f.at("mtime_ns").get<int64_t>()};
    if (auto feeds = doc.find("feeds"); feeds != doc.end())
      for (const auto& [url, f] : feeds->items()) {
        FeedState& fs = state.feeds_[url];
        fs.etag = f.value("etag", "");
        fs.last_modified = f.value("last_modified", "");
        fs.bad = f.value("bad", "");
        if (auto seen = f.find("seen"); seen != f.end())
          for (const auto& id : *seen) fs.Remember(id.get<std::string>(), SIZE_MAX);
      }
  } catch (const json::exception& e) {
    return Status::InvalidArgument(bad + e.what());
  }
  return state;
}

Status IngestState::Save() const {
  json doc = {{"version", 1}, {"files", json::object()}, {"feeds", json::object()}};
  for (const auto& [name, f] : files_) doc["files"][name] = {{"size", f.size}, {"mtime_ns", f.mtime_ns}};
  for (const auto& [url, f] : feeds_) {
    json seen = json::array();
    for (const auto& id : f.seen()) seen.push_back(id);
    doc["feeds"][url] = {{"etag", f.etag}, {"last_modified", f.last_modified}, {"bad", f.bad}, {"seen", seen}};
  }
  // Invalid UTF-8 in an id (a broken feed) is replaced, not thrown.
  const std::string bytes = doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  const std::string tmp = path_.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.flush();
    if (!out) return Status::Unavailable("cannot write " + tmp);
  }
  // fsync before rename: otherwise a power loss can leave the new name pointing at no data.
  if (int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::rename(tmp, path_, ec);
  if (ec) return Status::Unavailable("cannot replace " + path_.string() + ": " + ec.message());
  return Status::Ok();
}

bool IngestState::HasFile(const std::string& name, const FileStamp& stamp) const {
  auto it = files_.find(name);
  return it != files_.end() && it->second == stamp;
}

void IngestState::RecordFile(const std::string& name, const FileStamp& stamp) { files_[name] = stamp; }

void IngestState::KeepOnlyFiles(const std::set<std::string>& present) {
  std::erase_if(files_, [&](const auto& kv) { return present.count(kv.first) == 0; });
}

}  // namespace newsflow::ingest
