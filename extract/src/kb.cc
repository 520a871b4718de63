#include "newsflow/extract/kb.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "newsflow/common/ids.h"
#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view kIdPrefix = "kb:";

// Where a record came from, for error messages: "kb/entities/people.jsonl:12".
std::string Where(const fs::path& file, size_t line) { return file.string() + ":" + std::to_string(line); }

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<v1::EntityType> ParseType(std::string_view t) {
  if (t == "PER") return v1::ENTITY_TYPE_PER;
  if (t == "ORG") return v1::ENTITY_TYPE_ORG;
  if (t == "GPE") return v1::ENTITY_TYPE_GPE;
  if (t == "LOC") return v1::ENTITY_TYPE_LOC;
  return std::nullopt;
}

// "YYYY-MM-DD" -> date; nullopt for anything else (including impossible days).
std::optional<CivilDate> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = starts[k]; i < starts[k] + lens[k]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  }
  const CivilDate d{std::chrono::year{v[0]}, std::chrono::month{static_cast<unsigned>(v[1])},
                    std::chrono::day{static_cast<unsigned>(v[2])}};
  if (!d.ok()) return std::nullopt;
  return d;
}

std::string WithPrefix(std::string_view id) {
  if (id.substr(0, kIdPrefix.size()) == kIdPrefix) return std::string(id);
  return std::string(kIdPrefix) + std::string(id);
}

// A reference to another entity, checked once every file is loaded.
struct PendingRef {
  std::string target;  // "kb:..."
  std::string where;
  std::string what;    // "affiliation" / "role of"
};

// Names per language: {"en":["..."], "*":["..."]} -> (lang, surface) pairs. Throws json errors,
// caught by the caller.
std::vector<std::pair<std::string, std::string>> NamesByLang(const json& obj) {
  std::vector<std::pair<std::string, std::string>> out;
  if (obj.is_null()) return out;
  for (const auto& [lang, list] : obj.items()) {
    if (list.is_string()) {
      out.emplace_back(lang, list.get<std::string>());
      continue;
    }
    for (const auto& s : list) out.emplace_back(lang, s.get<std::string>());
  }
  return out;
}

// NFC of a string already checked to be valid UTF-8.
std::string Nfc(const std::string& s) {
  auto r = NormalizeNfc(s);
  return r.ok() ? std::move(r).value() : s;
}

}  // namespace

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Load(const std::filesystem::path& kb_dir) {
  auto kb = std::make_unique<KnowledgeBase>();
  std::vector<fs::path> files;
  std::error_code ec;
  const fs::path entities_dir = kb_dir / "entities";
  if (fs::is_directory(entities_dir, ec)) {
    for (const auto& e : fs::directory_iterator(entities_dir, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".jsonl") files.push_back(e.path());
    }
  } else {
    return Status::NotFound("no entities directory in " + kb_dir.string());
  }
  // Sorted so that the fingerprint and alias order do not depend on directory order.
  std::sort(files.begin(), files.end());

  std::string all_bytes;  // fingerprint input: each file's name and contents
  // Calls f(record, "file:line") for each non-blank line of a JSONL file; json errors and
  // malformed UTF-8 become InvalidArgument naming the line.
  auto for_each_record = [&](const fs::path& file, auto&& f) -> Status {
    auto text = ReadFile(file);
    if (!text.ok()) return text.status();
    all_bytes += file.filename().string() + "\x1f" + *text + "\x1e";
    std::istringstream lines(*text);
    std::string line;
    size_t n = 0;
    while (std::getline(lines, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string where = Where(file, n);
      if (!IsValidUtf8(line)) return Status::InvalidArgument(where + ": malformed UTF-8");
      try {
        if (Status s = f(json::parse(line), where); !s.ok()) return s;
      } catch (const json::exception& e) {
        return Status::InvalidArgument(where + ": " + e.what());
      }
    }
    return Status::Ok();
  };

  std::set<std::string> role_ids;
  const fs::path roles_file = kb_dir / "roles.jsonl";
  const bool have_roles = fs::exists(roles_file, ec);
  if (have_roles) {
    Status s = for_each_record(roles_file, [&](const json& j, const std::string& where) -> Status {
      const std::string id = j.at("id").get<std::string>();
      if (!role_ids.insert(id).second) return Status::InvalidArgument(where + ": duplicate role id " + id);
      for (auto& [lang, surface] : NamesByLang(j.value("titles", json()))) {
        kb->role_titles_.push_back(KbRoleTitle{Nfc(surface), id, lang});
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }

  std::vector<PendingRef> refs;
  auto add_entity = [&](const json& j, const std::string& where) -> Status {
    KbEntity e;
    e.id = WithPrefix(j.at("id").get<std::string>());
    e.name = Nfc(j.at("name").get<std::string>());
    const std::string type = j.at("type").get<std::string>();
    const auto t = ParseType(type);
    if (!t) return Status::InvalidArgument(where + ": unknown type \"" + type + "\" for " + e.id);
    e.type = *t;
    e.iso = j.value("iso", std::string());
    e.state = j.value("state", false);
    for (const auto& a : j.value("affiliations", json::array())) {
      e.affiliations.push_back(WithPrefix(a.get<std::string>()));
      refs.push_back({e.affiliations.back(), where, "affiliation"});
    }
    for (const auto& r : j.value("roles", json::array())) {
      KbRole role;
      role.role = r.at("role").get<std::string>();
      if (have_roles && !role_ids.count(role.role))
        return Status::InvalidArgument(where + ": unknown role \"" + role.role + "\"");
      role.of = WithPrefix(r.at("of").get<std::string>());
      refs.push_back({role.of, where, "role of"});
      for (const char* field : {"from", "to"}) {
        const json& v = r.contains(field) ? r.at(field) : json();
        if (v.is_null()) continue;
        const auto d = ParseIsoDate(v.get<std::string>());
        if (!d) return Status::InvalidArgument(where + ": bad date \"" + v.get<std::string>() + "\" in " + field);
        (field[0] == 'f' ? role.from : role.to) = d;
      }
      e.roles.push_back(std::move(role));
    }
    if (kb->by_id_.count(e.id)) return Status::InvalidArgument(where + ": duplicate id " + e.id);

    // Aliases, deduplicated by matching key per entity and kind (orthographic variants fold to
    // one key; listing them twice is harmless).
    std::set<std::pair<std::string, int>> keys;
    auto add = [&](std::vector<KbAlias>& into, const std::string& lang, const std::string& surface,
                   MentionKind kind) {
      const std::string nfc = Nfc(surface);
      if (nfc.empty()) return;
      const int slot = (&into == &kb->short_forms_) ? 2 : static_cast<int>(kind);
      if (!keys.insert({lang + "\x1f" + MatchKey(nfc), slot}).second) return;
      into.push_back(KbAlias{nfc, e.id, lang, kind});
    };
    // The canonical name is a name in every language unless it carries a Wikipedia
    // disambiguator ("Ministry of Foreign Affairs (Turkey)") that no text would write.
    if (e.name.find('(') == std::string::npos) add(kb->aliases_, "*", e.name, MentionKind::kName);
    for (auto& [lang, s] : NamesByLang(j.value("aliases", json()))) add(kb->aliases_, lang, s, MentionKind::kName);
    for (auto& [lang, s] : NamesByLang(j.value("adjectives", json())))
      add(kb->aliases_, lang, s, MentionKind::kAdjective);
    for (auto& [lang, s] : NamesByLang(j.value("short", json()))) add(kb->short_forms_, lang, s, MentionKind::kName);

    kb->by_id_.emplace(e.id, kb->entities_.size());
    kb->entities_.push_back(std::move(e));
    return Status::Ok();
  };
  for (const auto& file : files) {
    if (Status s = for_each_record(file, add_entity); !s.ok()) return s;
  }
  for (const auto& r : refs) {
    if (!kb->by_id_.count(r.target))
      return Status::InvalidArgument(r.where + ": dangling " + r.what + " " + r.target);
  }
  for (size_t i = 0; i < kb->entities_.size(); ++i) {
    for (const auto& r : kb->entities_[i].roles) kb->holders_[r.role + "\x1f" + r.of].push_back(i);
  }
  kb->fingerprint_ = HexId(StableHash64(all_bytes));
  return kb;
}

const KbEntity* KnowledgeBase::Find(std::string_view id) const {
  auto it = by_id_.find(WithPrefix(id));
  return it == by_id_.end() ? nullptr : &entities_[it->second];
}

const KbEntity* KnowledgeBase::RoleHolder(std::string_view role, std::string_view of,
                                          std::optional<CivilDate> date) const {
  auto it = holders_.find(std::string(role) + "\x1f" + WithPrefix(of));
  if (it == holders_.end()) return nullptr;
  const KbEntity* best = nullptr;
  std::optional<CivilDate> best_from;
  bool best_open = false;
  for (size_t idx : it->second) {
    const KbEntity& e = entities_[idx];
    for (const auto& r : e.roles) {
      if (r.role != role || r.of != WithPrefix(of)) continue;
      if (date) {
        if (r.from && *date < *r.from) continue;
        if (r.to && *date > *r.to) continue;
      }
      // Among matching terms the latest start wins; without a date an open term (still in
      // office) beats a closed one.
      const bool open = !r.to;
      const bool better = !best || (!date && open != best_open ? open
                                    : (r.from.value_or(CivilDate{}) > best_from.value_or(CivilDate{})));
      if (better) {
        best = &e;
        best_from = r.from;
        best_open = open;
      }
    }
  }
  return best;
}

v1::Entity KnowledgeBase::ToProto(const KbEntity& e) const {
  v1::Entity p;
  p.set_id(e.id);
  p.set_canonical_name(e.name);
  p.set_type(e.type);
  for (const auto& a : e.affiliations) p.add_affiliations(a);
  p.set_from_kb(true);
  return p;
}

}  // namespace newsflow::extract
