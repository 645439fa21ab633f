// Name matching over the real chart files in ../shared/data: the same song printed by Billboard
// and by Spotify, under every spelling of its title and credit, gets one song key.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "catalog/names.h"
#include "shared_data.h"

namespace encore {
namespace {

// A minimal RFC 4180 split for the test, independent of the ingest parser.
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        out.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

struct Entry {
  std::string date, artist, title;
  int rank = 0;
};

// Every row of a chart CSV as (date, artist, title, rank), by column names.
std::vector<Entry> ReadChart(const std::filesystem::path& path, const std::string& date_col,
                             const std::string& artist_col, const std::string& title_col,
                             const std::string& rank_col, const std::string& fixed_date = "") {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // Spotify's byte-order mark
  const auto header = CsvFields(line);
  auto col = [&](const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  const int d = col(date_col), a = col(artist_col), t = col(title_col), r = col(rank_col);
  EXPECT_TRUE(a >= 0 && t >= 0 && r >= 0 && (d >= 0 || !fixed_date.empty())) << path;
  std::vector<Entry> out;
  while (std::getline(in, line)) {
    const auto f = CsvFields(line);
    if (static_cast<int>(f.size()) <= std::max({d, a, t, r})) continue;
    out.push_back({d >= 0 ? f[d] : fixed_date, f[a], f[t], std::atoi(f[r].c_str())});
  }
  return out;
}

// The normalised names of a credit, primary and featured.
std::set<std::string> Names(const std::string& credit, const std::string& title) {
  std::set<std::string> out;
  const Credit c = SplitCredit(credit);
  for (const auto& n : c.primary) out.insert(NormalizeName(n));
  for (const auto& n : c.featured) out.insert(NormalizeName(n));
  for (const auto& n : ParseTitle(title).featured) out.insert(NormalizeName(n));
  return out;
}

}  // namespace

// Every Spotify weekly entry (global 2016-2020, US 2021-2022, global 2022-2023) that is on the
// Hot 100 by a looser, independent test — the same title and at least one artist name in common —
// must have the song key of that Hot 100 song. The exceptions (under 1% of rows, listed when the
// test runs) are credits whose lead differs between the publishers (Spotify "Bruno Mars, Anderson
// .Paak, Silk Sonic", Billboard "Silk Sonic (Bruno Mars & Anderson .Paak)") and short names
// ("mgk") that only the catalog's aliases can join.
TEST(SongKey, BillboardAndSpotifyAgreeOnEverySong) {
  ENCORE_REQUIRE_SHARED_DATA(hot100, "billboard-hot-100/hot100_all_weeks.csv");
  ENCORE_REQUIRE_SHARED_DATA(spotify, "spotify-charts");
  // Hot 100 songs since 2016: title -> [(names, key)].
  std::map<std::string, std::vector<std::pair<std::set<std::string>, std::string>>> by_title;
  std::set<std::string> hot_keys;
  std::map<std::string, std::set<std::string>> golden_keys;  // HUNTR/X credit -> keys
  size_t hot_rows = 0;
  for (const Entry& e : ReadChart(hot100, "chart_date", "artist", "song", "this_week")) {
    ++hot_rows;
    if (e.title == "Golden" && e.artist.find("HUNTR") != std::string::npos)
      golden_keys[e.artist].insert(SongKey(e.artist, e.title));
    if (e.date < "2016-06-01") continue;
    const std::string key = SongKey(e.artist, e.title);
    if (hot_keys.insert(key).second)
      by_title[NormalizeName(ParseTitle(e.title).base)].emplace_back(Names(e.artist, e.title), key);
  }
  EXPECT_GT(hot_rows, 350000u);

  size_t spotify_rows = 0, on_hot100 = 0, agree = 0, curly = 0;
  std::set<std::string> disagreements;
  for (const auto& dir : std::filesystem::directory_iterator(spotify)) {
    for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
      const std::string name = file.path().stem().string();
      for (const Entry& e : ReadChart(file.path(), "", "artist_names", "track_name", "rank",
                                      name.substr(name.size() - 10))) {
        ++spotify_rows;
        auto it = by_title.find(NormalizeName(ParseTitle(e.title).base));
        if (it == by_title.end()) continue;
        const std::set<std::string> names = Names(e.artist, e.title);
        bool same_song = false, same_key = false;
        for (const auto& [hot_names, key] : it->second) {
          bool shared = false;
          for (const auto& n : names) shared = shared || hot_names.count(n);
          if (!shared) continue;
          same_song = true;
          same_key = same_key || key == SongKey(e.artist, e.title);
        }
        if (!same_song) continue;
        ++on_hot100;
        if (same_key) {
          ++agree;
          if (e.title.find("\xE2\x80\x99") != std::string::npos) ++curly;
        } else {
          disagreements.insert(e.artist + " - " + e.title);
        }
      }
    }
  }
  EXPECT_GT(spotify_rows, 60000u);
  std::string list;
  for (const auto& d : disagreements) list += "\n  " + d;
  std::printf(
      "Spotify rows %zu; on the Hot 100 by title and a shared artist %zu; same song key %zu "
      "(%.2f%%); %zu distinct disagreements:%s\n",
      spotify_rows, on_hot100, agree,
      100.0 * static_cast<double>(agree) / static_cast<double>(on_hot100), disagreements.size(),
      list.c_str());
  EXPECT_GT(on_hot100, 15000u);
  EXPECT_GE(static_cast<double>(agree), 0.985 * static_cast<double>(on_hot100)) << list;
  EXPECT_GT(curly, 0u);  // Spotify's curly apostrophes met Billboard's straight ones

  // "HUNTR/X, EJAE, Audrey Nuna & Rei Ami" and "HUNTR/X: EJAE, Audrey Nuna & REI AMI": one song.
  ASSERT_GE(golden_keys.size(), 2u);
  std::set<std::string> all;
  for (const auto& [credit, keys] : golden_keys) all.insert(keys.begin(), keys.end());
  EXPECT_EQ(all, std::set<std::string>{"golden|huntrx"});
}

// The spot facts of ../shared/data/README.md: "Seven" as Billboard prints it (Hot 100 dated
// 2023-07-29) and as Spotify prints it (global weekly 2023-07-20) is one song.
TEST(SongKey, SevenAsBothPublishersPrintIt) {
  ENCORE_REQUIRE_SHARED_DATA(hot100, "billboard-hot-100/hot100_all_weeks.csv");
  ENCORE_REQUIRE_SHARED_DATA(
      spotify, "spotify-charts/global-weekly-2022-2023/regional-global-weekly-2023-07-20.csv");
  std::string billboard, spotify_key;
  for (const Entry& e : ReadChart(hot100, "chart_date", "artist", "song", "this_week")) {
    if (e.date == "2023-07-29" && e.rank == 1) billboard = SongKey(e.artist, e.title);
  }
  for (const Entry& e :
       ReadChart(spotify, "", "artist_names", "track_name", "rank", "2023-07-20")) {
    if (e.rank == 1) {
      EXPECT_EQ(e.title, "Seven (feat. Latto) (Explicit Ver.)");
      spotify_key = SongKey(e.artist, e.title);
    }
  }
  EXPECT_EQ(billboard, "seven|jungkook");
  EXPECT_EQ(spotify_key, billboard);
}

// Billboard 200 albums keep their key across the two eras of files, whose columns and spellings
// differ: every album of the first 2021 chart (new files) that gives a last-week position has the
// key of the album at that position on the last 2020 chart (old files).
TEST(SongKey, Billboard200AcrossItsTwoFileEras) {
  ENCORE_REQUIRE_SHARED_DATA(old_era, "billboard-200/1967-2020/billboard-200-2020.csv");
  ENCORE_REQUIRE_SHARED_DATA(new_era, "billboard-200/2021-2026/2021/2021-01-02.csv");
  std::map<int, std::string> before;  // rank -> key
  for (const Entry& e : ReadChart(old_era, "date", "artist", "title", "current")) {
    if (e.date == "2020-12-26") before[e.rank] = SongKey(e.artist, e.title);
  }
  ASSERT_EQ(before.size(), 200u);
  std::ifstream in(new_era);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart");
  size_t returning = 0, same = 0;
  std::string differ;
  while (std::getline(in, line)) {
    const auto f = CsvFields(line);
    const int last = std::atoi(f[4].c_str());
    if (last < 1 || last > 200) continue;  // new or re-entering
    ++returning;
    if (before[last] == SongKey(f[3], f[2]))
      ++same;
    else
      differ += "\n  " + f[3] + " - " + f[2] + " vs " + before[last];
  }
  std::printf(
      "Billboard 200: %zu albums of 2021-01-02 were on the 2020-12-26 chart; %zu keep their "
      "key%s\n",
      returning, same, differ.c_str());
  EXPECT_GT(returning, 150u);
  EXPECT_EQ(same, returning) << differ;
}

// Lead artists whose names contain a comma, in every comma credit of the Hot 100 and the
// Billboard 200 (3,707 and 5,088 rows), against tests/credit_names_expect.py, which classifies
// them independently (acts judged by hand from the data): the lead's key is the whole name
// ("Tyler, The Creator Featuring Kali Uchis" -> tylerthecreator), and a list of artists ("Metro
// Boomin, The Weeknd & 21 Savage") is keyed by its first name. Every row right, printed.
TEST(CreditNames, CommaLeadsOnTheRealBillboardCharts) {
  ENCORE_REQUIRE_SHARED_DATA(hot100, "billboard-hot-100/hot100_all_weeks.csv");
  ENCORE_REQUIRE_SHARED_DATA(b200, "billboard-200");
  const auto out = std::filesystem::temp_directory_path() /
                   ("encore-credit-names-" + std::to_string(::getpid()) + ".tsv");
  const std::string cmd = "python3 '" + std::string(ENCORE_SOURCE_DIR) +
                          "/tests/credit_names_expect.py' '" + hot100.string() + "' '" +
                          b200.string() + "' > '" + out.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(out);
  std::map<std::string, std::pair<size_t, size_t>> by;  // chart/class -> rows right, wrong
  std::string wrong, line;
  size_t credits = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, '\t');) f.push_back(x);
    ASSERT_EQ(f.size(), 5u) << line;
    ++credits;
    const size_t rows = std::stoul(f[2]);
    auto& [right, bad] = by[f[0] + " " + f[1]];
    if (LeadKey(f[4]) == f[3]) {
      right += rows;
    } else {
      bad += rows;
      wrong += "\n  " + f[0] + " " + f[4] + ": " + LeadKey(f[4]) + ", want " + f[3];
    }
  }
  std::filesystem::remove(out);
  std::printf("Comma credits (%zu distinct), rows with the right lead key:\n", credits);
  for (const auto& [what, n] : by)
    std::printf("  %-22s %6zu right, %zu wrong\n", what.c_str(), n.first, n.second);
  std::printf("%s\n", wrong.c_str());
  EXPECT_EQ(by["hot100 comma-lead-co"].first, 189u);  // 185 "The", 4 "the" Tyler rows included
  EXPECT_GT(by["hot100 list"].first, 2000u);
  EXPECT_GT(by["b200 comma-lead"].first, 4000u);
  for (const auto& [what, n] : by) EXPECT_EQ(n.second, 0u) << what << wrong;
}

// Every well-known name that SplitCredit keeps whole is printed whole, as a credit of its own, on
// the Hot 100 or the Billboard 200: the list is learned from the data.
TEST(CreditNames, KnownNamesAreCreditsOfTheirOwnInTheData) {
  ENCORE_REQUIRE_SHARED_DATA(hot100, "billboard-hot-100/hot100_all_weeks.csv");
  ENCORE_REQUIRE_SHARED_DATA(b200, "billboard-200");
  std::set<std::string> solo;  // keys of whole credits
  for (const Entry& e : ReadChart(hot100, "chart_date", "artist", "song", "this_week"))
    solo.insert(NormalizeName(e.artist));
  for (const auto& f : std::filesystem::recursive_directory_iterator(b200)) {
    if (f.path().extension() != ".csv") continue;
    const bool old_era = f.path().string().find("1967-2020") != std::string::npos;
    for (const Entry& e : ReadChart(f.path(), old_era ? "date" : "chart_week",
                                    old_era ? "artist" : "performer", "title",
                                    old_era ? "current" : "current_week"))
      solo.insert(NormalizeName(e.artist));
  }
  for (const std::string& key : KnownCreditNames()) EXPECT_TRUE(solo.count(key)) << key;
}

// UK credits join artists with "/": each artist of each credit of the UK singles and albums is
// a name of its own (searchable by `chart run --artist`), and the names with a "/" of their own
// stay whole ("HUNTR/X"), so "GOLDEN" is one song on the UK chart and the Hot 100.
TEST(CreditNames, UkSlashCreditsNameEachArtist) {
  ENCORE_REQUIRE_SHARED_DATA(singles, "uk/uk_singles_2025_2026.csv");
  ENCORE_REQUIRE_SHARED_DATA(albums, "uk/uk_albums_2025_2026.csv");
  size_t rows = 0, split = 0;
  std::set<std::string> whole, golden;
  for (const auto& path : {singles, albums}) {
    for (const Entry& e : ReadChart(path, "chart_date", "artist", "title", "position")) {
      if (e.artist.find('/') == std::string::npos) continue;
      ++rows;
      const Credit c = SplitCredit(e.artist);
      const size_t slashes = static_cast<size_t>(std::count(e.artist.begin(), e.artist.end(), '/'));
      size_t kept = 0;
      for (const auto& n : c.primary) {
        if (n.find('/') != std::string::npos) whole.insert(n);
        kept += static_cast<size_t>(std::count(n.begin(), n.end(), '/'));
        EXPECT_FALSE(n.empty());
      }
      if (kept < slashes) ++split;
      if (e.title.find("GOLDEN") != std::string::npos && e.artist.find("HUNTR") != std::string::npos)
        golden.insert(SongKey(e.artist, e.title));
    }
  }
  std::printf("UK rows with a \"/\" in the credit: %zu; split into artists: %zu; kept whole:",
              rows, split);
  for (const auto& n : whole) std::printf(" %s", n.c_str());
  std::printf("\n");
  EXPECT_GT(rows, 350u);
  EXPECT_EQ(whole, std::set<std::string>{"HUNTR/X"});
  EXPECT_EQ(split, rows);  // every one names two artists or more
  EXPECT_EQ(golden, std::set<std::string>{"golden|huntrx"});
  const Credit calvin = SplitCredit("CALVIN HARRIS/DOUGLAS");
  EXPECT_EQ(calvin.primary, (std::vector<std::string>{"CALVIN HARRIS", "DOUGLAS"}));
}

}  // namespace encore
