#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "newsflow/common/log.h"
#include "newsflow/common/shutdown.h"
#include "newsflow/ingest/source.h"

namespace newsflow::ingest {
namespace {

class ReplaySource : public ArticleSource {
 public:
  ReplaySource(std::filesystem::path dir, ReplayOptions options) : dir_(std::move(dir)), options_(options) {}

  Status Run(ArticleSink& sink) override {
    auto files = List();
    if (!files.ok()) return files.status();
    if (files->empty()) Log(LogLevel::kWarn, "replay_empty", {{"dir", dir_.string()}});
    do {
      for (const auto& path : *files) {
        if (ShutdownRequested()) return Status::Ok();
        std::ifstream in(path, std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        if (!in || in.bad()) {
          if (!sink.Reject("unreadable", "cannot read file", "", path.string())) return Status::Ok();
          continue;
        }
        const std::string bytes = content.str();
        RawArticle raw;
        raw.bytes = bytes;
        raw.url = path.string();
        raw.origin = v1::ORIGIN_REPLAY;
        if (!sink.Accept(raw)) return Status::Ok();
      }
    } while (options_.loop && !files->empty() && !ShutdownRequested());
    return Status::Ok();
  }

 private:
  // Regular files under dir_, recursively, sorted by relative path; hidden names skipped (editor
  // swap files, .gitkeep, .DS_Store are not articles).
  Result<std::vector<std::filesystem::path>> List() const {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec)) return Status::NotFound("not a directory: " + dir_.string());
    std::vector<std::filesystem::path> out;
    std::filesystem::recursive_directory_iterator it(dir_, std::filesystem::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) out.push_back(it->path());
    }
    if (ec) return Status::NotFound("cannot list " + dir_.string() + ": " + ec.message());
    std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
      return a.lexically_relative(dir_).string() < b.lexically_relative(dir_).string();
    });
    return out;
  }

  std::filesystem::path dir_;
  ReplayOptions options_;
};

}  // namespace

std::unique_ptr<ArticleSource> MakeReplaySource(std::filesystem::path dir, ReplayOptions options) {
  return std::make_unique<ReplaySource>(std::move(dir), options);
}

}  // namespace newsflow::ingest
