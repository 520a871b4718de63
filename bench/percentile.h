// Nearest-rank percentile of a sorted sample, shared by the latency reports.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace newsflow::bench {

// p in [0, 1]; 0 for an empty sample. `sorted` must be in ascending order.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace newsflow::bench
