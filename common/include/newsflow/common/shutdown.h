// Cooperative shutdown on SIGINT / SIGTERM: the handler only sets a flag; loops check it, finish
// their in-flight work, commit and close.
#pragma once

#include <chrono>

namespace newsflow {

// Installs the handlers (idempotent). Call once from main().
void InstallShutdownHandlers();
// True once SIGINT or SIGTERM arrived (or RequestShutdown() was called).
bool ShutdownRequested();
// Asks the process to stop, as a signal would (for tests and fatal paths).
void RequestShutdown();
// Sleeps up to `d`, returning early (true) when shutdown is requested.
bool SleepUnlessShutdown(std::chrono::milliseconds d);

}  // namespace newsflow
