// The knowledge base: canonical entities with multilingual aliases, affiliations and roles,
// loaded from data files under kb/ (see kb/README.md for the format). Adding a name or a
// language is a data change, never a code change.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/extract/types.h"

namespace newsflow::extract {

// A dated role: "foreign-minister" of "kb:turkey" from 2023-06-04.
struct KbRole {
  std::string role;                 // role id from kb/roles.jsonl
  std::string of;                   // "kb:..." id of the country / organization
  std::optional<CivilDate> from, to;
};

struct KbEntity {
  std::string id;                         // "kb:hakan-fidan"
  std::string name;                       // canonical name (English Wikipedia title)
  v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
  std::vector<std::string> affiliations;  // "kb:..." ids (organization, country)
  std::vector<KbRole> roles;
  std::string iso;                        // ISO 3166-1 alpha-2 for countries, else empty
  bool state = false;                     // an organ of a state (stands for its first affiliation)
};

// One surface form of an entity in one language.
struct KbAlias {
  std::string surface;    // as written in the data file (NFC)
  std::string entity_id;  // "kb:..."
  std::string lang;       // "en", "ar", "vi", "tr", ... ("*" for any)
  MentionKind kind = MentionKind::kName;  // kName for names, kAdjective for demonyms
};

// One title of a role in one language: ("وزير الخارجية", "foreign-minister", "ar").
struct KbRoleTitle {
  std::string surface;
  std::string role;
  std::string lang;
};

class KnowledgeBase {
 public:
  // Loads every kb_dir/entities/*.jsonl and kb_dir/roles.jsonl. InvalidArgument names the file
  // and line of the first malformed record (malformed JSON or UTF-8, missing field, unknown type,
  // duplicate id, dangling affiliation or role `of`, unknown role, bad date); NotFound when
  // kb_dir/entities is missing. Ids are stored with their "kb:" prefix. The canonical name is
  // also an alias unless it carries a disambiguator in parentheses. ~40 ms for 1,500 entities.
  static Result<std::unique_ptr<KnowledgeBase>> Load(const std::filesystem::path& kb_dir);

  // nullptr when unknown. O(1).
  const KbEntity* Find(std::string_view id) const;
  size_t size() const { return entities_.size(); }
  const std::vector<KbEntity>& entities() const { return entities_; }
  const std::vector<KbAlias>& aliases() const { return aliases_; }
  const std::vector<KbRoleTitle>& role_titles() const { return role_titles_; }
  // Short forms (surnames, acronyms) from `short`: kind kName, matched only in context (after the
  // full name in the same article, or when unambiguous and the context fixes them).
  const std::vector<KbAlias>& short_forms() const { return short_forms_; }

  // Who held `role` of `of` on `date`; with no date, the latest holder. nullptr when none.
  const KbEntity* RoleHolder(std::string_view role, std::string_view of, std::optional<CivilDate> date) const;

  // The proto form (id, canonical name, type, affiliations, from_kb=true).
  v1::Entity ToProto(const KbEntity& e) const;

  // Content hash of the loaded files: part of the extractor version.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::vector<KbEntity> entities_;
  std::unordered_map<std::string, size_t> by_id_;
  std::vector<KbAlias> aliases_;
  std::vector<KbRoleTitle> role_titles_;
  std::vector<KbAlias> short_forms_;
  // "role\x1fof" -> indexes into entities_ of everyone who ever held that role.
  std::unordered_map<std::string, std::vector<size_t>> holders_;
  std::string fingerprint_;
};

}  // namespace newsflow::extract
