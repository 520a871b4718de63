// The raw broker ceiling: a plain producer and consumer (common's Producer / Consumer, the same
// settings the pipeline's processes use) moving K messages of the corpus's sizes through a broker,
// with no parsing, extraction or store in the way. The pipeline's end-to-end rate is compared to it.
//   newsflow-broker-ceiling --brokers HOST:PORT --corpus DIR [--count K] [--topic T]
// The consumer joins first; the clock runs from the first produce to the last message consumed.
// Prints `key=value` lines.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <unistd.h>
#include <string>
#include <thread>
#include <vector>

#include "bench_articles.h"
#include "percentile.h"
#include "newsflow/common/flags.h"
#include "newsflow/common/kafka.h"

namespace {

using namespace newsflow;
using Clock = std::chrono::steady_clock;

Result<std::vector<std::string>> ReadCorpus(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) paths.push_back(it->path());
  if (ec) return Status::NotFound("cannot list " + dir.string() + ": " + ec.message());
  if (paths.empty()) return Status::NotFound("no files in " + dir.string());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const auto& p : paths) {
    auto text = bench::ReadWholeFile(p);
    if (!text.ok()) return text.status();
    out.push_back(std::move(*text));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  KafkaOptions kafka;
  std::string corpus, topic = "newsflow.articles", group = "newsflow-broker-ceiling";
  int64_t count = 0;
  double rate = 0;
  ArgParser args("newsflow-broker-ceiling", "--corpus DIR [--count K] [--topic T] [--brokers HOST:PORT]",
                 "Moves K corpus-sized messages through the broker with a plain producer and consumer.");
  args.AddKafka(&kafka);
  args.AddString("corpus", &corpus, "folder whose files are the message payloads (cycled)", "DIR");
  args.AddInt("count", &count, "messages to move (default: one per corpus file)");
  args.AddString("topic", &topic, "topic (must exist)", "NAME");
  args.AddString("group", &group, "consumer group", "ID");
  args.AddDouble("rate", &rate, "produce at this many messages/s and report produce-to-consume latency (default: unpaced)");
  if (int rc = args.ParseOrExit(argc, argv, nullptr); rc >= 0) return rc;
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "newsflow-broker-ceiling: %s\n", s.message().c_str());
    return 1;
  };

  auto payloads = ReadCorpus(corpus);
  if (!payloads.ok()) return fail(payloads.status());
  if (count <= 0) count = static_cast<int64_t>(payloads->size());

  auto consumer = Consumer::Create(kafka, group, {topic});
  if (!consumer.ok()) return fail(consumer.status());
  auto producer = Producer::Create(kafka);
  if (!producer.ok()) return fail(producer.status());

  // Join the group before producing, so start-up and rebalancing are not part of the figure.
  const auto join_deadline = Clock::now() + std::chrono::seconds(30);
  while ((*consumer)->Assignment().empty()) {
    if (Clock::now() > join_deadline) return fail(Status::Unavailable("consumer got no partitions in 30 s"));
    (*consumer)->Poll(std::chrono::milliseconds(100));
  }

  // One warm-up message first: the idempotent producer's id and the fetch sessions are set up
  // before the clock starts, so the figure is the steady ceiling.
  const int64_t expected = count + 1;
  // Only this run's messages count: the topic may hold earlier runs' (a new group reads from the start).
  const std::string key_prefix = "ceiling-" + std::to_string(getpid()) + "-";
  auto ours = [&key_prefix](const rd_kafka_message_t* m) {
    return m->key_len >= key_prefix.size() &&
           std::string_view(static_cast<const char*>(m->key), key_prefix.size()) == key_prefix;
  };
  std::atomic<int64_t> consumed{0};
  std::atomic<bool> give_up{false};
  Clock::time_point last_consumed;
  std::vector<double> latencies_ms;  // produce (message create time) to consume, read after join
  std::thread reader([&] {
    while (consumed.load() < expected && !give_up.load()) {
      KafkaMessage m = (*consumer)->Poll(std::chrono::milliseconds(100));
      if (m && m->err == RD_KAFKA_RESP_ERR_NO_ERROR && ours(m.get())) {
        consumed.fetch_add(1);
        last_consumed = Clock::now();
        const int64_t created_ms = rd_kafka_message_timestamp(m.get(), nullptr);
        const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count();
        if (created_ms > 0) latencies_ms.push_back(static_cast<double>(now_ms - created_ms));
      }
    }
  });

  Status produce_error = (*producer)->Produce(topic, key_prefix + "warmup", "warm-up");
  if (produce_error.ok()) produce_error = (*producer)->Flush(std::chrono::seconds(30));
  const auto warm_deadline = Clock::now() + std::chrono::seconds(30);
  while (produce_error.ok() && consumed.load() < 1 && Clock::now() < warm_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const auto start = Clock::now();
  int64_t bytes = 0;
  for (int64_t i = 0; i < count && produce_error.ok(); ++i) {
    const std::string& value = (*payloads)[static_cast<size_t>(i) % payloads->size()];
    bytes += static_cast<int64_t>(value.size());
    if (rate > 0) std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                            std::chrono::duration<double>(static_cast<double>(i) / rate)));
    produce_error = (*producer)->Produce(topic, key_prefix + std::to_string(i), value);
  }
  if (produce_error.ok()) produce_error = (*producer)->Flush(std::chrono::seconds(60));
  const double produce_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!produce_error.ok()) give_up = true;
  const auto consume_deadline = Clock::now() + std::chrono::seconds(60);
  while (consumed.load() < expected && !give_up.load()) {
    if (Clock::now() > consume_deadline) give_up = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reader.join();
  (void)(*consumer)->Close();
  if (!produce_error.ok()) return fail(produce_error);
  if (consumed.load() < expected)
    return fail(Status::Unavailable("consumed " + std::to_string(consumed.load() - 1) + " of " + std::to_string(count) +
                                    " within 60 s"));

  const double total_s = std::chrono::duration<double>(last_consumed - start).count();
  std::printf("messages=%lld\nbytes=%lld\n", static_cast<long long>(count), static_cast<long long>(bytes));
  std::printf("produce_s=%.3f\nend_to_end_s=%.3f\n", produce_s, total_s);
  std::printf("messages_per_s=%.0f\nmb_per_s=%.2f\n", static_cast<double>(count) / total_s,
              static_cast<double>(bytes) / total_s / 1e6);
  // Millisecond timestamps: the latency figures have 1 ms resolution. The warm-up message is first.
  if (latencies_ms.size() > 1) {
    std::vector<double> sorted(latencies_ms.begin() + 1, latencies_ms.end());
    std::sort(sorted.begin(), sorted.end());
    std::printf("latency_p50_ms=%.0f\nlatency_p99_ms=%.0f\nlatency_max_ms=%.0f\n", bench::Percentile(sorted, 0.5),
                bench::Percentile(sorted, 0.99), sorted.back());
  }
  return 0;
}
