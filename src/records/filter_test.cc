#include <gtest/gtest.h>

#include "encore/records.h"
#include "records/news.h"

namespace encore {
namespace {

TEST(Filter, ParsesThePeriodAndRejectsWhatItCannotMean) {
  auto f = Filter::Parse("solo and country = KR and year = 2024");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->year, 2024);
  EXPECT_EQ(f->from, DayFromCivil(2024, 1, 1));
  EXPECT_EQ(f->to, DayFromCivil(2024, 12, 31));
  EXPECT_TRUE(Filter::Parse("(group or persona) and not tag = \"k-pop\"").ok());
  EXPECT_TRUE(Filter::Parse("").ok());
  // The period only at the top, only with '='.
  EXPECT_FALSE(Filter::Parse("solo or year = 2024").ok());
  EXPECT_FALSE(Filter::Parse("year > 2024").ok());
  auto bad = Filter::Parse("solo and contry = KR");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown attribute at offset 9 ('contry')"),
            std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(Filter::Parse("country").ok());   // needs a value
  EXPECT_FALSE(Filter::Parse("solo = 1").ok());  // takes none
  EXPECT_FALSE(Filter::Parse("(solo").ok());     // unclosed
  EXPECT_FALSE(Filter::Parse("solo )").ok());    // stray
  EXPECT_FALSE(Filter::Parse("released > 2024").ok());
  // Found by the fuzzer: deep nesting is an error, not a stack overflow.
  EXPECT_FALSE(Filter::Parse(std::string(100000, '(') + "solo").ok());
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  EXPECT_FALSE(Filter::Parse(nots + "solo").ok());
}

// Values from a fixed list are checked when the filter is read, with the nearest known ones;
// a country may be named (issue 18: `country = korea` matched nothing and said nothing).
TEST(Filter, ValuesOutsideTheirListAreRefusedWithTheNearest) {
  EXPECT_TRUE(Filter::Parse("country = KR").ok());
  EXPECT_TRUE(Filter::Parse("country = korea").ok());
  EXPECT_TRUE(Filter::Parse("country = \"South Korea\" and continent = asia").ok());
  EXPECT_TRUE(Filter::Parse("type = EP or kind = persona").ok());
  EXPECT_TRUE(Filter::Parse("country = kr and country != Gb").ok());  // codes in any case
  EXPECT_FALSE(Filter::Parse("country > KR").ok());                    // = or != only
  EXPECT_FALSE(Filter::Parse("continent < asia").ok());
  struct Case {
    const char* filter;
    const char* says;
  };
  for (const Case& c : {Case{"country = koreaa", "country = koreaa: not a country"},
                        Case{"solo and continent = asai", "not a continent (did you mean 'Asia'?)"},
                        Case{"type = albm", "not a release type (did you mean 'album'?); one of album, ep, single"},
                        Case{"not kind = grop", "(did you mean 'group'?)"}}) {
    auto f = Filter::Parse(c.filter);
    ASSERT_FALSE(f.ok()) << c.filter;
    EXPECT_NE(f.status().message().find(c.says), std::string::npos) << f.status().message();
  }
}

TEST(Records, CountsAndWords) {
  EXPECT_EQ(ParseCount("1e9"), 1'000'000'000);
  EXPECT_EQ(ParseCount("1.4e9"), 1'400'000'000);
  EXPECT_EQ(ParseCount("1,000,000,000"), 1'000'000'000);
  EXPECT_EQ(ParseCount("1.4B"), 1'400'000'000);
  EXPECT_EQ(ParseCount("250K"), 250'000);
  EXPECT_EQ(ParseCount("100M"), 100'000'000);
  EXPECT_FALSE(ParseCount("-5"));
  EXPECT_FALSE(ParseCount("ten"));
  EXPECT_FALSE(ParseCount("1e30"));
  // Whole decimal counts only: no hex, no fraction quietly rounded.
  EXPECT_FALSE(ParseCount("0x10"));
  EXPECT_FALSE(ParseCount("0x1p4"));
  EXPECT_FALSE(ParseCount("1.5"));
  EXPECT_FALSE(ParseCount("2.5e0"));
  EXPECT_FALSE(ParseCount("inf"));
  EXPECT_EQ(ParseCount("1.1B"), 1'100'000'000);
  EXPECT_EQ(ParseCount("2.5K"), 2'500);
  EXPECT_EQ(ParseCount("3.11e9"), 3'110'000'000);
  EXPECT_EQ(ShortNumber(1'400'000'000), "1.4 billion");
  EXPECT_EQ(ShortNumber(1'000'000'000), "1 billion");
  EXPECT_EQ(ShortNumber(300'000'000), "300 million");
  EXPECT_EQ(ShortNumber(12'345), "12,345");
  EXPECT_EQ(Ordinal(3), "third");
  EXPECT_EQ(Ordinal(11), "11th");
  EXPECT_EQ(Ordinal(22), "22nd");
}

}  // namespace
}  // namespace encore
