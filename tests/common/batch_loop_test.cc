// BatchLoop against an in-process mock cluster (the dev broker's engine, real librdkafka clients):
// when a batch closes, its size cap, and the retry of a batch whose handler is Unavailable.
#include "newsflow/common/batch_loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "newsflow/common/kafka.h"
#include "src/mock_cluster.h"

namespace newsflow {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTopic = "batch-loop-test";

class BatchLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = broker::MockCluster::Create(1);
    ASSERT_TRUE(cluster.ok()) << cluster.status().message();
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic(kTopic, 1).ok());
    kafka_.brokers = cluster_->Bootstraps();
  }

  // Produces "m0".."m<n-1>" to the one partition and waits for the acknowledgements.
  void ProduceMessages(int n) {
    auto producer = Producer::Create(kafka_);
    ASSERT_TRUE(producer.ok()) << producer.status().message();
    for (int i = 0; i < n; ++i) ASSERT_TRUE((*producer)->Produce(kTopic, "k", "m" + std::to_string(i), 0).ok());
    ASSERT_TRUE((*producer)->Flush(10s).ok());
  }

  // Runs `loop` on a fresh group member; the loop ends when the handler returns a fatal error.
  Status RunLoop(BatchLoop& loop) {
    auto consumer = Consumer::Create(kafka_, "batch-loop-test-group", {kTopic}, loop.Hooks(),
                                     {{"auto.offset.reset", "earliest"}, {"fetch.wait.max.ms", "10"}});
    if (!consumer.ok()) return consumer.status();
    return loop.Run(**consumer);
  }

  std::unique_ptr<broker::MockCluster> cluster_;
  KafkaOptions kafka_;
};

std::string Payload(const KafkaMessage& m) { return std::string(static_cast<const char*>(m->payload), m->len); }

// The handler's way to end the loop once it has seen everything.
Status Done() { return Status::Internal("done"); }

TEST_F(BatchLoopTest, ABatchClosesAsSoonAsNothingMoreIsWaitingNotAtItsTimeLimit) {
  ProduceMessages(5);
  BatchOptions options;
  options.max_messages = 1000;
  options.max_wait = 60s;  // far longer than the test may take: only "nothing more waiting" can close the batch
  size_t seen = 0;
  const auto started = std::chrono::steady_clock::now();
  BatchLoop loop(options, [&](std::vector<KafkaMessage>& batch) {
    seen += batch.size();
    return seen == 5 ? Done() : Status::Ok();
  });
  Status s = RunLoop(loop);
  EXPECT_EQ(s.message(), "done");
  EXPECT_EQ(seen, 5u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "the batch waited for max_wait";
}

TEST_F(BatchLoopTest, ABatchNeverHoldsMoreThanMaxMessagesAndOrderIsKept) {
  ProduceMessages(20);
  BatchOptions options;
  options.max_messages = 3;
  std::vector<std::string> seen;
  size_t largest = 0, calls = 0;
  BatchLoop loop(options, [&](std::vector<KafkaMessage>& batch) {
    ++calls;
    largest = std::max(largest, batch.size());
    for (const KafkaMessage& m : batch) seen.push_back(Payload(m));
    return seen.size() == 20 ? Done() : Status::Ok();
  });
  EXPECT_EQ(RunLoop(loop).message(), "done");
  EXPECT_LE(largest, 3u);
  ASSERT_EQ(seen.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(seen[i], "m" + std::to_string(i));
  EXPECT_GE(calls, 7u);  // 20 messages, at most 3 per batch
  EXPECT_EQ(loop.batches(), calls - 1) << "every batch but the one that ended the loop counts as done";
}

TEST_F(BatchLoopTest, AnUnavailableBatchIsRetriedWholeAndCountedOnce) {
  ProduceMessages(4);
  BatchOptions options;
  options.backoff_initial = 10ms;
  std::vector<std::vector<std::string>> calls;
  size_t delivered = 0;
  BatchLoop loop(options, [&](std::vector<KafkaMessage>& batch) {
    std::vector<std::string> payloads;
    for (const KafkaMessage& m : batch) payloads.push_back(Payload(m));
    calls.push_back(payloads);
    if (calls.size() == 1) return Status::Unavailable("store busy");
    delivered += batch.size();
    return delivered == 4 ? Done() : Status::Ok();
  });
  EXPECT_EQ(RunLoop(loop).message(), "done");
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[1], calls[0]) << "the retry must see exactly the batch that failed";
  EXPECT_EQ(delivered, 4u);
  EXPECT_EQ(loop.messages() + calls.back().size(), 4u) << "the failed attempt is not counted; the last batch "
                                                         "ended the loop before it was counted";
}

TEST_F(BatchLoopTest, ANonRetryableErrorStopsTheLoopWithThatError) {
  ProduceMessages(1);
  BatchLoop loop(BatchOptions{}, [](std::vector<KafkaMessage>&) { return Status::InvalidArgument("bad batch"); });
  Status s = RunLoop(loop);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "bad batch");
  EXPECT_EQ(loop.batches(), 0u);
}

TEST(NextOffsetsTest, OnePastTheHighestOffsetSeenPerPartitionInOrder) {
  NextOffsets next;
  next.Saw("b", 0, 7);
  next.Saw("a", 1, 3);
  next.Saw("b", 0, 5);  // out of order within a partition: the highest wins
  next.Saw("a", 0, 0);
  const std::vector<PartitionOffset> got = next.Get();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].topic, "a");
  EXPECT_EQ(got[0].partition, 0);
  EXPECT_EQ(got[0].offset, 1);
  EXPECT_EQ(got[1].topic, "a");
  EXPECT_EQ(got[1].partition, 1);
  EXPECT_EQ(got[1].offset, 4);
  EXPECT_EQ(got[2].topic, "b");
  EXPECT_EQ(got[2].offset, 8);
  EXPECT_TRUE(NextOffsets().Get().empty());
}

}  // namespace
}  // namespace newsflow
