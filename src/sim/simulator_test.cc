#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "encore/catalog.h"
#include "encore/simulate.h"

namespace encore {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Make(const std::string& name, uint64_t seed, SimulateOptions o = {}) {
  const std::string path =
      (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".csv"))
          .string();
  o.plays = 50000;
  o.days = 7;
  o.seed = seed;
  o.out = path;
  EXPECT_TRUE(Simulate(o).ok());
  std::string text = Slurp(path);
  std::filesystem::remove(path);
  return text;
}

}  // namespace

TEST(Simulate, SameOptionsSameBytes) {
  const std::string a = Make("sim-a", 3), b = Make("sim-b", 3), c = Make("sim-c", 4);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Simulate, HasTheShapeTheCountingRuleNeeds) {
  std::stringstream ss(Make("sim-shape", 3));
  std::string line;
  std::getline(ss, line);
  EXPECT_EQ(line, "ts,user,track,ms_played,country,tier");
  size_t n = 0, short_plays = 0, at_30s = 0, offsets = 0;
  std::map<std::string, size_t> per_user_track_day;
  std::map<std::string, size_t> countries;
  while (std::getline(ss, line)) {
    ++n;
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string field;
    while (std::getline(ls, field, ',')) f.push_back(field);
    ASSERT_EQ(f.size(), 6u) << line;
    const long ms = std::stol(f[3]);
    short_plays += ms < 30000;
    at_30s += ms == 30000;
    offsets += f[0].back() != 'Z';
    ++per_user_track_day[f[0].substr(0, 10) + f[1] + f[2]];
    ++countries[f[4]];
  }
  EXPECT_EQ(n, 50000u);
  EXPECT_NEAR(static_cast<double>(short_plays) / static_cast<double>(n), 0.245, 0.02);
  EXPECT_GT(at_30s, 50u);
  EXPECT_GT(offsets, 100u);  // some lines carry a local offset instead of Z
  EXPECT_GE(countries.size(), 60u);
  size_t max_replays = 0;
  for (const auto& [k, v] : per_user_track_day) max_replays = std::max(max_replays, v);
  EXPECT_GT(max_replays, 100u);  // a bot replays one track hundreds of times a day
}

// The high-cardinality shape of issue 15: many listeners played evenly, a long Zipf(1) tail of
// tracks, a quarter skipped, 2 % bots: nearly every (day, user, track, country) key distinct.
TEST(Simulate, HighCardinalityShape) {
  SimulateOptions o;
  o.users = 200000;
  o.tracks = 100000;
  o.popularity = 1.0;
  o.user_skew = 1.0;
  o.bot_share = 0.02;
  o.skip_share = 0.25;
  std::stringstream ss(Make("sim-hc", 5, o));
  std::string line;
  std::getline(ss, line);
  size_t n = 0, short_plays = 0;
  std::map<std::string, size_t> keys, tracks, users;
  while (std::getline(ss, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string field;
    while (std::getline(ls, field, ',')) f.push_back(field);
    ASSERT_EQ(f.size(), 6u) << line;
    ++n;
    ++tracks[f[2]];
    ++users[f[1]];
    if (std::stol(f[3]) < 30000) {
      ++short_plays;
      continue;
    }
    ++keys[f[0].substr(0, 10) + f[1] + f[2] + f[4]];
  }
  EXPECT_NEAR(static_cast<double>(short_plays) / static_cast<double>(n), 0.25, 0.02);
  const double streams = static_cast<double>(n - short_plays);
  EXPECT_GT(static_cast<double>(keys.size()) / streams, 0.9);  // nearly every key distinct
  EXPECT_GT(users.size(), 40000u);                               // 50k plays over 200k listeners
  EXPECT_GT(tracks.size(), 10000u);                              // the long tail is played
  // Zipf(1): the most played track has about 1/H(100000) = 8 % of the non-bot plays.
  size_t top = 0;
  for (const auto& [k, v] : tracks) top = std::max(top, v);
  EXPECT_GT(top, 2000u);
  SimulateOptions too_many;
  too_many.out = "/dev/null";
  too_many.tracks = 8'000'000;
  EXPECT_FALSE(Simulate(too_many).ok());
}

}  // namespace encore

namespace encore {

// Daily totals with their catalog: deterministic, a catalog that loads without a problem, and one
// GLOBAL row per track and day from its release (checked against releases.csv).
TEST(SimulateDailyTotals, RowsFollowTheCatalogsReleaseDates) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("encore-sim-totals-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  SimulateTotalsOptions o;
  o.tracks = 57;
  o.days = 40;
  o.start = DayFromCivil(2024, 2, 20);
  o.out = (dir / "a.csv").string();
  o.catalog_out = (dir / "catalog").string();
  std::filesystem::create_directories(dir);
  auto r = SimulateDailyTotals(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->artists, 6u);
  EXPECT_EQ(r->releases, 12u);
  SimulateTotalsOptions again = o;
  again.out = (dir / "b.csv").string();
  again.catalog_out.clear();
  ASSERT_TRUE(SimulateDailyTotals(again).ok());
  EXPECT_EQ(Slurp(o.out), Slurp(again.out));
  std::vector<CatalogIssue> issues;
  auto catalog = Catalog::Load(o.catalog_out, &issues);
  ASSERT_TRUE(catalog.ok()) << (issues.empty() ? catalog.status().message() : issues[0].ToString());
  EXPECT_EQ(catalog->tracks().size(), 57u);
  EXPECT_EQ(catalog->artists().size(), 6u);

  // releases.csv: release_id,title,type,date,artists; tracks.csv: track_id,...,release_id,...
  std::map<std::string, std::string> released, release_of;
  std::istringstream rel(Slurp(o.catalog_out + "/releases.csv")), trk(Slurp(o.catalog_out + "/tracks.csv"));
  std::string line;
  std::getline(rel, line);
  auto fields = [](const std::string& text) {
    std::vector<std::string> f;
    std::stringstream ss(text);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    f.resize(std::max<size_t>(f.size(), 5));  // (a trailing empty field)
    return f;
  };
  while (std::getline(rel, line)) {
    const auto f = fields(line);
    released[f[0]] = f[3];
  }
  std::getline(trk, line);
  while (std::getline(trk, line)) {
    const auto f = fields(line);
    release_of[f[0]] = f[3];
  }
  ASSERT_EQ(release_of.size(), 57u);
  std::istringstream rows(Slurp(o.out));
  std::getline(rows, line);
  EXPECT_EQ(line, "date,country,track,streams,tier");
  uint64_t n = 0;
  std::map<std::string, int> days_of;
  while (std::getline(rows, line)) {
    ++n;
    const auto f = fields(line);
    EXPECT_EQ(f[1], "GLOBAL");
    ASSERT_TRUE(release_of.count(f[2])) << line;
    EXPECT_GE(f[0], released[release_of[f[2]]]) << line;  // ISO dates compare as text
    EXPECT_GT(std::stoll(f[3]), 0);
    ++days_of[f[2]];
  }
  EXPECT_EQ(n, r->rows);
  // Every track has a row on every day from max(release, start) to the end.
  const std::string start = FormatDate(o.start);
  for (const auto& [track, release] : release_of) {
    const std::string from = std::max(released[release], start);
    const Day first = *ParseDate(from);
    const int want = std::max(0, static_cast<int>(o.start + o.days - first));
    EXPECT_EQ(days_of[track], want) << track;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace encore
