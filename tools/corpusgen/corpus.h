// A deterministic synthetic corpus for load, chaos and benchmark runs: seed articles recombined.
// Article i takes the title of a seed and a pseudo-random selection of paragraphs from seeds of
// the same language, plus a numbered dateline so that every article has its own id. The same
// (seeds, count, seed) always gives byte-identical files.
#pragma once

#include <cstdint>
#include <filesystem>

#include "newsflow/common/result.h"

namespace newsflow::tools {

struct CorpusOptions {
  std::filesystem::path seeds_dir;
  std::filesystem::path out_dir;
  int64_t count = 1000;
  uint64_t seed = 1;
};

// Writes out_dir/000000.txt ... Returns the total bytes written.
Result<uint64_t> GenerateCorpus(const CorpusOptions& options);

}  // namespace newsflow::tools
