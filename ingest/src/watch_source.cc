#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "newsflow/common/log.h"
#include "newsflow/ingest/source.h"
#include "newsflow/ingest/state.h"

namespace newsflow::ingest {
namespace {

namespace fs = std::filesystem;

// RAII for the inotify descriptor.
class InotifyFd {
 public:
  InotifyFd() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}
  ~InotifyFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  InotifyFd(const InotifyFd&) = delete;
  InotifyFd& operator=(const InotifyFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Files handed over are acknowledged (one producer flush) in batches of at most this many.
constexpr size_t kCommitEvery = 100;

Result<FileStamp> Stamp(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return Status::NotFound(ec.message());
  const auto mtime = fs::last_write_time(path, ec);
  if (ec) return Status::NotFound(ec.message());
  return FileStamp{size, std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count()};
}

// True when some process has `path` open for writing: a read lease is refused (EAGAIN) exactly
// then. Other failures (not our file, leases disabled) cannot tell, and say no.
bool OpenForWriting(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  const bool busy = ::fcntl(fd, F_SETLEASE, F_RDLCK) != 0 && errno == EAGAIN;
  if (!busy) ::fcntl(fd, F_SETLEASE, F_UNLCK);
  ::close(fd);
  return busy;
}

class WatchSource : public ArticleSource {
 public:
  WatchSource(fs::path dir, WatchOptions options) : dir_(std::move(dir)), options_(std::move(options)) {
    if (options_.state_path.empty()) options_.state_path = dir_ / ".newsflow-ingest.state";
    if (!options_.should_stop) options_.should_stop = ShutdownRequested;
  }

  Status Run(ArticleSink& sink) override {
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return Status::NotFound("not a directory: " + dir_.string());
    if (!options_.done_dir.empty()) fs::create_directories(options_.done_dir, ec);
    auto state = IngestState::Load(options_.state_path);
    if (!state.ok()) return state.status();
    state_ = std::move(*state);
    // Watch before listing: a file landing in between is seen twice (the state skips it), never 0 times.
    InotifyFd fd;
    if (fd.get() < 0) return Status::Unavailable(std::string("inotify_init1: ") + std::strerror(errno));
    if (::inotify_add_watch(fd.get(), dir_.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
      return Status::Unavailable("inotify_add_watch " + dir_.string() + ": " + std::strerror(errno));

    if (Status s = CatchUp(sink); !s.ok() || stopped_) return s;
    Log(LogLevel::kInfo, "watching", {{"dir", dir_.string()}, {"state", options_.state_path.string()}});
    alignas(inotify_event) std::array<char, 64 * 1024> buf;
    while (!options_.should_stop()) {
      pollfd p{fd.get(), POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;  // timeout or EINTR: check should_stop again
      const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n <= 0) continue;
      for (ssize_t off = 0; off < n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf.data() + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        if (ev->mask & IN_Q_OVERFLOW) {
          // Events were lost: a listing finds whatever they announced.
          Log(LogLevel::kWarn, "watch_overflow", {{"dir", dir_.string()}});
          if (Status s = CatchUp(sink); !s.ok() || stopped_) return s;
          continue;
        }
        if (ev->mask & IN_IGNORED)  // the directory itself was removed or unmounted
          return Status::Unavailable("watched directory is gone: " + dir_.string());
        if (ev->len == 0 || (ev->mask & IN_ISDIR)) continue;
        if (Status s = Ingest(ev->name, sink); !s.ok() || stopped_) return s;
      }
      if (Status s = Commit(sink); !s.ok()) return s;
    }
    return Commit(sink);
  }

 private:
  // Files present now that the state does not list (landed while we were down), in name order.
  Status CatchUp(ArticleSink& sink) {
    std::set<std::string> present;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) present.insert(it->path().filename().string());
    if (ec) return Status::Unavailable("cannot list " + dir_.string() + ": " + ec.message());
    state_.KeepOnlyFiles(present);
    for (const auto& name : present) {
      if (options_.should_stop()) break;
      // Still being written: its IN_CLOSE_WRITE will come (the watch is already set).
      if (OpenForWriting(dir_ / name)) continue;
      if (Status s = Ingest(name, sink); !s.ok() || stopped_) return s;
    }
    return Commit(sink);
  }

  Status Ingest(const std::string& name, ArticleSink& sink) {
    if (name.empty() || name[0] == '.') return Status::Ok();  // the state file, editors' temp files
    const fs::path path = dir_ / name;
    auto stamp = Stamp(path);
    if (!stamp.ok()) return Status::Ok();  // gone again (moved on by someone else)
    if (state_.HasFile(name, *stamp)) return MoveToDone(name);
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    const std::string bytes = content.str();
    RawArticle raw;
    raw.bytes = bytes;
    raw.url = path.string();
    raw.origin = v1::ORIGIN_WATCH;
    const bool go_on = !in.bad() ? sink.Accept(raw) : sink.Reject("unreadable", "cannot read file", "", raw.url);
    if (!go_on && options_.should_stop()) {
      // Refused because we are stopping: not produced, so not recorded; the next start takes it.
      stopped_ = true;
      return Commit(sink);
    }
    pending_.push_back({name, *stamp});
    if (!go_on) stopped_ = true;
    return pending_.size() >= kCommitEvery || stopped_ ? Commit(sink) : Status::Ok();
  }

  // Records the pending files once the sink says they are acknowledged, then moves them to
  // --done. Not acknowledged: an error (the process stops, nothing recorded, all comes again).
  Status Commit(ArticleSink& sink) {
    if (pending_.empty()) return Status::Ok();
    if (Status s = sink.Checkpoint(); !s.ok()) return s;
    for (const auto& [name, stamp] : pending_) state_.RecordFile(name, stamp);
    if (Status s = state_.Save(); !s.ok()) return s;
    for (const auto& p : pending_) MoveToDone(p.first);
    pending_.clear();
    return Status::Ok();
  }

  Status MoveToDone(const std::string& name) {
    if (options_.done_dir.empty()) return Status::Ok();
    std::error_code ec;
    fs::rename(dir_ / name, options_.done_dir / name, ec);
    if (ec) Log(LogLevel::kWarn, "watch_move_failed", {{"file", name}, {"error", ec.message()}});
    return Status::Ok();
  }

  fs::path dir_;
  WatchOptions options_;
  IngestState state_;
  std::vector<std::pair<std::string, FileStamp>> pending_;  // handed over, not yet acknowledged
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<ArticleSource> MakeWatchSource(fs::path dir, WatchOptions options) {
  return std::make_unique<WatchSource>(std::move(dir), std::move(options));
}

}  // namespace newsflow::ingest
