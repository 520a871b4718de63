#include "newsflow/ingest/article_parser.h"

#include <unicode/uchar.h>

#include "cues.h"
#include "language.h"
#include "metadata.h"
#include "newsflow/common/ids.h"
#include "text.h"

namespace newsflow::ingest {

struct ArticleParser::Impl {
  ArticleCues cues;
  ParserLimits limits;
};

ArticleParser::ArticleParser() = default;
ArticleParser::ArticleParser(CreateTag) {}
ArticleParser::~ArticleParser() = default;

Result<std::unique_ptr<ArticleParser>> ArticleParser::Create(const std::filesystem::path& kb_dir, ParserLimits limits) {
  auto cues = LoadArticleCues(kb_dir);
  if (!cues.ok()) return cues.status();
  auto p = std::make_unique<ArticleParser>(CreateTag{});
  p->impl_ = std::make_unique<Impl>(Impl{std::move(*cues), limits});
  return p;
}

LanguageGuess ArticleParser::DetectLanguage(std::string_view text) const {
  return ingest::DetectLanguage(text, impl_->cues);
}

namespace {

void SetTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  int64_t secs = ns / 1'000'000'000, nanos = ns % 1'000'000'000;
  if (nanos < 0) {
    --secs;
    nanos += 1'000'000'000;
  }
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(nanos));
}

// The text an id is computed from: white space runs collapsed to one space and trimmed, so the
// same article re-wrapped, with CR LF line ends or trailing blanks, keeps its id.
std::string IdKey(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    const char32_t cp = NextCodePoint(s, &i);
    if (u_isUWhiteSpace(static_cast<UChar32>(cp))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    AppendUtf8(cp, &out);
  }
  return out;
}

// Checks bytes that must become article text; `what` names them in the error.
Status CheckText(std::string_view bytes, std::string_view what) {
  if (auto at = FindInvalidUtf8(bytes))
    return Status::DataLoss("invalid_utf8: " + std::string(what) + "byte offset " + std::to_string(*at));
  if (auto at = FindControlCharacter(bytes))
    return Status::DataLoss("control_characters: " + std::string(what) + "byte offset " + std::to_string(*at));
  return Status::Ok();
}

Result<std::string> NormalizedField(const std::string& field, std::string_view name) {
  if (field.empty()) return std::string();
  if (Status s = CheckText(field, std::string(name) + " "); !s.ok()) return s;
  auto nfc = ToNfc(field);
  if (!nfc.ok()) return nfc.status();
  return std::string(Trim(*nfc));
}

// Text after line `index` (or all of it), without the blank lines and spaces around it.
std::string_view BodyAfter(std::string_view text, const std::vector<std::string_view>& lines,
                           std::optional<size_t> index) {
  if (!index) return Trim(text);
  const std::string_view& line = lines[*index];
  const size_t end = static_cast<size_t>(line.data() - text.data()) + line.size();
  return Trim(text.substr(std::min(end, text.size())));
}

}  // namespace

Result<v1::Article> ArticleParser::Parse(const RawArticle& raw) const {
  const ArticleCues& cues = impl_->cues;
  std::string_view bytes = raw.bytes;
  if (bytes.size() > impl_->limits.max_bytes)
    return Status::DataLoss("too_large: " + std::to_string(bytes.size()) + " bytes > limit " +
                            std::to_string(impl_->limits.max_bytes));
  if (Status s = CheckText(bytes, ""); !s.ok()) return s;
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);  // a BOM marks encoding, not text
  auto nfc = ToNfc(bytes);
  if (!nfc.ok()) return nfc.status();
  const std::string& text = *nfc;
  if (Trim(text).empty()) return Status::DataLoss("empty_body");

  auto title = NormalizedField(raw.title, "title");
  auto outlet = NormalizedField(raw.outlet, "outlet");
  if (!title.ok()) return title.status();
  if (!outlet.ok()) return outlet.status();

  const auto lines = SplitLines(text);
  std::optional<size_t> title_line;
  if (title->empty()) {
    title_line = FindTitleLine(lines, cues);
    if (title_line) *title = std::string(Trim(lines[*title_line]));
  } else {
    // A source that knows the title may also repeat it as the text's first line.
    size_t i = 0;
    while (i < lines.size() && Trim(lines[i]).empty()) ++i;
    if (i < lines.size() && Trim(lines[i]) == *title) title_line = i;
  }
  const std::string_view body = BodyAfter(text, lines, title_line);
  if (body.empty()) return Status::DataLoss("empty_body: only a title");

  v1::Article a;
  a.set_title(*title);
  a.set_body(std::string(body));
  a.set_id(HexId(StableHash64(IdKey(*title) + "\n" + IdKey(body))));
  a.set_url(raw.url);
  a.set_origin(raw.origin);
  SetTimestamp(raw.ingested_at, a.mutable_ingested_at());

  if (!raw.language.empty()) {
    a.set_language(raw.language);
    a.set_language_confidence(1.0f);
  } else {
    const LanguageGuess g = DetectLanguage(*title + "\n" + std::string(body));
    a.set_language(g.code);
    a.set_language_confidence(g.confidence);
  }

  // An all-numeric date without a marker is read in the article's language's order.
  NumericOrder order = NumericOrder::kDayMonthYear;
  for (size_t k = 0; k < cues.languages.size(); ++k)
    if (cues.languages[k].code == a.language()) order = cues.numeric_order[k];
  if (raw.published_at) {
    SetTimestamp(*raw.published_at, a.mutable_published_at());
    a.set_published_precision(v1::DATE_PRECISION_DAY);
  } else if (auto d = FindPublicationDate(lines, cues, order)) {
    using namespace std::chrono;
    const auto day = sys_days(year_month_day(std::chrono::year(d->year), std::chrono::month(d->month ? d->month : 1),
                                             std::chrono::day(d->day ? d->day : 1)));
    SetTimestamp(time_point_cast<system_clock::duration>(day), a.mutable_published_at());
    a.set_published_precision(d->precision);
  }

  a.set_outlet(outlet->empty() ? FindOutlet(lines, cues, title_line) : *outlet);

  return a;
}

}  // namespace newsflow::ingest
