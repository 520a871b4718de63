// Sources: what they hand to the sink, in which order, and what they reject.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "newsflow/ingest/source.h"

namespace newsflow::ingest {
namespace {

namespace fs = std::filesystem;

// Records what a source hands over; stops after `stop_after` items when set.
class RecordingSink : public ArticleSink {
 public:
  struct Item {
    std::string bytes, url, title, outlet, language, reject_reason, reject_detail;
    v1::Origin origin = v1::ORIGIN_UNSPECIFIED;
    std::optional<std::chrono::system_clock::time_point> published_at;
  };
  bool Accept(const RawArticle& raw) override {
    items.push_back({std::string(raw.bytes), raw.url, raw.title, raw.outlet, raw.language, "", "", raw.origin,
                     raw.published_at});
    return stop_after == 0 || items.size() < stop_after;
  }
  bool Reject(std::string_view reason, std::string_view detail, std::string_view original,
              std::string_view source) override {
    items.push_back({std::string(original), std::string(source), "", "", "", std::string(reason), std::string(detail),
                     v1::ORIGIN_UNSPECIFIED, std::nullopt});
    return stop_after == 0 || items.size() < stop_after;
  }
  std::vector<Item> items;
  size_t stop_after = 0;
};

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("ingest_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Write(const fs::path& rel, const std::string& content) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << content;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

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
  ASSERT_EQ(sink.items.size(), 6u);
  EXPECT_EQ(sink.items[0].bytes, "Headline\n\nBody one.");
  EXPECT_EQ(sink.items[0].url, "https://example.org/1");
  EXPECT_EQ(sink.items[0].outlet, "Example");
  EXPECT_EQ(sink.items[0].language, "en");
  EXPECT_EQ(sink.items[0].origin, v1::ORIGIN_JSONL);
  ASSERT_TRUE(sink.items[0].published_at.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*sink.items[0].published_at), 1738569600);  // 08:00Z
  EXPECT_EQ(sink.items[1].bytes, "Only a body field.");
  EXPECT_EQ(sink.items[1].title, "A title");
  EXPECT_EQ(sink.items[1].url, "jsonl:" + file + ":3") << "blank line 2 is skipped but still counted";
  for (size_t i = 2; i < 6; ++i) EXPECT_EQ(sink.items[i].reject_reason, "bad_json") << i;
  EXPECT_EQ(sink.items[2].url, "jsonl:" + file + ":4");
  EXPECT_EQ(sink.items[2].bytes, "{not json") << "the original line is kept for the dead letter";
  EXPECT_EQ(sink.items[3].reject_detail, "line 5: not a JSON object");
  EXPECT_EQ(sink.items[4].reject_detail, "line 6: no \"text\" or \"body\"");
  EXPECT_EQ(sink.items[5].url, "jsonl:" + file + ":7");
}

TEST(JsonlSourceTest, MissingFileIsNotFound) {
  RecordingSink sink;
  Status s = MakeJsonlSource("/nonexistent/in.jsonl")->Run(sink);
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_TRUE(sink.items.empty());
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
  for (const auto& it : sink.items) {
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
  ASSERT_TRUE(MakeReplaySource(dir.path(), {.loop = true})->Run(sink).ok());
  ASSERT_EQ(sink.items.size(), 5u);
  EXPECT_EQ(sink.items[2].bytes, "one");
  EXPECT_EQ(sink.items[4].bytes, "one");
}

TEST(ReplaySourceTest, MissingDirectoryIsNotFound) {
  RecordingSink sink;
  EXPECT_EQ(MakeReplaySource("/nonexistent/dir")->Run(sink).code(), ErrorCode::kNotFound);
}

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
