// Entity recognition: knowledge-base names (longest match over matching keys, Arabic clitics,
// diacritic-less Vietnamese where unambiguous), role titles resolved to their holder, and names
// outside the knowledge base (title / apposition patterns, capitalized sequences) with stable
// provisional ids linked across scripts.
//
// Per sentence, pass one finds at each word the longest knowledge-base name / adjective (matching
// keys; Arabic clitic readings; the article the construct state drops; diacritic-less spellings
// of multi-word names when they name one entity), role title, short form, or cue word; pass two
// resolves them: titles to their holder on the sentence's date (unless a name follows: then the
// name), short forms to the entity the article already named (or the only one, in a person
// context), names containing what they belong to into both ("معبر رفح" -> crossing + Rafah).
// Names outside the knowledge base need evidence: a person title / honorific, an organization
// head or a place word before them, an apposition separator (Arabic), or, in cased scripts, two
// or more capitalized words inside a sentence that is not in title case.
//
// kb_dir/lang/<lang>/names.json (all keys optional; words compared by matching key):
//   cased                    the script has capitals (true) or not (ar: false)
//   person_titles            words before a person's name (ông, President, المتحدث باسم)
//   org_heads / org_tails    words that start / end an organization's name (Bộ, حركة / Agency)
//   org_lowercase_syllables  a lowercase syllable may continue a capitalized one (vi "Bộ Ngoại giao")
//   place_cues               words before a place name (thành phố, town of)
//   connectors               between a title and what it is of (của, of, في)
//   apposition               separators between a title and its name (",", "،")
//   name_particles           lowercase words inside a name (al, bin, von, of)
//   stop_words               words that never start or end a name
//   quotes                   quotation marks (a quoted lone surname is a person context)
//   possessive_suffixes      endings not part of a name ("'s")
//
// Confidence: 1.0 names, 0.9 adjectives and clitic-stripped names, 0.8 titles and short forms,
// 0.6 provisional names, 0.5 a provisional name's last word alone.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/extract/kb.h"
#include "newsflow/extract/types.h"

namespace newsflow::extract {

// What the recognizer remembers within one article (full names seen, provisional entities), so
// that "Fidan" after "Hakan Fidan", or a repeated unknown name, resolve consistently.
struct DocumentEntities {
  std::map<std::string, v1::Entity> provisional;  // id -> entity
  std::vector<std::string> seen;                  // entity ids in order of first mention
  // Free for the recognizer's own bookkeeping (e.g. surname -> id).
  std::map<std::string, std::string> memory;
};

// Latin consonant skeleton of a name, for linking one unknown name across scripts: transliterated
// to Latin (ICU Any-Latin, Latin-ASCII), Arabic article and Latin "al-"/"el-" dropped, vowels and
// glides dropped, similar consonants folded (q/k, sh/ch/c/j/z/s, p/b, v/f, kh/k ...), repeats
// collapsed, words kept in order. "أونجو كيشيلي" and "Öncü Keçeli" give the same skeleton.
// Holds an ICU transliterator: create once and reuse (creation costs a few ms).
class NameSkeletonizer {
 public:
  static Result<std::unique_ptr<NameSkeletonizer>> Create();
  ~NameSkeletonizer();
  // O(n). Empty when the name has no letters.
  std::string Skeleton(std::string_view name) const;

 private:
  NameSkeletonizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: a one-off skeleton (creates a transliterator per call; prefer NameSkeletonizer).
std::string NameSkeleton(std::string_view name);

// Provisional id of a name outside the knowledge base: "prov:" + HexId(StableHash64(LooseKey(skeleton))).
std::string ProvisionalId(std::string_view skeleton);

class EntityRecognizer {
 public:
  // Builds the alias index from `kb` (which must outlive the recognizer) and loads per-language
  // name resources from kb_dir/lang/<lang>/names.json.
  static Result<std::unique_ptr<EntityRecognizer>> Create(const KnowledgeBase& kb,
                                                          const std::filesystem::path& kb_dir);
  ~EntityRecognizer();

  // Entities in one sentence of `text`. `tokens` are the sentence's words (TextAnalyzer::Words).
  // `date` is the sentence's date if known (for role holders). Mentions do not overlap; sorted by
  // position. O(tokens * max alias length). Not safe to call concurrently on one recognizer (it
  // holds an ICU transliterator): use one per thread, like the Extractor.
  std::vector<EntityMention> Find(std::string_view text, const std::vector<Token>& tokens, const std::string& lang,
                                  std::optional<CivilDate> date, DocumentEntities& doc) const;

  // The proto Entity for an id found by Find (knowledge-base or provisional).
  std::optional<v1::Entity> Describe(std::string_view id, const DocumentEntities& doc) const;

 private:
  EntityRecognizer();
  struct Impl;
  class SentencePass;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow::extract
