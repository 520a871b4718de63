// newsflow-extract-dump: every file under the given folders (and each given file) parsed by the
// ingest parser with a fixed clock and extracted; each Extraction printed as protobuf text, in
// path order. A test-only tool: a golden dump before a refactoring of extract/ diffed against the
// dump after it shows that the output did not change by a byte.
// With --repeat N every article is extracted N times (printed once): a steady-state workload for
// callgrind (instructions of N passes minus those of one pass, divided by N - 1).
//   newsflow-extract-dump [--kb DIR] [--repeat N] PATH...
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "newsflow/extract/extractor.h"
#include "newsflow/ingest/article_parser.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  fs::path kb = NEWSFLOW_KB_DIR;
  std::vector<fs::path> paths;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--kb" && i + 1 < argc) {
      kb = argv[++i];
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (fs::is_directory(a)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::directory_iterator(a))
        if (e.is_regular_file()) found.push_back(e.path());
      std::sort(found.begin(), found.end());
      paths.insert(paths.end(), found.begin(), found.end());
    } else {
      paths.push_back(a);
    }
  }
  auto parser = newsflow::ingest::ArticleParser::Create(kb);
  auto extractor = newsflow::extract::Extractor::Create({kb});
  if (!parser.ok() || !extractor.ok()) {
    std::fprintf(stderr, "extract-dump: cannot load %s\n", kb.c_str());
    return 1;
  }
  google::protobuf::TextFormat::Printer printer;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    newsflow::ingest::RawArticle raw;
    raw.bytes = bytes;
    raw.url = p.filename().string();
    raw.origin = newsflow::v1::ORIGIN_REPLAY;
    raw.ingested_at = std::chrono::system_clock::time_point(std::chrono::seconds(1766000000));
    auto article = (*parser)->Parse(raw);
    std::printf("=== %s\n", p.filename().c_str());
    if (!article.ok()) {
      std::printf("parse error: %s\n", article.status().message().c_str());
      continue;
    }
    auto x = (*extractor)->Extract(*article);
    for (int r = 1; r < repeat; ++r) x = (*extractor)->Extract(*article);
    if (!x.ok()) {
      std::printf("extract error: %s\n", x.status().message().c_str());
      continue;
    }
    std::string s;
    printer.PrintToString(x->article, &s);
    std::fputs(s.c_str(), stdout);
    for (const auto& e : x->events) {
      printer.PrintToString(e, &s);
      std::printf("--- event\n%s", s.c_str());
    }
  }
  return 0;
}
