// What every SQL store shares, whatever its dialect: extract's records turned into table rows
// (deduplicated within a batch the way sequential upserts would leave them), a stored fusion
// group turned back into reports, Fuse() output turned into record rows, and the `events`
// listing assembled from plain rows. Pure functions; no SQL connection here. Internal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/sink/fusion.h"
#include "newsflow/sink/store.h"
#include "newsflow/v1/event.pb.h"

namespace newsflow::sink {

// A statement parameter: NULL, text, integer or real.
using Param = std::variant<std::monostate, std::string, int64_t, double>;
using Params = std::vector<Param>;
// A result row as text; nullopt for NULL.
using Row = std::vector<std::optional<std::string>>;

// A table's columns in the order the row builders below fill them.
struct TableColumns {
  const char* table;
  std::vector<const char*> columns;
  size_t key_columns;  // the first key_columns columns are the primary key
};
extern const TableColumns kArticleColumns;
extern const TableColumns kEntityColumns;
extern const TableColumns kArticleEntityColumns;
extern const TableColumns kMentionColumns;
extern const TableColumns kEventColumns;
extern const TableColumns kEventActorColumns;
extern const TableColumns kOffsetColumns;

// One batch as rows, keyed (and so sorted) by primary key: every writer visits rows in the same
// order, which keeps two concurrent writers from locking rows in opposite orders.
// A report of the batch as fusion reads it, with its group.
struct BatchReport {
  std::string fusion_key;
  FusionReport report;
};
struct BatchRows {
  std::map<std::string, Params> articles;  // the last copy of an article in the batch wins
  std::map<std::string, Params> entities;  // the greatest copy wins (see EntityRank)
  std::map<std::string, std::set<std::string>> article_entities;  // article id -> entity ids
  std::map<std::string, Params> mentions;  // the last copy of a report wins
  std::set<std::string> fusion_keys;       // the groups the batch's reports belong to
  std::map<std::string, BatchReport> reports;  // by report id: what the mention rows' fusion_input holds
};
// InvalidArgument (ValidateRecord's) when any record cannot be stored.
Result<BatchRows> RowsOfBatch(const std::vector<v1::ExtractOutput>& records);

// A report's fusion inputs as the text of the mentions.fusion_input column: length-prefixed
// fields ("<bytes>:<field>"), read back without a JSON or protobuf parser. Decode(Encode(r)) == r.
std::string EncodeFusionInput(const FusionReport& report);
// The report `id` from its column text; false (and a report with only its id) when the text is
// not one Encode wrote (a hand-edited row): fusion then sees a report without content.
bool DecodeFusionInput(std::string_view id, std::string_view text, FusionReport* out);

// `values` as a JSON array of strings (for a list parameter: one statement instead of one per
// value); false when a value is not plain UTF-8 text, which the caller then sends another way.
bool JsonTextArray(const std::vector<std::string>& values, std::string* out);
// `rows` (of text values) as a JSON array of arrays, likewise; false when a value is not text
// or not plain UTF-8 text.
bool JsonTextRows(const std::vector<Params>& rows, std::string* out);

// The mention columns a fusion group is re-fused from (fusion key, id, fusion_input).
inline constexpr const char* kGroupColumns = "fusion_key, id, fusion_input";

// Rows for the records of one fusion group: events, event_actors, and (mention id, record id)
// links to set mentions.event_id.
struct RecordRows {
  std::vector<Params> events, actors, links;
};
// `linked`, when given, holds (sorted) the mention ids whose link to this record is stored
// already: only the others get a link row. Actor rows only `with_actors`.
void AppendRecordRows(const EventRecord& record, RecordRows* out, const std::vector<std::string>* linked = nullptr,
                      bool with_actors = true);

// The three queries of a listing (plain SQL both dialects read alike) and the views they make,
// sorted in code so the order does not depend on a database collation: by date (undated last),
// then id; actors source, target, others, then by name; mention ids sorted.
inline constexpr const char* kListEventsSql =
    "SELECT e.id, e.cameo_code, e.root_code, e.date_iso, e.date_precision, e.date_basis, e.location_id,"
    " e.location_name, e.mention_count, e.article_count, e.languages,"
    " (SELECT sentence FROM mentions WHERE id = e.evidence_mention_id) FROM events e";
inline constexpr const char* kListActorsSql = "SELECT event_id, entity_id, canonical_name, role FROM event_actors";
inline constexpr const char* kListMentionsSql = "SELECT event_id, id FROM mentions WHERE event_id IS NOT NULL";
std::vector<Store::EventView> AssembleEvents(const std::vector<Row>& events, const std::vector<Row>& actors,
                                             const std::vector<Row>& mentions);

// The integer in a text cell; 0 for NULL or garbage.
int64_t IntOf(const std::optional<std::string>& cell);
// The text of cell `i`; "" for NULL or a missing cell.
const std::string& TextOf(const Row& row, size_t i);

}  // namespace newsflow::sink
