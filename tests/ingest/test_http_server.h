// A tiny HTTP/1.0 server on 127.0.0.1 for feed tests: serves fixed bodies per path from one
// background thread, sends an ETag and honours If-None-Match with 304, and counts requests.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace newsflow::testing {

class TestHttpServer {
 public:
  struct Route {
    // The n-th request gets bodies[min(n, size - 1)]: a feed that changes between polls.
    std::vector<std::string> bodies;
    int status = 200;
    bool etag = true;  // send ETag (and honour If-None-Match)
  };
  struct Counts {
    int requests = 0, conditional = 0, not_modified = 0;
  };

  TestHttpServer();  // listens on 127.0.0.1, any port
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  void Serve(const std::string& path, Route route);
  std::string Url(const std::string& path) const;
  Counts counts(const std::string& path);
  bool ok() const { return fd_ >= 0; }

 private:
  void Loop();
  void Handle(int client);

  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<std::string, Route> routes_;    // guarded by mu_
  std::map<std::string, Counts> counts_;   // guarded by mu_
  std::thread thread_;
};

// Reads a fixture from tests/ingest/data/feeds/.
std::string ReadFeedFixture(const std::string& name);

}  // namespace newsflow::testing
