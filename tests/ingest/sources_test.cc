// Sources: what they hand to the sink, in which order, and what they reject.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "newsflow/ingest/source.h"
#include "source_testing.h"

namespace newsflow::ingest {
namespace {

namespace fs = std::filesystem;

TEST(JsonlSourceTest, HandsOverFieldsAndRejectsBadLinesWithTheirNumbers) {
  TempDir dir;
  dir.Write("in.jsonl",
            "{\"text\":\"Headline\\n\\nBody one.\",\"url\":\"https://example.org/1\",\"outlet\":\"Example\","
            "\"language\":\"en\",\"published\":\"2025-02-03T10:00:00+02:00\"}\n"
            "\n"
            "{\"body\":\"Only a body field.\",\"title\":\"A title\"}\r\n"
            "{not json\n"
            "[1,2,3]\n"
            "{\"title\":\"no text at all\"}\n"
            "{\"text\":42}\n");
  RecordingSink sink;
  const std::string file = (dir.path() / "in.jsonl").string();
  ASSERT_TRUE(MakeJsonlSource(file)->Run(sink).ok());
  const auto items = sink.items();
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].bytes, "Headline\n\nBody one.");
  EXPECT_EQ(items[0].url, "https://example.org/1");
  EXPECT_EQ(items[0].outlet, "Example");
  EXPECT_EQ(items[0].language, "en");
  EXPECT_EQ(items[0].origin, v1::ORIGIN_JSONL);
  ASSERT_TRUE(items[0].published_at.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*items[0].published_at), 1738569600);  // 08:00Z
  EXPECT_EQ(items[1].bytes, "Only a body field.");
  EXPECT_EQ(items[1].title, "A title");
  EXPECT_EQ(items[1].url, "jsonl:" + file + ":3") << "blank line 2 is skipped but still counted";
  for (size_t i = 2; i < 6; ++i) EXPECT_EQ(items[i].reject_reason, "bad_json") << i;
  EXPECT_EQ(items[2].url, "jsonl:" + file + ":4");
  EXPECT_EQ(items[2].bytes, "{not json") << "the original line is kept for the dead letter";
  EXPECT_EQ(items[3].reject_detail, "line 5: not a JSON object");
  EXPECT_EQ(items[4].reject_detail, "line 6: no \"text\" or \"body\"");
  EXPECT_EQ(items[5].url, "jsonl:" + file + ":7");
}

TEST(JsonlSourceTest, MissingFileIsNotFound) {
  RecordingSink sink;
  Status s = MakeJsonlSource("/nonexistent/in.jsonl")->Run(sink);
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_TRUE(sink.items().empty());
}

TEST(ReplaySourceTest, ReadsRegularFilesRecursivelyInPathOrderSkippingHiddenOnes) {
  TempDir dir;
  dir.Write("b.txt", "B");
  dir.Write("a/z.txt", "AZ");
  dir.Write("a/b.txt", "AB");
  dir.Write(".hidden.txt", "hidden");
  dir.Write(".git/objects/x", "hidden too");
  dir.Write("c.md", "C");
  RecordingSink sink;
  ASSERT_TRUE(MakeReplaySource(dir.path())->Run(sink).ok());
  std::vector<std::string> bytes;
  for (const auto& it : sink.items()) {
    bytes.push_back(it.bytes);
    EXPECT_EQ(it.origin, v1::ORIGIN_REPLAY);
    EXPECT_TRUE(it.url.starts_with(dir.path().string())) << it.url;
  }
  EXPECT_EQ(bytes, (std::vector<std::string>{"AB", "AZ", "B", "C"}));
}

TEST(ReplaySourceTest, LoopsUntilTheSinkStops) {
  TempDir dir;
  dir.Write("1.txt", "one");
  dir.Write("2.txt", "two");
  RecordingSink sink;
  sink.stop_after = 5;
  ASSERT_TRUE(MakeReplaySource(dir.path(), ReplayOptions{.loop = true, .published_of = nullptr})->Run(sink).ok());
  const auto items = sink.items();
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[2].bytes, "one");
  EXPECT_EQ(items[4].bytes, "one");
}

TEST(ReplaySourceTest, MissingDirectoryIsNotFound) {
  RecordingSink sink;
  EXPECT_EQ(MakeReplaySource("/nonexistent/dir")->Run(sink).code(), ErrorCode::kNotFound);
}

TEST(ReplaySourceTest, ByPublishedSendsInDateOrderAndWaitsTheScaledGaps) {
  TempDir dir;
  // The first line carries the date for this test's dating function; "-" = undated.
  dir.Write("1.txt", "2026-02-01T10:00:00Z\nTin thứ hai theo ngày");
  dir.Write("2.txt", "-\nخبر بلا تاريخ");
  dir.Write("3.txt", "2026-02-01T09:00:00Z\nFirst story by date");
  dir.Write("4.txt", "2026-02-03T09:00:00Z\nA story two days later");
  ReplayOptions o{.loop = false, .by_published = true, .speed = 60, .max_gap = std::chrono::minutes(30),
                  .published_of = [](const RawArticle& raw) {
                    return ParseIsoTime(raw.bytes.substr(0, raw.bytes.find('\n')));
                  }};
  RecordingSink sink;
  ASSERT_TRUE(MakeReplaySource(dir.path(), o)->Run(sink).ok());
  std::vector<std::string> order;
  for (const auto& it : sink.items()) order.push_back(it.url.substr(it.url.size() - 5));
  EXPECT_EQ(order, (std::vector<std::string>{"3.txt", "2.txt", "1.txt", "4.txt"}))
      << "dated files sorted into the dated positions; the undated one keeps its place";
  EXPECT_EQ(sink.waits(), (std::vector<std::chrono::milliseconds>{std::chrono::minutes(1), std::chrono::minutes(30)}))
      << "one hour at 60x is a minute; two days at 60x (48 min) are capped at 30 min";
  EXPECT_EQ(sink.expected_total, 4u);
}

struct PlanCase {
  const char* name;
  std::vector<int> hours;  // publication hour per input; -1 = undated
  double speed;
  int max_gap_s;
  std::vector<ReplayStep> plan;
};

class PlanReplayTest : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlanReplayTest, OrdersByDateAndScalesGaps) {
  std::vector<std::optional<TimePoint>> published;
  for (int h : GetParam().hours)
    published.push_back(h < 0 ? std::nullopt : std::optional<TimePoint>(TimePoint(std::chrono::hours(h))));
  EXPECT_EQ(PlanReplay(published, GetParam().speed, std::chrono::seconds(GetParam().max_gap_s)), GetParam().plan);
}

using std::chrono::milliseconds;
INSTANTIATE_TEST_SUITE_P(
    Cases, PlanReplayTest,
    ::testing::Values(
        PlanCase{"empty", {}, 1, 10, {}},
        PlanCase{"sorted", {1, 2, 4}, 3600, 10, {{0, milliseconds(0)}, {1, milliseconds(1000)}, {2, milliseconds(2000)}}},
        PlanCase{"reversed", {5, 3, 1}, 7200, 10, {{2, milliseconds(0)}, {1, milliseconds(1000)}, {0, milliseconds(1000)}}},
        PlanCase{"ties_keep_input_order", {2, 2, 1}, 1, 100, {{2, milliseconds(0)}, {0, milliseconds(100000)}, {1, milliseconds(0)}}},
        PlanCase{"undated_keep_positions", {-1, 9, -1, 8}, 3600, 10,
                 {{0, milliseconds(0)}, {3, milliseconds(0)}, {2, milliseconds(0)}, {1, milliseconds(1000)}}},
        PlanCase{"all_undated", {-1, -1}, 1, 10, {{0, milliseconds(0)}, {1, milliseconds(0)}}},
        PlanCase{"capped", {0, 1000}, 1, 5, {{0, milliseconds(0)}, {1, milliseconds(5000)}}}),
    [](const auto& info) { return std::string(info.param.name); });

struct IsoCase {
  const char* text;
  long long epoch;  // -1 = rejected
};

class IsoTimeTest : public ::testing::TestWithParam<IsoCase> {};

TEST_P(IsoTimeTest, ParsesIso8601ToUtc) {
  auto t = ParseIsoTime(GetParam().text);
  if (GetParam().epoch < 0) {
    EXPECT_FALSE(t.has_value());
  } else {
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(), GetParam().epoch);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, IsoTimeTest,
                         ::testing::Values(IsoCase{"2026-11-21T00:00:00Z", 1795219200},
                                           IsoCase{"2026-11-21", 1795219200},
                                           IsoCase{"2026-11-21T07:00:00+07:00", 1795219200},
                                           IsoCase{"2026-11-20T19:30:00.250-04:30", 1795219200},
                                           IsoCase{"2026-11-21 00:00", 1795219200},
                                           IsoCase{"2026-02-30", -1}, IsoCase{"21/11/2026", -1},
                                           IsoCase{"2026-11-21T25:00:00Z", -1}, IsoCase{"", -1}));

}  // namespace
}  // namespace newsflow::ingest
