// Adding a language is adding data files: a copy of the real knowledge base gains a French folder
// (kb/lang/fr/: triggers, event cues, dates, names) and nothing else; the same binary code then
// finds a French meeting with its actors, place and date — and finds none without the folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "newsflow/extract/extractor.h"

namespace newsflow::extract {
namespace {

namespace fs = std::filesystem;

// A French article written for this test (not from any corpus).
constexpr char kBody[] =
    "Le ministre Hakan Fidan a rencontré des responsables du Qatar à Doha le 3 mars 2025.\n\n"
    "Les deux parties ont discuté de la reconstruction.";

v1::Article FrenchArticle() {
  v1::Article a;
  a.set_id("fedcba9876543210");
  a.set_language("fr");
  a.set_body(kBody);
  a.mutable_ingested_at()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::sys_days(std::chrono::year(2026) / 11 / 21).time_since_epoch())
          .count());
  return a;
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// The French data: each file has the same keys as its English sibling, in French.
void AddFrench(const fs::path& kb) {
  const fs::path fr = kb / "lang" / "fr";
  Write(fr / "triggers.tsv",
        "# French triggers: phrase, CAMEO code, frame, flags\n"
        "a rencontré\t040\tsymmetric\t-\n"
        "ont rencontré\t040\tsymmetric\t-\n"
        "a déclaré\t010\tsay\t-\n");
  Write(fr / "events.json", R"({
    "word_order": "SVO", "with": ["avec"], "between": ["entre"], "participation": [],
    "location": ["à", "en"], "location_fillers": ["la ville de"], "reported": ["selon"],
    "passive_before": [], "passive_after": ["par"], "coordinators": ["et", ","],
    "clause_breaks": ["mais", ";", "qui", "que"], "purpose": ["pour"], "light_verbs": [],
    "effect_cues": [], "since": ["depuis"], "object_gap_stops": [",", ";", ":"],
    "temporal": ["avant", "après"], "mediation": [], "shared_subject": [], "definite_article": [],
    "reported_end": ["que"], "anterior": [], "genitive_needs_marker": true, "genitive_markers": ["du", "de", "des"]
  })");
  Write(fr / "dates.json", R"({
    "case_sensitive": [], "month_first_fallback": false, "month_day_order": false,
    "months": {"1": ["janvier"], "2": ["février"], "3": ["mars"], "4": ["avril"], "5": ["mai"], "6": ["juin"],
               "7": ["juillet"], "8": ["août"], "9": ["septembre"], "10": ["octobre"], "11": ["novembre"],
               "12": ["décembre"]},
    "weekdays": {"1": ["lundi"], "2": ["mardi"], "3": ["mercredi"], "4": ["jeudi"], "5": ["vendredi"],
                 "6": ["samedi"], "7": ["dimanche"]},
    "ordinals": {"1": ["premier"]}, "day_suffixes": ["er"], "prepositions": ["le", "depuis", "en"],
    "day_words": [], "weekday_cues": [], "connectors": [], "year_words": [], "qualifiers": [],
    "markers_before": {"past": ["dernier"], "next": ["prochain"]},
    "relative_days": {"-1": ["hier"], "0": ["aujourd'hui"], "1": ["demain"]},
    "relative_months": {}, "relative_years": {}
  })");
  Write(fr / "names.json", R"({
    "cased": true, "person_titles": ["le ministre", "ministre", "M.", "Mme"], "org_heads": ["ministère"],
    "org_tails": [], "apposition": [","], "place_cues": ["ville de"], "connectors": ["de", "du", "des"],
    "name_particles": ["de", "al"], "stop_words": ["Le", "La", "Les", "Des", "Un", "Une"],
    "possessive_suffixes": [], "abbreviations": ["M.", "Mme"], "quotes": ["«", "»", "\""]
  })");
}

Result<Extraction> ExtractWith(const fs::path& kb) {
  ExtractorOptions o;
  o.kb_dir = kb;
  auto x = Extractor::Create(o);
  if (!x.ok()) return x.status();
  return (*x)->Extract(FrenchArticle());
}

const v1::Event* Meeting(const Extraction& x) {
  for (const v1::Event& e : x.events)
    if (e.cameo_code().substr(0, 2) == "04") return &e;
  return nullptr;
}

TEST(NewLanguageTest, AFrenchFolderOfDataFilesIsAllItTakes) {
  const fs::path kb = fs::temp_directory_path() / ("newsflow-kb-fr-" + std::to_string(::getpid()));
  fs::remove_all(kb);
  fs::copy(NEWSFLOW_KB_DIR, kb, fs::copy_options::recursive);

  auto before = ExtractWith(kb);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ(Meeting(*before), nullptr) << "no French triggers yet, so no French meeting";

  AddFrench(kb);
  auto after = ExtractWith(kb);
  ASSERT_TRUE(after.ok()) << after.status().message();
  const v1::Event* meeting = Meeting(*after);
  ASSERT_NE(meeting, nullptr);
  std::vector<std::string> actors;
  for (const v1::Actor& a : meeting->actors()) actors.push_back(a.entity().canonical_name());
  EXPECT_NE(std::find(actors.begin(), actors.end(), "Hakan Fidan"), actors.end());
  EXPECT_NE(std::find(actors.begin(), actors.end(), "Qatar"), actors.end());
  EXPECT_EQ(meeting->location().canonical_name(), "Doha");
  EXPECT_EQ(meeting->date().iso(), "2025-03-03");
  EXPECT_EQ(meeting->mention().language(), "fr");
  fs::remove_all(kb);
}

}  // namespace
}  // namespace newsflow::extract
