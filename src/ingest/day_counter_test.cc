#include "ingest/day_counter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "encore/keys.h"

namespace encore {
namespace {

PlayRec Play(uint32_t track, uint64_t user, bool free) {
  return {MakeCell(0, track, 100), (user << 1) | (free ? 1 : 0)};
}

int64_t Streams(const std::vector<CountRow>& rows, uint32_t track, Tier tier) {
  for (const auto& r : rows) {
    if (CellTrack(r.cell) == track && r.tier == tier) return r.streams;
  }
  return 0;
}

}  // namespace

TEST(CountDay, CapsEachListenerPerCell) {
  std::vector<PlayRec> plays;
  for (int i = 0; i < 25; ++i) plays.push_back(Play(1, 7, false));  // a bot
  for (int i = 0; i < 3; ++i) plays.push_back(Play(1, 8, false));
  std::vector<TotalRec> totals;
  const DayCountResult r = CountDay(&plays, &totals, {}, {}, 10, true);
  EXPECT_EQ(Streams(r.counts, 1, Tier::kPremium), 13);
  EXPECT_EQ(r.counted, 13u);
  EXPECT_EQ(r.capped, 15u);
  ASSERT_EQ(r.state.size(), 2u);
  EXPECT_EQ(r.state[0].premium, 10);  // saturated at the cap
}

TEST(CountDay, PremiumCountsFirstWhicheverArrivesFirst) {
  // 8 free streams, then 8 premium: the cap of 10 holds 8 premium and 2 free.
  std::vector<PlayRec> first(8, Play(1, 7, true)), second(8, Play(1, 7, false)), none;
  std::vector<TotalRec> totals;
  DayCountResult a = CountDay(&first, &totals, {}, {}, 10, true);
  EXPECT_EQ(Streams(a.counts, 1, Tier::kFree), 8);
  DayCountResult b = CountDay(&second, &totals, a.counts, a.state, 10, true);
  EXPECT_EQ(Streams(b.counts, 1, Tier::kPremium), 8);
  EXPECT_EQ(Streams(b.counts, 1, Tier::kFree), 2);
  EXPECT_EQ(a.counted + b.counted, 10u);
  EXPECT_EQ(a.capped + b.capped, 6u);
}

TEST(CountDay, SplittingPlaysAcrossBatchesGivesTheSameCounts) {
  std::mt19937_64 rng(42);
  std::vector<PlayRec> all;
  for (int i = 0; i < 20000; ++i) {
    all.push_back(Play(static_cast<uint32_t>(rng() % 20), rng() % 50, rng() % 3 == 0));
  }
  std::vector<TotalRec> totals;
  std::vector<PlayRec> whole = all;
  const DayCountResult once = CountDay(&whole, &totals, {}, {}, 10, false);
  std::shuffle(all.begin(), all.end(), rng);
  std::vector<CountRow> counts;
  std::vector<CapEntry> state;
  uint64_t counted = 0, capped = 0;
  for (size_t start = 0; start < all.size(); start += 3001) {
    std::vector<PlayRec> part(all.begin() + static_cast<long>(start),
                              all.begin() + static_cast<long>(std::min(all.size(), start + 3001)));
    DayCountResult r = CountDay(&part, &totals, counts, state, 10, true);
    counts = r.counts;
    state = r.state;
    counted += r.counted;
    capped += r.capped;
  }
  ASSERT_EQ(counts.size(), once.counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i].cell, once.counts[i].cell);
    EXPECT_EQ(counts[i].tier, once.counts[i].tier);
    EXPECT_EQ(counts[i].streams, once.counts[i].streams);
  }
  EXPECT_EQ(counted, once.counted);
  EXPECT_EQ(capped, once.capped);
}

TEST(CountDay, TotalsAddWithoutCap) {
  std::vector<PlayRec> plays;
  std::vector<TotalRec> totals = {{MakeCell(0, 3, kGlobalCountry), 1000000, 2},
                                  {MakeCell(0, 3, kGlobalCountry), 5, 2}};
  const DayCountResult r = CountDay(&plays, &totals, {}, {}, 10, true);
  ASSERT_EQ(r.counts.size(), 1u);
  EXPECT_EQ(r.counts[0].streams, 1000005);
  EXPECT_EQ(r.counts[0].tier, Tier::kUnknown);
}

TEST(SortPlays, SortsByCellThenUser) {
  std::mt19937_64 rng(7);
  std::vector<PlayRec> v(5000);
  for (auto& p : v) p = {rng() & 0x7fffffffffffULL, rng()};
  SortPlays(&v);
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end(), [](const PlayRec& a, const PlayRec& b) {
    return a.cell != b.cell ? a.cell < b.cell : a.user < b.user;
  }));
}

}  // namespace encore
