#include "newsflow/common/shutdown.h"

#include <atomic>
#include <csignal>
#include <thread>

namespace newsflow {
namespace {
// Signal handlers can only touch lock-free atomics: this is the one piece of global state.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void OnSignal(int) { g_stop.store(true); }
}  // namespace

void InstallShutdownHandlers() {
  struct sigaction sa {};
  sa.sa_handler = &OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool ShutdownRequested() { return g_stop.load(); }
void RequestShutdown() { g_stop.store(true); }

bool SleepUnlessShutdown(std::chrono::milliseconds d) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (g_stop.load()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(std::chrono::milliseconds(20), d));
  }
  return g_stop.load();
}

}  // namespace newsflow
