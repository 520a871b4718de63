// The watch source through the sink interface: files present at start, files closed after
// writing or moved in, partial writes, restarts, --done, and unacknowledged files.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "newsflow/ingest/state.h"
#include "source_testing.h"

namespace newsflow::ingest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Polls `pred` every 10 ms for up to 20 s (a condition, not a fixed sleep).
bool Eventually(const std::function<bool()>& pred) {
  for (auto until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until;) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

// A watch source on its own thread, stopped and joined by the destructor.
class RunningWatch {
 public:
  RunningWatch(const fs::path& dir, RecordingSink* sink, WatchOptions options = {}) {
    options.should_stop = [this] { return stop_.load(); };
    thread_ = std::thread([this, dir, sink, options] { status_ = MakeWatchSource(dir, options)->Run(*sink); });
  }
  ~RunningWatch() { Stop(); }
  Status Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  std::atomic<bool> stop_{false};
  Status status_;
  std::thread thread_;
};

std::vector<std::string> Bytes(const RecordingSink& sink) {
  std::vector<std::string> out;
  for (const auto& it : sink.items()) out.push_back(it.bytes);
  return out;
}

TEST(WatchSourceTest, IngestsFilesPresentAtStartThenFilesAsTheyLand) {
  TempDir dir;
  dir.Write("in/a.txt", "Bài có sẵn trước khi khởi động");
  dir.Write("in/.draft", "hidden files are not articles");
  RecordingSink sink;
  RunningWatch watch(dir.path() / "in", &sink);
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 1; }));
  dir.Write("in/b.txt", "خبر وصل بعد بدء المراقبة");  // closed after writing
  dir.Write("staging/c.txt", "A story moved in whole");
  fs::rename(dir.path() / "staging/c.txt", dir.path() / "in/c.txt");  // moved in
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 3; }));
  ASSERT_TRUE(watch.Stop().ok());
  EXPECT_EQ(Bytes(sink), (std::vector<std::string>{"Bài có sẵn trước khi khởi động", "خبر وصل بعد بدء المراقبة",
                                                   "A story moved in whole"}));
  EXPECT_EQ(sink.items()[1].url, (dir.path() / "in/b.txt").string());
  EXPECT_EQ(sink.items()[1].origin, v1::ORIGIN_WATCH);
}

TEST(WatchSourceTest, APartiallyWrittenFileWaitsUntilItIsClosed) {
  TempDir dir;
  RecordingSink sink;
  RunningWatch watch(dir.path(), &sink);
  // A first file proves the watch is up (files present at start are taken as they are).
  dir.Write("ready.txt", "The watcher is up");
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 1; }));
  std::ofstream partial(dir.path() / "slow.txt", std::ios::binary);
  partial << "Nửa đầu của bài" << std::flush;
  dir.Write("fast.txt", "Written and closed after the slow one began");
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 2; }));
  EXPECT_EQ(Bytes(sink)[1], "Written and closed after the slow one began")
      << "events come in order: had the open file counted, it would have come first";
  partial << ", và nửa sau." << std::flush;
  partial.close();
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 3; }));
  EXPECT_EQ(Bytes(sink)[2], "Nửa đầu của bài, và nửa sau.");
}

TEST(WatchSourceTest, AFileStillOpenForWritingAtStartWaitsUntilItIsClosed) {
  TempDir dir;
  std::ofstream partial(dir.path() / "slow.txt", std::ios::binary);
  partial << "بدأت الكتابة قبل تشغيل المراقب" << std::flush;
  dir.Write("done.txt", "Complete before the watcher started");
  RecordingSink sink;
  RunningWatch watch(dir.path(), &sink);
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 1; }));
  dir.Write("later.txt", "Landed after the start-up listing");
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 2; }));
  EXPECT_EQ(Bytes(sink), (std::vector<std::string>{"Complete before the watcher started",
                                                   "Landed after the start-up listing"}))
      << "the open file was skipped by the start-up listing";
  partial << " وانتهت بعده." << std::flush;
  partial.close();
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 3; }));
  EXPECT_EQ(Bytes(sink)[2], "بدأت الكتابة قبل تشغيل المراقب وانتهت بعده.");
}

TEST(WatchSourceTest, RestartIngestsOnlyWhatLandedWhileDownAndRewrittenFiles) {
  TempDir dir;
  dir.Write("one.txt", "First story");
  dir.Write("two.txt", "Second story");
  {
    RecordingSink sink;
    RunningWatch watch(dir.path(), &sink);
    ASSERT_TRUE(Eventually([&] { return sink.items().size() == 2; }));
    ASSERT_TRUE(watch.Stop().ok());
  }
  dir.Write("three.txt", "Landed while the watcher was down");
  dir.Write("two.txt", "Second story, corrected and longer");
  RecordingSink sink;
  RunningWatch watch(dir.path(), &sink);
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 2; }));
  ASSERT_TRUE(watch.Stop().ok());
  EXPECT_EQ(Bytes(sink), (std::vector<std::string>{"Landed while the watcher was down",
                                                   "Second story, corrected and longer"}))
      << "name order; one.txt was recorded, two.txt changed";
}

TEST(WatchSourceTest, DoneDirectoryReceivesIngestedFilesAndStateLivesWhereAsked) {
  TempDir dir;
  dir.Write("in/x.txt", "Moved on after ingest");
  WatchOptions o;
  o.done_dir = dir.path() / "done";
  o.state_path = dir.path() / "state/watch.state";
  RecordingSink sink;
  RunningWatch watch(dir.path() / "in", &sink, o);
  ASSERT_TRUE(Eventually([&] { return fs::exists(dir.path() / "done/x.txt"); }));
  ASSERT_TRUE(watch.Stop().ok());
  EXPECT_FALSE(fs::exists(dir.path() / "in/x.txt"));
  EXPECT_TRUE(fs::exists(dir.path() / "state/watch.state"));
  EXPECT_FALSE(fs::exists(dir.path() / "in/.newsflow-ingest.state"));
  EXPECT_EQ(sink.checkpoints(), 1);
}

TEST(WatchSourceTest, UnacknowledgedFilesAreNotRecordedAndTheSourceStops) {
  TempDir dir;
  dir.Write("a.txt", "Nobody acknowledged this one");
  RecordingSink failing;
  failing.checkpoint_result = Status::Unavailable("broker down");
  WatchOptions o;
  o.should_stop = [] { return false; };
  Status s = MakeWatchSource(dir.path(), o)->Run(failing);
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  auto state = IngestState::Load(dir.path() / ".newsflow-ingest.state");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->file_count(), 0u);

  RecordingSink sink;
  RunningWatch watch(dir.path(), &sink);
  ASSERT_TRUE(Eventually([&] { return sink.items().size() == 1; })) << "it comes again on the next start";
}

TEST(WatchSourceTest, MissingDirectoryIsNotFound) {
  RecordingSink sink;
  EXPECT_EQ(MakeWatchSource("/nonexistent/watch")->Run(sink).code(), ErrorCode::kNotFound);
}

TEST(IngestStateTest, SavesAtomicallyAndLoadsBackFilesAndFeeds) {
  TempDir dir;
  auto state = IngestState::Load(dir.path() / "s.state");
  ASSERT_TRUE(state.ok());
  state->RecordFile("a.txt", {12, 34});
  FeedState& f = state->Feed("https://x.example/rss");
  f.etag = "\"v1\"";
  for (int i = 0; i < 5; ++i) f.Remember("id-" + std::to_string(i), 3);
  f.Remember("id-4", 3);
  ASSERT_TRUE(state->Save().ok());
  EXPECT_FALSE(fs::exists(dir.path() / "s.state.tmp"));
  auto back = IngestState::Load(dir.path() / "s.state");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->HasFile("a.txt", {12, 34}));
  EXPECT_FALSE(back->HasFile("a.txt", {12, 35})) << "a new mtime is a new version";
  const FeedState& g = back->Feed("https://x.example/rss");
  EXPECT_EQ(g.etag, "\"v1\"");
  EXPECT_EQ(std::vector<std::string>(g.seen().begin(), g.seen().end()),
            (std::vector<std::string>{"id-2", "id-3", "id-4"}))
      << "bounded: the oldest ids are forgotten";
  EXPECT_FALSE(g.Seen("id-0"));
}

TEST(IngestStateTest, ForeignOrBrokenFilesAreRefused) {
  TempDir dir;
  for (const char* content : {"not json", "{\"files\":{}}", "{\"version\":1,\"files\":{\"a\":{\"size\":\"x\"}}}"}) {
    dir.Write("bad.state", content);
    EXPECT_EQ(IngestState::Load(dir.path() / "bad.state").status().code(), ErrorCode::kInvalidArgument) << content;
  }
}

}  // namespace
}  // namespace newsflow::ingest
