// The feed source against a real HTTP server on loopback: each item once across polls and
// restarts, conditional GET (304), malformed feeds dead-lettered while the others go on, backoff.
#include <gtest/gtest.h>

#include "newsflow/common/metrics.h"
#include "newsflow/ingest/feed.h"
#include "newsflow/ingest/metrics.h"
#include "newsflow/ingest/state.h"
#include "source_testing.h"
#include "test_http_server.h"

namespace newsflow::ingest {
namespace {

using testing::ReadFeedFixture;
using testing::TestHttpServer;
using Strings = std::vector<std::string>;

class FeedSourceTest : public ::testing::Test {
 protected:
  FeedOptions Options(Strings paths, bool once = false) {
    FeedOptions o;
    for (const auto& p : paths) o.urls.push_back(server_.Url(p));
    o.state_path = dir_.path() / "feeds.state";
    o.once = once;
    o.http.timeout = std::chrono::seconds(10);
    o.metrics = &metrics_;
    return o;
  }
  // Runs `rounds` polling rounds (the sink's Wait lets rounds - 1 intervals pass).
  Strings Run(FeedOptions o, int rounds, RecordingSink* sink = nullptr) {
    RecordingSink local;
    RecordingSink& s = sink ? *sink : local;
    s.waits_allowed = rounds - 1;
    EXPECT_TRUE(MakeFeedSource(std::move(o))->Run(s).ok());
    return s.titles();
  }

  TestHttpServer server_;
  TempDir dir_;
  Metrics registry_{"test"};
  IngestMetrics metrics_{registry_};
};

TEST_F(FeedSourceTest, ItemRepeatedAcrossPollsIsProducedOnceAndUnchangedFeedsAnswer304) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/courier.xml", {.bodies = {ReadFeedFixture("repeat_1.xml"), ReadFeedFixture("repeat_2.xml")}});
  RecordingSink sink;
  EXPECT_EQ(Run(Options({"/courier.xml"}), 3, &sink),
            (Strings{"School reopens after repairs", "Bus timetable changes next week",
                     "Farmers market moves to the square"}));
  const auto c = server_.counts("/courier.xml");
  EXPECT_EQ(c.requests, 3);
  EXPECT_EQ(c.conditional, 2) << "every poll after the first sends If-None-Match";
  EXPECT_EQ(c.not_modified, 1) << "the third poll finds the second document unchanged";
  EXPECT_EQ(metrics_.feed_not_modified.value(), 1);
  EXPECT_EQ(metrics_.feed_polls.value(), 3);
  EXPECT_EQ(metrics_.duplicates.value(), 1) << "courier-101 came twice";
  EXPECT_EQ(sink.waits(), std::vector<std::chrono::milliseconds>(3, std::chrono::minutes(5)))
      << "the default interval after each round; the third Wait is the one that stops";
  for (const auto& it : sink.items()) EXPECT_EQ(it.origin, v1::ORIGIN_FEED);
}

TEST_F(FeedSourceTest, RestartRemembersSeenItemsAndValidators) {
  ASSERT_TRUE(server_.ok());
  // No ETag: only the remembered ids keep the items from coming again.
  server_.Serve("/plain.xml", {.bodies = {ReadFeedFixture("repeat_1.xml"), ReadFeedFixture("repeat_2.xml")},
                               .etag = false});
  server_.Serve("/tagged.xml", {.bodies = {ReadFeedFixture("rss_vi.xml")}});
  EXPECT_EQ(Run(Options({"/plain.xml", "/tagged.xml"}, true), 1).size(), 5u);
  EXPECT_EQ(Run(Options({"/plain.xml", "/tagged.xml"}, true), 1), (Strings{"Farmers market moves to the square"}))
      << "after a restart only the new item of the changed feed comes";
  EXPECT_EQ(server_.counts("/tagged.xml").not_modified, 1) << "the ETag survived the restart";
  EXPECT_EQ(Run(Options({"/plain.xml"}, true), 1), Strings{});

  auto state = IngestState::Load(dir_.path() / "feeds.state");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->Feed(server_.Url("/plain.xml")).seen().size(), 3u);
  EXPECT_FALSE(state->Feed(server_.Url("/tagged.xml")).etag.empty());
}

TEST_F(FeedSourceTest, ItemsBecomeArticlesWithTheFeedsMetadata) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/ar.xml", {.bodies = {ReadFeedFixture("atom_ar.xml")}});
  RecordingSink sink;
  Run(Options({"/ar.xml"}, true), 1, &sink);
  const auto items = sink.items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].title, "افتتاح جسر جديد فوق النهر");
  EXPECT_EQ(items[0].url, "https://news.example.org/ar/bridge");
  EXPECT_EQ(items[0].outlet, "وكالة الأنباء التجريبية");
  EXPECT_EQ(items[0].language, "ar");
  EXPECT_TRUE(items[0].bytes.starts_with("افتتح محافظ المدينة")) << items[0].bytes;
  EXPECT_TRUE(items[0].published_at.has_value());
  EXPECT_EQ(metrics_.feed_bytes.value(), static_cast<int64_t>(ReadFeedFixture("atom_ar.xml").size()));
}

TEST_F(FeedSourceTest, MalformedFeedIsRejectedOnceAndTheOtherFeedIsStillIngested) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/broken.xml", {.bodies = {ReadFeedFixture("malformed.xml")}, .etag = false});
  server_.Serve("/en.xml", {.bodies = {ReadFeedFixture("html_en.xml")}});
  RecordingSink sink;
  Run(Options({"/broken.xml", "/en.xml"}), 2, &sink);
  const auto items = sink.items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].reject_reason, "bad_feed");
  EXPECT_EQ(items[0].url, server_.Url("/broken.xml"));
  EXPECT_EQ(items[0].bytes, ReadFeedFixture("malformed.xml")) << "the raw bytes go to the dead letter";
  EXPECT_TRUE(items[0].reject_detail.starts_with("not_xml")) << items[0].reject_detail;
  EXPECT_EQ(items[1].title, "Ferry service resumes after storm");
  EXPECT_EQ(server_.counts("/broken.xml").requests, 2) << "the broken feed is still polled";
  EXPECT_EQ(metrics_.bad_feeds.value(), 1) << "the same broken body is not dead-lettered twice";
}

TEST_F(FeedSourceTest, FailingFeedIsRetriedWithBackoffWhileOthersArePolledEveryRound) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/down.xml", {.bodies = {"oops"}, .status = 503});
  server_.Serve("/ok.xml", {.bodies = {ReadFeedFixture("repeat_1.xml")}});
  Run(Options({"/down.xml", "/ok.xml"}), 8);
  // Failures at rounds 1, 2, 4, 8: each failure doubles the rounds skipped.
  EXPECT_EQ(server_.counts("/down.xml").requests, 4);
  EXPECT_EQ(server_.counts("/ok.xml").requests, 8);
  EXPECT_EQ(metrics_.feed_errors.value(), 4);
}

TEST_F(FeedSourceTest, OnceReportsUnavailableWhenAFeedCannotBeFetched) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/ok.xml", {.bodies = {ReadFeedFixture("repeat_1.xml")}});
  FeedOptions o = Options({"/missing.xml", "/ok.xml"}, true);
  RecordingSink sink;
  Status s = MakeFeedSource(std::move(o))->Run(sink);
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(sink.items().size(), 2u) << "the reachable feed is ingested all the same";
}

TEST_F(FeedSourceTest, UnacknowledgedItemsAreNotRecordedAndComeAgain) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/courier.xml", {.bodies = {ReadFeedFixture("repeat_1.xml")}});
  RecordingSink failing;
  failing.checkpoint_result = Status::Unavailable("broker down");
  Run(Options({"/courier.xml"}), 1, &failing);
  EXPECT_EQ(failing.items().size(), 2u);
  EXPECT_EQ(Run(Options({"/courier.xml"}, true), 1).size(), 2u)
      << "neither ids nor the ETag were recorded, so the items come again";
  EXPECT_EQ(server_.counts("/courier.xml").conditional, 0);
}

TEST_F(FeedSourceTest, BodiesLargerThanTheLimitAreFetchErrors) {
  ASSERT_TRUE(server_.ok());
  server_.Serve("/big.xml", {.bodies = {ReadFeedFixture("rss_vi.xml")}});
  FeedOptions o = Options({"/big.xml"}, true);
  o.http.max_bytes = 200;
  RecordingSink sink;
  EXPECT_FALSE(MakeFeedSource(std::move(o))->Run(sink).ok());
  EXPECT_TRUE(sink.items().empty());
  EXPECT_EQ(metrics_.feed_errors.value(), 1);
}

}  // namespace
}  // namespace newsflow::ingest
