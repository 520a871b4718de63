// ArticleParser::Parse on arbitrary bytes: a value or DataLoss with a known reason, never a crash;
// an accepted article is non-empty NFC UTF-8 with a stable id, and parsing is deterministic.
// Input: the raw bytes; a 0x1E byte splits off a source-given title (the JSONL / feed path).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "newsflow/extract/text.h"
#include "newsflow/ingest/article_parser.h"

namespace {

using newsflow::fuzz::Check;
using newsflow::ingest::ArticleParser;


// Small, so the fuzzer reaches the too_large path without megabyte inputs (libFuzzer grows its
// length limit slowly: -max_len in scripts/fuzz.sh is only a little above this).
constexpr size_t kMaxBytes = 2048;

bool KnownReason(std::string_view message) {
  for (std::string_view reason : {"invalid_utf8", "control_characters", "empty_body", "too_large"})
    if (message.starts_with(reason)) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto parser = ArticleParser::Create(newsflow::fuzz::KbDir(), {.max_bytes = kMaxBytes});
  if (!parser.ok()) newsflow::fuzz::SetupFailed(parser.status().message());
  newsflow::fuzz::Instance<ArticleParser>() = std::move(parser).value();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  newsflow::ingest::RawArticle raw;
  raw.url = "fuzz:input";
  raw.origin = newsflow::v1::ORIGIN_REPLAY;
  raw.ingested_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'763'683'200));  // 2025-11-21
  raw.bytes = input;
  if (const size_t sep = input.find('\x1e'); sep != std::string_view::npos) {
    raw.title = std::string(input.substr(0, sep));
    raw.bytes = input.substr(sep + 1);
    raw.origin = newsflow::v1::ORIGIN_JSONL;
  }

  const ArticleParser& parser = *newsflow::fuzz::Instance<ArticleParser>();
  auto first = parser.Parse(raw);
  auto second = parser.Parse(raw);
  Check(first.ok() == second.ok(), "Parse is not deterministic (ok / error)");
  if (!first.ok()) {
    Check(first.status().code() == newsflow::ErrorCode::kDataLoss, "Parse error is not DataLoss");
    Check(KnownReason(first.status().message()), "Parse error has no known reason");
    Check(first.status().message() == second.status().message(), "Parse error is not deterministic");
    return 0;
  }
  Check(raw.bytes.size() <= kMaxBytes, "an article over the size limit was accepted");
  const newsflow::v1::Article& a = *first;
  Check(!a.body().empty(), "accepted article has an empty body");
  Check(!a.id().empty(), "accepted article has no id");
  Check(newsflow::extract::IsValidUtf8(a.body()) && newsflow::extract::IsValidUtf8(a.title()),
        "accepted article is not valid UTF-8");
  auto nfc = newsflow::extract::NormalizeNfc(a.body());
  Check(nfc.ok() && *nfc == a.body(), "accepted body is not NFC");
  Check(a.language_confidence() >= 0 && a.language_confidence() <= 1, "language confidence outside [0, 1]");
  Check(!a.language().empty(), "accepted article has no language");
  std::string x, y;
  Check(a.SerializeToString(&x) && second->SerializeToString(&y) && x == y, "Parse is not deterministic");
  Check(parser.DetectLanguage(a.body()).code == parser.DetectLanguage(a.body()).code, "DetectLanguage is not deterministic");
  return 0;
}
