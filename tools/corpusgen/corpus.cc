#include "corpus.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace newsflow::tools {
namespace {

struct Seed {
  std::string title;
  std::vector<std::string> paragraphs;
  bool arabic = false;
};

// SplitMix64: tiny, deterministic across platforms (std::mt19937 distributions are not).
struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
};

bool HasArabic(const std::string& s) {
  // U+0600..U+06FF encode as 0xD8..0xDB lead bytes in UTF-8.
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0xD8 && u <= 0xDB;
  });
}

Seed ReadSeed(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string line;
  Seed s;
  std::string para;
  while (std::getline(in, line)) {
    if (line.empty() || line.find_first_not_of(" \t\r") == std::string::npos) {
      if (!para.empty()) s.paragraphs.push_back(para);
      para.clear();
      continue;
    }
    if (s.title.empty() && s.paragraphs.empty() && para.empty()) {
      s.title = line;
      continue;
    }
    para += (para.empty() ? "" : "\n") + line;
  }
  if (!para.empty()) s.paragraphs.push_back(para);
  s.arabic = HasArabic(s.title + (s.paragraphs.empty() ? "" : s.paragraphs[0]));
  return s;
}

}  // namespace

Result<uint64_t> GenerateCorpus(const CorpusOptions& o) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(o.seeds_dir, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  if (ec || files.empty()) return Status::InvalidArgument("no seed files in " + o.seeds_dir.string());
  std::sort(files.begin(), files.end());
  std::vector<Seed> seeds;
  for (const auto& f : files) seeds.push_back(ReadSeed(f));
  std::map<bool, std::vector<const std::string*>> pool;  // paragraphs by script
  for (const Seed& s : seeds)
    for (const auto& p : s.paragraphs) pool[s.arabic].push_back(&p);

  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return Status::InvalidArgument("cannot create " + o.out_dir.string() + ": " + ec.message());
  Rng rng{o.seed};
  uint64_t bytes = 0;
  for (int64_t i = 0; i < o.count; ++i) {
    const Seed& base = seeds[static_cast<size_t>(i) % seeds.size()];
    const auto& paras = pool[base.arabic];
    std::ostringstream text;
    if (!base.title.empty()) text << base.title << "\n\n";
    text << (base.arabic ? "نشرة رقم " : "Bản tin số ") << i << "\n\n";
    const size_t n = 2 + rng.Below(4);
    for (size_t k = 0; k < n && !paras.empty(); ++k) text << *paras[rng.Below(paras.size())] << "\n\n";
    char name[32];
    std::snprintf(name, sizeof name, "%06lld.txt", static_cast<long long>(i));
    std::ofstream out(o.out_dir / name, std::ios::binary);
    const std::string s = text.str();
    out << s;
    if (!out) return Status::Unavailable("write failed: " + (o.out_dir / name).string());
    bytes += s.size();
  }
  return bytes;
}

}  // namespace newsflow::tools
