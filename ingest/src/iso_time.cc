#include <re2/re2.h>

#include "newsflow/ingest/source.h"

namespace newsflow::ingest {

std::optional<std::chrono::system_clock::time_point> ParseIsoTime(std::string_view s) {
  static const LazyRE2 kIso = {
      R"((\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?)"};
  int y = 0, mo = 0, d = 0;
  // Optional groups as strings: RE2 cannot convert a group that did not participate to an int.
  std::string hs, mis, secs, frac, zone;
  if (!RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *kIso, &y, &mo, &d, &hs, &mis, &secs, &frac, &zone))
    return std::nullopt;
  auto num = [](const std::string& v) { return v.empty() ? 0 : std::stoi(v); };
  const int h = num(hs), mi = num(mis), sec = num(secs);
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  auto t = time_point_cast<system_clock::duration>(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(sec);
  if (!frac.empty()) {
    frac.resize(9, '0');
    t += duration_cast<system_clock::duration>(nanoseconds(std::stoll(frac)));
  }
  if (!zone.empty() && zone != "Z") {
    const int sign = zone[0] == '-' ? -1 : 1;
    const int zh = std::stoi(zone.substr(1, 2));
    const int zm = std::stoi(zone.substr(zone.size() - 2));
    if (zh > 23 || zm > 59) return std::nullopt;
    t -= sign * (hours(zh) + minutes(zm));  // local time minus its offset is UTC
  }
  return t;
}

}  // namespace newsflow::ingest
