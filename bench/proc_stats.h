// Resource figures of a process read from /proc (Linux): resident memory and CPU time. Used by the
// benchmarks to report memory after start-up and by the pipeline watcher to sample each process.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace newsflow::bench {

struct ProcStats {
  double rss_mb = 0;    // VmRSS: resident now
  double hwm_mb = 0;    // VmHWM: peak resident since start
  double cpu_s = 0;     // utime + stime, seconds
};

// Figures of process `pid` (0 = this process); nullopt once the process is gone. Reads two small
// files: ~20 µs.
std::optional<ProcStats> ReadProcStats(pid_t pid = 0);

}  // namespace newsflow::bench
