// CAMEO labels from kb/cameo.tsv and the `events` listing.
#include "newsflow/sink/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace newsflow::sink {
namespace {

const std::filesystem::path kCameoFile = std::filesystem::path(NEWSFLOW_KB_DIR) / "cameo.tsv";

// Loads labels from a temporary file holding `content`.
Result<CameoLabels> LoadFrom(const std::string& content) {
  char tmpl[] = "/tmp/newsflow-cameo.XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) return Status::Internal("mkstemp");
  ::close(fd);
  std::ofstream(tmpl) << content;
  auto labels = CameoLabels::Load(tmpl);
  std::filesystem::remove(tmpl);
  return labels;
}

TEST(CameoLabelsTest, KnowledgeBaseLabelsEveryRootCode) {
  auto labels = CameoLabels::Load(kCameoFile);
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  const std::vector<std::pair<const char*, const char*>> roots = {
      {"01", "Make public statement"}, {"02", "Appeal"},
      {"03", "Express intent to cooperate"}, {"04", "Consult"},
      {"05", "Engage in diplomatic cooperation"}, {"06", "Engage in material cooperation"},
      {"07", "Provide aid"}, {"08", "Yield"},
      {"09", "Investigate"}, {"10", "Demand"},
      {"11", "Disapprove"}, {"12", "Reject"},
      {"13", "Threaten"}, {"14", "Protest"},
      {"15", "Exhibit force posture"}, {"16", "Reduce relations"},
      {"17", "Coerce"}, {"18", "Assault"},
      {"19", "Fight"}, {"20", "Use unconventional mass violence"},
  };
  for (const auto& [code, label] : roots) EXPECT_EQ(labels->Label(code), label) << code;
}

TEST(CameoLabelsTest, LongerCodesFallBackToTheirLongestListedPrefix) {
  auto labels = LoadFrom("# test labels\n04\tConsult\n042\tMake a visit\n\n");
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(labels->size(), 2u);
  EXPECT_EQ(labels->Label("042"), "Make a visit");
  EXPECT_EQ(labels->Label("0421"), "Make a visit");
  EXPECT_EQ(labels->Label("046"), "Consult");
  EXPECT_EQ(labels->Label("19"), "");
  EXPECT_EQ(labels->Label("4"), "");
}

TEST(CameoLabelsTest, MalformedOrMissingFileIsAnErrorNamingTheLine) {
  auto labels = LoadFrom("04\tConsult\nfourty-two Make a visit\n");
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.status().message().find(":2:"), std::string::npos) << labels.status().message();
  EXPECT_FALSE(CameoLabels::Load("/nonexistent/cameo.tsv").ok());
}

TEST(ShortenUtf8Test, CutsAtCharacterBoundariesInEveryScript) {
  struct Case {
    std::string text;
    size_t max;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"Short enough.", 20, "Short enough."},
      {"The delegation arrived late", 10, "The deleg…"},
      {"Bộ trưởng Ngoại giao", 6, "Bộ tr…"},
      {"وزير الخارجية", 5, "وزير…"},  // the cut lands on a space, which is trimmed
      {"", 3, ""},
  };
  for (const Case& c : cases) EXPECT_EQ(ShortenUtf8(c.text, c.max), c.expected) << c.text;
}

Store::EventView Visit() {
  Store::EventView v;
  v.id = "00ff00ff00ff00ff";
  v.cameo_code = "042";
  v.root_code = "04";
  v.date_iso = "2025-12-16";
  v.date_precision = "day";
  v.date_basis = "anchored";
  v.location_id = "kb:addis-ababa";
  v.location_name = "Addis Ababa";
  v.actors = {{"kb:kenya", "Kenya", "source"}, {"kb:ethiopia", "Ethiopia", "target"}};
  v.mention_count = 3;
  v.article_count = 2;
  v.languages = "ar,vi";
  v.evidence_sentence = "Tổng thống Kenya đã đến thăm\nAddis Ababa ngày 16/12.";
  v.mention_ids = {"m1", "m2", "m3"};
  return v;
}

TEST(PrintEventsTest, TableShowsLabelDateActorsAndOneLineEvidence) {
  auto labels = CameoLabels::Load(kCameoFile);
  ASSERT_TRUE(labels.ok());
  std::ostringstream out;
  PrintEvents({Visit()}, *labels, EventsFormat::kTable, out);
  const std::string s = out.str();
  EXPECT_NE(s.find("042 Make a visit"), std::string::npos) << s;
  EXPECT_NE(s.find("2025-12-16"), std::string::npos);
  EXPECT_NE(s.find("Addis Ababa"), std::string::npos);
  EXPECT_NE(s.find("Kenya (source), Ethiopia (target)"), std::string::npos) << s;
  EXPECT_NE(s.find("3 in 2 articles [ar,vi]"), std::string::npos) << s;
  EXPECT_NE(s.find("đã đến thăm Addis Ababa"), std::string::npos) << s;  // the line break is gone
  EXPECT_NE(s.find("1 record\n"), std::string::npos);
}

TEST(PrintEventsTest, WeakAndUndatedRecordsSayIt) {
  Store::EventView weak = Visit(), undated = Visit();
  weak.date_basis = "weak";
  undated.date_iso.clear();
  undated.date_basis = "none";
  std::ostringstream out;
  PrintEvents({weak, undated}, CameoLabels(), EventsFormat::kTable, out);
  EXPECT_NE(out.str().find("2025-12-16?"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("undated"), std::string::npos) << out.str();
}

TEST(PrintEventsTest, JsonlIsOneParseableRecordPerLine) {
  auto labels = CameoLabels::Load(kCameoFile);
  ASSERT_TRUE(labels.ok());
  Store::EventView undated = Visit();
  undated.id = "11ee11ee11ee11ee";
  undated.date_iso.clear();
  std::ostringstream out;
  PrintEvents({Visit(), undated}, *labels, EventsFormat::kJsonl, out);
  std::istringstream in(out.str());
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line, nullptr, false));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["label"], "Make a visit");
  EXPECT_EQ(rows[0]["date"], "2025-12-16");
  EXPECT_EQ(rows[0]["actors"][1]["role"], "target");
  EXPECT_EQ(rows[0]["mention_ids"].size(), 3u);
  EXPECT_TRUE(rows[1]["date"].is_null());
}

}  // namespace
}  // namespace newsflow::sink
