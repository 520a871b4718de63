#include "bench_articles.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

namespace newsflow::bench {

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<std::vector<BenchArticle>> LoadBenchArticles(const ingest::ArticleParser& parser,
                                                    const std::vector<std::filesystem::path>& dirs,
                                                    const std::vector<std::filesystem::path>& files) {
  std::vector<std::filesystem::path> paths;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<std::filesystem::path> found;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file()) found.push_back(it->path());
    if (ec) return Status::NotFound("cannot list " + dir.string() + ": " + ec.message());
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  paths.insert(paths.end(), files.begin(), files.end());
  if (paths.empty()) return Status::NotFound("no benchmark articles");

  std::vector<BenchArticle> out;
  for (const auto& path : paths) {
    auto raw = ReadWholeFile(path);
    if (!raw.ok()) return raw.status();
    ingest::RawArticle in;
    in.bytes = *raw;
    in.url = path.string();
    in.origin = v1::ORIGIN_REPLAY;
    // A fixed clock keeps relative dates, hence the extraction work, the same on every run.
    in.ingested_at = std::chrono::system_clock::time_point(std::chrono::seconds(1766000000));
    auto parsed = parser.Parse(in);
    if (!parsed.ok()) return Status::InvalidArgument(path.string() + ": " + parsed.status().message());
    out.push_back({path.filename().string(), std::move(*raw), std::move(*parsed)});
  }
  return out;
}

}  // namespace newsflow::bench
