// Stable ids: deterministic, 16 hex digits, part boundaries matter.
#include <gtest/gtest.h>

#include <set>

#include "newsflow/common/ids.h"

namespace newsflow {
namespace {

TEST(IdsTest, SameBytesSameHashAcrossCalls) {
  EXPECT_EQ(StableHash64("Hà Nội"), StableHash64(std::string("Hà Nội")));
  EXPECT_NE(StableHash64("Hà Nội"), StableHash64("Ha Noi"));
}

TEST(IdsTest, KnownValuesNeverChange) {
  // Ids are stored and compared across runs and machines: pin the function. The values were
  // computed independently (FNV-1a 64 then the SplitMix64 finalizer, in Python).
  EXPECT_EQ(HexId(StableHash64("")), "f52a15e9a9b5e89b");
  EXPECT_EQ(HexId(StableHash64("newsflow")), "bb27f10fb33f4c0e");
  EXPECT_EQ(HexId(StableHash64({"newsflow"})), "bb27f10fb33f4c0e") << "one part hashes like the plain bytes";
}

TEST(IdsTest, PartsAreSeparated) {
  EXPECT_NE(StableHash64({"ab", "c"}), StableHash64({"a", "bc"}));
  EXPECT_NE(StableHash64({"abc", ""}), StableHash64({"abc"}));
  EXPECT_NE(StableHash64({"a", "b"}), StableHash64("ab"));
}

TEST(IdsTest, HexIdIsSixteenLowercaseDigitsWithLeadingZeros) {
  EXPECT_EQ(HexId(0), "0000000000000000");
  EXPECT_EQ(HexId(0xABCULL), "0000000000000abc");
  EXPECT_EQ(HexId(~0ULL), "ffffffffffffffff");
}

TEST(IdsTest, NearbyInputsSpreadOut) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(HexId(StableHash64("article-" + std::to_string(i))));
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace newsflow
