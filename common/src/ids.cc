#include "newsflow/common/ids.h"

#include <cstdio>

namespace newsflow {
namespace {
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t Fnv(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

uint64_t StableHash64(std::string_view bytes) { return Mix(Fnv(kFnvOffset, bytes)); }

uint64_t StableHash64(std::initializer_list<std::string_view> parts) {
  uint64_t h = kFnvOffset;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) h = Fnv(h, std::string_view("\x1f", 1));
    first = false;
    h = Fnv(h, p);
  }
  return Mix(h);
}

std::string HexId(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 16);
}

}  // namespace newsflow
