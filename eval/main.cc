// newsflow-eval: the seed corpus through the real pipeline pieces, scored against the gold set.
#include <iostream>

#include "newsflow/common/flags.h"
#include "newsflow/eval/evaluate.h"

int main(int argc, char** argv) {
  const std::string root = NEWSFLOW_SOURCE_DIR;
  std::string gold = root + "/../shared/gold", seeds = root + "/../shared/seeds", kb = root + "/kb";
  std::string clock = "2026-11-21T00:00:00Z";
  bool json = false, verbose = false, floors = false;
  newsflow::ArgParser args("newsflow-eval", "[--gold DIR] [--seeds DIR] [--kb DIR] [--clock ISO] [--json] [--verbose] [--floors]",
                           "Runs the seed articles through ingest's parser, the extractor and a temporary sink store, "
                           "and scores them against the gold set.");
  args.AddString("gold", &gold, "gold folder (docs/entities/events/fusion .jsonl)", "DIR");
  args.AddString("seeds", &seeds, "seed articles folder", "DIR");
  args.AddString("kb", &kb, "knowledge base and language data", "DIR");
  args.AddString("clock", &clock, "the ingest clock", "ISO");
  args.AddBool("json", &json, "print the report as JSON");
  args.AddBool("verbose", &verbose, "list false positives and misses per document");
  args.AddBool("floors", &floors, "exit 1 when a quality floor is not met");
  std::vector<std::string> positional;
  if (int rc = args.ParseOrExit(argc, argv, &positional); rc >= 0) return rc;

  auto when = newsflow::eval::ParseClock(clock);
  if (!when.ok()) {
    std::cerr << "newsflow-eval: " << when.status().message() << "\n";
    return 2;
  }
  auto report = newsflow::eval::Evaluate({gold, seeds, kb, *when});
  if (!report.ok()) {
    std::cerr << "newsflow-eval: " << report.status().message() << "\n";
    return 2;
  }
  if (json) {
    newsflow::eval::PrintJson(*report, std::cout);
  } else {
    newsflow::eval::PrintText(*report, verbose, std::cout);
  }
  const auto failures = report->FloorFailures();
  for (const std::string& f : failures) std::cerr << "newsflow-eval: floor: " << f << "\n";
  return floors && !failures.empty() ? 1 : 0;
}
