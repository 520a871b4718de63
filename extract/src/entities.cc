#include "newsflow/extract/entities.h"

#include <nlohmann/json.hpp>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "newsflow/common/ids.h"
#include "newsflow/extract/text.h"

namespace newsflow::extract {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Name skeletons.

// Starts with a Latin-script letter (below U+0370): canonical names prefer such a form.
bool StartsLatin(std::string_view s) {
  const std::u32string u = DecodeUtf8(s.substr(0, 4));
  return !u.empty() && u[0] < 0x0370;
}

bool IsArabicWord(std::u32string_view w) { return !w.empty() && w[0] >= 0x0620 && w[0] <= 0x06FF; }

// IsArabicWord for UTF-8 without decoding: U+0620..U+06FF are led by 0xD8 (second byte 0xA0 and
// up) .. 0xDB.
bool IsArabicKey(std::string_view key) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(key[i]); };
  return key.size() >= 2 && byte(0) >= 0xD8 && byte(0) <= 0xDB && (byte(0) > 0xD8 || byte(1) >= 0xA0) &&
         (byte(1) & 0xC0) == 0x80;
}

// Drops the Arabic article from each word of an Arabic key ("الحيه" -> "حيه"): Latin spellings
// write it apart ("al-Hayya") or not at all.
icu::UnicodeString StripArabicArticles(std::string_view key) {
  icu::UnicodeString out;
  const std::u32string w = DecodeUtf8(key);
  size_t i = 0;
  while (i < w.size()) {
    size_t j = w.find(U' ', i);
    if (j == std::u32string::npos) j = w.size();
    std::u32string_view word(w.data() + i, j - i);
    if (IsArabicWord(word) && word.size() > 3 && word[0] == 0x0627 && word[1] == 0x0644) word.remove_prefix(2);
    if (!out.isEmpty()) out.append(static_cast<UChar32>(' '));
    for (char32_t c : word) out.append(static_cast<UChar32>(c));
    i = j + 1;
  }
  return out;
}

std::string SkeletonOfWord(std::string w) {
  // Digraphs of romanizations, to their single-letter class.
  static constexpr std::pair<std::string_view, char> kDigraphs[] = {
      {"kh", 'k'}, {"sh", 's'}, {"ch", 's'}, {"th", 't'}, {"dh", 'd'}, {"gh", 'g'}, {"ph", 'f'}, {"ck", 'k'}};
  std::string folded;
  for (size_t i = 0; i < w.size(); ++i) {
    bool done = false;
    for (const auto& [dg, c] : kDigraphs) {
      if (w.compare(i, dg.size(), dg) == 0) {
        folded.push_back(c);
        ++i;
        done = true;
        break;
      }
    }
    if (done) continue;
    char c = w[i];
    switch (c) {
      case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'w': continue;  // vowels, glides
      case 'q': c = 'k'; break;
      case 'c': case 'j': case 'z': case 'x': c = 's'; break;  // Turkish c/ç = j; Arabic ج / ش
      case 'p': c = 'b'; break;
      case 'v': c = 'f'; break;
      default: break;
    }
    if (folded.empty() || folded.back() != c) folded.push_back(c);
  }
  // A final h is a ta marbuta / ha that Latin writes as a vowel ("Hamza" / "حمزه").
  if (folded.size() > 1 && folded.back() == 'h') folded.pop_back();
  return folded;
}

// ---------------------------------------------------------------------------------------------
// Per-language name resources (kb/lang/<lang>/names.json).

// The cue phrases (token-key sequences: "người phát ngôn") that start with one key, by kind:
// one probe per word finds the four kinds.
struct CuePhrases {
  using Phrases = std::vector<std::vector<std::string>>;
  Phrases person_titles, org_heads, connectors, place_cues;
};

struct LangNames {
  bool cased = true;  // the script has capital letters (vi, en) or not (ar)
  // Organization names capitalize only the first syllable of a word ("Bộ Ngoại giao"), so a
  // lowercase syllable may continue a name after a capitalized one (vi).
  bool org_lowercase_syllables = false;
  std::unordered_map<std::string, CuePhrases> cues;  // first key -> phrases
  std::unordered_set<std::string> org_tails, particles, stop_words, apposition, quotes;
  std::vector<std::string> possessives;  // endings stripped from a name ("'s")
};

// ---------------------------------------------------------------------------------------------
// Candidates and items.

struct AliasCand {
  std::vector<std::string> keys;  // token keys, hyphens dropped
  std::string id;
  MentionKind kind = MentionKind::kName;
  bool cap_first = false;  // the alias starts with a capital: a lowercase word is not it
  std::string lang;
};

struct TitleCand {
  std::vector<std::string> keys;
  std::string role;
};

// kAmbiguous: a name that could be several entities; it yields nothing but keeps its words from
// being taken for an unknown name.
enum class ItemKind { kName, kAdjective, kTitle, kPersonCue, kOrgHead, kPlaceCue, kShort, kConnector, kAmbiguous };

// A phrase found at some token position before resolution. Token indexes are into the
// sentence's matchable tokens [b, e).
struct Item {
  Item() = default;
  Item(size_t b_, size_t e_, ItemKind k, std::string id_ = "", std::string role_ = "",
       std::vector<std::string> ids = {}, bool stripped_ = false)
      : b(b_), e(e_), kind(k), id(std::move(id_)), role(std::move(role_)), short_ids(std::move(ids)),
        stripped(stripped_) {}
  size_t b = 0, e = 0;
  ItemKind kind = ItemKind::kName;
  std::string id;                     // entity id for names and adjectives
  std::string role;                   // for titles
  std::vector<std::string> short_ids; // candidate entities of a short form
  bool stripped = false;              // matched after removing an Arabic clitic
};

// What of the knowledge base starts with one token key: one probe per lookup key finds all three.
struct KeyEntries {
  std::vector<AliasCand> names;   // aliases (names and adjectives)
  std::vector<AliasCand> shorts;  // short forms
  std::vector<TitleCand> titles;  // role titles
};
using KeyIndex = std::unordered_map<std::string, KeyEntries>;

// The keys a text word is looked up by: its Arabic clitic readings, then (for multi-word
// phrases only) those readings with the article the construct state dropped.
struct LookupKey {
  std::string key;
  bool stripped = false;        // a clitic was removed
  bool article_added = false;   // matches only phrases of two or more words
  const KeyEntries* entries = nullptr;  // what starts with `key`; nullptr: nothing
};

class LookupCache;

// Two or more ASCII capitals and nothing else: "MIT", "IDF".
bool IsAcronym(std::string_view s) {
  return s.size() >= 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

int Rank(ItemKind k) { return static_cast<int>(k); }  // lower is preferred on equal length

std::vector<std::string> Keys(TextAnalyzer& ta, std::string_view surface, bool* cap_first) {
  std::vector<std::string> keys;
  const auto tokens = ta.Words(surface, Span{0, static_cast<uint32_t>(surface.size())});
  bool first = true;
  for (const auto& t : tokens) {
    if (t.key == "-") continue;
    if (first && cap_first) *cap_first = t.capitalized;
    first = false;
    keys.push_back(t.key);
  }
  return keys;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct NameSkeletonizer::Impl {
  std::unique_ptr<icu::Transliterator> to_latin;
};

NameSkeletonizer::NameSkeletonizer() : impl_(std::make_unique<Impl>()) {}
NameSkeletonizer::~NameSkeletonizer() = default;

Result<std::unique_ptr<NameSkeletonizer>> NameSkeletonizer::Create() {
  std::unique_ptr<NameSkeletonizer> s(new NameSkeletonizer());  // private constructor
  UErrorCode st = U_ZERO_ERROR;
  UParseError pe;
  s->impl_->to_latin.reset(
      icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, pe, st));
  if (U_FAILURE(st) || !s->impl_->to_latin)
    return Status::Internal(std::string("ICU transliterator: ") + u_errorName(st));
  return s;
}

std::string NameSkeletonizer::Skeleton(std::string_view name) const {
  icu::UnicodeString u = StripArabicArticles(MatchKey(name));
  impl_->to_latin->transliterate(u);
  std::string latin;
  u.toUTF8String(latin);
  std::string out, word;
  auto flush = [&] {
    // Latin spellings of the Arabic article, written apart.
    if (!word.empty() && word != "al" && word != "el") {
      std::string sk = SkeletonOfWord(word);
      if (!sk.empty()) {
        if (!out.empty()) out.push_back(' ');
        out += sk;
      }
    }
    word.clear();
  };
  for (char c : latin) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) word.push_back(c);
    else flush();
  }
  flush();
  return out;
}

std::string NameSkeleton(std::string_view name) {
  auto s = NameSkeletonizer::Create();
  return s.ok() ? (*s)->Skeleton(name) : std::string();
}

std::string ProvisionalId(std::string_view skeleton) {
  return "prov:" + HexId(StableHash64(LooseKey(skeleton)));
}

// ---------------------------------------------------------------------------------------------

struct EntityRecognizer::Impl {
  const KnowledgeBase* kb = nullptr;
  std::unique_ptr<TextAnalyzer> analyzer;
  std::unique_ptr<NameSkeletonizer> skeletons;
  KeyIndex by_first_key;                                                // names, short forms, titles
  std::unordered_map<std::string, std::vector<AliasCand>> loose_names;  // first loose key -> aliases
  std::unordered_map<std::string, LangNames> langs;
  LangNames no_lang;

  const LangNames& Lang(const std::string& lang) const {
    auto it = langs.find(lang);
    return it == langs.end() ? no_lang : it->second;
  }

  v1::EntityType TypeOf(std::string_view id) const {
    const KbEntity* e = kb->Find(id);
    return e ? e->type : v1::ENTITY_TYPE_UNSPECIFIED;
  }

  Status LoadLang(const std::string& lang, const fs::path& file);
  template <typename Accept>
  std::optional<Item> NameAt(const std::vector<const Token*>& toks, const std::vector<LookupKey>& lookup, size_t i,
                             size_t max_end, Accept&& accept) const;
  std::vector<Item> Scan(const std::vector<const Token*>& toks, const LangNames& ln, LookupCache& lookup) const;
};

Status EntityRecognizer::Impl::LoadLang(const std::string& lang, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + file.string());
  LangNames ln;
  try {
    const json j = json::parse(in);
    ln.cased = j.value("cased", true);
    ln.org_lowercase_syllables = j.value("org_lowercase_syllables", false);
    auto phrases = [&](const char* field, CuePhrases::Phrases CuePhrases::*kind) {
      for (const auto& s : j.value(field, json::array())) {
        std::vector<std::string> keys = Keys(*analyzer, s.get<std::string>(), nullptr);
        if (!keys.empty()) (ln.cues[keys[0]].*kind).push_back(std::move(keys));
      }
    };
    auto words = [&](const char* field, std::unordered_set<std::string>& into) {
      for (const auto& s : j.value(field, json::array())) into.insert(MatchKey(s.get<std::string>()));
    };
    phrases("person_titles", &CuePhrases::person_titles);
    phrases("org_heads", &CuePhrases::org_heads);
    phrases("connectors", &CuePhrases::connectors);
    phrases("place_cues", &CuePhrases::place_cues);
    words("org_tails", ln.org_tails);
    words("name_particles", ln.particles);
    words("stop_words", ln.stop_words);
    words("apposition", ln.apposition);
    words("quotes", ln.quotes);
    for (const auto& p : j.value("possessive_suffixes", json::array())) ln.possessives.push_back(MatchKey(p.get<std::string>()));
    // Longest first, so "'s" is tried before "'".
    std::sort(ln.possessives.begin(), ln.possessives.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  } catch (const json::exception& e) {
    return Status::InvalidArgument(file.string() + ": " + e.what());
  }
  langs[lang] = std::move(ln);
  return Status::Ok();
}

EntityRecognizer::EntityRecognizer() : impl_(std::make_unique<Impl>()) {}
EntityRecognizer::~EntityRecognizer() = default;

Result<std::unique_ptr<EntityRecognizer>> EntityRecognizer::Create(const KnowledgeBase& kb,
                                                                   const std::filesystem::path& kb_dir) {
  std::unique_ptr<EntityRecognizer> r(new EntityRecognizer());  // private constructor
  Impl& im = *r->impl_;
  im.kb = &kb;
  auto ta = TextAnalyzer::Create();
  if (!ta.ok()) return ta.status();
  im.analyzer = std::move(ta).value();
  auto sk = NameSkeletonizer::Create();
  if (!sk.ok()) return sk.status();
  im.skeletons = std::move(sk).value();

  for (const auto& a : kb.aliases()) {
    AliasCand c;
    c.keys = Keys(*im.analyzer, a.surface, &c.cap_first);
    if (c.keys.empty()) continue;
    c.id = a.entity_id;
    c.kind = a.kind;
    c.lang = a.lang;
    // Diacritic-less spellings of multi-word names ("Tho Nhi Ky"); single words are too often
    // another word without their diacritics.
    if (c.keys.size() >= 2) {
      AliasCand loose = c;
      bool differs = false;
      for (auto& k : loose.keys) {
        std::string lk = LooseKey(k);
        differs |= lk != k;
        k = std::move(lk);
      }
      if (differs) im.loose_names[loose.keys[0]].push_back(std::move(loose));
    }
    im.by_first_key[c.keys[0]].names.push_back(std::move(c));
  }
  for (const auto& a : kb.short_forms()) {
    AliasCand c;
    c.keys = Keys(*im.analyzer, a.surface, &c.cap_first);
    if (c.keys.empty()) continue;
    c.id = a.entity_id;
    c.lang = a.lang;
    im.by_first_key[c.keys[0]].shorts.push_back(std::move(c));
  }
  for (const auto& t : kb.role_titles()) {
    TitleCand c{Keys(*im.analyzer, t.surface, nullptr), t.role};
    if (!c.keys.empty()) im.by_first_key[c.keys[0]].titles.push_back(std::move(c));
  }
  std::error_code ec;
  const fs::path lang_dir = kb_dir / "lang";
  if (fs::is_directory(lang_dir, ec)) {
    for (const auto& d : fs::directory_iterator(lang_dir, ec)) {
      const fs::path f = d.path() / "names.json";
      if (!fs::exists(f, ec)) continue;
      if (Status s = im.LoadLang(d.path().filename().string(), f); !s.ok()) return s;
    }
  }
  return r;
}

namespace {

// The Arabic definite article "ال".
constexpr std::string_view kArticle = "\xd8\xa7\xd9\x84";

bool HasArticle(std::string_view key) { return key.size() > kArticle.size() + 2 && key.substr(0, kArticle.size()) == kArticle; }

// An alias word matches a text word that is the same, or the same without the Arabic article:
// the construct state drops it ("وزير خارجية تركيا" for "وزير الخارجية"). Only used inside
// multi-word phrases, where the other words confirm the reading.
bool WordMatches(const std::string& alias, const std::string& text) {
  return alias == text || (HasArticle(alias) && std::string_view(alias).substr(kArticle.size()) == text);
}

// Does `keys` match toks[i..] (first token by `first`)?
size_t MatchAt(const std::vector<std::string>& keys, const std::vector<const Token*>& toks, size_t i,
               const std::string& first) {
  if (i + keys.size() > toks.size() || keys[0] != first) return 0;
  for (size_t k = 1; k < keys.size(); ++k) {
    if (!WordMatches(keys[k], toks[i + k]->key)) return 0;
  }
  return keys.size();
}

std::vector<LookupKey> LookupKeys(const std::string& key) {
  std::vector<LookupKey> out;
  auto variants = ArabicCliticVariants(key);
  if (!IsArabicKey(key)) {
    for (size_t v = 0; v < variants.size(); ++v) out.push_back({std::move(variants[v]), v > 0, false});
    return out;
  }
  out.reserve(2 * variants.size());
  for (size_t v = 0; v < variants.size(); ++v) out.push_back({variants[v], v > 0, false});
  for (size_t v = 0; v < variants.size(); ++v) {
    if (!HasArticle(variants[v])) out.push_back({std::string(kArticle) + variants[v], v > 0, true});
  }
  return out;
}

// The lookup keys and loose keys of a sentence's tokens, each computed on first use: pass one
// asks for the same token at its own position, again inside a title, inside a nested name, inside
// a loose match, and pass two again for back references.
class LookupCache {
 public:
  // `toks` may still be filled after construction (but not changed once asked about).
  LookupCache(const std::vector<const Token*>& toks, const KeyIndex& index) : toks_(toks), index_(index) {}
  size_t size() const { return toks_.size(); }
  const std::vector<LookupKey>& At(size_t i) {
    if (keys_.size() != toks_.size()) keys_.resize(toks_.size());
    if (!keys_[i]) {
      keys_[i] = LookupKeys(toks_[i]->key);
      for (LookupKey& k : *keys_[i])
        if (auto it = index_.find(k.key); it != index_.end()) k.entries = &it->second;
    }
    return *keys_[i];
  }
  const std::string& Loose(size_t i) {
    if (loose_.size() != toks_.size()) loose_.resize(toks_.size());
    if (!loose_[i]) loose_[i] = LooseKey(toks_[i]->key);
    return *loose_[i];
  }

 private:
  const std::vector<const Token*>& toks_;
  const KeyIndex& index_;
  std::vector<std::optional<std::vector<LookupKey>>> keys_;
  std::vector<std::optional<std::string>> loose_;
};

// MatchAt on loose keys (the alias's keys are loose keys).
size_t LooseMatchAt(const std::vector<std::string>& keys, LookupCache& lookup, size_t i) {
  if (i + keys.size() > lookup.size()) return 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (lookup.Loose(i + k) != keys[k]) return 0;
  }
  return keys.size();
}

// Longest of `phrases` (which start with toks[i]'s key) at toks[i..]; 0 when none.
size_t PhraseAt(const CuePhrases::Phrases& phrases, const std::vector<const Token*>& toks, size_t i) {
  size_t best = 0;
  for (const auto& p : phrases) best = std::max(best, MatchAt(p, toks, i, toks[i]->key));
  return best;
}

}  // namespace

// The knowledge-base name or adjective at toks[i] ending at or before `max_end` among aliases
// that pass `accept`: longest, then the least-stripped clitic reading, then kName over kAdjective.
template <typename Accept>
std::optional<Item> EntityRecognizer::Impl::NameAt(const std::vector<const Token*>& toks,
                                                   const std::vector<LookupKey>& lookup, size_t i, size_t max_end,
                                                   Accept&& accept) const {
  const Token& t = *toks[i];
  std::optional<Item> best;
  for (const LookupKey& v : lookup) {
    if (!v.entries) continue;
    const AliasCand* pick = nullptr;
    size_t pick_len = 0;
    for (const auto& c : v.entries->names) {
      if ((c.cap_first && !t.capitalized) || !accept(c)) continue;
      const size_t len = MatchAt(c.keys, toks, i, v.key);
      if (len == 0 || i + len > max_end || (v.article_added && len < 2)) continue;
      if (len > pick_len || (len == pick_len && c.kind == MentionKind::kName && pick->kind != MentionKind::kName)) {
        pick = &c;
        pick_len = len;
      }
    }
    if (pick && (!best || i + pick_len > best->e)) {
      best = Item{i, i + pick_len, pick->kind == MentionKind::kAdjective ? ItemKind::kAdjective : ItemKind::kName,
                  pick->id, "", {}, v.stripped};
    }
  }
  return best;
}

// Pass one: at each position the longest knowledge-base name, title, cue or short form.
std::vector<Item> EntityRecognizer::Impl::Scan(const std::vector<const Token*>& toks, const LangNames& ln,
                                               LookupCache& lookup) const {
  std::vector<Item> items;
  size_t i = 0;
  while (i < toks.size()) {
    const Token& t = *toks[i];
    if (!t.is_word) {
      ++i;
      continue;
    }
    std::optional<Item> best;
    auto offer = [&](Item it) {
      if (!best || it.e > best->e || (it.e == best->e && Rank(it.kind) < Rank(best->kind))) best = std::move(it);
    };
    const std::vector<LookupKey>& variants = lookup.At(i);
    if (auto n = NameAt(toks, variants, i, toks.size(), [](const AliasCand&) { return true; })) best = std::move(*n);
    // Names written without their diacritics, only when the spelling names one entity.
    if (!best && t.capitalized) {
      const std::string& lk = lookup.Loose(i);
      if (auto it = loose_names.find(lk); it != loose_names.end()) {
        size_t len = 0;
        std::set<std::string> ids;
        for (const auto& c : it->second) {
          const size_t l = LooseMatchAt(c.keys, lookup, i);
          if (l > len) {
            len = l;
            ids.clear();
          }
          if (l == len && l > 0) ids.insert(c.id);
        }
        if (len > 0) offer(Item{i, i + len, ids.size() == 1 ? ItemKind::kName : ItemKind::kAmbiguous, *ids.begin()});
      }
    }
    for (const LookupKey& v : variants) {
      if (!v.entries) continue;
      for (const auto& c : v.entries->titles) {
        const size_t len = MatchAt(c.keys, toks, i, v.key);
        if (len && !(v.article_added && len < 2)) offer(Item{i, i + len, ItemKind::kTitle, "", c.role, {}, v.stripped});
      }
    }
    if (auto it = ln.cues.find(t.key); it != ln.cues.end()) {
      const CuePhrases& c = it->second;
      if (size_t len = PhraseAt(c.person_titles, toks, i)) offer(Item{i, i + len, ItemKind::kPersonCue});
      if (size_t len = PhraseAt(c.org_heads, toks, i)) offer(Item{i, i + len, ItemKind::kOrgHead});
      if (size_t len = PhraseAt(c.place_cues, toks, i)) offer(Item{i, i + len, ItemKind::kPlaceCue});
      if (size_t len = PhraseAt(c.connectors, toks, i)) offer(Item{i, i + len, ItemKind::kConnector});
    }
    for (const LookupKey& v : variants) {
      if (!v.entries || v.entries->shorts.empty()) continue;
      Item item{i, i, ItemKind::kShort};
      for (const auto& c : v.entries->shorts) {
        if (c.cap_first && !t.capitalized) continue;
        const size_t len = MatchAt(c.keys, toks, i, v.key);
        if (len == 0 || (v.article_added && len < 2)) continue;
        if (i + len > item.e) {
          item.e = i + len;
          item.short_ids.clear();
        }
        if (i + len == item.e &&
            std::find(item.short_ids.begin(), item.short_ids.end(), c.id) == item.short_ids.end())
          item.short_ids.push_back(c.id);
      }
      if (item.e > i) {
        item.stripped = v.stripped;
        offer(std::move(item));
        break;
      }
    }
    if (!best) {
      ++i;
      continue;
    }
    if (best->kind == ItemKind::kTitle) {
      // A name that starts inside the title and runs past it ("رئيس [جهاز الاستخبارات التركي]"):
      // the title is the words before it, the name is read on its own.
      for (size_t j = best->b + 1; j < best->e; ++j) {
        auto n = NameAt(toks, lookup.At(j), j, toks.size(), [](const AliasCand&) { return true; });
        if (n && n->e > best->e) {
          best->e = j;
          break;
        }
      }
    }
    std::optional<Item> nested;
    const KbEntity* whole = best->kind == ItemKind::kName ? kb->Find(best->id) : nullptr;
    if (whole && best->e - best->b >= 2) {
      // A name that contains the name of what it belongs to mentions that too: a crossing or
      // region and the town it is named after ("معبر رفح"), a state organ and its country
      // ("Bộ Ngoại giao Qatar"), an organ and its organization ("General Assembly of the United
      // Nations"). The inner entity gets its own words, the container keeps the rest. A brand
      // that merely contains a country's name ("Vietnam+") is not split.
      auto inner = [&](const AliasCand& c) {
        const v1::EntityType t = TypeOf(c.id);
        if (c.id == whole->id) return false;
        if (std::find(whole->affiliations.begin(), whole->affiliations.end(), c.id) != whole->affiliations.end())
          return t == v1::ENTITY_TYPE_GPE || t == v1::ENTITY_TYPE_ORG;
        return t == v1::ENTITY_TYPE_GPE && (whole->type == v1::ENTITY_TYPE_LOC || whole->state);
      };
      for (size_t j = best->b; j < best->e && !nested; ++j) nested = NameAt(toks, lookup.At(j), j, best->e, inner);
    }
    i = best->e;
    if (!nested) {
      items.push_back(std::move(*best));
      continue;
    }
    Item container = *best;
    if (nested->b > best->b) {
      container.e = nested->b;
      items.push_back(container);
      items.push_back(*nested);
      // Words after the place inside the container's name stay claimed.
      if (nested->e < best->e) items.push_back(Item{nested->e, best->e, ItemKind::kAmbiguous});
    } else {
      container.b = nested->e;
      items.push_back(*nested);
      items.push_back(container);
    }
  }
  return items;
}

namespace {

// Possessive endings ("Israel's", "Hamas’") are not part of a name: such tokens are matched and
// reported without them. Hyphens are dropped: they join name parts ("al-Hayya") or glue a name
// to the next word ("Kushner-con"), and matching looks through them.
std::vector<Token> MatchableTokens(std::string_view text, const std::vector<Token>& tokens,
                                   const std::vector<std::string>& possessives) {
  std::vector<Token> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) {
    if (t.key == "-" || t.span.empty()) continue;
    out.push_back(t);
    Token& l = out.back();
    for (const auto& suffix : possessives) {
      if (!l.is_word || l.key.size() <= suffix.size() + 1 ||
          l.key.compare(l.key.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const std::string_view surface = l.span.In(text);
      size_t cut = surface.rfind('\'');
      const size_t curly = surface.rfind("\xE2\x80\x99");  // U+2019
      if (curly != std::string_view::npos && (cut == std::string_view::npos || curly > cut)) cut = curly;
      if (cut == std::string_view::npos || cut == 0) continue;
      l.key.resize(l.key.size() - suffix.size());
      l.span.end = l.span.begin + static_cast<uint32_t>(cut);
      break;
    }
  }
  return out;
}

}  // namespace

// One sentence's recognition: pass one resolves the knowledge-base items (names, short forms,
// titles), pass two looks for names outside the knowledge base on the words left free.
class EntityRecognizer::SentencePass {
 public:
  SentencePass(const Impl& im, const LangNames& ln, std::string_view text, const std::vector<Token>& tokens,
               std::optional<CivilDate> date, DocumentEntities& doc)
      : im_(im), ln_(ln), text_(text), date_(date), doc_(doc), local_(MatchableTokens(text, tokens, ln.possessives)) {
    for (const auto& t : local_) toks_.push_back(&t);
    items_ = im_.Scan(toks_, ln_, lookup_);
    item_at_.assign(toks_.size() + 1, -1);
    for (size_t k = 0; k < items_.size(); ++k) item_at_[items_[k].b] = static_cast<int>(k);
    used_.assign(toks_.size(), false);
  }

  std::vector<EntityMention> Run() {
    ResolveItems();
    PersonsAfterCues();
    OrganizationsAfterHeads();
    PlacesAfterCues();
    if (ln_.cased && !TitleCase()) CapitalizedRuns();
    BackReferences();
    std::sort(out_.begin(), out_.end(),
              [](const EntityMention& a, const EntityMention& b) { return a.span.begin < b.span.begin; });
    return std::move(out_);
  }

 private:
  static constexpr size_t npos = static_cast<size_t>(-1);

  Span SpanOf(size_t b, size_t e) const { return Span{toks_[b]->span.begin, toks_[e - 1]->span.end}; }
  bool Seen(const std::string& id) const {
    return std::find(doc_.seen.begin(), doc_.seen.end(), id) != doc_.seen.end();
  }
  void Use(size_t b, size_t e) {
    for (size_t k = b; k < e; ++k) used_[k] = true;
  }
  void Emit(size_t b, size_t e, const std::string& id, MentionKind kind, float conf) {
    out_.push_back(EntityMention{SpanOf(b, e), id, kind, conf});
    Use(b, e);
    if (!Seen(id)) doc_.seen.push_back(id);
  }
  const Item* ItemAt(size_t pos) const {
    return pos < item_at_.size() && item_at_[pos] >= 0 ? &items_[static_cast<size_t>(item_at_[pos])] : nullptr;
  }
  bool IsGpe(const Item* it) const {
    return it && (it->kind == ItemKind::kName || it->kind == ItemKind::kAdjective) &&
           im_.TypeOf(it->id) == v1::ENTITY_TYPE_GPE;
  }
  bool NamedInSentence(const std::string& id) const {
    return std::any_of(items_.begin(), items_.end(), [&](const Item& i) {
      return (i.kind == ItemKind::kName || i.kind == ItemKind::kAdjective) && i.id == id;
    });
  }
  bool IsApposition(size_t pos) const { return pos < toks_.size() && ln_.apposition.count(toks_[pos]->key); }
  bool IsQuote(size_t pos) const { return pos < toks_.size() && ln_.quotes.count(toks_[pos]->key); }
  // A word no mention or cue took, that may be part of an unknown name.
  bool FreeWord(size_t p) const {
    return p < toks_.size() && !used_[p] && toks_[p]->is_word && !ItemAt(p) && !ln_.stop_words.count(toks_[p]->key);
  }

  void ResolveItems() {
    for (size_t k = 0; k < items_.size(); ++k) {
      const Item& it = items_[k];
      switch (it.kind) {
        case ItemKind::kName:
          Emit(it.b, it.e, it.id, MentionKind::kName, it.stripped ? 0.9f : 1.0f);
          break;
        case ItemKind::kAdjective:
          Emit(it.b, it.e, it.id, MentionKind::kAdjective, 0.9f);
          break;
        case ItemKind::kShort:
          if (const std::string id = ResolveShort(k); !id.empty()) Emit(it.b, it.e, id, MentionKind::kName, 0.8f);
          break;
        case ItemKind::kTitle:
          ResolveTitle(k);
          break;
        case ItemKind::kPersonCue:
          Use(it.b, it.e);
          if (PersonAfter(it.e) == npos) {
            size_t after = it.e;
            if (const Item* c = ItemAt(after); IsGpe(c)) after = c->e;
            person_cues_.push_back(after);
          }
          break;
        case ItemKind::kOrgHead:
          org_heads_.push_back(k);
          break;
        case ItemKind::kPlaceCue:
          Use(it.b, it.e);
          place_cues_.push_back(it.e);
          break;
        case ItemKind::kAmbiguous:
          Use(it.b, it.e);
          break;
        case ItemKind::kConnector:
          break;
      }
    }
  }

  // A short form: the entity whose full name the article already named, else the only entity
  // with that short form when the context says "person" (a title before it, or the word quoted
  // on its own) or it is written exactly as a capitalized acronym.
  std::string ResolveShort(size_t k) const {
    const Item& it = items_[k];
    for (const auto& id : it.short_ids)
      if (Seen(id)) return id;
    // The candidates whose country or organization the article (or this sentence) names:
    // "Tripoli" next to "Lebanon" is Tripoli, Lebanon.
    std::vector<std::string> in_context;
    for (const auto& id : it.short_ids) {
      const KbEntity* e = im_.kb->Find(id);
      if (!e) continue;
      for (const auto& a : e->affiliations) {
        if (Seen(a) || NamedInSentence(a)) {
          in_context.push_back(id);
          break;
        }
      }
    }
    const std::vector<std::string>& ids = in_context.size() == 1 ? in_context : it.short_ids;
    if (ids.size() != 1) return "";
    // A place or organization whose context fixes it needs nothing more.
    if (in_context.size() == 1 && im_.TypeOf(ids[0]) != v1::ENTITY_TYPE_PER) return ids[0];
    // A title right before it, possibly with its country between ("Ngoại trưởng Thổ Nhĩ Kỳ
    // Fidan"), or its apposition separator.
    bool titled = false;
    size_t at = it.b;
    if (at > 0 && IsApposition(at - 1)) --at;
    for (size_t j = k; j-- > 0 && j + 4 > k;) {
      const Item& p = items_[j];
      if (p.e != at) break;
      if (p.kind == ItemKind::kTitle || p.kind == ItemKind::kPersonCue) {
        titled = true;
        break;
      }
      if (!IsGpe(&p) && p.kind != ItemKind::kConnector) break;
      at = p.b;
    }
    const bool quoted = it.b > 0 && IsQuote(it.b - 1) && IsQuote(it.e);
    const bool person = im_.TypeOf(ids[0]) == v1::ENTITY_TYPE_PER;
    const bool acronym = IsAcronym(SpanOf(it.b, it.e).In(text_));
    // A quoted lone word is a name of some kind (a person, an outlet, a platform); a title
    // vouches only for a person.
    return ((person && titled) || quoted || acronym) ? ids[0] : "";
  }

  // Where the name a title introduces starts (optionally after a parenthesized acronym, an
  // apposition separator and a second title), or npos when no known person follows.
  size_t PersonAfter(size_t pos) const {
    if (pos + 2 < toks_.size() && toks_[pos]->key == "(" && toks_[pos + 2]->key == ")") pos += 3;  // "(MIT)"
    if (IsApposition(pos)) ++pos;
    const Item* next = ItemAt(pos);
    // "Chairman of X, General Y".
    if (next && (next->kind == ItemKind::kPersonCue || next->kind == ItemKind::kTitle)) next = ItemAt(next->e);
    if (next && next->kind == ItemKind::kName && im_.TypeOf(next->id) == v1::ENTITY_TYPE_PER) return next->b;
    if (next && next->kind == ItemKind::kShort) return next->b;
    return npos;
  }

  void ResolveTitle(size_t k) {
    const Item& it = items_[k];
    const Item* prev = k > 0 ? &items_[k - 1] : nullptr;
    Use(it.b, it.e);
    // After an organization head the title names an office, not its holder: "Văn phòng Tổng
    // thống", "مكتب رئيس الوزراء", "Office of the President".
    const Item* head = prev;
    if (head && head->kind == ItemKind::kConnector && head->e == it.b && k >= 2) head = &items_[k - 2];
    if (head && head->kind == ItemKind::kOrgHead && (head->e == it.b || head->e == prev->b)) return;
    // What the title is of: the places and organizations right after it, possibly through
    // connectors ("foreign minister of Turkey", "وزير الخارجية التركي", "Trưởng đoàn đàm phán
    // của phong trào Hamas"), or a country right before it ("Turkish foreign minister").
    size_t after = it.e;
    const Item* country = nullptr;
    const Item* org = nullptr;
    for (size_t j = k + 1; j < items_.size() && j <= k + 4 && items_[j].b == after; ++j) {
      const Item& n = items_[j];
      const bool name = n.kind == ItemKind::kName || n.kind == ItemKind::kAdjective;
      const v1::EntityType type = name ? im_.TypeOf(n.id) : v1::ENTITY_TYPE_UNSPECIFIED;
      if (type == v1::ENTITY_TYPE_GPE) {
        if (!country) country = &n;
      } else if (type == v1::ENTITY_TYPE_ORG) {
        if (!org) org = &n;
      } else if (n.kind != ItemKind::kConnector && n.kind != ItemKind::kOrgHead) {
        break;
      }
      after = n.e;
    }
    if (!country && !org && prev && prev->e == it.b && IsGpe(prev)) country = prev;
    if (PersonAfter(after) != npos) return;  // apposition: the name speaks for itself
    const KbEntity* holder = nullptr;
    if (org) holder = im_.kb->RoleHolder(it.role, org->id, date_);
    if (!holder && country) holder = im_.kb->RoleHolder(it.role, country->id, date_);
    if (!holder && org) {
      // A state organ stands for its country: "head of the Turkish intelligence service".
      const KbEntity* o = im_.kb->Find(org->id);
      if (o && !o->affiliations.empty()) holder = im_.kb->RoleHolder(it.role, o->affiliations[0], date_);
    }
    if (holder) {
      Emit(it.b, it.e, holder->id, MentionKind::kTitle, 0.8f);
      return;
    }
    person_cues_.push_back(after);
  }

  void AddProvisional(size_t b, size_t e, v1::EntityType type) {
    if (e <= b) return;
    const std::string surface(SpanOf(b, e).In(text_));
    const std::string skeleton = im_.skeletons->Skeleton(surface);
    // Too few consonants to tell names apart: an id from it would merge unrelated names.
    if (std::count_if(skeleton.begin(), skeleton.end(), [](char c) { return c != ' '; }) < 3) return;
    const std::string id = ProvisionalId(skeleton);
    auto [pos, inserted] = doc_.provisional.try_emplace(id);
    v1::Entity& ent = pos->second;
    if (inserted) {
      ent.set_id(id);
      ent.set_canonical_name(surface);
      ent.set_type(type);
      ent.set_from_kb(false);
    } else if (StartsLatin(surface) && !StartsLatin(ent.canonical_name())) {
      ent.set_canonical_name(surface);  // the Latin form is the canonical one when seen
    }
    // A person's last word alone refers back to them later in the article ("Keçeli"). Not for
    // organizations and places, whose last word is usually a common word ("السلام", "Agency"),
    // nor for an Arabic word with the article, which is a noun or adjective more often than a
    // family name.
    const std::string& last = toks_[e - 1]->key;
    if (type == v1::ENTITY_TYPE_PER && e - b >= 2 && !HasArticle(last))
      doc_.memory["prov-last:" + last] = id;
    Emit(b, e, id, MentionKind::kProvisional, 0.6f);
  }

  // A cased name run from p: capitalized words, with lowercase particles ("al", "bin") inside.
  size_t CasedRun(size_t p) const {
    size_t e = p;
    while (FreeWord(e)) {
      if (toks_[e]->capitalized) {
        ++e;
      } else if (ln_.particles.count(toks_[e]->key) && e > p && FreeWord(e + 1) && toks_[e + 1]->capitalized) {
        e += 2;
      } else {
        break;
      }
    }
    return e;
  }

  void PersonsAfterCues() {
    for (size_t p : person_cues_) {
      if (ln_.cased) {
        // The full stop of an abbreviated title ("Dr.", "Gen.") or an apposition separator.
        if (p < toks_.size() && (toks_[p]->key == "." || IsApposition(p))) ++p;
        const size_t e = CasedRun(p);
        // A lone word after a title ("ông Lan", "Tổng thống Trump") cannot name a new entity
        // by itself: it only refers back to a name already seen (BackReferences), else nothing.
        if (e - p >= 2) AddProvisional(p, e, v1::ENTITY_TYPE_PER);
        continue;
      }
      // Uncased scripts: the title's complement ("باسم الخارجية التركية") runs up to an
      // apposition separator, then the name runs to the next one.
      size_t q = p;
      while (q < toks_.size() && q < p + 4 && !IsApposition(q) && toks_[q]->is_word) ++q;
      if (!IsApposition(q)) continue;
      const size_t b = q + 1;
      size_t e = b;
      while (FreeWord(e) && e < b + 4) ++e;
      // Without capitals only the closing separator shows where the name ends ("، X ،",
      // "، X:"); a run that reaches the end of the sentence is more often a clause than a name.
      const bool closed = e < toks_.size() && (IsApposition(e) || toks_[e]->key == ":");
      if (e - b >= 2 && closed) AddProvisional(b, e, v1::ENTITY_TYPE_PER);
    }
  }

  // After a place word ("thành phố", "town of") a capitalized name is a place, even a single
  // word: the cue itself is the evidence. Cased scripts only: elsewhere the name's end is unclear.
  void PlacesAfterCues() {
    if (!ln_.cased) return;
    for (size_t p : place_cues_) {
      const size_t e = CasedRun(p);
      if (e > p && !(e == p + 1 && IsAcronym(toks_[p]->span.In(text_)))) AddProvisional(p, e, v1::ENTITY_TYPE_GPE);
    }
  }

  // A particle that may also be a title connector ("of"): the connector item does not stop an
  // organization's name.
  bool ParticleAt(size_t p) const {
    if (p >= toks_.size() || used_[p] || !ln_.particles.count(toks_[p]->key)) return false;
    const Item* c = ItemAt(p);
    return !c || c->kind == ItemKind::kConnector;
  }

  void OrganizationsAfterHeads() {
    for (size_t k : org_heads_) {
      const Item& head = items_[k];
      size_t e = head.e;
      if (ln_.cased) {
        // In a cased script an organization's name starts with a capital ("Bộ", not "bộ").
        if (!toks_[head.b]->capitalized) continue;
        // Vietnamese capitalizes the first syllable of each word of an organization's name
        // ("Bộ Ngoại giao"): one lowercase syllable may follow a capitalized one; particles
        // ("of") may link two capitalized words.
        bool any_cap = false;
        while (FreeWord(e) || ParticleAt(e)) {
          const bool particle = ParticleAt(e);
          if (toks_[e]->capitalized) {
            any_cap = true;
            ++e;
          } else if (particle && FreeWord(e + 1) && toks_[e + 1]->capitalized) {
            e += 2;
            any_cap = true;
          } else if (ln_.org_lowercase_syllables && !particle && e > head.e && toks_[e - 1]->capitalized) {
            ++e;
          } else {
            break;
          }
        }
        if (!any_cap) continue;
      } else {
        // Uncased: the definite nouns and adjectives after the head ("جمعية الهلال الأحمر").
        while (FreeWord(e) && e < head.e + 3 && HasArticle(toks_[e]->key)) ++e;
        if (e == head.e) continue;
      }
      // "Ministry of X of <country>" is a state organ: the knowledge base names those; a
      // provisional id for the generic phrase would be a wrong entity.
      const Item* next = ItemAt(e);
      if (IsGpe(next)) continue;
      // Where the name ends must be clear (punctuation, a function word, another name): a run
      // that stops on an ordinary word has probably been cut in the middle of the name.
      const bool clear_end = e >= toks_.size() || !toks_[e]->is_word || next ||
                             ln_.stop_words.count(toks_[e]->key) ||
                             (ln_.cased && !ln_.org_lowercase_syllables && !toks_[e]->capitalized);
      if (clear_end) AddProvisional(head.b, e, v1::ENTITY_TYPE_ORG);
    }
  }

  // A headline in title case or capitals ("Turkey Hosts Talks As Truce Wobbles") capitalizes
  // every word, so capitals there are no evidence of a name.
  bool TitleCase() const {
    size_t words = 0, caps = 0;
    for (const Token* t : toks_) {
      if (!t->is_word) continue;
      ++words;
      caps += t->capitalized;
    }
    return words >= 4 && caps * 4 >= words * 3;
  }

  // Capitalized sequences with no cue: at least two words, not sentence-initial, not made of
  // stop words.
  void CapitalizedRuns() {
    size_t p = 0;
    while (p < toks_.size()) {
      if (!FreeWord(p) || !toks_[p]->capitalized) {
        ++p;
        continue;
      }
      const size_t b = p, e = CasedRun(p);
      p = std::max(e, p + 1);
      // Every sentence (and a quote or caption after a colon) starts with a capital, so a run
      // there is no evidence of a name.
      const bool initial = b == 0 || toks_[b - 1]->key == ":" || IsQuote(b - 1) || toks_[b - 1]->key == "(";
      if (initial || e - b < 2) continue;
      AddProvisional(b, e, ln_.org_tails.count(toks_[e - 1]->key) ? v1::ENTITY_TYPE_ORG : v1::ENTITY_TYPE_PER);
    }
  }

  // A provisional name's last word alone, later in the article.
  void BackReferences() {
    static constexpr std::string_view kPrefix = "prov-last:";
    // Most articles name nobody outside the knowledge base: nothing to look up.
    const auto first = doc_.memory.lower_bound(std::string(kPrefix));
    if (first == doc_.memory.end() || first->first.compare(0, kPrefix.size(), kPrefix) != 0) return;
    for (size_t p = 0; p < toks_.size(); ++p) {
      if (!FreeWord(p) || (ln_.cased && !toks_[p]->capitalized)) continue;
      for (const LookupKey& v : lookup_.At(p)) {
        if (v.article_added) break;  // the clitic readings come first: ArabicCliticVariants
        auto it = doc_.memory.find(std::string(kPrefix) + v.key);
        if (it == doc_.memory.end()) continue;
        Emit(p, p + 1, it->second, MentionKind::kProvisional, 0.5f);
        break;
      }
    }
  }

  const Impl& im_;
  const LangNames& ln_;
  std::string_view text_;
  std::optional<CivilDate> date_;
  DocumentEntities& doc_;
  std::vector<Token> local_;        // the sentence's matchable tokens
  std::vector<const Token*> toks_;  // pointers into local_
  LookupCache lookup_{toks_, im_.by_first_key};  // the tokens' lookup keys (pass one and back references)
  std::vector<Item> items_;         // pass one's findings, in order
  std::vector<int> item_at_;        // token index -> index of the item starting there, or -1
  std::vector<bool> used_;          // tokens that belong to an emitted mention or a cue
  std::vector<size_t> person_cues_; // where a name may start after a title with no known person
  std::vector<size_t> org_heads_;   // indexes of organization-head items
  std::vector<size_t> place_cues_;  // where a place name may start ("thành phố X")
  std::vector<EntityMention> out_;
};

std::vector<EntityMention> EntityRecognizer::Find(std::string_view text, const std::vector<Token>& tokens,
                                                  const std::string& lang, std::optional<CivilDate> date,
                                                  DocumentEntities& doc) const {
  return SentencePass(*impl_, impl_->Lang(lang), text, tokens, date, doc).Run();
}

std::optional<v1::Entity> EntityRecognizer::Describe(std::string_view id, const DocumentEntities& doc) const {
  if (const KbEntity* e = impl_->kb->Find(id); e && id.substr(0, 3) == "kb:") return impl_->kb->ToProto(*e);
  auto it = doc.provisional.find(std::string(id));
  if (it == doc.provisional.end()) return std::nullopt;
  return it->second;
}

}  // namespace newsflow::extract
