#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <re2/re2.h>

#include <array>
#include <cstring>
#include <memory>

#include "newsflow/ingest/feed.h"

namespace newsflow::ingest {
namespace {

// RAII for libxml2's handles; the deleters stand next to the types.
struct XmlDocDeleter { void operator()(xmlDoc* d) const { xmlFreeDoc(d); } };
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocDeleter>;
struct XmlParserDeleter { void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); } };
using XmlParser = std::unique_ptr<xmlParserCtxt, XmlParserDeleter>;
struct HtmlParserDeleter { void operator()(htmlParserCtxt* c) const { htmlFreeParserCtxt(c); } };
using HtmlParser = std::unique_ptr<htmlParserCtxt, HtmlParserDeleter>;

constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";
constexpr const char* kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";

std::string_view Name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

// Local name `name` in namespace `ns` (nullptr: no namespace, as RSS 2.0 elements have).
bool Is(const xmlNode* n, const char* name, const char* ns = nullptr) {
  if (n->type != XML_ELEMENT_NODE || Name(n) != name) return false;
  const char* href = n->ns ? reinterpret_cast<const char*>(n->ns->href) : nullptr;
  if (ns == nullptr) return href == nullptr || std::strcmp(href, "http://purl.org/rss/1.0/") == 0;
  return href != nullptr && std::strcmp(href, ns) == 0;
}

const xmlNode* Child(const xmlNode* parent, const char* name, const char* ns = nullptr) {
  for (const xmlNode* c = parent->children; c; c = c->next)
    if (Is(c, name, ns)) return c;
  return nullptr;
}

// Text and CDATA below `n`. Entity references are skipped, never expanded: that is what makes
// an entity-expansion ("billion laughs") document harmless here.
void AppendText(const xmlNode* n, std::string* out) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) *out += reinterpret_cast<const char*>(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      AppendText(c, out);
    }
  }
}

std::string Text(const xmlNode* n) {
  std::string out;
  if (n) AppendText(n, &out);
  return out;
}

std::string Attr(const xmlNode* n, const char* name, const char* ns = nullptr) {
  if (!n) return "";
  xmlChar* v = ns ? xmlGetNsProp(n, BAD_CAST name, BAD_CAST ns) : xmlGetNoNsProp(n, BAD_CAST name);
  if (!v) return "";
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::string Trimmed(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "vi-VN", "ar_EG", "EN" -> "vi", "ar", "en".
std::string PrimaryLanguage(std::string tag) {
  tag = Trimmed(std::move(tag));
  tag = tag.substr(0, tag.find_first_of("-_"));
  for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tag;
}

// xml:lang of `n` or its nearest ancestor that has one.
std::string XmlLang(const xmlNode* n) {
  for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
    if (std::string v = Attr(n, "lang", kXmlNs); !v.empty()) return PrimaryLanguage(v);
  return "";
}

std::optional<TimePoint> ParseAnyTime(const std::string& s) {
  const std::string t = Trimmed(s);
  if (auto r = ParseRfc822Time(t)) return r;
  return ParseIsoTime(t);
}

// Atom text constructs: type="html" is escaped HTML, "xhtml" is inline elements, else plain text.
std::string AtomText(const xmlNode* n) {
  if (!n) return "";
  const std::string type = Attr(n, "type");
  if (type == "html" || type == "text/html" || type == "xhtml") {
    if (type != "xhtml") return HtmlToText(Text(n));
    // Inline XHTML: serialize the children and read them as HTML (keeps paragraph breaks).
    std::string html;
    for (const xmlNode* c = n->children; c; c = c->next) {
      xmlBuffer* buf = xmlBufferCreate();
      if (!buf) continue;
      xmlNodeDump(buf, c->doc, const_cast<xmlNode*>(c), 0, 0);
      html.append(reinterpret_cast<const char*>(xmlBufferContent(buf)), xmlBufferLength(buf));
      xmlBufferFree(buf);
    }
    return HtmlToText(html);
  }
  return Trimmed(Text(n));
}

FeedItem RssItem(const xmlNode* item, const std::string& feed_title, const std::string& feed_language) {
  FeedItem it;
  it.title = HtmlToText(Text(Child(item, "title")));
  it.link = Trimmed(Text(Child(item, "link")));
  it.id = Trimmed(Text(Child(item, "guid")));
  if (it.id.empty()) it.id = Trimmed(Attr(item, "about", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"));
  if (it.link.empty() && Attr(Child(item, "guid"), "isPermaLink") != "false" && it.id.starts_with("http"))
    it.link = it.id;
  const std::string content = HtmlToText(Text(Child(item, "encoded", kContentNs)));
  const std::string description = HtmlToText(Text(Child(item, "description")));
  // Some feeds put a teaser in one and the article in the other: the longer one is the article.
  it.text = content.size() >= description.size() ? content : description;
  it.outlet = Trimmed(Text(Child(item, "source")));
  if (it.outlet.empty()) it.outlet = feed_title;
  it.language = PrimaryLanguage(Text(Child(item, "language", kDcNs)));
  if (it.language.empty()) it.language = XmlLang(item);
  if (it.language.empty()) it.language = feed_language;
  const xmlNode* date = Child(item, "pubDate");
  if (!date) date = Child(item, "date", kDcNs);
  if (date) it.published = ParseAnyTime(Text(date));
  return it;
}

std::string AtomLink(const xmlNode* entry) {
  std::string any;
  for (const xmlNode* c = entry->children; c; c = c->next) {
    if (!Is(c, "link", kAtomNs)) continue;
    const std::string rel = Attr(c, "rel");
    if (rel.empty() || rel == "alternate") return Trimmed(Attr(c, "href"));
    if (any.empty()) any = Trimmed(Attr(c, "href"));
  }
  return any;
}

FeedItem AtomEntry(const xmlNode* entry, const std::string& feed_title) {
  FeedItem it;
  it.title = AtomText(Child(entry, "title", kAtomNs));
  it.link = AtomLink(entry);
  it.id = Trimmed(Text(Child(entry, "id", kAtomNs)));
  const std::string content = AtomText(Child(entry, "content", kAtomNs));
  const std::string summary = AtomText(Child(entry, "summary", kAtomNs));
  it.text = content.size() >= summary.size() ? content : summary;
  if (const xmlNode* source = Child(entry, "source", kAtomNs)) it.outlet = AtomText(Child(source, "title", kAtomNs));
  if (it.outlet.empty()) it.outlet = feed_title;
  it.language = XmlLang(entry);
  const xmlNode* date = Child(entry, "published", kAtomNs);
  if (!date) date = Child(entry, "updated", kAtomNs);
  if (date) it.published = ParseAnyTime(Text(date));
  return it;
}

// Titles and outlets are one line: a wrapped <title> must not look like a title plus a body.
std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n') c = ' ';
  std::string out;
  for (char c : s)
    if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void FinishItem(FeedItem* it) {
  it->title = OneLine(std::move(it->title));
  it->outlet = OneLine(std::move(it->outlet));
  if (it->id.empty()) it->id = it->link;
  // Neither id nor link: the content is the identity.
  if (it->id.empty()) it->id = "content:" + it->title + "\n" + it->text.substr(0, 200);
}

bool IsBlock(std::string_view tag) {
  static constexpr std::array<std::string_view, 24> kBlocks = {
      "p",  "div", "br",  "li",         "ul",     "ol",      "h1",     "h2",     "h3",     "h4",    "h5",  "h6",
      "tr", "td",  "pre", "blockquote", "figure", "section", "article", "header", "footer", "table", "hr", "figcaption"};
  for (auto b : kBlocks)
    if (tag == b) return true;
  return false;
}

bool IsSkipped(std::string_view tag) {
  return tag == "script" || tag == "style" || tag == "noscript" || tag == "head" || tag == "template" ||
         tag == "iframe";
}

void AppendHtml(const xmlNode* n, std::string* out) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) *out += reinterpret_cast<const char*>(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      const std::string_view tag = Name(c);
      if (IsSkipped(tag)) continue;
      const bool block = IsBlock(tag);
      if (block) *out += tag == "br" || tag == "td" || tag == "li" ? "\n" : "\n\n";
      AppendHtml(c, out);
      // Line-level elements (br, li, td) only start a line: two list items are two lines.
      if (block && tag != "br" && tag != "td" && tag != "li") *out += "\n\n";
    }
  }
}

// Collapses runs of blanks (NBSP included) within lines, trims lines, and keeps at most one empty
// line between paragraphs.
std::string NormalizeSpace(std::string_view s) {
  std::string out;
  bool space = false;
  int newlines = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool nbsp = c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0';
    if (c == '\n') {
      ++newlines;
      space = false;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || nbsp) {
      if (nbsp) ++i;
      space = true;
    } else {
      if (!out.empty()) {
        if (newlines > 0) out += newlines > 1 ? "\n\n" : "\n";
        else if (space) out += ' ';
      }
      out += c;
      newlines = 0;
      space = false;
    }
  }
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  if (html.find_first_not_of(" \t\r\n") == std::string_view::npos) return "";
  // No '<' and no '&': already plain text; the HTML parser would only wrap it in <p>.
  if (html.find_first_of("<&") == std::string_view::npos) return NormalizeSpace(html);
  HtmlParser ctxt(htmlNewParserCtxt());
  if (!ctxt) return NormalizeSpace(html);
  XmlDoc doc(htmlCtxtReadMemory(ctxt.get(), html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                                HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
                                    HTML_PARSE_NOIMPLIED));
  if (!doc) return "";
  std::string out;
  for (const xmlNode* c = doc->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      if (IsSkipped(Name(c))) continue;
      const bool block = IsBlock(Name(c));
      if (block) out += "\n\n";
      AppendHtml(c, &out);
      if (block) out += "\n\n";
    } else if (c->type == XML_TEXT_NODE && c->content) {
      out += reinterpret_cast<const char*>(c->content);
    }
  }
  return NormalizeSpace(out);
}

Result<ParsedFeed> ParseFeed(std::string_view bytes) {
  XmlParser ctxt(xmlNewParserCtxt());
  if (!ctxt) return Status::Internal("xmlNewParserCtxt failed");
  // NONET: nothing fetched; no NOENT / DTDLOAD / DTDATTR: no external entities, no DTD loading.
  XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                               XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA));
  if (!doc || !ctxt->wellFormed) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    std::string why = e && e->message ? Trimmed(e->message) : "not well-formed";
    return Status::DataLoss("not_xml: line " + std::to_string(e ? e->line : 0) + ": " + why);
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return Status::DataLoss("not_a_feed: no root element");
  ParsedFeed feed;
  if (Is(root, "feed", kAtomNs)) {
    feed.title = AtomText(Child(root, "title", kAtomNs));
    for (const xmlNode* c = root->children; c; c = c->next)
      if (Is(c, "entry", kAtomNs)) feed.items.push_back(AtomEntry(c, feed.title));
  } else if (Is(root, "rss") || Name(root) == "RDF") {
    const xmlNode* channel = Child(root, "channel");
    if (!channel) return Status::DataLoss("not_a_feed: <" + std::string(Name(root)) + "> without <channel>");
    feed.title = HtmlToText(Text(Child(channel, "title")));
    std::string language = PrimaryLanguage(Text(Child(channel, "language")));
    if (language.empty()) language = PrimaryLanguage(Text(Child(channel, "language", kDcNs)));
    if (language.empty()) language = XmlLang(channel);
    // RSS 2.0 nests items in <channel>; RSS 1.0 puts them beside it.
    for (const xmlNode* parent : {channel, root})
      for (const xmlNode* c = parent->children; c; c = c->next)
        if (Is(c, "item")) feed.items.push_back(RssItem(c, feed.title, language));
  } else {
    return Status::DataLoss("not_a_feed: root <" + std::string(Name(root)) + ">");
  }
  for (FeedItem& it : feed.items) FinishItem(&it);
  return feed;
}

std::optional<TimePoint> ParseRfc822Time(std::string_view s) {
  // Month and zone names are the RFC's protocol tokens (always English), not language data.
  static const LazyRE2 kRfc822 = {
      R"((?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*)"
      R"(([+-]\d{4}|[A-Za-z]{1,5})?)"};
  int d = 0, y = 0, h = 0, mi = 0;
  std::string mon, secs, zone;
  if (!RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *kRfc822, &d, &mon, &y, &h, &mi, &secs, &zone))
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  for (char& c : mon) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i)
    if (mon == kMonths[i]) month = i + 1;
  if (y < 100) y += y < 50 ? 2000 : 1900;  // RFC 2822 section 4.3
  using namespace std::chrono;
  const year_month_day ymd{year(y), std::chrono::month(month), day(static_cast<unsigned>(d))};
  const int sec = secs.empty() ? 0 : std::stoi(secs);
  if (month == 0 || !ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  auto t = time_point_cast<system_clock::duration>(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(sec);
  int offset_minutes = 0;
  if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    offset_minutes = std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(3, 2));
    if (zone[0] == '-') offset_minutes = -offset_minutes;
  } else {
    for (char& c : zone) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static constexpr std::array<std::pair<std::string_view, int>, 8> kZones = {
        {{"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}}};
    for (const auto& [name, hours_off] : kZones)
      if (zone == name) offset_minutes = hours_off * 60;
  }
  return t - minutes(offset_minutes);
}

}  // namespace newsflow::ingest
