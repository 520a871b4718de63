// Test harness: the real newsflow binaries as child processes, cleaned up by pid.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace newsflow::testing {

// A child process started with fork/exec; stdout and stderr go to files. The destructor
// SIGKILLs it if it is still running, so a failing test never leaks processes.
class Process {
 public:
  Process(std::string name, std::vector<std::string> argv, const std::string& log_dir);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int pid() const { return pid_; }
  const std::string& name() const { return name_; }
  bool Running();
  void Signal(int sig);
  // Waits for exit up to `timeout`; returns the exit code (128+signal when killed), nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Text it wrote to stdout / stderr so far.
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  std::string name_, out_path_, err_path_;
  int pid_ = -1;
  std::optional<int> exit_code_;
};

// Polls `pred` every 100 ms until it is true or `timeout` passes; returns its last value.
bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// A fresh temporary directory, removed (recursively) by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);

}  // namespace newsflow::testing
