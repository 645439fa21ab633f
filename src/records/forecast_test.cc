// The forecast model on series whose answer is known by construction.
#include <gtest/gtest.h>

#include <cmath>

#include "encore/date.h"
#include "encore/records.h"

namespace encore {
namespace {

// A week's pattern (Monday first) whose mean is 1, and a series of `days` ending on as_of that
// changes by `weekly` a week: day i's streams = base * weekly^((i - last) / 7) * pattern.
const double kPattern[7] = {0.8, 0.9, 0.95, 1.0, 1.25, 1.1, 1.0};
std::vector<int64_t> Series(Day as_of, int days, double base, double weekly) {
  std::vector<int64_t> out;
  for (int i = 0; i < days; ++i) {
    const Day d = as_of - (days - 1 - i);
    const int wd = static_cast<int>(((d + 3) % 7 + 7) % 7);
    out.push_back(std::llround(base * std::pow(weekly, static_cast<double>(i - (days - 1)) / 7) *
                               kPattern[wd]));
  }
  return out;
}

TEST(Forecast, RecoversTheWeeklyChangeAndTheWeekdayPattern) {
  const Day as_of = DayFromCivil(2024, 6, 30);
  for (const double weekly : {0.9, 1.0, 1.05}) {
    const auto m = FitForecast(Series(as_of, 56, 1e6, weekly), as_of);
    ASSERT_TRUE(m.has_value());
    EXPECT_NEAR(m->weekly_change, weekly, 0.002) << weekly;
    EXPECT_LT(m->change_error, 0.021);  // an exact fit: the floor
    for (int w = 0; w < 7; ++w) EXPECT_NEAR(m->weekday[w], kPattern[w], 0.01) << w;
    EXPECT_EQ(m->days_used, 56);
  }
}

TEST(Forecast, AFlatPaceReachesAThresholdOnTheDayTheSumsSay) {
  // 1,000 a day every day: from 10,000 on as_of, 20,000 is reached 10 days later.
  const Day as_of = DayFromCivil(2024, 1, 10);
  const std::vector<int64_t> flat(28, 1000);
  const auto m = FitForecast(flat, as_of);
  ASSERT_TRUE(m.has_value());
  EXPECT_DOUBLE_EQ(m->weekly_change, 1.0);
  EXPECT_EQ(ForecastDate(*m, as_of, 10'000, 20'000, 1.0), as_of + 10);
  EXPECT_EQ(ForecastDate(*m, as_of, 20'000, 20'000, 1.0), as_of);  // reached already
  const Forecast f = ForecastMilestones(*m, as_of, 10'000, {20'000, 30'000});
  ASSERT_EQ(f.next.size(), 2u);
  EXPECT_EQ(f.next[1].expected, as_of + 20);
  // The interval holds the expected day.
  for (const auto& x : f.next) {
    ASSERT_TRUE(x.earliest && x.latest && x.expected);
    EXPECT_LE(*x.earliest, *x.expected);
    EXPECT_GE(*x.latest, *x.expected);
  }
}

TEST(Forecast, APaceThatFadesNeverReachesFarThresholds) {
  // Halving every week from 1,000 a day: about 7,000 * (1 + 1/2 + 1/4 + ...) < 14,000 more.
  const Day as_of = DayFromCivil(2024, 3, 3);
  const auto m = FitForecast(Series(as_of, 56, 1000, 0.5), as_of);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(ForecastDate(*m, as_of, 0, 1'000'000, m->weekly_change).has_value());
}

TEST(Forecast, TooFewDaysOrAQuietWeekGiveNoModel) {
  const Day as_of = DayFromCivil(2024, 3, 3);
  EXPECT_FALSE(FitForecast(std::vector<int64_t>(13, 100), as_of).has_value());
  std::vector<int64_t> quiet(28, 100);
  for (int i = 21; i < 28; ++i) quiet[static_cast<size_t>(i)] = 0;
  EXPECT_FALSE(FitForecast(quiet, as_of).has_value());
}

}  // namespace
}  // namespace encore
