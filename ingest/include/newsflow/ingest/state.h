// The ingest state file: what `watch` and `feed` have produced AND had acknowledged, so a restart
// neither loses nor repeats input. A small JSON document, replaced atomically (temp file + rename)
// on every Save().
//
//   {"version": 1,
//    "files": {"a.txt": {"size": 120, "mtime_ns": 1763900000000000000}},
//    "feeds": {"https://x/rss": {"etag": "\"abc\"", "last_modified": "...", "bad": "<hash>",
//                                "seen": ["guid-1", "guid-2"]}}}
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "newsflow/common/result.h"

namespace newsflow::ingest {

// Identifies one version of a file: rewriting it under the same name makes it new input.
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// What one feed URL has delivered: the validators of the last answer we fully handled, and the
// ids (guid / Atom id / link) of the last items produced, oldest first, bounded.
struct FeedState {
  std::string etag, last_modified;
  std::string bad;  // content hash of the last malformed body dead-lettered (not sent twice)
  bool Seen(const std::string& id) const { return seen_set_.count(id) > 0; }
  // Remembers `id`, forgetting the oldest ids beyond `capacity`.
  void Remember(const std::string& id, size_t capacity);
  const std::deque<std::string>& seen() const { return seen_; }

 private:
  std::deque<std::string> seen_;
  std::unordered_set<std::string> seen_set_;
};

class IngestState {
 public:
  // Reads `path`; a missing file is an empty state. InvalidArgument when the file is not a state
  // document (we refuse to guess and re-ingest everything).
  static Result<IngestState> Load(const std::filesystem::path& path);
  // Writes the whole state to `path` + ".tmp", fsyncs it and renames it over `path`: a crash
  // leaves the old or the new state, never a torn one.
  Status Save() const;

  bool HasFile(const std::string& name, const FileStamp& stamp) const;
  void RecordFile(const std::string& name, const FileStamp& stamp);
  // Forgets files that are gone (moved to --done, deleted): keeps the state small.
  void KeepOnlyFiles(const std::set<std::string>& present);
  size_t file_count() const { return files_.size(); }

  // The state of one feed (created empty on first use).
  FeedState& Feed(const std::string& url) { return feeds_[url]; }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::map<std::string, FileStamp> files_;
  std::map<std::string, FeedState> feeds_;
};

}  // namespace newsflow::ingest
