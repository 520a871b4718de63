// Batch-apply throughput of the stores on the same synthetic stream: a rough figure, not a test.
//   sink_store_bench [--batches N] [--batch-size N] URI...
// Each URI gets the same batches: one article per five reports, reports spread over 400 fusion
// groups and thirty days, so groups grow and re-fusion gets dearer as the store fills.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "newsflow/sink/store.h"
#include "test_events.h"

namespace {

using namespace newsflow;
using namespace newsflow::sink;

std::vector<std::vector<v1::ExtractOutput>> Batches(int batches, int batch_size) {
  std::vector<std::vector<v1::ExtractOutput>> out(static_cast<size_t>(batches));
  int n = 0;
  for (auto& batch : out)
    for (int i = 0; i < batch_size; ++i, ++n) {
      v1::ExtractOutput r;
      const std::string article = "art-" + std::to_string(n / 5);
      if (n % 5 == 4) {
        v1::Article* a = r.mutable_article()->mutable_article();
        a->set_id(article);
        a->set_url("file:///bench/" + article);
        a->set_title("Bản tin " + std::to_string(n));
        a->set_body("Nội dung bài báo số " + std::to_string(n) + ".");
        a->set_language("vi");
        a->mutable_ingested_at()->set_seconds(1766000000 + n);
        for (int k = n - 4; k < n; ++k) r.mutable_article()->add_event_ids("m" + std::to_string(k));
        *r.mutable_article()->add_entities() = testing::Entity("kenya", "Kenya", v1::ENTITY_TYPE_GPE);
      } else {
        *r.mutable_event() = testing::Report({"m" + std::to_string(n), "2025-12-" + std::to_string(1 + n * 7 % 30),
                                              v1::DATE_PRECISION_DAY, v1::DATE_RESOLUTION_EXPLICIT, article, "vi"},
                                             "fk-" + std::to_string(n * 13 % 400));
      }
      batch.push_back(std::move(r));
    }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int batches = 40, batch_size = 256;
  std::vector<std::string> uris;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--batches" && i + 1 < argc) batches = std::atoi(argv[++i]);
    else if (a == "--batch-size" && i + 1 < argc) batch_size = std::atoi(argv[++i]);
    else uris.push_back(a);
  }
  if (uris.empty() || batches < 1 || batch_size < 1) {
    std::fprintf(stderr, "usage: sink_store_bench [--batches N] [--batch-size N] URI...\n");
    return 2;
  }
  const auto input = Batches(batches, batch_size);
  for (const std::string& uri : uris) {
    auto store = OpenStore(uri);
    if (!store.ok()) {
      std::fprintf(stderr, "%s: %s\n", uri.c_str(), store.status().message().c_str());
      return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    int64_t offset = 0;
    for (const auto& batch : input) {
      offset += static_cast<int64_t>(batch.size());
      if (Status s = (*store)->Apply(batch, {{"bench", 0, offset}}, "bench"); !s.ok()) {
        std::fprintf(stderr, "%s: %s\n", uri.c_str(), s.message().c_str());
        return 1;
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto counts = (*store)->CountRows();
    std::printf("%-60s %d batches x %d records: %.2f s, %.0f records/s, %.1f ms/batch (%lld records stored)\n",
                uri.c_str(), batches, batch_size, seconds, static_cast<double>(offset) / seconds,
                1000 * seconds / batches, counts.ok() ? static_cast<long long>(counts->events) : -1LL);
  }
  return 0;
}
