// The whole pipeline for integration tests: the real newsflow-broker, newsflow-sink,
// newsflow-extract and newsflow-ingest binaries as separate processes in a temp directory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "newsflow/common/kafka.h"
#include "process.h"

namespace newsflow::testing {

struct PipelineOptions {
  int partitions = 4;
  int brokers = 1;
  bool control = false;                  // serve the broker's fault-injection port
  std::vector<std::string> extra_kafka;  // "-X" properties given to ingest, extractors and sink
  bool metrics = false;                  // sink and extractors serve /metrics on a free port
};

class Pipeline {
 public:
  explicit Pipeline(PipelineOptions options = {});
  ~Pipeline();

  // Starts the broker and waits for its address file (false on timeout).
  bool StartBroker();
  void StartSink();
  // Starts one more extractor; returns its index in extractors().
  size_t StartExtractor();
  // (Re)starts extractor `i` in place (after it was killed).
  void StartExtractor(size_t i);
  // Runs `newsflow-ingest <args...> --brokers B` to completion; returns its exit code.
  int Ingest(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(120));
  // Starts it without waiting.
  std::unique_ptr<Process> StartIngest(std::vector<std::string> args);
  // Sends one fault-injection command to the broker's control port; returns the reply line.
  std::string Control(const std::string& command);

  // True once every article produced so far is extracted (the extract group's committed offsets
  // reach the articles topic's end) and every extraction output is stored (the store's offsets
  // reach the events topic's end).
  bool Drained();
  bool WaitDrained(std::chrono::seconds timeout);

  // SIGTERMs every process (sink and extractors first, broker last); returns true when all exit 0.
  bool StopAll();

  const std::string& dir() const { return dir_.path(); }
  std::string store_path() const { return dir_.path() + "/store.db"; }
  const KafkaOptions& kafka() const { return kafka_; }
  Process* broker() { return broker_.get(); }
  Process* sink() { return sink_.get(); }
  std::vector<std::unique_ptr<Process>>& extractors() { return extractors_; }

 private:
  PipelineOptions options_;
  TempDir dir_;
  KafkaOptions kafka_;
  std::unique_ptr<Process> broker_, sink_;
  std::vector<std::unique_ptr<Process>> extractors_;
  int ingest_runs_ = 0;
};

// The port a process logged in its "metrics_listening port=N" line (0 when not yet).
int MetricsPort(const Process& p);
// GET http://127.0.0.1:port/path; returns "<status code> <body>" ("" when unreachable).
std::string HttpGet(int port, const std::string& path);

// Rows of a read-only query on a SQLite file: each row's columns as text (NULL -> "").
std::vector<std::vector<std::string>> QuerySqlite(const std::string& db_path, const std::string& sql);
int64_t QueryInt(const std::string& db_path, const std::string& sql);

}  // namespace newsflow::testing
