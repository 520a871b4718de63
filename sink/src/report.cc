#include "newsflow/sink/report.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace newsflow::sink {
namespace {

constexpr size_t kEvidenceChars = 110;

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += !IsContinuation(c);
  return n;
}

// Pads to `width` code points (close enough to columns for names in Latin script).
std::string Pad(std::string s, size_t width) {
  const size_t n = CodePoints(s);
  if (n < width) s.append(width - n, ' ');
  return s;
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Sentences keep their line breaks in the store; a listing shows them on one line.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool space = c == '\n' || c == '\r' || c == '\t';
    if (space && !out.empty() && out.back() == ' ') continue;
    out += space ? ' ' : c;
  }
  return out;
}

void PrintTable(const std::vector<Store::EventView>& events, const CameoLabels& labels, std::ostream& out) {
  if (events.empty()) {
    out << "no event records\n";
    return;
  }
  out << Pad("RECORD", 18) << Pad("CAMEO", 42) << Pad("DATE", 12) << Pad("LOCATION", 18) << "REPORTS\n";
  for (const Store::EventView& e : events) {
    std::string code = e.cameo_code;
    if (std::string label = labels.Label(e.cameo_code); !label.empty()) code += " " + label;
    std::string date = e.date_iso.empty() ? "undated" : e.date_iso;
    if (e.date_basis == "weak") date += "?";  // resolved against an ingest clock only
    out << Pad(e.id, 18) << Pad(ShortenUtf8(code, 40), 42) << Pad(date, 12)
        << Pad(ShortenUtf8(e.location_name.empty() ? "-" : e.location_name, 16), 18) << e.mention_count << " in "
        << e.article_count << (e.article_count == 1 ? " article" : " articles") << " [" << e.languages << "]\n";
    std::string actors;
    for (const auto& a : e.actors) actors += (actors.empty() ? "" : ", ") + a.canonical_name + " (" + a.role + ")";
    out << "    actors:   " << (actors.empty() ? "-" : actors) << "\n";
    out << "    evidence: " << ShortenUtf8(OneLine(e.evidence_sentence), kEvidenceChars) << "\n";
  }
  out << events.size() << (events.size() == 1 ? " record\n" : " records\n");
}

void PrintJsonl(const std::vector<Store::EventView>& events, const CameoLabels& labels, std::ostream& out) {
  using nlohmann::json;
  for (const Store::EventView& e : events) {
    json actors = json::array();
    for (const auto& a : e.actors) actors.push_back({{"id", a.entity_id}, {"name", a.canonical_name}, {"role", a.role}});
    json j = {{"id", e.id},
              {"cameo_code", e.cameo_code},
              {"root_code", e.root_code},
              {"label", labels.Label(e.cameo_code)},
              {"date", e.date_iso.empty() ? json(nullptr) : json(e.date_iso)},
              {"date_precision", e.date_precision.empty() ? json(nullptr) : json(e.date_precision)},
              {"date_basis", e.date_basis},
              {"location_id", e.location_id.empty() ? json(nullptr) : json(e.location_id)},
              {"location", e.location_name.empty() ? json(nullptr) : json(e.location_name)},
              {"actors", actors},
              {"mention_count", e.mention_count},
              {"article_count", e.article_count},
              {"languages", e.languages},
              {"evidence", e.evidence_sentence},
              {"mention_ids", e.mention_ids}};
    out << j.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
}

}  // namespace

Result<CameoLabels> CameoLabels::Load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Status::InvalidArgument("cannot read CAMEO labels " + file.string());
  CameoLabels labels;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    const size_t tab = line.find('\t');
    const std::string code = tab == std::string::npos ? "" : Trim(line.substr(0, tab));
    const std::string label = tab == std::string::npos ? "" : Trim(line.substr(tab + 1));
    if (code.empty() || label.empty() || code.find_first_not_of("0123456789") != std::string::npos)
      return Status::InvalidArgument(file.string() + ":" + std::to_string(n) + ": expected CODE<TAB>LABEL");
    labels.labels_[code] = label;
  }
  return labels;
}

std::string CameoLabels::Label(std::string_view code) const {
  for (size_t n = code.size(); n >= 2; --n)
    if (auto it = labels_.find(code.substr(0, n)); it != labels_.end()) return it->second;
  return "";
}

std::string ShortenUtf8(std::string_view text, size_t max_chars) {
  if (CodePoints(text) <= max_chars) return std::string(text);
  size_t kept = 0, i = 0;
  const size_t budget = max_chars == 0 ? 0 : max_chars - 1;  // room for the ellipsis
  for (; i < text.size(); ++i) {
    if (!IsContinuation(static_cast<unsigned char>(text[i]))) {
      if (kept == budget) break;
      ++kept;
    }
  }
  return Trim(text.substr(0, i)) + "…";
}

void PrintEvents(const std::vector<Store::EventView>& events, const CameoLabels& labels, EventsFormat format,
                 std::ostream& out) {
  if (format == EventsFormat::kJsonl) PrintJsonl(events, labels, out);
  else PrintTable(events, labels, out);
}

}  // namespace newsflow::sink
