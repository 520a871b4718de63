// Dumps the CLDR data that ships inside ICU and that the knowledge-base generator needs:
// localized country names and time-zone exemplar cities, for a list of languages.
// Output: JSON lines on stdout, one per country or zone; gen_places.py merges them with
// iso-codes and the hand-maintained overrides. Kept as a tool, not a library: it runs only when
// the kb is regenerated, never in the pipeline.
//
// usage: kbgen_cldr_dump en ar vi tr > cldr.jsonl
#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>
#include <unicode/unistr.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// One TimeZoneNames per language; unique_ptr because ICU hands out owned raw pointers.
struct Language {
  std::string code;
  icu::Locale locale;
  std::unique_ptr<icu::TimeZoneNames> zones;
};

int Run(const std::vector<std::string>& codes) {
  std::vector<Language> langs;
  for (const auto& code : codes) {
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale(code.c_str());
    std::unique_ptr<icu::TimeZoneNames> zones(icu::TimeZoneNames::createInstance(locale, status));
    if (U_FAILURE(status)) {
      std::cerr << "TimeZoneNames for " << code << ": " << u_errorName(status) << "\n";
      return 1;
    }
    langs.push_back({code, locale, std::move(zones)});
  }

  // Countries: every ISO 3166-1 code ICU knows; the generator keeps those iso-codes lists.
  for (const char* const* iso = icu::Locale::getISOCountries(); *iso != nullptr; ++iso) {
    nlohmann::json names = nlohmann::json::object();
    icu::Locale region("", *iso);
    for (const auto& lang : langs) {
      icu::UnicodeString name;
      region.getDisplayCountry(lang.locale, name);
      // ICU falls back to the code itself when CLDR has no name: that is no name.
      if (Utf8(name) != *iso) names[lang.code] = Utf8(name);
    }
    std::cout << nlohmann::json{{"kind", "country"}, {"iso", *iso}, {"names", names}}.dump() << "\n";
  }

  // Zones: canonical location zones only (no aliases, no Etc/ offsets), each with its region.
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> ids(
      icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, nullptr, nullptr, status));
  if (U_FAILURE(status)) {
    std::cerr << "zone enumeration: " << u_errorName(status) << "\n";
    return 1;
  }
  for (const icu::UnicodeString* id = ids->snext(status); id != nullptr && U_SUCCESS(status);
       id = ids->snext(status)) {
    char region[8] = {};
    UErrorCode region_status = U_ZERO_ERROR;
    icu::TimeZone::getRegion(*id, region, sizeof region, region_status);
    if (U_FAILURE(region_status)) continue;
    nlohmann::json names = nlohmann::json::object();
    for (const auto& lang : langs) {
      icu::UnicodeString city;
      lang.zones->getExemplarLocationName(*id, city);
      if (!city.isEmpty()) names[lang.code] = Utf8(city);
    }
    std::cout << nlohmann::json{{"kind", "zone"}, {"tz", Utf8(*id)}, {"region", region}, {"names", names}}.dump()
              << "\n";
  }
  return U_SUCCESS(status) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> codes(argv + 1, argv + argc);
  if (codes.empty()) {
    std::cerr << "usage: kbgen_cldr_dump LANG...\n";
    return 2;
  }
  try {
    return Run(codes);
  } catch (const std::exception& e) {  // nlohmann::json throws on invalid UTF-8
    std::cerr << "kbgen_cldr_dump: " << e.what() << "\n";
    return 1;
  }
}
