#include "proc_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace newsflow::bench {
namespace {

std::string ProcPath(pid_t pid, const char* file) {
  return pid == 0 ? std::string("/proc/self/") + file : "/proc/" + std::to_string(pid) + "/" + file;
}

}  // namespace

std::optional<ProcStats> ReadProcStats(pid_t pid) {
  ProcStats out;
  std::ifstream status(ProcPath(pid, "status"));
  if (!status) return std::nullopt;
  for (std::string line; std::getline(status, line);) {
    // Lines read "VmRSS:\t  12345 kB".
    auto kb = [&line](const char* key, double* mb) {
      if (line.rfind(key, 0) == 0) *mb = std::stod(line.substr(line.find(':') + 1)) / 1024.0;
    };
    kb("VmRSS:", &out.rss_mb);
    kb("VmHWM:", &out.hwm_mb);
  }
  std::ifstream stat(ProcPath(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  // After ')': state is field 3; utime and stime are fields 14 and 15.
  for (int n = 3; n <= 15 && fields >> field; ++n)
    if (n == 14 || n == 15) ticks += std::stod(field);
  out.cpu_s = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  return out;
}

}  // namespace newsflow::bench
