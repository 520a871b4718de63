// Validation of the knowledge-base data (kb/entities/*.jsonl, kb/roles.jsonl) against the format in
// kb/README.md. Independent of the loader on purpose: it checks the data a loader would trust
// (dangling ids, impossible dates, one alias naming two entities), and prints the kb's size.
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One parsed line, with where it came from so that a failure points at the line to fix.
struct Record {
  std::string where;  // "entities/people.jsonl:12"
  json value;
};

struct KbFiles {
  std::vector<Record> entities;
  std::vector<Record> roles;
  std::vector<std::string> parse_errors;
};

std::vector<Record> ReadJsonl(const fs::path& path, const std::string& label, std::vector<std::string>& errors) {
  std::vector<Record> out;
  std::ifstream in(path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = label + ":" + std::to_string(n);
    json value = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded() || !value.is_object()) {
      errors.push_back(where + ": not a JSON object");
      continue;
    }
    out.push_back({where, std::move(value)});
  }
  return out;
}

// Loaded once: the files do not change while the tests run.
const KbFiles& Kb() {
  static const KbFiles kb = [] {
    KbFiles files;
    const fs::path dir = NEWSFLOW_KB_DIR;
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(dir / "entities")) {
      if (e.path().extension() == ".jsonl") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      auto rows = ReadJsonl(p, "entities/" + p.filename().string(), files.parse_errors);
      files.entities.insert(files.entities.end(), rows.begin(), rows.end());
    }
    files.roles = ReadJsonl(dir / "roles.jsonl", "roles.jsonl", files.parse_errors);
    return files;
  }();
  return kb;
}

// An approximation of the matcher's key (kb/README.md): NFKC case folding, Arabic harakat and
// tatweel removed, Arabic letter variants unified, Turkish dotted capital I folded to i.
// Vietnamese diacritics are kept: the matcher drops them only where that stays unambiguous.
std::string MatchingKey(const std::string& surface) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return surface;
  icu::UnicodeString folded = casefold->normalize(icu::UnicodeString::fromUTF8(surface), status);
  if (U_FAILURE(status)) return surface;
  icu::UnicodeString out;
  for (int32_t i = 0; i < folded.length(); ++i) {
    char16_t c = folded[i];
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 || c == 0x0307) continue;
    if (c == 0x0623 || c == 0x0625 || c == 0x0622 || c == 0x0671) c = 0x0627;  // alef variants
    if (c == 0x0629) c = 0x0647;                                                 // ta marbuta
    if (c == 0x0649) c = 0x064A;                                                 // alef maqsura
    if (c == 0x0131) c = u'i';                                                   // dotless i
    out.append(c);
  }
  std::string key;
  out.toUTF8String(key);
  return key;
}

bool IsStringList(const json& v) {
  return v.is_array() && !v.empty() &&
         std::all_of(v.begin(), v.end(), [](const json& s) { return s.is_string() && !s.get<std::string>().empty(); });
}

// {"en": [...], "*": [...]}: language codes to non-empty lists of non-empty names.
bool IsNamesByLanguage(const json& v) {
  static const std::regex lang(R"(\*|[a-z]{2,3})");
  if (!v.is_object()) return false;
  for (const auto& [code, names] : v.items()) {
    if (!std::regex_match(code, lang) || !IsStringList(names)) return false;
  }
  return true;
}

bool IsCalendarDate(const std::string& s) {
  static const std::regex form(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  if (!std::regex_match(s, m, form)) return false;
  std::chrono::year_month_day ymd{std::chrono::year{std::stoi(m[1])},
                                  std::chrono::month{static_cast<unsigned>(std::stoi(m[2]))},
                                  std::chrono::day{static_cast<unsigned>(std::stoi(m[3]))}};
  return ymd.ok();
}

// The field's value, or an empty array / object when absent; a reference, so that range-for never
// iterates a temporary.
const json& ArrayField(const json& e, const char* field) {
  static const json empty = json::array();
  return e.contains(field) && e[field].is_array() ? e[field] : empty;
}
const json& ObjectField(const json& e, const char* field) {
  static const json empty = json::object();
  return e.contains(field) && e[field].is_object() ? e[field] : empty;
}

std::set<std::string> EntityIds() {
  std::set<std::string> ids;
  for (const auto& r : Kb().entities) ids.insert(r.value.value("id", ""));
  return ids;
}

TEST(KbMatchingKeyTest, FoldsCaseArabicVariantsHarakatAndTurkishI) {
  struct Case {
    std::string a, b;
    bool same;
  };
  const std::vector<Case> cases = {
      {"Hoa Kỳ", "hoa kỳ", true},                    // case only
      {"Hoa Kỳ", "Hoa Ky", false},                   // Vietnamese tones are kept
      {"الإمارات", "الامارات", true},                // hamza on alef
      {"مُحَمَّد", "محمد", true},                    // harakat
      {"القاهــرة", "القاهرة", true},                // tatweel
      {"جزيرة", "جزيره", true},                      // ta marbuta
      {"İstanbul", "istanbul", true},                // Turkish dotted capital I
      {"Kalın", "Kalin", true},                      // Turkish dotless i
      {"Gaza", "Gazze", false},                      // different names stay different
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchingKey(c.a) == MatchingKey(c.b), c.same) << c.a << " vs " << c.b;
  }
}

TEST(KbDataTest, EveryLineParsesAsAJsonObject) {
  EXPECT_TRUE(Kb().parse_errors.empty()) << Kb().parse_errors.front();
  EXPECT_FALSE(Kb().entities.empty());
  EXPECT_FALSE(Kb().roles.empty());
}

TEST(KbDataTest, EntitiesHaveOnlyDocumentedFieldsOfTheRightShape) {
  static const std::set<std::string> known = {"id",          "name",        "type", "aliases", "short",
                                              "adjectives",  "affiliations", "roles", "iso",    "state"};
  static const std::regex slug(R"([a-z0-9]+(-[a-z0-9]+)*)");
  for (const auto& [where, e] : Kb().entities) {
    for (const auto& [field, value] : e.items()) {
      EXPECT_TRUE(known.count(field)) << where << ": unknown field " << field;
    }
    EXPECT_TRUE(e.contains("id") && e["id"].is_string() && std::regex_match(e["id"].get<std::string>(), slug))
        << where << ": id must be a lowercase slug";
    EXPECT_TRUE(e.contains("name") && e["name"].is_string() && !e["name"].get<std::string>().empty())
        << where << ": name";
    EXPECT_TRUE(e.contains("aliases") && IsNamesByLanguage(e["aliases"])) << where << ": aliases";
    for (const char* f : {"short", "adjectives"}) {
      if (e.contains(f)) {
        EXPECT_TRUE(IsNamesByLanguage(e[f])) << where << ": " << f;
      }
    }
    if (e.contains("affiliations")) {
      EXPECT_TRUE(IsStringList(e["affiliations"])) << where << ": affiliations";
    }
    if (e.contains("state")) {
      EXPECT_TRUE(e["state"].is_boolean()) << where << ": state";
    }
    if (e.contains("roles")) {
      EXPECT_TRUE(e["roles"].is_array()) << where << ": roles";
    }
  }
}

TEST(KbDataTest, IdsAreUniqueAcrossFiles) {
  std::map<std::string, std::string> seen;
  for (const auto& [where, e] : Kb().entities) {
    const std::string id = e.value("id", "");
    auto [it, inserted] = seen.emplace(id, where);
    EXPECT_TRUE(inserted) << where << ": id " << id << " already defined at " << it->second;
  }
}

TEST(KbDataTest, TypesAreOneOfPerOrgGpeLoc) {
  static const std::set<std::string> types = {"PER", "ORG", "GPE", "LOC"};
  for (const auto& [where, e] : Kb().entities) {
    EXPECT_TRUE(types.count(e.value("type", ""))) << where << ": type " << e.value("type", "");
  }
}

TEST(KbDataTest, AffiliationsAndRoleHoldersPointAtKnownEntities) {
  const auto ids = EntityIds();
  for (const auto& [where, e] : Kb().entities) {
    for (const auto& a : ArrayField(e, "affiliations")) {
      EXPECT_TRUE(ids.count(a.get<std::string>())) << where << ": unknown affiliation " << a;
      EXPECT_NE(a.get<std::string>(), e.value("id", "")) << where << ": affiliated to itself";
    }
    for (const auto& r : ArrayField(e, "roles")) {
      EXPECT_TRUE(ids.count(r.value("of", ""))) << where << ": role of unknown entity " << r.dump();
    }
  }
}

TEST(KbDataTest, RolesAreDeclaredAndDatedFromBeforeTo) {
  std::set<std::string> declared;
  for (const auto& r : Kb().roles) declared.insert(r.value.value("id", ""));
  for (const auto& [where, e] : Kb().entities) {
    for (const auto& r : ArrayField(e, "roles")) {
      EXPECT_TRUE(declared.count(r.value("role", ""))) << where << ": undeclared role " << r.dump();
      std::string from, to;
      for (const char* f : {"from", "to"}) {
        if (!r.contains(f) || r[f].is_null()) continue;
        const bool ok = r[f].is_string() && IsCalendarDate(r[f].get<std::string>());
        EXPECT_TRUE(ok) << where << ": " << f << " is not a YYYY-MM-DD calendar date: " << r.dump();
        if (ok) (std::string(f) == "from" ? from : to) = r[f].get<std::string>();
      }
      if (!from.empty() && !to.empty()) {
        EXPECT_LE(from, to) << where << ": role ends before it starts";
      }
    }
  }
}

TEST(KbDataTest, RolesFileHasUniqueIdsWithTitles) {
  std::set<std::string> ids;
  for (const auto& [where, r] : Kb().roles) {
    EXPECT_TRUE(ids.insert(r.value("id", "")).second) << where << ": duplicate role id";
    EXPECT_TRUE(r.contains("titles") && IsNamesByLanguage(r["titles"])) << where << ": titles";
    EXPECT_TRUE(r.contains("titles") && r["titles"].contains("en")) << where << ": no English title";
  }
}

// A title resolves to one role: "Ngoại trưởng Thổ Nhĩ Kỳ" must not be both foreign minister and
// something else.
TEST(KbDataTest, RoleTitlesNameOneRolePerLanguage) {
  std::map<std::pair<std::string, std::string>, std::string> owner;
  for (const auto& [where, r] : Kb().roles) {
    for (const auto& [lang, titles] : ObjectField(r, "titles").items()) {
      for (const auto& t : titles) {
        auto [it, inserted] = owner.emplace(std::pair{lang, MatchingKey(t.get<std::string>())}, r.value("id", ""));
        EXPECT_TRUE(inserted || it->second == r.value("id", ""))
            << where << ": title '" << t.get<std::string>() << "' (" << lang << ") also names " << it->second;
        EXPECT_TRUE(inserted) << where << ": title listed twice: " << t.get<std::string>();
      }
    }
  }
}

TEST(KbDataTest, CountriesCarryUniqueIsoCodes) {
  static const std::regex code(R"([A-Z]{2})");
  std::map<std::string, std::string> seen;
  for (const auto& [where, e] : Kb().entities) {
    if (!e.contains("iso")) continue;
    const std::string iso = e["iso"].is_string() ? e["iso"].get<std::string>() : "";
    EXPECT_TRUE(std::regex_match(iso, code)) << where << ": iso " << e["iso"];
    EXPECT_TRUE(seen.emplace(iso, where).second) << where << ": iso " << iso << " also at " << seen[iso];
  }
}

TEST(KbDataTest, StateOrgansAreOrganizationsOfACountry) {
  std::set<std::string> countries;
  for (const auto& r : Kb().entities) {
    if (r.value.contains("iso")) countries.insert(r.value["id"].get<std::string>());
  }
  for (const auto& [where, e] : Kb().entities) {
    if (!e.value("state", false)) continue;
    EXPECT_EQ(e.value("type", ""), "ORG") << where;
    const auto affs = ArrayField(e, "affiliations");
    ASSERT_FALSE(affs.empty()) << where << ": a state organ stands for its country, which must come first";
    EXPECT_TRUE(countries.count(affs[0].get<std::string>())) << where << ": first affiliation is not a country";
  }
}

TEST(KbDataTest, PeopleHaveAPrincipalAffiliation) {
  for (const auto& [where, e] : Kb().entities) {
    if (e.value("type", "") != "PER") continue;
    EXPECT_FALSE(ArrayField(e, "affiliations").empty()) << where << ": " << e.value("name", "");
  }
}

// One surface must not name two entities of one type in one language: the matcher could not
// choose. Short forms are exempt (they resolve by context), and "*" counts in every language.
void ExpectNoAmbiguousNames(const char* field) {
  std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>> owners;  // lang,type,key
  std::set<std::string> langs = {"en", "ar", "vi", "tr"};
  for (const auto& r : Kb().entities) {
    for (const auto& [lang, names] : ObjectField(r.value, field).items()) langs.insert(lang);
  }
  langs.erase("*");
  for (const auto& [where, e] : Kb().entities) {
    json by_lang = ObjectField(e, field);
    // The loader also matches the canonical name everywhere, unless it carries a disambiguator.
    const std::string name = e.value("name", "");
    if (std::string(field) == "aliases" && name.find('(') == std::string::npos) by_lang["*"].push_back(name);
    for (const auto& [lang, names] : by_lang.items()) {
      for (const auto& n : names) {
        const std::string key = MatchingKey(n.get<std::string>());
        if (lang == "*") {
          for (const auto& l : langs) owners[{l, e.value("type", ""), key}].insert(e.value("id", ""));
        } else {
          owners[{lang, e.value("type", ""), key}].insert(e.value("id", ""));
        }
      }
    }
  }
  for (const auto& [k, ids] : owners) {
    std::string list;
    for (const auto& id : ids) list += " " + id;
    EXPECT_EQ(ids.size(), 1u) << field << " '" << std::get<2>(k) << "' (" << std::get<0>(k) << ", "
                              << std::get<1>(k) << ") names" << list;
  }
}

TEST(KbDataTest, NoAliasNamesTwoEntitiesOfOneTypeInOneLanguage) { ExpectNoAmbiguousNames("aliases"); }

TEST(KbDataTest, NoAdjectiveNamesTwoEntitiesOfOneTypeInOneLanguage) { ExpectNoAmbiguousNames("adjectives"); }

// The entities the seed gold set requires must exist under their canonical name and type; the
// held-out set will name others, which is why breadth is checked separately below.
TEST(KbDataTest, GoldRequiredEntitiesExistWithTheirType) {
  const fs::path gold = fs::path(NEWSFLOW_GOLD_DIR) / "entities.jsonl";
  if (!fs::exists(gold)) GTEST_SKIP() << gold << " not present";
  std::map<std::string, std::string> type_of;  // canonical name (case-folded) -> type
  for (const auto& r : Kb().entities) type_of[MatchingKey(r.value.value("name", ""))] = r.value.value("type", "");
  std::vector<std::string> errors;
  for (const auto& [where, doc] : ReadJsonl(gold, "gold", errors)) {
    for (const auto& item : ArrayField(doc, "required")) {
      const std::string name = item[0].get<std::string>();
      auto it = type_of.find(MatchingKey(name));
      EXPECT_TRUE(it != type_of.end()) << where << ": no entity named " << name;
      if (it != type_of.end()) {
        EXPECT_EQ(it->second, item[1].get<std::string>()) << name;
      }
    }
  }
}

// Breadth targets of the kb (see LICENSES.md for where each file comes from), and the counts the
// report quotes.
TEST(KbDataTest, ReportsCountsAndMeetsBreadthTargets) {
  std::map<std::string, int> by_type, aliases_by_lang, by_file;
  int countries = 0, places = 0, curated = 0;
  for (const auto& [where, e] : Kb().entities) {
    const std::string file = where.substr(0, where.find(':'));
    ++by_file[file];
    ++by_type[e.value("type", "")];
    for (const auto& [lang, names] : ObjectField(e, "aliases").items()) {
      aliases_by_lang[lang] += static_cast<int>(names.size());
    }
    if (e.contains("iso")) {
      ++countries;
    } else if (file == "entities/cities.jsonl" || file == "entities/regions.jsonl") {
      ++places;
    } else {
      ++curated;
    }
  }
  std::cout << "entities by file:";
  for (const auto& [k, v] : by_file) std::cout << " " << k << "=" << v;
  std::cout << "\nentities by type:";
  for (const auto& [k, v] : by_type) std::cout << " " << k << "=" << v;
  std::cout << "\naliases by language:";
  for (const auto& [k, v] : aliases_by_lang) std::cout << " " << k << "=" << v;
  std::cout << "\ncountries=" << countries << " cities+regions=" << places << " curated=" << curated
            << " roles=" << Kb().roles.size() << "\n";
  EXPECT_GE(countries, 245);
  EXPECT_GE(places, 400);
  EXPECT_GE(curated, 300);
}

}  // namespace
