// The evaluation run: seeds through the real ingest parser, the real Extractor and a real sink
// store (temporary SQLite file), scored against the gold set (see score.h).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/eval/score.h"

namespace newsflow::eval {

struct EvalOptions {
  std::filesystem::path gold_dir, seeds_dir, kb_dir;
  std::chrono::system_clock::time_point clock;  // the ingest clock given to the parser
};

struct FusionOutcome {
  GoldFusion pair;
  bool held = false;
  std::string detail;  // why not, or the record ids
};

struct DocCheck {
  std::string doc, field;
  bool ok = false;
  std::string expected, got;
};

// Per document, what --verbose prints.
struct DocDetail {
  std::string doc, language;
  EntityScore entities;
  EventScore events;
  std::vector<PredictedEvent> predicted;
};

struct Thresholds {
  double entity_f1 = 0.95, event_f1 = 0.85, date_accuracy = 0.95;
};

struct Report {
  std::string extractor_version;
  Prf entities;
  int64_t typed = 0, type_correct = 0;
  std::map<std::string, Prf> entities_by_lang;
  Prf events;
  std::map<std::string, Prf> events_by_lang;
  int64_t dated = 0, date_correct = 0;
  std::vector<FusionOutcome> fusion;
  std::vector<DocCheck> doc_checks;
  std::vector<DocDetail> docs;

  double date_accuracy() const { return dated ? static_cast<double>(date_correct) / dated : 0; }
  double type_accuracy() const { return typed ? static_cast<double>(type_correct) / typed : 0; }
  // Empty when every floor holds; otherwise one line per failed floor.
  std::vector<std::string> FloorFailures(const Thresholds& t = {}) const;
};

// "2026-11-21T00:00:00Z" (or a bare "2026-11-21") as a UTC time point; InvalidArgument otherwise.
Result<std::chrono::system_clock::time_point> ParseClock(std::string_view iso);

// Runs everything. InvalidArgument for unreadable gold / seeds / kb; other errors as they come.
Result<Report> Evaluate(const EvalOptions& options);

void PrintText(const Report& r, bool verbose, std::ostream& out);
void PrintJson(const Report& r, std::ostream& out);

}  // namespace newsflow::eval
