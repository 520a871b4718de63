// Event fusion: the reports (mentions) of one fusion group become event records.
//
// A fusion group is every report with the same fusion key (same CAMEO root, same location, same
// actors reduced to their principal affiliation; extract computes it). Inside a group, reports
// are split by date into clusters, one event record each. The rule (sink/README.md explains it):
//
//  * A report's date is *anchored* when the text fixes it (resolution EXPLICIT,
//    PARTIAL_PUBLICATION, PARTIAL_CLOCK, RELATIVE_PUBLICATION, INHERITED, PUBLICATION) and *weak*
//    otherwise (RELATIVE_CLOCK, or no date).
//  * An anchored date is an interval of days: the day, the month or the year it names; for
//    PUBLICATION resolution [publication - 7 days, publication] since a report follows its event.
//  * Anchored reports sorted by (start, end, id) are clustered greedily: a report joins the current
//    cluster when its interval widened by kToleranceDays on each side meets the cluster's core (the
//    intersection of its members' intervals, narrowed only while it stays non-empty).
//  * Weak dated reports join the cluster whose core start is nearest their date among those that
//    start no later than date + tolerance; weak undated reports join the latest cluster; without
//    anchored clusters (or without a cluster to join) weak reports form one "undated" cluster.
//  * Record id = HexId(StableHash64({fusion_key, anchor})), anchor = the core start as YYYY-MM-DD,
//    or "undated".
//
// Fuse is a pure function: the same set of reports gives the same records in any input order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "newsflow/v1/event.pb.h"

namespace newsflow::sink {

inline constexpr int kToleranceDays = 1;
// How far before its publication date a report with only the publication date may describe.
inline constexpr int kPublicationLookbackDays = 7;

// A closed interval of days since 1970-01-01.
struct DayInterval {
  int64_t first = 0, last = 0;
  bool operator==(const DayInterval&) const = default;
};

// The interval an anchored report's date covers; nullopt for weak or unparseable dates.
std::optional<DayInterval> AnchoredInterval(const v1::EventDate& date);
// True when the resolution fixes the date from the text (see above).
bool IsAnchored(v1::DateResolution resolution);

// Days since 1970-01-01 of a "YYYY-MM-DD", "YYYY-MM" (its first day) or "YYYY" (January 1st).
std::optional<int64_t> ParseIsoStart(std::string_view iso);
// "YYYY-MM-DD" / "YYYY-MM" / "YYYY" of a day number at a precision.
std::string FormatDay(int64_t day, v1::DatePrecision precision);

// How a record's date was obtained.
enum class DateBasis {
  kAnchored,  // the core of its anchored reports
  kWeak,      // only weak reports carry a date (resolved against an ingest clock)
  kNone,      // no report gives a date
};

struct RecordActor {
  std::string entity_id;
  std::string canonical_name;
  v1::ActorRole role = v1::ACTOR_ROLE_UNSPECIFIED;
  bool operator==(const RecordActor&) const = default;
};

// What fusion reads of one report, digested once (the date parsed): the form a store keeps in
// memory and in its compact `fusion_input` column, so that re-fusing a group never goes back to
// protobuf or JSON. Enum values unknown to this build read as their 0 value.
struct FusionReport {
  std::string id, article_id, language, cameo_code;
  float confidence = 0;
  std::string date_iso;  // "" when undated (precision and resolution then 0)
  v1::DatePrecision date_precision = v1::DATE_PRECISION_UNSPECIFIED;
  v1::DateResolution date_resolution = v1::DATE_RESOLUTION_UNSPECIFIED;
  std::vector<RecordActor> actors;          // in report order, ids possibly empty
  std::string location_id, location_name;   // both "" when no place
  // Derived from the date by DigestReport / Derive: AnchoredInterval and ParseIsoStart.
  std::optional<DayInterval> anchored;
  std::optional<int64_t> start;
  bool operator==(const FusionReport&) const = default;
  // Fills `anchored` and `start` from the date fields.
  void Derive();
};
FusionReport DigestReport(const v1::Event& report);

// One fused event record.
struct EventRecord {
  std::string id;          // HexId(StableHash64({fusion_key, anchor}))
  std::string fusion_key;
  std::string anchor;      // core start "YYYY-MM-DD", or "undated"
  std::string cameo_code;  // the most frequent full code of its reports (ties: smallest)
  std::string root_code;   // its first two digits
  std::string location_id, location_name;  // empty when no report names a place
  // The date: the core start at the finest precision the core determines (a single day: DAY;
  // inside one month: MONTH; else YEAR). For weak-only records, the earliest weak date.
  std::string date_iso;
  v1::DatePrecision date_precision = v1::DATE_PRECISION_UNSPECIFIED;
  DateBasis date_basis = DateBasis::kNone;
  std::optional<DayInterval> core;             // set for anchored records
  std::vector<RecordActor> actors;             // union over reports, sorted by (role, entity id)
  std::vector<std::string> mention_ids;        // sorted
  std::string evidence_mention_id;             // highest confidence report (ties: smallest id)
  int64_t article_count = 0;
  std::vector<std::string> languages;          // distinct, sorted
  int64_t mention_count() const { return static_cast<int64_t>(mention_ids.size()); }
  bool operator==(const EventRecord&) const = default;
};

// Fuses every report of one fusion group. Reports with the same id count once. Records are
// returned sorted by id. Cost: O(n log n + n * clusters).
std::vector<EventRecord> Fuse(const std::string& fusion_key, std::vector<v1::Event> mentions);
// The same over digested reports that are already unique and sorted by id (a store's group):
// no copy, no serialization. Fuse(key, events) == FuseDigested(key, digests of its unique reports).
std::vector<EventRecord> FuseDigested(const std::string& fusion_key, const std::vector<const FusionReport*>& reports);

}  // namespace newsflow::sink
