#include "newsflow/sink/fusion.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "newsflow/common/ids.h"

namespace newsflow::sink {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

int64_t DayNumber(year_month_day ymd) { return sys_days(ymd).time_since_epoch().count(); }
year_month_day FromDayNumber(int64_t d) { return year_month_day(sys_days(std::chrono::days(d))); }

bool ParseInt(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// The components of "YYYY[-MM[-DD]]"; month/day 0 when absent. False when malformed or invalid.
bool ParseIsoParts(std::string_view iso, int* y, int* m, int* d) {
  *m = 0;
  *d = 0;
  if (iso.size() != 4 && iso.size() != 7 && iso.size() != 10) return false;
  if (!ParseInt(iso.substr(0, 4), y)) return false;
  if (iso.size() >= 7 && (iso[4] != '-' || !ParseInt(iso.substr(5, 2), m) || *m < 1 || *m > 12)) return false;
  if (iso.size() == 10) {
    if (iso[7] != '-' || !ParseInt(iso.substr(8, 2), d)) return false;
    if (!year_month_day(year(*y), month(static_cast<unsigned>(*m)), day(static_cast<unsigned>(*d))).ok()) return false;
  }
  return true;
}

// The interval a date names at its written precision (the text's "December" is the whole month).
std::optional<DayInterval> NamedInterval(std::string_view iso) {
  int y = 0, m = 0, d = 0;
  if (!ParseIsoParts(iso, &y, &m, &d)) return std::nullopt;
  if (d != 0) {
    const int64_t n = DayNumber(year(y) / month(static_cast<unsigned>(m)) / day(static_cast<unsigned>(d)));
    return DayInterval{n, n};
  }
  if (m != 0) {
    const auto ym = year(y) / month(static_cast<unsigned>(m));
    return DayInterval{DayNumber(ym / day(1)), DayNumber(year_month_day(year_month_day_last(ym / std::chrono::last)))};
  }
  return DayInterval{DayNumber(year(y) / 1 / 1), DayNumber(year(y) / 12 / 31)};
}

struct Cluster {
  DayInterval core;
  std::vector<size_t> members;  // indices into the sorted reports
  bool anchored = true;
};

// The finest precision at which `core` is one value: a day, a month, else a year.
v1::DatePrecision CorePrecision(DayInterval core) {
  if (core.first == core.last) return v1::DATE_PRECISION_DAY;
  const year_month_day a = FromDayNumber(core.first), b = FromDayNumber(core.last);
  if (a.year() == b.year() && a.month() == b.month()) return v1::DATE_PRECISION_MONTH;
  return v1::DATE_PRECISION_YEAR;
}

template <typename K>
K MostFrequent(const std::map<K, int>& counts) {  // ties: the smallest key (map order)
  K best{};
  int best_n = 0;
  for (const auto& [k, n] : counts)
    if (n > best_n) best = k, best_n = n;
  return best;
}

// `members` index `reports`, which are sorted by id: index order is id order, so "first seen"
// choices (names, location) are stable.
EventRecord Represent(const std::string& fusion_key, const Cluster& c, const std::vector<const FusionReport*>& reports) {
  EventRecord r;
  r.fusion_key = fusion_key;
  std::map<std::string_view, int> codes;
  std::map<std::string_view, std::map<v1::ActorRole, int>> roles;
  std::map<std::string_view, std::string_view> names;
  std::set<std::string_view> articles, languages;
  float best_confidence = -1;
  std::vector<size_t> members = c.members;
  std::sort(members.begin(), members.end());
  r.mention_ids.reserve(members.size());
  for (size_t i : members) {
    const FusionReport& e = *reports[i];
    r.mention_ids.push_back(e.id);
    codes[e.cameo_code]++;
    for (const RecordActor& a : e.actors) {
      if (a.entity_id.empty()) continue;
      roles[a.entity_id][a.role]++;
      names.emplace(a.entity_id, a.canonical_name);
    }
    if (r.location_id.empty() && !e.location_id.empty()) {
      r.location_id = e.location_id;
      r.location_name = e.location_name;
    }
    articles.insert(e.article_id);
    if (!e.language.empty()) languages.insert(e.language);
    if (e.confidence > best_confidence) {
      best_confidence = e.confidence;
      r.evidence_mention_id = e.id;
    }
  }
  r.cameo_code = std::string(MostFrequent(codes));
  r.root_code = r.cameo_code.substr(0, 2);
  for (const auto& [id, counts] : roles)
    r.actors.push_back({std::string(id), std::string(names[id]), MostFrequent(counts)});
  std::sort(r.actors.begin(), r.actors.end(), [](const RecordActor& a, const RecordActor& b) {
    return std::tie(a.role, a.entity_id) < std::tie(b.role, b.entity_id);
  });
  r.article_count = static_cast<int64_t>(articles.size());
  r.languages.assign(languages.begin(), languages.end());

  if (c.anchored) {
    r.core = c.core;
    r.anchor = FormatDay(c.core.first, v1::DATE_PRECISION_DAY);
    r.date_precision = CorePrecision(c.core);
    r.date_iso = FormatDay(c.core.first, r.date_precision);
    r.date_basis = DateBasis::kAnchored;
  } else {
    r.anchor = "undated";
    std::optional<int64_t> earliest;
    for (size_t i : members) {
      const FusionReport& e = *reports[i];
      if (e.start && (!earliest || *e.start < *earliest)) {
        earliest = e.start;
        r.date_iso = e.date_iso;
        r.date_precision = e.date_precision;
      }
    }
    r.date_basis = earliest ? DateBasis::kWeak : DateBasis::kNone;
  }
  r.id = HexId(StableHash64({fusion_key, r.anchor}));
  return r;
}

}  // namespace

bool IsAnchored(v1::DateResolution resolution) {
  switch (resolution) {
    case v1::DATE_RESOLUTION_EXPLICIT:
    case v1::DATE_RESOLUTION_PARTIAL_PUBLICATION:
    case v1::DATE_RESOLUTION_PARTIAL_CLOCK:  // day and month are written; only the year was inferred
    case v1::DATE_RESOLUTION_RELATIVE_PUBLICATION:
    case v1::DATE_RESOLUTION_INHERITED:
    case v1::DATE_RESOLUTION_PUBLICATION:
      return true;
    default:
      return false;
  }
}

std::optional<int64_t> ParseIsoStart(std::string_view iso) {
  std::optional<DayInterval> i = NamedInterval(iso);
  if (!i) return std::nullopt;
  return i->first;
}

std::string FormatDay(int64_t n, v1::DatePrecision precision) {
  const year_month_day ymd = FromDayNumber(n);
  char buf[16];
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  if (precision == v1::DATE_PRECISION_YEAR) std::snprintf(buf, sizeof buf, "%04d", y);
  else if (precision == v1::DATE_PRECISION_MONTH) std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  else std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::optional<DayInterval> AnchoredInterval(const v1::EventDate& date) {
  if (!IsAnchored(date.resolution())) return std::nullopt;
  std::optional<DayInterval> i = NamedInterval(date.iso());
  if (i && date.resolution() == v1::DATE_RESOLUTION_PUBLICATION) i->first -= kPublicationLookbackDays;
  return i;
}

void FusionReport::Derive() {
  v1::EventDate date;
  date.set_iso(date_iso);
  date.set_resolution(date_resolution);
  anchored = AnchoredInterval(date);
  start = ParseIsoStart(date_iso);
}

FusionReport DigestReport(const v1::Event& e) {
  FusionReport r;
  r.id = e.id();
  r.article_id = e.mention().article_id();
  r.language = e.mention().language();
  r.cameo_code = e.cameo_code();
  r.confidence = e.mention().confidence();
  if (e.has_date() && !e.date().iso().empty()) {
    r.date_iso = e.date().iso();
    r.date_precision = v1::DatePrecision_IsValid(e.date().precision()) ? e.date().precision()
                                                                       : v1::DATE_PRECISION_UNSPECIFIED;
    r.date_resolution = v1::DateResolution_IsValid(e.date().resolution()) ? e.date().resolution()
                                                                          : v1::DATE_RESOLUTION_UNSPECIFIED;
  }
  r.actors.reserve(static_cast<size_t>(e.actors_size()));
  for (const v1::Actor& a : e.actors())
    r.actors.push_back({a.entity().id(), a.entity().canonical_name(),
                        v1::ActorRole_IsValid(a.role()) ? a.role() : v1::ACTOR_ROLE_UNSPECIFIED});
  if (!e.location().id().empty()) {
    r.location_id = e.location().id();
    r.location_name = e.location().canonical_name();
  }
  r.Derive();
  return r;
}

std::vector<EventRecord> Fuse(const std::string& fusion_key, std::vector<v1::Event> reports) {
  // At-least-once delivery may repeat a report: one per id, the choice independent of order.
  std::vector<std::pair<std::string, size_t>> keyed;
  keyed.reserve(reports.size());
  for (size_t i = 0; i < reports.size(); ++i) keyed.emplace_back(reports[i].SerializeAsString(), i);
  std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    return std::tie(reports[a.second].id(), a.first) < std::tie(reports[b.second].id(), b.first);
  });
  std::vector<FusionReport> unique;
  for (const auto& [bytes, i] : keyed)
    if (unique.empty() || unique.back().id != reports[i].id()) unique.push_back(DigestReport(reports[i]));
  std::vector<const FusionReport*> sorted;
  sorted.reserve(unique.size());
  for (const FusionReport& r : unique) sorted.push_back(&r);
  return FuseDigested(fusion_key, sorted);
}

std::vector<EventRecord> FuseDigested(const std::string& fusion_key, const std::vector<const FusionReport*>& unique) {
  // Anchored reports, by (start, end, id): the greedy pass below depends only on this order.
  std::vector<std::pair<DayInterval, size_t>> anchored;
  std::vector<size_t> weak;
  for (size_t i = 0; i < unique.size(); ++i) {
    if (unique[i]->anchored) anchored.emplace_back(*unique[i]->anchored, i);
    else weak.push_back(i);
  }
  // Index order is id order.
  std::sort(anchored.begin(), anchored.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.first, a.first.last, a.second) < std::tie(b.first.first, b.first.last, b.second);
  });

  std::vector<Cluster> clusters;
  for (const auto& [iv, i] : anchored) {
    if (!clusters.empty()) {
      DayInterval& core = clusters.back().core;
      if (iv.first - kToleranceDays <= core.last && iv.last + kToleranceDays >= core.first) {
        const DayInterval narrowed{std::max(core.first, iv.first), std::min(core.last, iv.last)};
        if (narrowed.first <= narrowed.last) core = narrowed;
        clusters.back().members.push_back(i);
        continue;
      }
    }
    clusters.push_back({iv, {i}, true});
  }

  Cluster leftovers{{}, {}, false};
  const size_t anchored_clusters = clusters.size();
  for (size_t i : weak) {
    std::optional<size_t> best;
    if (const std::optional<int64_t>& d = unique[i]->start) {
      // Reports follow events: only clusters starting by the report's date (give or take T).
      for (size_t c = 0; c < anchored_clusters; ++c) {
        const int64_t start = clusters[c].core.first;
        if (start > *d + kToleranceDays) continue;
        if (!best) { best = c; continue; }
        const int64_t dist = start > *d ? start - *d : *d - start;
        const int64_t best_start = clusters[*best].core.first;
        const int64_t best_dist = best_start > *d ? best_start - *d : *d - best_start;
        if (dist < best_dist || (dist == best_dist && start < best_start)) best = c;
      }
    } else {
      for (size_t c = 0; c < anchored_clusters; ++c)
        if (!best || clusters[c].core.first > clusters[*best].core.first) best = c;
    }
    if (best) clusters[*best].members.push_back(i);
    else leftovers.members.push_back(i);
  }
  if (!leftovers.members.empty()) clusters.push_back(std::move(leftovers));

  std::vector<EventRecord> records;
  records.reserve(clusters.size());
  for (const Cluster& c : clusters) records.push_back(Represent(fusion_key, c, unique));
  std::sort(records.begin(), records.end(), [](const EventRecord& a, const EventRecord& b) { return a.id < b.id; });
  return records;
}

}  // namespace newsflow::sink
