#include "encore/date.h"

#include <gtest/gtest.h>

#include "common/time_zone.h"

namespace encore {

TEST(Date, RoundTripsEveryDayOfSeveralCenturies) {
  for (Day d = DayFromCivil(1900, 1, 1); d < DayFromCivil(2200, 1, 1); d += 7) {
    int y;
    unsigned m, dd;
    CivilFromDay(d, &y, &m, &dd);
    EXPECT_EQ(DayFromCivil(y, m, dd), d);
    EXPECT_EQ(ParseDate(FormatDate(d)), d);
  }
}

TEST(Date, RejectsImpossibleDates) {
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("1900-02-29"));
  EXPECT_TRUE(ParseDate("2000-02-29"));
  EXPECT_FALSE(ParseDate("2024-13-01"));
  EXPECT_FALSE(ParseDate("2024-04-31"));
  EXPECT_FALSE(ParseDate("2024-4-01"));
  EXPECT_FALSE(ParseDate("2024-04-01 "));
}

TEST(Timestamp, ConvertsOffsetsToUtc) {
  const int64_t z = *ParseTimestamp("2024-01-01T00:30:00Z");
  EXPECT_EQ(*ParseTimestamp("2024-01-01T09:30:00+09:00"), z);
  EXPECT_EQ(*ParseTimestamp("2023-12-31T21:30:00-03:00"), z);
  EXPECT_EQ(*ParseTimestamp("2024-01-01T00:30:00.123456789Z"), z);
  EXPECT_EQ(DayOfEpochSecond(*ParseTimestamp("2024-01-01T08:59:59+09:00")),
            DayFromCivil(2023, 12, 31));
  EXPECT_EQ(DayOfEpochSecond(*ParseTimestamp("2024-01-01T09:00:00+09:00")),
            DayFromCivil(2024, 1, 1));
}

TEST(Timestamp, RejectsMalformedInput) {
  for (const char* s : {"2024-01-01T00:30:00", "2024-01-01 00:30:00Z", "2024-01-01T24:00:00Z",
                        "2024-01-01T00:60:00Z", "2024-01-01T00:30:00.Z", "2024-01-01t00:30:00Z",
                        "2024-01-01T00:30:00z", "2024-01-01T00:30:00+0900", "2024-02-30T00:00:00Z",
                        "2024-01-01T00:30:00+09:00x", "", "garbage"}) {
    EXPECT_FALSE(ParseTimestamp(s)) << s;
  }
  EXPECT_TRUE(ParseTimestamp("2016-12-31T23:59:60Z"));  // a leap second
}

}  // namespace encore

namespace encore {

// Time zones are IANA names or offsets, never paths: cctz would open "file:/any/path" (a FIFO
// among them, where it blocks).
TEST(TimeZone, NamesAndOffsetsOnlyNeverPaths) {
  EXPECT_TRUE(TimeZone::Load("UTC").ok());
  EXPECT_TRUE(TimeZone::Load("+09:00").ok());
  EXPECT_TRUE(TimeZone::Load("Europe/Berlin").ok());
  EXPECT_TRUE(TimeZone::Load("America/Argentina/Buenos_Aires").ok());
  EXPECT_TRUE(TimeZone::Load("Etc/GMT+9").ok());
  for (const char* bad : {"file:/usr/share/zoneinfo/Europe/Berlin", "file:/etc/passwd",
                          "/usr/share/zoneinfo/UTC", "../zoneinfo/UTC", "Europe//Berlin",
                          "Europe/Berlin/", "", "Europe/Berlin\n"}) {
    EXPECT_FALSE(TimeZone::Load(bad).ok()) << bad;
  }
}

}  // namespace encore
