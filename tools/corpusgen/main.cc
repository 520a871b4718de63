// newsflow-corpusgen: writes a deterministic synthetic corpus (seeds recombined).
#include <cstdio>

#include "corpus.h"
#include "newsflow/common/flags.h"

int main(int argc, char** argv) {
  newsflow::tools::CorpusOptions o;
  std::string seeds = "seeds", out;
  int64_t seed = 1;
  newsflow::ArgParser args("newsflow-corpusgen", "--out DIR [--seeds DIR] [--count K] [--seed S]",
                           "Writes K articles recombined from the seed corpus, deterministically.");
  args.AddString("seeds", &seeds, "seed corpus folder", "DIR");
  args.AddString("out", &out, "output folder (created)", "DIR");
  args.AddInt("count", &o.count, "number of articles");
  args.AddInt("seed", &seed, "pseudo-random seed");
  if (int rc = args.ParseOrExit(argc, argv, nullptr); rc >= 0) return rc;
  if (out.empty() || o.count < 0) {
    std::fprintf(stderr, "newsflow-corpusgen: --out is required and --count must be >= 0\n");
    return 2;
  }
  o.seeds_dir = seeds;
  o.out_dir = out;
  o.seed = static_cast<uint64_t>(seed);
  auto bytes = newsflow::tools::GenerateCorpus(o);
  if (!bytes.ok()) {
    std::fprintf(stderr, "newsflow-corpusgen: %s\n", bytes.status().message().c_str());
    return 1;
  }
  std::printf("%lld articles, %llu bytes in %s\n", static_cast<long long>(o.count),
              static_cast<unsigned long long>(*bytes), out.c_str());
  return 0;
}
