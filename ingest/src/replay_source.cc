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
    if (!options_.loop) sink.ExpectTotal(files->size());
    std::vector<ReplayStep> plan;
    if (options_.by_published) {
      plan = Plan(*files);
    } else {
      for (size_t i = 0; i < files->size(); ++i) plan.push_back({i, std::chrono::milliseconds(0)});
    }
    do {
      for (const ReplayStep& step : plan) {
        if (ShutdownRequested()) return Status::Ok();
        if (step.wait.count() > 0 && !sink.Wait(step.wait)) return Status::Ok();
        if (!Send((*files)[step.index], sink)) return Status::Ok();
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

  static std::optional<std::string> Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in || in.bad()) return std::nullopt;
    return content.str();
  }

  static RawArticle Raw(const std::filesystem::path& path, const std::string& bytes) {
    RawArticle raw;
    raw.bytes = bytes;
    raw.url = path.string();
    raw.origin = v1::ORIGIN_REPLAY;
    return raw;
  }

  // False: the sink says stop.
  static bool Send(const std::filesystem::path& path, ArticleSink& sink) {
    const auto bytes = Read(path);
    if (!bytes) return sink.Reject("unreadable", "cannot read file", "", path.string());
    return sink.Accept(Raw(path, *bytes));
  }

  // Dates every file (one read each; only the dates are kept) and plans the replay.
  std::vector<ReplayStep> Plan(const std::vector<std::filesystem::path>& files) const {
    std::vector<std::optional<TimePoint>> published;
    published.reserve(files.size());
    for (const auto& path : files) {
      const auto bytes = Read(path);
      published.push_back(bytes && options_.published_of ? options_.published_of(Raw(path, *bytes)) : std::nullopt);
    }
    return PlanReplay(published, options_.speed, options_.max_gap);
  }

  std::filesystem::path dir_;
  ReplayOptions options_;
};

}  // namespace

std::vector<ReplayStep> PlanReplay(const std::vector<std::optional<TimePoint>>& published, double speed,
                                   std::chrono::milliseconds max_gap) {
  std::vector<size_t> dated;
  for (size_t i = 0; i < published.size(); ++i)
    if (published[i]) dated.push_back(i);
  std::vector<size_t> by_date = dated;
  std::stable_sort(by_date.begin(), by_date.end(), [&](size_t a, size_t b) { return *published[a] < *published[b]; });
  // The k-th dated position in input order receives the k-th article by date.
  std::vector<ReplayStep> plan(published.size());
  std::optional<TimePoint> previous;
  size_t k = 0;
  for (size_t pos = 0; pos < published.size(); ++pos) {
    if (!published[pos]) {
      plan[pos] = {pos, std::chrono::milliseconds(0)};
      continue;
    }
    const size_t index = by_date[k++];
    std::chrono::milliseconds wait(0);
    if (previous && speed > 0) {
      const double gap = std::chrono::duration<double>(*published[index] - *previous).count() / speed;
      // Clamped as a double first: a decades-long gap at a tiny speed must not overflow.
      const double ms = std::min(gap * 1000, static_cast<double>(max_gap.count()));
      wait = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, ms)));
    }
    previous = published[index];
    plan[pos] = {index, wait};
  }
  return plan;
}

std::unique_ptr<ArticleSource> MakeReplaySource(std::filesystem::path dir, ReplayOptions options) {
  return std::make_unique<ReplaySource>(std::move(dir), options);
}

}  // namespace newsflow::ingest
