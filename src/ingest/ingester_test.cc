// Ingest under a memory budget: a high-cardinality play log (and daily totals) read in small
// blocks with a budget that forces records into the spill file many times must count exactly
// what an ingest with everything in memory counts, cap state included, and leave no file behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "encore/ingest.h"
#include "encore/simulate.h"
#include "encore/store.h"

namespace encore {
namespace {

std::filesystem::path Fresh(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("encore-ingester-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

using CountKey = std::tuple<uint64_t, int, int64_t>;
using CapKey = std::tuple<uint64_t, uint64_t, uint16_t, uint16_t>;

struct Stored {
  std::map<Day, std::vector<CountKey>> counts;
  std::map<Day, std::vector<CapKey>> state;
  std::vector<std::string> tracks;
  SourceSummary summary;
};


Stored IngestWith(const std::filesystem::path& dir, const std::vector<std::string>& files,
                  size_t memory_bytes, size_t block_bytes, const std::string& spill_dir) {
  auto store = OpenLocalStore((dir / "store").string(), {});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  IngestOptions o;
  o.memory_bytes = memory_bytes;
  o.block_bytes = block_bytes;
  o.spill_dir = spill_dir;
  o.now_ms = int64_t{DayFromCivil(2024, 3, 1)} * 86400000;
  auto report = IngestFiles(store->get(), files, o);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  Stored out;
  for (const FileOutcome& f : report->files) {
    EXPECT_EQ(f.state, FileOutcome::State::kIngested) << f.error.ToString();
    out.summary.Add(f.source.summary);
  }
  for (Day d : (*store)->Days()) {
    const auto rows = (*store)->ReadCounts(d);
    const auto state = (*store)->ReadCapState(d);
    EXPECT_TRUE(rows.ok() && state.ok());
    for (const CountRow& r : *rows)
      out.counts[d].emplace_back(r.cell, static_cast<int>(r.tier), r.streams);
    for (const CapEntry& e : *state) out.state[d].emplace_back(e.cell, e.user, e.premium, e.free);
  }
  out.tracks = (*store)->tracks();
  return out;
}

TEST(Ingester, ABudgetThatSpillsCountsWhatMemoryCounts) {
  const auto dir = Fresh("spill");
  SimulateOptions so;
  so.plays = 200000;
  so.days = 9;
  so.seed = 15;
  so.users = 50000;
  so.tracks = 40000;
  so.popularity = 1;
  so.user_skew = 1;
  so.bot_share = 0.02;
  so.skip_share = 0.25;
  so.out = (dir / "plays.csv").string();
  ASSERT_TRUE(Simulate(so).ok());
  // Daily totals of a few tracks over the same days, so that totals are spilled too.
  {
    std::ofstream t(dir / "totals.csv");
    t << "date,country,track,streams,tier\n";
    for (int d = 1; d <= 9; ++d)
      for (int k = 0; k < 3000; ++k)
        t << "2024-01-0" << d << ",SE,TOTAL" << k << "," << (k * 7 + d) % 1000 << ",premium\n";
  }
  const std::vector<std::string> files = {(dir / "plays.csv").string(),
                                          (dir / "totals.csv").string()};
  const auto spill_dir = dir / "spill";
  std::filesystem::create_directories(spill_dir);
  const Stored whole =
      IngestWith(dir / "a", files, size_t{1} << 30, size_t{8} << 20, spill_dir.string());
  const Stored spilled =
      IngestWith(dir / "b", files, size_t{16} << 10, size_t{64} << 10, spill_dir.string());
  ASSERT_GT(whole.counts.size(), 8u);
  EXPECT_EQ(whole.summary.streams, spilled.summary.streams);
  EXPECT_EQ(whole.summary.counted, spilled.summary.counted);
  EXPECT_EQ(whole.summary.capped, spilled.summary.capped);
  EXPECT_GT(whole.summary.capped, 0u);
  EXPECT_EQ(whole.tracks, spilled.tracks);
  EXPECT_TRUE(whole.counts == spilled.counts);
  EXPECT_TRUE(whole.state == spilled.state);
  size_t kept = 0;
  for (const auto& [d, entries] : whole.state) kept += entries.size();
  EXPECT_GT(kept, 1000u);  // open days keep their cap state
  // The spill file had no name: nothing is left in its folder.
  EXPECT_TRUE(std::filesystem::is_empty(spill_dir));
  std::filesystem::remove_all(dir);
}

TEST(Ingester, ASpillFolderThatCannotBeWrittenStopsTheRunWithItsName) {
  // A file that cannot be set aside stops the run, not only itself: a later file must not seal
  // days the failed one still has to count.
  const auto dir = Fresh("nospill");
  for (const char* name : {"plays.csv", "later.csv"}) {
    std::ofstream p(dir / name);
    p << "ts,user,track,ms_played,country,tier\n";
    const char* day = std::string(name) == "plays.csv" ? "2024-01-01" : "2024-01-20";
    for (int i = 0; i < 20000; ++i)
      p << day << "T10:00:00Z,u" << i << ",T" << i % 5000 << ",60000,SE,premium\n";
  }
  auto store = OpenLocalStore((dir / "store").string(), {});
  ASSERT_TRUE(store.ok());
  IngestOptions o;
  o.memory_bytes = 1024;
  o.block_bytes = 64 << 10;
  o.spill_dir = (dir / "no-such-folder").string();
  o.now_ms = int64_t{DayFromCivil(2024, 3, 1)} * 86400000;
  auto report =
      IngestFiles(store->get(), {(dir / "plays.csv").string(), (dir / "later.csv").string()}, o);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("no-such-folder"), std::string::npos)
      << report.status().message();
  EXPECT_TRUE((*store)->Days().empty());
  EXPECT_FALSE((*store)->sealed_before().has_value());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace encore
