// Stable, deterministic ids: the same input bytes give the same id on every machine and run.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace newsflow {

// 64-bit FNV-1a over the bytes, finished with a SplitMix64 avalanche. Not cryptographic; used
// for ids and partitioning only. O(n).
uint64_t StableHash64(std::string_view bytes);

// StableHash64 of the parts joined with a 0x1F unit separator (so {"ab","c"} != {"a","bc"}).
uint64_t StableHash64(std::initializer_list<std::string_view> parts);

// 16 lowercase hex digits.
std::string HexId(uint64_t h);

}  // namespace newsflow
