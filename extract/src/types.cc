#include "newsflow/extract/types.h"

#include <cstdio>

namespace newsflow::extract {

std::string FormatIsoDate(const CivilDate& d, v1::DatePrecision p) {
  char buf[32];
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
  switch (p) {
    case v1::DATE_PRECISION_YEAR: std::snprintf(buf, sizeof buf, "%04d", y); break;
    case v1::DATE_PRECISION_MONTH: std::snprintf(buf, sizeof buf, "%04d-%02u", y, m); break;
    default: std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, day); break;
  }
  return buf;
}

}  // namespace newsflow::extract
