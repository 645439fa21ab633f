#include "ingest/chunk_parser.h"

#include <gtest/gtest.h>

#include "common/csv_scanner.h"

namespace encore {
namespace {

CsvLayout PlaysLayout() {
  std::string error;
  return *ParseCsvHeader("ts,user,track,ms_played,country,tier", &error);
}

struct Case {
  const char* line;
  std::optional<RejectReason> reason;  // nullopt: accepted
};

}  // namespace

TEST(ChunkParser, RejectsEachDocumentedCaseWithItsReason) {
  const Case cases[] = {
      {"2024-01-01T10:00:00Z,u1,t1,30000,US,premium", std::nullopt},
      {"2024-01-01T10:00:00+09:00,u1,t1,29999,KR,free", std::nullopt},
      {"2024-01-01T10:00:00Z,u1,t1,30000,US", RejectReason::kBadCsv},
      {"2024-01-01T10:00:00Z,u1,t1,30000,US,premium,extra", RejectReason::kBadCsv},
      {"2024-01-01T10:00:00Z,\"u1,t1,30000,US,premium", RejectReason::kBadCsv},
      {",u1,t1,30000,US,premium", RejectReason::kMissingField},
      {"2024-01-01T10:00:00Z,u1,,30000,US,premium", RejectReason::kMissingField},
      {"2024-01-01 10:00:00,u1,t1,30000,US,premium", RejectReason::kBadTimestamp},
      {"1969-12-31T10:00:00Z,u1,t1,30000,US,premium", RejectReason::kBadTimestamp},
      {"2024-01-01T10:00:00Z,uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu,t1,"
       "30000,US,premium",
       RejectReason::kBadUser},
      {"2024-01-01T10:00:00Z,u1,ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt,"
       "30000,US,premium",
       RejectReason::kBadTrack},
      {"2024-01-01T10:00:00Z,u1,t1,-5,US,premium", RejectReason::kBadMsPlayed},
      {"2024-01-01T10:00:00Z,u1,t1,86400001,US,premium", RejectReason::kBadMsPlayed},
      {"2024-01-01T10:00:00Z,u1,t1,3e4,US,premium", RejectReason::kBadMsPlayed},
      {"2024-01-01T10:00:00Z,u1,t1,30000,us,premium", RejectReason::kBadCountry},
      {"2024-01-01T10:00:00Z,u1,t1,30000,XX,premium", RejectReason::kBadCountry},
      {"2024-01-01T10:00:00Z,u1,t1,30000,US,family", RejectReason::kBadTier},
      {"2023-12-01T10:00:00Z,u1,t1,30000,US,premium", RejectReason::kLate},
  };
  ParseRules rules;
  rules.default_service = "spotify";
  rules.sealed_before = DayFromCivil(2023, 12, 15);
  std::string chunk;
  for (const auto& c : cases) chunk += std::string(c.line) + "\n";
  ChunkParser p(rules);
  p.ParseCsv(chunk, 2, PlaysLayout());
  size_t expected_rejects = 0;
  for (size_t i = 0; i < std::size(cases); ++i) {
    if (!cases[i].reason) continue;
    ASSERT_LT(expected_rejects, p.rejects().count());
    const RejectRecord r = p.rejects().Decode()[expected_rejects++];
    EXPECT_EQ(r.line, i + 2) << cases[i].line;
    EXPECT_EQ(r.reason, *cases[i].reason) << cases[i].line;
    EXPECT_EQ(r.text, cases[i].line);
  }
  EXPECT_EQ(p.rejects().count(), expected_rejects);
  EXPECT_EQ(p.summary().plays, 2u);
  EXPECT_EQ(p.summary().streams, 1u);
  EXPECT_EQ(p.summary().short_plays, 1u);
  EXPECT_EQ(p.summary().lines, std::size(cases));
}

TEST(ChunkParser, ReadsJsonLinesAndRejectsBadOnes) {
  ParseRules rules;
  rules.default_service = "spotify";
  const std::string chunk =
      R"({"ts":"2024-01-01T10:00:00Z","user":"u1","track":"t1","ms_played":40000,"country":"US","tier":"free","extra":[1,2]})"
      "\n"
      R"({"ts":"2024-01-01T10:00:00Z","user":"u1","track":"t1","ms_played":"40000","country":"US","tier":"free"})"
      "\n"
      R"({"ts":"2024-01-01T10:00:00Z","user":"u1","track":"t1","ms_played":40000,"country":"US"})"
      "\n"
      "not json\n"
      R"({"ts":"2024-01-01T10:00:00Z","user":"u1","track":"t1","ms_played":40000,"country":"US","tier":"free"} x)"
      "\n" +
      std::string(64, ' ');  // the padding the ingester provides
  ChunkParser p(rules);
  p.ParseJsonLines(std::string_view(chunk).substr(0, chunk.size() - 64), 1);
  ASSERT_EQ(p.rejects().count(), 4u);
  EXPECT_EQ(p.rejects().Decode()[0].reason, RejectReason::kBadMsPlayed);
  EXPECT_EQ(p.rejects().Decode()[1].reason, RejectReason::kMissingField);
  EXPECT_EQ(p.rejects().Decode()[2].reason, RejectReason::kBadJson);
  EXPECT_EQ(p.rejects().Decode()[3].reason, RejectReason::kBadJson);
  EXPECT_EQ(p.summary().streams, 1u);
}

TEST(CsvHeader, NamesWhatIsMissing) {
  std::string error;
  EXPECT_FALSE(ParseCsvHeader("ts,user,track,country,tier", &error));
  EXPECT_NE(error.find("ms_played"), std::string::npos);
  EXPECT_FALSE(ParseCsvHeader("a,b,c", &error));
  EXPECT_FALSE(ParseCsvHeader("ts,user,track,ms_played,country,tier,ts", &error));
  EXPECT_NE(error.find("twice"), std::string::npos);
  auto l = ParseCsvHeader(
      "\xEF\xBB\xBF"
      "date,country,track,streams,tier",
      &error);
  ASSERT_TRUE(l);
  EXPECT_GE(l->date, 0);
  EXPECT_GE(l->streams, 0);
}

}  // namespace encore

namespace encore {

namespace {

// Daily totals with a service column; rows without a service are Spotify's.
CsvLayout TotalsLayout() {
  std::string error;
  return *ParseCsvHeader("date,country,track,streams,tier,service", &error);
}
ParseRules TotalsRules() {
  ParseRules rules;
  rules.default_service = "spotify";
  rules.format = InputFormat::kTotalsCsv;
  return rules;
}

}  // namespace

TEST(ChunkParser, DailyTotalsRejectsAndServices) {
  const CsvLayout l = TotalsLayout();
  const ParseRules rules = TotalsRules();
  const std::string chunk =
      "2024-01-01,GLOBAL,t1,1000,,\n"              // ok: unknown tier, default service
      "2024-01-01,US,t1,10,premium,apple_music\n"  // ok
      "2024-02-30,US,t1,10,premium,spotify\n"      // bad_date
      "2024-01-01,US,t1,1e3,premium,spotify\n"     // bad_streams
      "2024-01-01,US,t1,10,premium,Apple Music\n"  // bad_service
      "2024-01-01,US,t1,10,family,spotify\n"       // bad_tier
      "2024-01-01,USA,t1,10,premium,spotify\n";    // bad_country
  ChunkParser p(rules);
  p.ParseCsv(chunk, 2, l);
  ASSERT_EQ(p.rejects().count(), 5u);
  EXPECT_EQ(p.rejects().Decode()[0].reason, RejectReason::kBadDate);
  EXPECT_EQ(p.rejects().Decode()[1].reason, RejectReason::kBadStreams);
  EXPECT_EQ(p.rejects().Decode()[2].reason, RejectReason::kBadService);
  EXPECT_EQ(p.rejects().Decode()[3].reason, RejectReason::kBadTier);
  EXPECT_EQ(p.rejects().Decode()[4].reason, RejectReason::kBadCountry);
  EXPECT_EQ(p.services().size(), 2u);  // spotify, apple_music
  EXPECT_EQ(p.summary().streams, 1010u);
}

// Rows repeat their date, country and service; a parser that reuses what the row before parsed
// to must still reject each bad row, take each good one, and know a service only by its streams.
TEST(ChunkParser, DailyTotalsRepeatedFieldsAndServicesWithoutStreams) {
  const CsvLayout l = TotalsLayout();
  const ParseRules rules = TotalsRules();
  const std::string chunk =
      "2024-01-01,US,t1,0,,tidal\n"              // no streams: tidal stays unknown
      "2024-01-01,US,t2,0,,tidal\n"
      "2024-01-01,US,t1,5,,spotify\n"            // ok
      "2024-01-01,USA,t1,5,,spotify\n"           // bad_country after a good one
      "2024-01-01,US,t2,7,,spotify\n"            // ok: the country parsed again
      "2024-01-32,US,t1,5,,spotify\n"            // bad_date
      "2024-01-02,US,t1,3,,spotify\n"            // ok: another day
      "2024-01-02,US,t1,3,,Deezer\n"             // bad_service
      "2024-01-02,US,t1,4,,deezer\n"             // ok: a new service with streams
      "2024-01-02,US,t2,0,,deezer\n";            // ok, no streams
  ChunkParser p(rules);
  p.ParseCsv(chunk, 2, l);
  ASSERT_EQ(p.rejects().count(), 3u);
  EXPECT_EQ(p.rejects().Decode()[0].reason, RejectReason::kBadCountry);
  EXPECT_EQ(p.rejects().Decode()[1].reason, RejectReason::kBadDate);
  EXPECT_EQ(p.rejects().Decode()[2].reason, RejectReason::kBadService);
  ASSERT_EQ(p.services().size(), 2u);  // spotify, deezer: not tidal
  EXPECT_EQ(p.services().names()[0], "spotify");
  EXPECT_EQ(p.services().names()[1], "deezer");
  EXPECT_EQ(p.summary().streams, 5u + 7 + 3 + 4);
  EXPECT_EQ(p.summary().plays, 7u);
}

TEST(ChunkParser, RejectsARecordOverTheLimit) {
  ParseRules rules;
  rules.default_service = "spotify";
  std::string error;
  const std::string chunk = "2024-01-01T10:00:00Z,u1," + std::string(kMaxRecordBytes, 't') +
                            ",30000,US,premium\n2024-01-01T10:00:00Z,u1,t1,30000,US,premium\n";
  ChunkParser p(rules);
  p.ParseCsv(chunk, 1, *ParseCsvHeader("ts,user,track,ms_played,country,tier", &error));
  ASSERT_EQ(p.rejects().count(), 1u);
  EXPECT_EQ(p.rejects().Decode()[0].reason, RejectReason::kRecordTooLong);
  EXPECT_EQ(p.summary().streams, 1u);
}

}  // namespace encore
