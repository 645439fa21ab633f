// Credits and titles as publishers print them, end to end (doc/catalog.md, "Credits and
// titles"): the case names-comma-in-artist of ../shared/cases with its right values, and a world
// of our own with the other spellings: "/"-joined UK credits, "Name (native name)", a comma name
// only the catalog knows, and album titles with edition suffixes; chart runs, resolve, release
// and chart claims.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "shared_cases.h"
#include "test_util.h"

namespace encore::test {
namespace {

using nlohmann::json;


// The one run `chart run ARGS --format json` prints.
json OneRun(const std::string& args) {
  const RunResult r = RunEncore("chart run " + args + " --format json");
  EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
  const json j = json::parse(r.out, nullptr, false);
  EXPECT_TRUE(j.is_array() && j.size() == 1) << args << "\n" << r.out;
  return j.is_array() && j.size() == 1 ? j[0] : json::object();
}

// A store needs counts for `encore check`: one play.
void AddOnePlay(const TempDir& dir, const std::string& store, const std::string& track) {
  WriteText(dir / "plays.csv", "ts,user,track,ms_played,country,tier\n2024-11-10T10:00:00Z,u1," +
                                   track + ",40000,US,premium\n");
  const RunResult r = RunEncore("ingest --no-progress --store " + Quote(store) + " " +
                                Quote(dir / "plays.csv"));
  ASSERT_EQ(r.code, 0) << r.err;
}

}  // namespace

// ../shared/cases/names-comma-in-artist: lead artists whose names contain a comma, in credits
// with featured artists. Right: both chart songs matched; Sticky debut 2024-11-16 at No. 13, peak
// 13, 2 weeks; Boogie Wonderland debut 2024-11-16 at No. 40, peak 40, 2 weeks; resolve finds
// t-sya and t-bw.
TEST(NamesCase, CommaInArtist) {
  ENCORE_REQUIRE_SHARED_CASE(dir, "names-comma-in-artist");
  TempDir tmp("names-comma");
  const std::string store = " --store " + Quote(tmp / "store");
  RunResult r = RunEncore("catalog import " + Quote((dir / "catalog").string()) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  r = RunEncore("chart import " + Quote((dir / "chart.csv").string()) + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "chart songs: 2, of which 2 matched to catalog tracks")) << r.out;

  const json tyler = OneRun("--artist 'Tyler, The Creator'" + store);
  EXPECT_EQ(tyler.value("title", ""), "Sticky");
  EXPECT_EQ(tyler["debut"].value("date", ""), "2024-11-16");
  EXPECT_EQ(tyler["debut"].value("position", 0), 13);
  EXPECT_EQ(tyler.value("peak", 0), 13);
  EXPECT_EQ(tyler.value("weeks", 0), 2);
  EXPECT_EQ(OneRun("--track t-sticky" + store), tyler);
  const json bw = OneRun("--track t-bw" + store);
  EXPECT_EQ(bw.value("title", ""), "Boogie Wonderland");
  EXPECT_EQ(bw["debut"].value("date", ""), "2024-11-16");
  EXPECT_EQ(bw["debut"].value("position", 0), 40);
  EXPECT_EQ(bw.value("peak", 0), 40);
  EXPECT_EQ(bw.value("weeks", 0), 2);
  // Every artist of the credit, the comma name and the one after "With".
  EXPECT_EQ(OneRun("--artist 'Earth, Wind & Fire'" + store), bw);
  EXPECT_EQ(OneRun("--artist 'The Emotions'" + store), bw);
  EXPECT_EQ(OneRun("'Earth, Wind & Fire - Boogie Wonderland'" + store), bw);

  r = RunEncore("resolve 'Tyler, The Creator Featuring Kali Uchis - See You Again' --format json" +
                store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["match"]["id"], "t-sya");
  EXPECT_EQ(j["primary"], json::array({"Tyler, The Creator"}));
  r = RunEncore("resolve 'Earth, Wind & Fire, The Emotions - Boogie Wonderland' --format json" +
                store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["match"]["id"], "t-bw");
  EXPECT_EQ(j["primary"], json::array({"Earth, Wind & Fire", "The Emotions"}));
  // Names the catalog knows whole, though no built-in rule does ("&" in a band's name).
  r = RunEncore("resolve 'King Gizzard & the Lizard Wizard Featuring Someone - Robot Stop'" +
                store);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "matched:  t-robot")) << r.out;

  // Chart claims accept the credits as printed and as the catalog names them.
  AddOnePlay(tmp, tmp / "store", "t-sticky");
  r = RunEncore(
      "check 'peak(billboard-hot-100, song \"Tyler, The Creator - Sticky\") = 13' "
      "'weeks_on_chart(billboard-hot-100, song \"Tyler, The Creator Featuring GloRilla, Sexyy Red "
      "& Lil Wayne - Sticky\") = 2' "
      "'debut(billboard-hot-100, song \"Earth, Wind & Fire With The Emotions - Boogie "
      "Wonderland\") = 40' "
      "'weeks_on_chart(billboard-hot-100, song \"Boogie Wonderland\") = 2'" +
      store);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_FALSE(Has(r.out, "FALSE")) << r.out;
}

// Our own world: each spelling of the issue, with the catalog and without it.
TEST(NamesCli, CreditsAndTitlesAsPublishersPrintThem) {
  TempDir tmp("names-cli");
  const std::string store = " --store " + Quote(tmp / "store");
  std::filesystem::create_directories(tmp / "catalog");
  WriteText(tmp / "catalog/artists.csv",
            "artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n"
            "jk,Jung Kook,person,KR,,,,k-pop,\n"
            "jimin,Jimin,person,KR,,,,k-pop,\n"
            "latto,Latto,person,US,,,,hip-hop,\n"
            "iu,\xEC\x95\x84\xEC\x9D\xB4\xEC\x9C\xA0,person,KR,,,,k-pop,\n"
            "bbc,\"Bell, Book & Candle\",group,DE,,,,pop,\n"
            "huntrx,HUNTR/X,group,US,,,,k-pop,\n"
            "ellie,Ellie Goulding,person,GB,,,,pop,\n"
            "calvin,Calvin Harris,person,GB,,,,pop,\n");
  WriteText(tmp / "catalog/releases.csv",
            "release_id,title,type,date,artists\n"
            "seven,Seven (feat. Latto),single,2023-07-14,jk\n"
            "face,FACE,ep,2023-03-24,jimin\n"
            "golden,GOLDEN,album,2023-11-03,jk\n"
            "pal,Palette,album,2017-04-21,iu\n"
            "rescue,Read My Sign,album,1998-01-01,bbc\n"
            "kpdh,KPop Demon Hunters,album,2025-06-20,huntrx\n"
            "outside,Motion,album,2014-10-31,calvin\n");
  WriteText(tmp / "catalog/tracks.csv",
            "track_id,isrc,title,release_id,duration_ms,primary,featured\n"
            "t-seven,,Seven (feat. Latto),seven,184000,jk,latto\n"
            "t-face,,Like Crazy,face,212000,jimin,\n"
            "t-palette,,Palette,pal,217000,iu,\n"
            "t-rescue,,Rescue Me,rescue,210000,bbc,\n"
            "t-golden,,GOLDEN,kpdh,194000,huntrx,\n"
            "t-outside,,Outside,outside,227000,calvin,ellie\n");
  RunResult r = RunEncore("catalog import " + Quote(tmp / "catalog") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  WriteText(tmp / "charts.csv",
            "chart,date,position,title,artist,last_week,peak,weeks\n"
            "billboard-hot-100,2023-07-29,1,Seven,\"Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD) Featuring "
            "Latto\",,1,1\n"
            "billboard-hot-100,2023-07-29,50,Palette,\"IU (\xEC\x95\x84\xEC\x9D\xB4\xEC\x9C\xA0)\","
            ",50,1\n"
            "billboard-hot-100,2023-07-29,60,Rescue Me,\"Bell, Book & Candle Featuring Someone\",,"
            "60,1\n"
            "billboard-hot-100,2023-08-05,3,Seven,\"Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD) Featuring "
            "Latto\",1,1,2\n"
            "billboard-200,2023-04-08,2,FACE (EP),Jimin,,2,1\n"
            "billboard-200,2023-04-15,17,FACE (EP),Jimin,2,2,2\n"
            "billboard-200,2023-04-22,60,FACE (EP),Jimin,17,2,3\n"
            "uk-singles,2025-08-01,1,GOLDEN,HUNTR/X/EJAE/AUDREY NUNA/REI,,1,1\n"
            "uk-singles,2025-08-08,1,GOLDEN,HUNTR/X/EJAE/AUDREY NUNA/REI,1,1,2\n"
            "uk-singles,2025-08-01,30,OUTSIDE,CALVIN HARRIS/ELLIE GOULDING,,30,1\n");
  r = RunEncore("chart import " + Quote(tmp / "charts.csv") + store);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "of which 5 matched to catalog tracks")) << r.out;

  // "Name (native name)": the artist under either name, and the song's catalog track.
  const json seven = OneRun("--artist 'Jung Kook'" + store);
  EXPECT_EQ(seven.value("weeks", 0), 2);
  EXPECT_EQ(OneRun("--artist '\xEC\xA0\x95\xEA\xB5\xAD'" + store), seven);
  EXPECT_EQ(OneRun("--track t-seven" + store), seven);
  EXPECT_EQ(OneRun("'Jung Kook - Seven'" + store), seven);
  EXPECT_EQ(OneRun("--artist IU" + store).value("title", ""), "Palette");
  EXPECT_EQ(OneRun("--track t-palette" + store).value("peak", 0), 50);  // the catalog's 아이유
  r = RunEncore("resolve 'JISOO (\xEC\xA7\x80\xEC\x88\x98) - FLOWER'" + store);
  EXPECT_EQ(r.code, 4);  // unknown artist under both names: not guessed
  r = RunEncore("resolve 'Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD) Featuring Latto - Seven'" + store);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Has(r.out, "matched:  t-seven")) << r.out;

  // A comma name that only the catalog knows: one artist, with the catalog.
  EXPECT_EQ(OneRun("--artist 'Bell, Book & Candle'" + store).value("peak", 0), 60);
  EXPECT_EQ(OneRun("--track t-rescue" + store).value("title", ""), "Rescue Me");

  // UK credits: each artist searchable; HUNTR/X whole.
  EXPECT_EQ(OneRun("--artist 'ELLIE GOULDING' --chart uk-singles" + store).value("title", ""),
            "OUTSIDE");
  EXPECT_EQ(OneRun("--artist 'Calvin Harris' --chart uk-singles" + store).value("peak", 0), 30);
  EXPECT_EQ(OneRun("--artist 'AUDREY NUNA' --chart uk-singles" + store).value("title", ""),
            "GOLDEN");
  const json golden = OneRun("'HUNTR/X - GOLDEN' --chart uk-singles" + store);
  EXPECT_EQ(golden.value("weeks", 0), 2);
  EXPECT_EQ(OneRun("--artist HUNTR/X --chart uk-singles" + store), golden);
  EXPECT_EQ(OneRun("--track t-golden --chart uk-singles" + store), golden);

  // Album titles with edition suffixes: the catalog's release.
  r = RunEncore("resolve 'Jimin - FACE (EP)' --format json" + store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json face = json::parse(r.out);
  ASSERT_EQ(face["releases"].size(), 1u) << r.out;
  EXPECT_EQ(face["releases"][0]["id"], "face");
  r = RunEncore("resolve 'Jimin - FACE (EP)'" + store);
  EXPECT_TRUE(Has(r.out, "release:  face (FACE), ep of 2023-03-24, edition \"EP\" dropped"))
      << r.out;
  r = RunEncore("release 'FACE (EP)' --format json" + store);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out).value("id", ""), "face");
  EXPECT_EQ(RunEncore("release 'GOLDEN (Deluxe)'" + store).code, 0);

  // Chart claims accept all these spellings.
  AddOnePlay(tmp, tmp / "store", "t-seven");
  r = RunEncore(
      "check 'peak(billboard-200, release \"FACE (EP)\") = 2' "
      "'weeks_on_chart(billboard-200, release \"FACE\") = 3' "
      "'debut(billboard-200, release \"Jimin - FACE (EP)\") = 2' "
      "'weeks_on_chart(billboard-hot-100, song \"Jung Kook - Seven\") = 2' "
      "'weeks_at_no1(billboard-hot-100, track \"Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD) - Seven\") = "
      "1' "
      "'peak(billboard-hot-100, song \"IU (\xEC\x95\x84\xEC\x9D\xB4\xEC\x9C\xA0) - Palette\") = 50' "
      "'peak(billboard-hot-100, song \"Bell, Book & Candle - Rescue Me\") = 60' "
      "'weeks_on_chart(uk-singles, song \"HUNTR/X - GOLDEN\") = 2' "
      "'peak(uk-singles, song \"Calvin Harris - Outside\") = 30'" +
      store);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_FALSE(Has(r.out, "FALSE")) << r.out;
}

}  // namespace encore::test
