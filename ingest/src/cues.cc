#include "cues.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "text.h"

namespace newsflow::ingest {
namespace {

using nlohmann::json;

Result<std::string> Folded(const json& v) {
  if (!v.is_string()) return Status::InvalidArgument("expected a string, got " + v.dump());
  const std::string s = v.get<std::string>();
  if (FindInvalidUtf8(s)) return Status::InvalidArgument("invalid UTF-8 in " + v.dump());
  auto nfc = ToNfc(s);
  if (!nfc.ok()) return nfc.status();
  return FoldCase(*nfc);
}

// Appends the folded strings of an optional array field.
Status FoldedList(const json& obj, const char* key, std::vector<std::string>* out) {
  if (!obj.contains(key)) return Status::Ok();
  const json& arr = obj.at(key);
  if (!arr.is_array()) return Status::InvalidArgument(std::string("\"") + key + "\" must be an array");
  for (const auto& v : arr) {
    auto f = Folded(v);
    if (!f.ok()) return f.status();
    if (!f->empty()) out->push_back(*f);
  }
  return Status::Ok();
}

Status Months(const json& obj, std::vector<std::pair<std::string, int>>* out) {
  if (!obj.is_object()) return Status::InvalidArgument("\"months\" must be an object of name -> 1..12");
  for (const auto& [name, num] : obj.items()) {
    if (!num.is_number_integer() || num.get<int>() < 1 || num.get<int>() > 12)
      return Status::InvalidArgument("month \"" + name + "\" must map to 1..12");
    auto f = Folded(json(name));
    if (!f.ok()) return f.status();
    out->emplace_back(*f, num.get<int>());
  }
  return Status::Ok();
}

Status LoadOne(const json& j, size_t index, ArticleCues* cues) {
  LanguageProfile p;
  p.code = j.at("language").get<std::string>();
  if (p.code.empty()) return Status::InvalidArgument("\"language\" is empty");
  const json& det = j.at("detection");
  const std::string script = det.at("script").get<std::string>();
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode codes[4];
  if (uscript_getCode(script.c_str(), codes, 4, &err) < 1 || U_FAILURE(err))
    return Status::InvalidArgument("unknown script \"" + script + "\" (ISO 15924, e.g. Latn, Arab)");
  p.script = codes[0];
  auto letters = Folded(det.value("letters", json("")));
  if (!letters.ok()) return letters.status();
  for (size_t i = 0; i < letters->size();) p.letters.insert(NextCodePoint(*letters, &i));
  p.letter_weight = det.value("letter_weight", 0.0);
  std::vector<std::string> words;
  if (Status s = FoldedList(det, "words", &words); !s.ok()) return s;
  p.words.insert(words.begin(), words.end());
  cues->languages.push_back(std::move(p));

  const std::string order = j.value("numeric_date_order", "dmy");
  if (order != "dmy" && order != "mdy") return Status::InvalidArgument("numeric_date_order must be dmy or mdy");
  cues->numeric_order.push_back(order == "dmy" ? NumericOrder::kDayMonthYear : NumericOrder::kMonthDayYear);

  std::vector<std::string> markers;
  if (Status s = FoldedList(j, "date_markers", &markers); !s.ok()) return s;
  for (auto& m : markers) cues->date_markers.push_back({std::move(m), index});
  markers.clear();
  if (Status s = FoldedList(j, "outlet_markers", &markers); !s.ok()) return s;
  for (auto& m : markers) cues->outlet_markers.push_back({std::move(m), index});
  markers.clear();
  if (Status s = FoldedList(j, "inline_outlet_markers", &markers); !s.ok()) return s;
  for (auto& m : markers) cues->inline_outlet_markers.push_back({std::move(m), index});

  if (j.contains("date_words")) {
    const json& dw = j.at("date_words");
    if (Status s = FoldedList(dw, "month_prefixes", &cues->month_prefixes); !s.ok()) return s;
    if (Status s = FoldedList(dw, "ordinal_suffixes", &cues->ordinal_suffixes); !s.ok()) return s;
    std::vector<std::string> fillers;
    if (Status s = FoldedList(dw, "fillers", &fillers); !s.ok()) return s;
    cues->date_fillers.insert(fillers.begin(), fillers.end());
    if (dw.contains("months"))
      if (Status s = Months(dw.at("months"), &cues->months); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<json> ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument(path.string() + ": malformed JSON");
  return j;
}

template <typename T>
void LongestFirst(std::vector<T>* v, auto key) {
  std::stable_sort(v->begin(), v->end(), [&](const T& a, const T& b) { return key(a).size() > key(b).size(); });
}

}  // namespace

Result<ArticleCues> LoadArticleCues(const std::filesystem::path& kb_dir) {
  ArticleCues cues;
  std::vector<std::filesystem::path> dirs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(kb_dir / "lang", ec))
    if (std::filesystem::exists(e.path() / "article.json")) dirs.push_back(e.path());
  if (ec) return Status::NotFound("cannot list " + (kb_dir / "lang").string() + ": " + ec.message());
  if (dirs.empty()) return Status::NotFound("no " + (kb_dir / "lang/*/article.json").string());
  std::sort(dirs.begin(), dirs.end());  // a stable language order keeps detection ties deterministic
  for (const auto& dir : dirs) {
    const auto file = dir / "article.json";
    auto j = ReadJson(file);
    if (!j.ok()) return j.status();
    try {
      if (Status s = LoadOne(*j, cues.languages.size(), &cues); !s.ok())
        return Status::InvalidArgument(file.string() + ": " + s.message());
      // Month names another module keeps for date parsing are welcome, but optional.
      if (std::filesystem::exists(dir / "dates.json")) {
        auto d = ReadJson(dir / "dates.json");
        if (d.ok() && d->is_object() && d->contains("months") && d->at("months").is_object()) {
          std::vector<std::pair<std::string, int>> extra;
          if (Months(d->at("months"), &extra).ok()) cues.months.insert(cues.months.end(), extra.begin(), extra.end());
        }
      }
    } catch (const json::exception& e) {  // a missing or mistyped field
      return Status::InvalidArgument(file.string() + ": " + e.what());
    }
  }
  LongestFirst(&cues.date_markers, [](const Marker& m) -> const std::string& { return m.folded; });
  LongestFirst(&cues.outlet_markers, [](const Marker& m) -> const std::string& { return m.folded; });
  LongestFirst(&cues.inline_outlet_markers, [](const Marker& m) -> const std::string& { return m.folded; });
  LongestFirst(&cues.months, [](const std::pair<std::string, int>& m) -> const std::string& { return m.first; });
  LongestFirst(&cues.month_prefixes, [](const std::string& m) -> const std::string& { return m; });
  return cues;
}

}  // namespace newsflow::ingest
