// Decoding a consumed batch: what is stored, what is dead-lettered, where the offsets go.
#include "newsflow/sink/service.h"

#include <gtest/gtest.h>

#include "test_events.h"

namespace newsflow::sink {
namespace {

std::string Bytes(const v1::ExtractOutput& o) { return o.SerializeAsString(); }

TEST(DecodeBatchTest, SplitsRecordsFromDeadLettersAndAdvancesPastBoth) {
  v1::ExtractOutput event, article, no_key, empty;
  *event.mutable_event() = testing::Report({"m1", "2025-12-16"});
  article.mutable_article()->mutable_article()->set_id("art-1");
  *no_key.mutable_event() = testing::Report({"m2", "2025-12-16"});
  no_key.mutable_event()->clear_fusion_key();
  const std::string e = Bytes(event), a = Bytes(article), k = Bytes(no_key), z = Bytes(empty);
  const std::string garbage("\x0a\xff\xff\xff\x0f junk", 10);
  const std::vector<InputMessage> batch = {
      {"events", 0, 10, e}, {"events", 1, 4, a}, {"events", 0, 11, garbage},
      {"events", 1, 5, k},  {"events", 0, 12, z}, {"other", 2, 0, e},
  };
  DecodedBatch d = DecodeBatch(batch);
  ASSERT_EQ(d.records.size(), 3u);
  EXPECT_EQ(d.articles, 1);
  EXPECT_EQ(d.events, 2);
  ASSERT_EQ(d.rejected.size(), 3u);
  EXPECT_EQ(d.rejected[0].index, 2u);
  EXPECT_EQ(d.rejected[0].reason, "bad_protobuf");
  EXPECT_EQ(d.rejected[1].index, 3u);
  EXPECT_EQ(d.rejected[1].reason, "store_rejected");
  EXPECT_NE(d.rejected[1].detail.find("fusion key"), std::string::npos);
  EXPECT_EQ(d.rejected[2].index, 4u);
  EXPECT_EQ(d.rejected[2].reason, "bad_protobuf");  // parses, but holds no record
  ASSERT_EQ(d.offsets.size(), 3u);
  EXPECT_EQ(d.offsets[0].topic, "events");
  EXPECT_EQ(d.offsets[0].partition, 0);
  EXPECT_EQ(d.offsets[0].offset, 13);  // past the rejected message at 12
  EXPECT_EQ(d.offsets[1].offset, 6);
  EXPECT_EQ(d.offsets[2].topic, "other");
  EXPECT_EQ(d.offsets[2].offset, 1);
}

TEST(DecodeBatchTest, EmptyBatchHasNoOffsets) {
  DecodedBatch d = DecodeBatch({});
  EXPECT_TRUE(d.records.empty());
  EXPECT_TRUE(d.offsets.empty());
}

}  // namespace
}  // namespace newsflow::sink
