#include "control.h"

#include <sys/socket.h>

#include <array>
#include <charconv>
#include <mutex>
#include <vector>

namespace newsflow::broker {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

template <typename T>
Status ParseNumber(std::string_view s, std::string_view what, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec != std::errc() || p != s.data() + s.size())
    return Status::InvalidArgument(std::string(what) + " must be an integer, got '" + std::string(s) + "'");
  return Status::Ok();
}

}  // namespace

Result<ControlCommand> ParseControlCommand(std::string_view line) {
  auto w = Words(line);
  if (w.empty()) return Status::InvalidArgument("empty command");
  ControlCommand c;
  auto arity = [&](size_t n, const char* usage) -> Status {
    if (w.size() != n + 1) return Status::InvalidArgument(std::string("usage: ") + usage);
    return Status::Ok();
  };
  if (w[0] == "ping") {
    if (Status s = arity(0, "ping"); !s.ok()) return s;
    c.kind = ControlCommand::Kind::kPing;
  } else if (w[0] == "broker-down" || w[0] == "broker-up") {
    const bool down = w[0] == "broker-down";
    if (Status s = arity(1, down ? "broker-down ID" : "broker-up ID"); !s.ok()) return s;
    c.kind = down ? ControlCommand::Kind::kBrokerDown : ControlCommand::Kind::kBrokerUp;
    if (Status s = ParseNumber(w[1], "ID", &c.broker_id); !s.ok()) return s;
  } else if (w[0] == "push-errors") {
    if (Status s = arity(3, "push-errors APIKEY ERRCODE COUNT"); !s.ok()) return s;
    c.kind = ControlCommand::Kind::kPushErrors;
    if (Status s = ParseNumber(w[1], "APIKEY", &c.api_key); !s.ok()) return s;
    if (Status s = ParseNumber(w[2], "ERRCODE", &c.error_code); !s.ok()) return s;
    if (Status s = ParseNumber(w[3], "COUNT", &c.count); !s.ok()) return s;
  } else {
    return Status::InvalidArgument("unknown command '" + std::string(w[0]) +
                                   "' (broker-down, broker-up, push-errors, ping)");
  }
  return c;
}

Status ApplyControlCommand(const ControlCommand& cmd, MockCluster& cluster) {
  switch (cmd.kind) {
    case ControlCommand::Kind::kPing: return Status::Ok();
    case ControlCommand::Kind::kBrokerDown: return cluster.SetBrokerDown(cmd.broker_id);
    case ControlCommand::Kind::kBrokerUp: return cluster.SetBrokerUp(cmd.broker_id);
    case ControlCommand::Kind::kPushErrors:
      return cluster.PushRequestErrors(cmd.api_key, cmd.error_code, cmd.count);
  }
  return Status::Internal("unhandled command");
}

std::string HandleControlLine(std::string_view line, MockCluster& cluster) {
  auto cmd = ParseControlCommand(line);
  Status s = cmd.ok() ? ApplyControlCommand(*cmd, cluster) : cmd.status();
  return s.ok() ? "ok" : "error " + s.message();
}

Result<std::unique_ptr<ControlServer>> ControlServer::Start(uint16_t port, MockCluster* cluster) {
  // Several test connections may issue commands at once; the mock API is applied one at a time.
  auto mu = std::make_shared<std::mutex>();
  auto loop = AcceptLoop::Start(port, [cluster, mu](UniqueFd conn, const std::atomic<bool>& stop) {
    std::string pending;
    std::array<char, 4096> buf{};
    while (!stop.load()) {
      if (!WaitReadable(conn.get(), 100)) continue;
      ssize_t got = ::recv(conn.get(), buf.data(), buf.size(), 0);
      if (got <= 0) return;
      pending.append(buf.data(), static_cast<size_t>(got));
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
        std::string reply;
        {
          std::lock_guard lock(*mu);
          reply = HandleControlLine(std::string_view(pending).substr(0, nl), *cluster) + "\n";
        }
        pending.erase(0, nl + 1);
        if (!WriteAll(conn.get(), reply)) return;
      }
      if (pending.size() > 64 * 1024) return;  // no line is that long: not a control client
    }
  });
  if (!loop.ok()) return loop.status();
  auto server = std::make_unique<ControlServer>();
  server->loop_ = std::move(*loop);
  return server;
}

}  // namespace newsflow::broker
