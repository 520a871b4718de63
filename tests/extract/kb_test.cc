#include "newsflow/extract/kb.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

namespace fs = std::filesystem;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const fs::path kFixture = fs::path(NEWSFLOW_SOURCE_DIR) / "tests/extract/data/kb";

CivilDate D(int y, unsigned m, unsigned d) { return CivilDate{year{y}, month{m}, day{d}}; }

// A scratch knowledge base in a fresh temporary directory, removed at the end of the test.
class ScratchKb {
 public:
  ScratchKb() {
    dir_ = fs::temp_directory_path() /
           ("kb_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "entities");
  }
  ~ScratchKb() { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& content) const {
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

class KbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kb = KnowledgeBase::Load(kFixture);
    ASSERT_TRUE(kb.ok()) << kb.status().ToString();
    kb_ = std::move(kb).value();
  }
  std::unique_ptr<KnowledgeBase> kb_;
};

TEST_F(KbTest, LoadsEntitiesWithPrefixedIdsTypesAndAffiliations) {
  const KbEntity* fidan = kb_->Find("kb:hakan-fidan");
  ASSERT_NE(fidan, nullptr);
  EXPECT_EQ(fidan->name, "Hakan Fidan");
  EXPECT_EQ(fidan->type, v1::ENTITY_TYPE_PER);
  EXPECT_EQ(fidan->affiliations, std::vector<std::string>{"kb:turkey"});
  ASSERT_EQ(fidan->roles.size(), 2u);
  EXPECT_EQ(fidan->roles[0].of, "kb:turkey");
  EXPECT_EQ(fidan->roles[0].from, D(2023, 6, 4));
  EXPECT_FALSE(fidan->roles[0].to.has_value());
  EXPECT_EQ(kb_->Find("hakan-fidan"), fidan) << "the kb: prefix is optional in lookups";
  EXPECT_EQ(kb_->Find("kb:nobody"), nullptr);
  EXPECT_EQ(kb_->Find("kb:turkey")->iso, "TR");
  EXPECT_TRUE(kb_->Find("kb:national-intelligence-organization")->state);
}

TEST_F(KbTest, SeparatesNamesAdjectivesAndShortForms) {
  bool name = false, adjective = false, short_in_aliases = false;
  for (const auto& a : kb_->aliases()) {
    if (a.entity_id == "kb:turkey" && a.surface == "Thổ Nhĩ Kỳ") name = a.kind == MentionKind::kName;
    if (a.entity_id == "kb:turkey" && a.surface == "التركية") adjective = a.kind == MentionKind::kAdjective;
    if (a.surface == "Fidan") short_in_aliases = true;
  }
  EXPECT_TRUE(name);
  EXPECT_TRUE(adjective);
  EXPECT_FALSE(short_in_aliases) << "short forms are not names";
  bool short_form = false;
  for (const auto& s : kb_->short_forms()) short_form |= s.entity_id == "kb:hakan-fidan" && s.surface == "فيدان";
  EXPECT_TRUE(short_form);
}

TEST_F(KbTest, CanonicalNameIsAnAliasAndVariantsAreDeduplicated) {
  int hamas = 0;
  for (const auto& a : kb_->aliases())
    if (a.entity_id == "kb:hamas" && MatchKey(a.surface) == MatchKey("Hamas")) ++hamas;
  EXPECT_EQ(hamas, 1) << "\"Hamas\" listed as name and under \"*\" folds to one alias";
}

TEST_F(KbTest, RoleHolderFollowsTheDate) {
  struct Case {
    const char* role;
    const char* of;
    CivilDate date;
    const char* holder;  // nullptr: nobody
  };
  const Case cases[] = {
      {"foreign-minister", "kb:turkey", D(2019, 3, 1), "kb:mevlut-cavusoglu"},
      {"foreign-minister", "kb:turkey", D(2023, 6, 3), "kb:mevlut-cavusoglu"},
      {"foreign-minister", "kb:turkey", D(2023, 6, 4), "kb:hakan-fidan"},
      {"foreign-minister", "turkey", D(2025, 11, 1), "kb:hakan-fidan"},
      {"intelligence-chief", "kb:turkey", D(2015, 1, 1), "kb:hakan-fidan"},
      {"intelligence-chief", "kb:turkey", D(2024, 1, 1), "kb:ibrahim-kalin"},
      {"prime-minister", "kb:israel", D(2022, 9, 1), "kb:yair-lapid"},
      {"foreign-minister", "kb:turkey", D(2001, 1, 1), nullptr},
      {"foreign-minister", "kb:israel", D(2024, 1, 1), nullptr},
  };
  for (const auto& c : cases) {
    const KbEntity* h = kb_->RoleHolder(c.role, c.of, c.date);
    if (c.holder == nullptr) {
      EXPECT_EQ(h, nullptr) << c.role << " " << c.of;
    } else {
      ASSERT_NE(h, nullptr) << c.role << " " << c.of;
      EXPECT_EQ(h->id, c.holder) << c.role << " " << c.of;
    }
  }
}

TEST_F(KbTest, RoleHolderWithoutADateIsTheCurrentOne) {
  const KbEntity* h = kb_->RoleHolder("foreign-minister", "kb:turkey", std::nullopt);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->id, "kb:hakan-fidan");
}

TEST_F(KbTest, ToProtoCarriesCanonicalFields) {
  const v1::Entity p = kb_->ToProto(*kb_->Find("kb:ibrahim-kalin"));
  EXPECT_EQ(p.id(), "kb:ibrahim-kalin");
  EXPECT_EQ(p.canonical_name(), "İbrahim Kalın");
  EXPECT_EQ(p.type(), v1::ENTITY_TYPE_PER);
  ASSERT_EQ(p.affiliations_size(), 2);
  EXPECT_EQ(p.affiliations(0), "kb:national-intelligence-organization");
  EXPECT_TRUE(p.from_kb());
}

TEST_F(KbTest, LoadsRoleTitlesPerLanguage) {
  bool ar = false;
  for (const auto& t : kb_->role_titles()) ar |= t.role == "foreign-minister" && t.lang == "ar" && t.surface == "وزير الخارجية";
  EXPECT_TRUE(ar);
}

TEST(KbFingerprintTest, IsStableAndChangesWithContent) {
  ScratchKb s;
  s.Write("entities/a.jsonl", R"({"id":"x","name":"X","type":"GPE"})" "\n");
  auto a = KnowledgeBase::Load(s.dir());
  auto b = KnowledgeBase::Load(s.dir());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->fingerprint(), (*b)->fingerprint());
  EXPECT_EQ((*a)->fingerprint().size(), 16u);
  s.Write("entities/a.jsonl", R"({"id":"x","name":"X2","type":"GPE"})" "\n");
  auto c = KnowledgeBase::Load(s.dir());
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*a)->fingerprint(), (*c)->fingerprint());
}

TEST(KbValidationTest, RejectsBadRecordsNamingFileAndLine) {
  struct Case {
    const char* what;
    std::string line2;     // second line of entities/b.jsonl (line 1 is valid)
    std::string expected;  // substring of the message
  };
  const std::string ok = R"({"id":"turkey","name":"Turkey","type":"GPE"})";
  const Case cases[] = {
      {"unknown type", R"({"id":"y","name":"Y","type":"PLANET"})", "unknown type"},
      {"duplicate id", ok, "duplicate id kb:turkey"},
      {"dangling affiliation", R"({"id":"y","name":"Y","type":"PER","affiliations":["nowhere"]})",
       "dangling affiliation kb:nowhere"},
      {"dangling role of",
       R"({"id":"y","name":"Y","type":"PER","roles":[{"role":"foreign-minister","of":"atlantis","from":null,"to":null}]})",
       "dangling role of kb:atlantis"},
      {"unknown role", R"({"id":"y","name":"Y","type":"PER","roles":[{"role":"pharaoh","of":"turkey"}]})",
       "unknown role"},
      {"bad date",
       R"({"id":"y","name":"Y","type":"PER","roles":[{"role":"foreign-minister","of":"turkey","from":"2023-02-30"}]})",
       "bad date"},
      {"malformed json", R"({"id":"y","name":)", "b.jsonl:2"},
      {"missing name", R"({"id":"y","type":"GPE"})", "b.jsonl:2"},
  };
  for (const auto& c : cases) {
    ScratchKb s;
    s.Write("roles.jsonl", R"({"id":"foreign-minister","titles":{"en":["foreign minister"]}})" "\n");
    s.Write("entities/b.jsonl", ok + "\n" + c.line2 + "\n");
    auto kb = KnowledgeBase::Load(s.dir());
    ASSERT_FALSE(kb.ok()) << c.what;
    EXPECT_EQ(kb.status().code(), ErrorCode::kInvalidArgument) << c.what;
    EXPECT_NE(kb.status().message().find("b.jsonl:2"), std::string::npos) << c.what << ": " << kb.status().message();
    EXPECT_NE(kb.status().message().find(c.expected), std::string::npos) << c.what << ": " << kb.status().message();
  }
}

TEST(KbValidationTest, MissingDirectoryIsNotFound) {
  auto kb = KnowledgeBase::Load("/nonexistent/kb");
  ASSERT_FALSE(kb.ok());
  EXPECT_EQ(kb.status().code(), ErrorCode::kNotFound);
}

TEST(KbLoadTimeTest, SeveralThousandEntitiesLoadWellUnderASecond) {
  ScratchKb s;
  std::string lines;
  for (int i = 0; i < 5000; ++i) {
    const std::string n = std::to_string(i);
    lines += R"({"id":"e)" + n + R"(","name":"Entity )" + n + R"(","type":"PER","aliases":{"en":["Entity )" + n +
             R"( Alpha"],"ar":["كيان )" + n + R"("],"vi":["Thực thể )" + n + R"("]},"short":{"*":["E)" + n +
             R"("]},"affiliations":["e0"]})" + "\n";
  }
  s.Write("entities/big.jsonl", lines);
  const auto start = std::chrono::steady_clock::now();
  auto kb = KnowledgeBase::Load(s.dir());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  EXPECT_EQ((*kb)->size(), 5000u);
  EXPECT_LT(ms, 1000);
  RecordProperty("load_ms", static_cast<int>(ms));
}

TEST(KbRealDataTest, TheProjectKnowledgeBaseLoads) {
  if (!fs::exists(fs::path(NEWSFLOW_KB_DIR) / "entities")) GTEST_SKIP() << "no kb/entities yet";
  auto kb = KnowledgeBase::Load(NEWSFLOW_KB_DIR);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  EXPECT_GT((*kb)->size(), 0u);
}

}  // namespace
}  // namespace newsflow::extract
