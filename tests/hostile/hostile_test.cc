// Hostile input end to end: malformed, oversized and adversarial articles fed through the real
// newsflow-ingest (replay DIR and jsonl FILE), newsflow-extract and newsflow-sink processes.
// For every input the outcome is checked: stored correctly (body byte for byte equal to the
// input's NFC, names still resolving to their entities) or dead-lettered with the right reason;
// nothing is lost (stored + dead-lettered == inputs); and a normal article ingested after the
// hostile ones is still stored.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "newsflow/common/kafka.h"
#include "newsflow/common/topics.h"
#include "newsflow/extract/text.h"
#include "newsflow/v1/dead_letter.pb.h"
#include "newsflow/v1/event.pb.h"
#include "pipeline.h"

namespace newsflow::testing {
namespace {

using namespace std::chrono_literals;
const std::string kClock = "2026-11-21T00:00:00Z";
constexpr char kStored[] = "stored";

// One hostile input and what must become of it.
struct Case {
  std::string name;         // file name (replay) or url (jsonl)
  std::string title;        // jsonl: the "title" field; replay: the file's first line
  std::string body;         // the article text after the title
  std::string expect;       // kStored or the dead-letter reason
  std::string entity = {};  // a kb entity the stored article must mention ("" = no check)
};

std::string Nfc(const std::string& s) {
  auto nfc = extract::NormalizeNfc(s);
  return nfc.ok() ? *nfc : std::string("<not normalizable>");
}

std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// `bytes` long, of whole English sentences and paragraph breaks, without a trigger word, so the
// extractor's cost is that of the text and not of thousands of events.
std::string Filler(size_t bytes, bool newlines) {
  const std::string sentence = "The archive room stayed quiet while the clerks sorted old folders by colour. ";
  std::string out;
  out.reserve(bytes + sentence.size());
  for (size_t i = 0; out.size() < bytes; ++i) {
    out += sentence;
    if (newlines && i % 8 == 7) out += "\n\n";
  }
  out.resize(bytes);
  return out;
}

// Reads the dead-letter topic from the beginning until its end offsets (a throwaway group).
std::vector<v1::DeadLetter> ReadDeadLetters(const KafkaOptions& kafka) {
  std::vector<v1::DeadLetter> out;
  auto ends = QueryHighWatermarks(kafka, topics::kDeadLetter, 10s);
  if (!ends.ok()) return out;
  int64_t total = 0;
  for (const auto& p : *ends) total += p.offset;
  auto consumer = Consumer::Create(kafka, "hostile-reader-" + std::to_string(::getpid()), {topics::kDeadLetter});
  if (!consumer.ok()) return out;
  WaitUntil(
      [&] {
        KafkaMessage m = (*consumer)->Poll(200ms);
        if (m && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          v1::DeadLetter dl;
          if (dl.ParseFromArray(m->payload, static_cast<int>(m->len))) out.push_back(std::move(dl));
          else ADD_FAILURE() << "dead letter that is not a DeadLetter, " << m->len << " bytes";
        } else if (m && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          ADD_FAILURE() << "reading the dead-letter topic: " << rd_kafka_err2str(m->err);
        }
        return static_cast<int64_t>(out.size()) >= total;
      },
      60s);
  (*consumer)->Close();
  return out;
}

// Where an input came from, as the stage that dead-lettered it names it: ingest gives the file
// path or url; extract and sink give the Kafka topic, so their originals are opened.
std::string DeadLetterSource(const v1::DeadLetter& dl) {
  if (dl.stage() == "extract") {
    v1::Article a;
    if (a.ParseFromString(dl.original())) return a.url();
  } else if (dl.stage() == "sink") {
    v1::ExtractOutput x;
    if (x.ParseFromString(dl.original()) && x.has_article()) return x.article().article().url();
  }
  return dl.source_topic();
}

// The end of a process log (the start is start-up noise).
std::string Tail(const std::string& log) { return log.size() > 4000 ? log.substr(log.size() - 4000) : log; }

class HostileInputTest : public ::testing::Test {};

TEST_F(HostileInputTest, EveryHostileInputIsStoredVerbatimOrDeadLetteredAndThePipelineKeepsGoing) {
  Pipeline p;
  ASSERT_TRUE(p.StartBroker()) << p.broker()->Stderr();
  p.StartSink();
  p.StartExtractor();
  TempDir in;
  std::mt19937 rng(20261121);  // fixed seed: the same "random" bytes every run
  std::string random_bytes(4096, '\0');
  for (char& c : random_bytes) c = static_cast<char>(rng() & 0xFF);
  random_bytes[0] = '\xFF';  // never valid UTF-8, whatever the generator gives

  // Files for `replay DIR`: title line, blank line, body.
  const std::vector<Case> files = {
      {"invalid_utf8.txt", "Broken bytes", "Talks \xC3\x28 resumed \xFF\xFE in Doha.", "invalid_utf8"},
      // U+1F600 as CESU-8: two UTF-8-encoded surrogates, which UTF-8 forbids.
      {"cesu_surrogate.txt", "Surrogates", "Emoji \xED\xA0\xBD\xED\xB8\x80 in a headline.", "invalid_utf8"},
      {"lone_surrogate.txt", "Lone surrogate", "A lone \xED\xB0\x80 low surrogate.", "invalid_utf8"},
      {"nul_bytes.txt", "NUL", std::string("Qatar met Egypt\0 in Doha on Monday.", 35), "control_characters"},
      {"random.bin", "", random_bytes, "invalid_utf8"},
      {"zwsp_name_en.txt", "Zero width in a name",
       "Turkish Foreign Minister Hak\u200Ban Fidan met Qatari officials in Doha on Monday.", kStored,
       "kb:hakan-fidan"},
      {"zwsp_name_ar.txt", "\u0641\u064a \u0627\u0644\u062f\u0648\u062d\u0629",
       "\u0627\u0644\u062a\u0642\u0649 \u0648\u0641\u062f \u0645\u0646 \u062d\u0645\u0627\u200B\u0633 "
       "\u0645\u0633\u0624\u0648\u0644\u064a\u0646 \u0642\u0637\u0631\u064a\u064a\u0646 \u0641\u064a "
       "\u0627\u0644\u062f\u0648\u062d\u0629 \u0623\u0645\u0633.",
       kStored, "kb:hamas"},
      {"rtl_override.txt", "Bidi controls",
       "Egypt welcomed \u202EHakan Fidan\u202C in Cairo on Sunday, officials said.", kStored, "kb:hakan-fidan"},
      {"zwj_bom_name.txt", "\u062d\u0645\u0627\u0633 \u062a\u0631\u062d\u0628 \u0628\u0627\u0644\u0645\u0642\u062a\u0631\u062d",
       "\u0642\u0627\u0644\u062a \u062d\u0645\u0627\u200D\u0633\uFEFF \u0641\u064a \u0628\u064a\u0627\u0646 "
       "\u0625\u0646\u0647\u0627 \u062a\u0631\u062d\u0628 \u0628\u0627\u0644\u0645\u0642\u062a\u0631\u062d.",
       kStored, "kb:hamas"},
      {"long_line.txt", "One long line", Filler(1024 * 1024, false), kStored},
  };
  for (const Case& c : files)
    std::ofstream(in.path() + "/" + c.name, std::ios::binary) << (c.title.empty() ? "" : c.title + "\n\n") << c.body;
  ASSERT_EQ(p.Ingest({"replay", in.path(), "--clock", kClock}), 0);

  // Lines for `jsonl FILE`: metadata given, so the stored body must be the text's NFC exactly.
  const std::string jsonl = in.path() + "/articles.jsonl.d/in.jsonl";
  std::filesystem::create_directories(std::filesystem::path(jsonl).parent_path());
  const std::vector<Case> lines = {
      {"hostile:sql", "'); DROP TABLE events;--",
       "Officials said \"'); DROP TABLE events;--\" was printed on a banner; a path C:\\temp\\x and 100% of "
       "_names_ with ' and \" stayed.",
       kStored},
      {"hostile:sql-ar", "\u0628\u064a\u0627\u0646 \"\u0642\u0637\u0631\"",
       "\u0642\u0627\u0644 \u0627\u0644\u0645\u062a\u062d\u062f\u062b: \"'; DELETE FROM articles; --\" \\ "
       "\u0644\u064a\u0633 \u0627\u0633\u0645\u0627\u064b.",
       kStored},
      {"hostile:nfd", "Vie\u0302\u0323t Nam",
       "Ngo\u0323\u0302i tru\u031Bo\u031B\u0309ng Vie\u0302\u0323t Nam ga\u0306\u0323p \u0111o\u0300n Qatar "
       "ta\u0323i Ha\u0300 No\u0323\u0302i.",
       kStored},
      {"hostile:json-nul", "NUL", std::string("Body with a \0 inside.", 21), "control_characters"},
      {"hostile:long-json-line", "Long JSON line", Filler(1024 * 1024 + 17, false), kStored},
  };
  {
    std::ofstream out(jsonl, std::ios::binary);
    for (const Case& c : lines)
      out << nlohmann::json{{"url", c.name}, {"title", c.title}, {"text", c.body}}.dump() << "\n";
    // Lines that are not articles at all: their dead letters name the file and line.
    out << "{\"title\": \"lone surrogate\", \"text\": \"bad \\ud800 escape\"}\n";   // line 6
    out << "{\"text\": \"raw \xC3\x28 bytes in JSON\"}\n";                            // line 7
    out << std::string("\x89PNG\r\x1A\x01\x02", 8) << "\n";                          // line 8
  }
  const std::vector<Case> bad_json = {{"jsonl:" + jsonl + ":6", "", "", "bad_json"},
                                      {"jsonl:" + jsonl + ":7", "", "", "bad_json"},
                                      {"jsonl:" + jsonl + ":8", "", "", "bad_json"}};
  ASSERT_EQ(p.Ingest({"jsonl", jsonl, "--clock", kClock}), 0);

  // After all of it, an ordinary article.
  TempDir normal;
  const Case after = {"after.txt", "Talks in Doha",
                      "Qatar's foreign minister met Egypt's foreign minister in Doha on Monday to discuss the truce.",
                      kStored, "kb:qatar"};
  std::ofstream(normal.path() + "/" + after.name) << after.title << "\n\n" << after.body << "\n";
  ASSERT_EQ(p.Ingest({"replay", normal.path(), "--clock", kClock}), 0);

  ASSERT_TRUE(p.WaitDrained(120s)) << "sink log:\n" << Tail(p.sink()->Stderr()) << "\nextract log:\n"
                                   << Tail(p.extractors()[0]->Stderr());
  EXPECT_TRUE(p.sink()->Running()) << Tail(p.sink()->Stderr());
  EXPECT_TRUE(p.extractors()[0]->Running()) << Tail(p.extractors()[0]->Stderr());

  // Every input by the name its stage reports it under (file path, jsonl url or line).
  std::map<std::string, const Case*> inputs;
  for (const Case& c : files) inputs[in.path() + "/" + c.name] = &c;
  for (const Case& c : lines) inputs[c.name] = &c;
  for (const Case& c : bad_json) inputs[c.name] = &c;
  inputs[normal.path() + "/" + after.name] = &after;

  const std::string db = p.store_path();
  std::map<std::string, std::string> outcome;  // source -> kStored or reason
  for (const auto& row : QuerySqlite(db, "SELECT url FROM articles")) {
    EXPECT_EQ(outcome.count(row[0]), 0u) << "stored twice: " << row[0];
    outcome[row[0]] = kStored;
  }
  const auto dead = ReadDeadLetters(p.kafka());
  for (const v1::DeadLetter& dl : dead) {
    const std::string source = DeadLetterSource(dl);
    EXPECT_EQ(outcome.count(source), 0u) << source << " accounted for twice (" << dl.stage() << ": " << dl.reason() << ")";
    outcome[source] = dl.reason();
    EXPECT_FALSE(dl.original().empty()) << source << ": dead letter without the original bytes";
  }
  // Nothing lost, nothing invented.
  EXPECT_EQ(outcome.size(), inputs.size());
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM articles") + static_cast<int64_t>(dead.size()),
            static_cast<int64_t>(inputs.size()));

  for (const auto& [source, c] : inputs) {
    SCOPED_TRACE(source);
    auto it = outcome.find(source);
    ASSERT_NE(it, outcome.end()) << "input lost: " << c->expect << " expected";
    EXPECT_EQ(it->second, c->expect);
    if (c->expect != kStored || it->second != kStored) continue;
    const std::string where = " FROM articles WHERE url = " + SqlQuote(source);
    // Bodies are compared by length in SQL first: a multi-megabyte mismatch would flood the log.
    const std::string expected_body = Nfc(c->body);
    const int64_t stored_size = QueryInt(db, "SELECT length(CAST(body AS BLOB))" + where);
    EXPECT_EQ(stored_size, static_cast<int64_t>(expected_body.size()));
    const auto body = QuerySqlite(db, "SELECT body, title" + where);
    ASSERT_EQ(body.size(), 1u);
    EXPECT_TRUE(body[0][0] == expected_body)
        << "stored body differs from the input's NFC"
        << (stored_size < 1000 ? ":\n  stored:   " + body[0][0] + "\n  expected: " + expected_body : "");
    if (!c->title.empty()) {
      EXPECT_EQ(body[0][1], Nfc(c->title));
    }
    if (!c->entity.empty()) {
      EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
                             "WHERE a.url = " + SqlQuote(source) + " AND ae.entity_id = " + SqlQuote(c->entity)),
                1)
          << c->entity << " not found in the stored article";
    }
  }
  // The NFD case really was changed by normalization (so the comparison above meant something).
  EXPECT_NE(Nfc(lines[2].body), lines[2].body);
  // SQL in names and text was data: the tables are all there.
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                         "('articles', 'events', 'mentions', 'entities')"),
            4);
  EXPECT_TRUE(p.StopAll()) << "a process did not exit 0 on SIGTERM";
}

// A 10 MB article: over the default limit it is dead-lettered as too_large; with the limit raised
// it is stored whole, and the sink, which receives it inside the extraction record, keeps going.
// The dead letter is counted on the topic, not read back: the dev broker keeps only the newest 5 MiB
// of a partition, so the 10 MB dead letter pushes the older messages out, and a consumer starting
// below the new log start stalls instead of being told (broker/README.md, "Retention").
TEST_F(HostileInputTest, TenMegabytesAreTooLargeByDefaultAndStoredWholeWithARaisedLimit) {
  Pipeline p;
  ASSERT_TRUE(p.StartBroker()) << p.broker()->Stderr();
  p.StartSink();
  p.StartExtractor();
  TempDir big, normal;
  const std::string body = Filler(10 * 1024 * 1024, true) + "\n\nQatar welcomed the result.";
  std::ofstream(big.path() + "/large.txt", std::ios::binary) << "Large allowed\n\n" << body;
  ASSERT_EQ(p.Ingest({"replay", big.path(), "--clock", kClock}), 0);
  auto dead = QueryHighWatermarks(p.kafka(), topics::kDeadLetter, 10s);
  ASSERT_TRUE(dead.ok());
  int64_t dead_letters = 0;
  for (const auto& part : *dead) dead_letters += part.offset;
  EXPECT_EQ(dead_letters, 1) << "the 10 MB article over the default 4 MiB limit is one dead letter";
  ASSERT_EQ(p.Ingest({"replay", big.path(), "--clock", kClock, "--max-bytes", "16000000"}), 0);
  std::ofstream(normal.path() + "/after.txt") << "Talks in Doha\n\nQatar's foreign minister met Egypt's foreign "
                                                 "minister in Doha on Monday.\n";
  ASSERT_EQ(p.Ingest({"replay", normal.path(), "--clock", kClock}), 0);

  ASSERT_TRUE(p.WaitDrained(120s)) << "sink log:\n" << Tail(p.sink()->Stderr()) << "\nextract log:\n"
                                   << Tail(p.extractors()[0]->Stderr());
  const std::string db = p.store_path();
  EXPECT_EQ(QueryInt(db, "SELECT length(CAST(body AS BLOB)) FROM articles WHERE url = " +
                             SqlQuote(big.path() + "/large.txt")),
            static_cast<int64_t>(body.size()));
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM articles WHERE url = " + SqlQuote(normal.path() + "/after.txt")), 1);
  EXPECT_TRUE(p.StopAll()) << "a process did not exit 0 on SIGTERM";
}

}  // namespace
}  // namespace newsflow::testing
