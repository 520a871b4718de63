// What people read from the store: CAMEO labels (kb/cameo.tsv) and the `events` listing.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"
#include "newsflow/sink/store.h"

namespace newsflow::sink {

// Short labels of CAMEO codes, read from a TSV file: `code<TAB>label` per line, '#' comments.
class CameoLabels {
 public:
  CameoLabels() = default;
  // InvalidArgument naming the file and line when it is missing or malformed.
  static Result<CameoLabels> Load(const std::filesystem::path& file);
  // The label of the code, else of its longest listed prefix ("0421" -> "042" -> "04"); "" if none.
  std::string Label(std::string_view code) const;
  size_t size() const { return labels_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> labels_;
};

enum class EventsFormat { kTable, kJsonl };

// Prints records: kTable as a block per record (id, code and label, date, place, counts, then the
// actors with roles and one evidence sentence shortened); kJsonl as one JSON object per line.
void PrintEvents(const std::vector<Store::EventView>& events, const CameoLabels& labels, EventsFormat format,
                 std::ostream& out);

// At most `max_chars` code points of UTF-8 `text`, with "…" when cut; never splits a character.
std::string ShortenUtf8(std::string_view text, size_t max_chars);

}  // namespace newsflow::sink
