// Extractor::Extract on an article made from the input: never a crash, a value or DataLoss;
// every byte offset of the output inside the published (NFC) body, the sentence offsets naming
// the sentence text; deterministic: two calls give the same serialized output.
// Input: byte 0 picks the language (and whether a publication date is stated), the rest is the body.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "newsflow/extract/extractor.h"
#include "newsflow/extract/text.h"

namespace {

namespace extract = newsflow::extract;
using newsflow::fuzz::Check;


// "und" and "" are what ingest emits when detection fails; "tr" has no lexicon.
constexpr std::array<const char*, 6> kLanguages = {"vi", "ar", "en", "und", "", "tr"};

std::string Serialize(const extract::Extraction& x) {
  std::string out, one;
  Check(x.article.SerializeToString(&out), "ArticleExtraction does not serialize");
  for (const newsflow::v1::Event& e : x.events) {
    Check(e.SerializeToString(&one), "Event does not serialize");
    out += one;
  }
  return out;
}

void CheckOffsets(const newsflow::v1::Event& e, const std::string& body) {
  const newsflow::v1::Mention& m = e.mention();
  Check(m.sentence_begin() <= m.sentence_end() && m.sentence_end() <= body.size(), "sentence offsets outside the body");
  Check(m.trigger_begin() <= m.trigger_end() && m.trigger_end() <= body.size(), "trigger offsets outside the body");
  Check(m.sentence() == body.substr(m.sentence_begin(), m.sentence_end() - m.sentence_begin()),
        "mention sentence is not the body text at its offsets");
  Check(!e.id().empty() && !e.cameo_code().empty(), "event without id or CAMEO code");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  extract::ExtractorOptions options;
  options.kb_dir = newsflow::fuzz::KbDir();
  auto extractor = extract::Extractor::Create(options);
  if (!extractor.ok()) newsflow::fuzz::SetupFailed(extractor.status().message());
  newsflow::fuzz::Instance<extract::Extractor>() = std::move(extractor).value();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  newsflow::v1::Article article;
  article.set_id("00000000fuzz0000");
  article.set_url("fuzz:input");
  article.set_outlet("Fuzz Wire");
  article.set_language(kLanguages[data[0] % kLanguages.size()]);
  article.set_body(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  article.mutable_ingested_at()->set_seconds(1'763'683'200);  // 2025-11-21
  if (data[0] & 0x80) article.mutable_published_at()->set_seconds(1'763'596'800);  // 2025-11-20

  extract::Extractor& extractor = *newsflow::fuzz::Instance<extract::Extractor>();
  auto first = extractor.Extract(article);
  auto second = extractor.Extract(article);
  Check(first.ok() == second.ok(), "Extract is not deterministic (ok / error)");
  if (!first.ok()) {
    Check(first.status().code() == newsflow::ErrorCode::kDataLoss, "Extract failed with an error that is not DataLoss");
    return 0;
  }
  Check(Serialize(*first) == Serialize(*second), "Extract is not deterministic");
  Check(static_cast<size_t>(first->article.event_ids_size()) == first->events.size(), "event ids do not match events");
  // Offsets index the body the extractor publishes: the NFC of the one it was given.
  const std::string& body = first->article.article().body();
  auto nfc = extract::NormalizeNfc(article.body());
  Check(nfc.ok() && *nfc == body, "published body is not the NFC of the input body");
  for (const newsflow::v1::Event& e : first->events) CheckOffsets(e, body);
  return 0;
}
