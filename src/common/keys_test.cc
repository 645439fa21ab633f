#include "encore/keys.h"

#include <gtest/gtest.h>

namespace encore {

TEST(Country, AcceptsAssignedCodesOnly) {
  EXPECT_TRUE(ParseCountry("US", false));
  EXPECT_TRUE(ParseCountry("KR", false));
  EXPECT_TRUE(ParseCountry("ZZ", false));
  EXPECT_FALSE(ParseCountry("us", false));
  EXPECT_FALSE(ParseCountry("XX", false));
  EXPECT_FALSE(ParseCountry("USA", false));
  EXPECT_FALSE(ParseCountry("GLOBAL", false));
  EXPECT_EQ(ParseCountry("GLOBAL", true), kGlobalCountry);
  EXPECT_EQ(CountryName(*ParseCountry("GB", false)), "GB");
}

TEST(Cell, PacksAndUnpacks) {
  const uint64_t c = MakeCell(31, 0xfffffffeu, 676);
  EXPECT_EQ(CellService(c), 31u);
  EXPECT_EQ(CellTrack(c), 0xfffffffeu);
  EXPECT_EQ(CellCountry(c), 676);
  EXPECT_LT(MakeCell(0, 5, 600), MakeCell(0, 6, 1));  // sorted by track before country
}

}  // namespace encore
