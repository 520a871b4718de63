// The newsflow-sink binary's command line: help, bad flags, and the read-only subcommands.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>

#include "newsflow/sink/store.h"
#include "store_backends.h"
#include "test_events.h"

namespace newsflow::sink {
namespace {

struct Outcome {
  int status = -1;
  std::string out;  // stdout and stderr together
};

Outcome Sink(const std::string& args) {
  Outcome r;
  FILE* p = ::popen((std::string(NEWSFLOW_SINK_BIN) + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(SinkCliTest, HelpListsTheFlagsAndExitsZero) {
  Outcome r = Sink("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--store", "--topic", "--group", "--dead-letter-topic", "--batch-size", "--batch-ms",
                           "--log-format", "--brokers", "-X"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

TEST(SinkCliTest, BadFlagsExitTwoWithOneLine) {
  for (const char* args : {"--no-such-flag", "--batch-size many", "--log-format xml", "--batch-size 0", "frobnicate",
                           "events --format xml", "events --store"}) {
    Outcome r = Sink(args);
    EXPECT_EQ(r.status, 2) << args << ": " << r.out;
    EXPECT_EQ(Lines(r.out), 1u) << args << ": " << r.out;
  }
}

TEST(SinkCliTest, EventsStatusAndWaitReadAStore) {
  char tmpl[] = "/tmp/newsflow-sink-cli.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string db = std::string(tmpl) + "/store.db";
  {
    auto store = OpenStore(db);
    ASSERT_TRUE(store.ok());
    v1::ExtractOutput e;
    *e.mutable_event() = testing::Report({"m1", "2025-12-16"});
    ASSERT_TRUE((*store)->Apply({e}, {{"newsflow.events", 0, 1}}, "newsflow-sink").ok());
  }
  Outcome events = Sink("events --store " + db);
  EXPECT_EQ(events.status, 0) << events.out;
  EXPECT_NE(events.out.find("042 Make a visit"), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("Kenya (source)"), std::string::npos) << events.out;
  Outcome jsonl = Sink("events --format jsonl --store sqlite:" + db);
  EXPECT_EQ(jsonl.status, 0);
  EXPECT_EQ(Lines(jsonl.out), 1u) << jsonl.out;
  Outcome status = Sink("status --store " + db);
  EXPECT_EQ(status.status, 0);
  EXPECT_NE(status.out.find("records=1 mentions=1"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("partition=0 next=1"), std::string::npos) << status.out;
  Outcome wait_none = Sink("wait --store " + db + " --articles 0 --timeout 5");
  EXPECT_EQ(wait_none.status, 0) << wait_none.out;
  Outcome wait_more = Sink("wait --store " + db + " --articles 1 --timeout 1");
  EXPECT_EQ(wait_more.status, 1) << wait_more.out;
  // No server on the port: a store error (exit 1) that says which, not a usage error.
  Outcome no_server = Sink("events --store postgresql://postgres@127.0.0.1:1/newsflow");
  EXPECT_EQ(no_server.status, 1) << no_server.out;
  EXPECT_NE(no_server.out.find("postgresql connect"), std::string::npos) << no_server.out;
  std::filesystem::remove_all(tmpl);
}

TEST(SinkCliTest, EventsStatusAndWaitReadAPostgresStore) {
  testing::PostgresBackend pg;
  if (!pg.SetUp()) {
    if (!pg.skip_reason.empty()) GTEST_SKIP() << pg.skip_reason;
    FAIL() << "postgresql backend unavailable";
  }
  const std::string uri = pg.Uri("cli");
  Outcome before = Sink("status --store '" + uri + "'");
  EXPECT_EQ(before.status, 2) << before.out;  // reading never creates the schema
  EXPECT_NE(before.out.find("no newsflow schema"), std::string::npos) << before.out;
  {
    auto store = OpenStore(uri);
    ASSERT_TRUE(store.ok()) << store.status().message();
    v1::ExtractOutput e;
    *e.mutable_event() = testing::Report({"m1", "2025-12-16"});
    ASSERT_TRUE((*store)->Apply({e}, {{"newsflow.events", 0, 1}}, "newsflow-sink").ok());
  }
  Outcome events = Sink("events --store '" + uri + "'");
  EXPECT_EQ(events.status, 0) << events.out;
  EXPECT_NE(events.out.find("042 Make a visit"), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("Kenya (source)"), std::string::npos) << events.out;
  Outcome status = Sink("status --store '" + uri + "'");
  EXPECT_EQ(status.status, 0) << status.out;
  EXPECT_NE(status.out.find("records=1 mentions=1"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("partition=0 next=1"), std::string::npos) << status.out;
  EXPECT_EQ(Sink("wait --store '" + uri + "' --articles 0 --timeout 5").status, 0);
  EXPECT_EQ(Sink("wait --store '" + uri + "' --articles 1 --timeout 1").status, 1);
}

}  // namespace
}  // namespace newsflow::sink
