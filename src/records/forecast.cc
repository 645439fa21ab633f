// Milestone forecasts (doc/records.md, "Forecasts"): when an entity's running total will reach
// its next thresholds, from its recent daily streams.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "encore/records.h"

namespace encore {
namespace {

constexpr int kWeeksUsed = 8;             // the model reads at most the last 8 weeks
constexpr int kHorizonDays = 10 * 366;    // past this a milestone is "not on pace"
constexpr double kZ90 = 1.6448536269514722;  // two-sided 90 % interval of a normal
constexpr double kLeastChange = 0.2, kMostChange = 2.0;  // a week's streams against the week before

int Weekday(Day d) { return static_cast<int>(((d + 3) % 7 + 7) % 7); }  // Monday 0 (1970-01-01: Thursday)

}  // namespace

std::optional<ForecastModel> FitForecast(const std::vector<int64_t>& all_days, Day as_of) {
  ForecastModel m;
  for (double& f : m.weekday) f = 1;
  // The entity's own days: from its first day with streams (days before it are not a quiet
  // start but no song yet), in whole weeks ending on as_of.
  size_t first = 0;
  while (first < all_days.size() && all_days[first] <= 0) ++first;
  const std::vector<int64_t> daily(all_days.begin() + static_cast<ptrdiff_t>(first), all_days.end());
  const int weeks = static_cast<int>(std::min<size_t>(daily.size() / 7, kWeeksUsed));
  if (weeks < 2) return std::nullopt;  // fewer than 14 days: no trend to read
  // Whole weeks ending on as_of, latest first.
  std::vector<double> week(static_cast<size_t>(weeks), 0);
  for (int k = 0; k < weeks; ++k) {
    for (int j = 0; j < 7; ++j) {
      week[static_cast<size_t>(k)] +=
          static_cast<double>(daily[daily.size() - 1 - static_cast<size_t>(7 * k + j)]);
    }
  }
  if (week[0] <= 0) return std::nullopt;  // nothing in the last week: no pace
  // The decay: a least-squares line through the logarithms of the weekly totals (weeks with
  // streams only), its slope the log of a week's change; its standard error makes the interval.
  std::vector<std::pair<double, double>> points;  // (week index, ascending in time; ln total)
  for (int k = weeks - 1; k >= 0; --k) {
    if (week[static_cast<size_t>(k)] > 0) {
      points.emplace_back(static_cast<double>(-k), std::log(week[static_cast<size_t>(k)]));
    }
  }
  double slope = 0, error = 0.1;
  if (points.size() >= 2) {
    double mx = 0, my = 0;
    for (const auto& [x, y] : points) {
      mx += x;
      my += y;
    }
    mx /= static_cast<double>(points.size());
    my /= static_cast<double>(points.size());
    double sxx = 0, sxy = 0;
    for (const auto& [x, y] : points) {
      sxx += (x - mx) * (x - mx);
      sxy += (x - mx) * (y - my);
    }
    slope = sxx > 0 ? sxy / sxx : 0;
    if (points.size() >= 3) {
      double sse = 0;
      for (const auto& [x, y] : points) {
        const double r = y - (my + slope * (x - mx));
        sse += r * r;
      }
      error = std::sqrt(sse / static_cast<double>(points.size() - 2) / sxx);
    }
  }
  // The weekday pattern: each day's share of its week, the trend taken out (a day k days before
  // as_of divided by the fitted change over k/7 weeks), averaged per weekday over the weeks with
  // streams, scaled to average 1.
  const double per_day = std::pow(std::exp(slope), 1.0 / 7);
  double share[7] = {0, 0, 0, 0, 0, 0, 0};
  int counted = 0;
  for (int k = 0; k < weeks; ++k) {
    if (week[static_cast<size_t>(k)] <= 0) continue;
    double flat[7], mean = 0;
    for (int j = 0; j < 7; ++j) {
      const int back = 7 * k + j;
      flat[j] = static_cast<double>(daily[daily.size() - 1 - static_cast<size_t>(back)]) *
                std::pow(per_day, back);
      mean += flat[j] / 7;
    }
    ++counted;
    for (int j = 0; j < 7; ++j) share[Weekday(as_of - 7 * k - j)] += flat[j] / mean;
  }
  double sum = 0;
  for (int w = 0; w < 7; ++w) sum += share[w];
  if (counted > 0 && sum > 0) {
    for (int w = 0; w < 7; ++w) m.weekday[w] = share[w] * 7 / sum;
  }
  m.weekly_change = std::clamp(std::exp(slope), kLeastChange, kMostChange);
  m.change_error = std::max(error, 0.02);
  // The level: the last week's daily mean, which stands for the middle of that week (3 days
  // before as_of).
  m.level = week[0] / 7;
  m.days_used = 7 * weeks;
  return m;
}

std::string WhyNoForecast(const std::vector<int64_t>& daily, Day as_of) {
  size_t first = 0;
  while (first < daily.size() && daily[first] <= 0) ++first;
  if (first == daily.size()) return "no streams in the 8 weeks to " + FormatDate(as_of);
  int64_t last_week = 0;
  for (size_t i = daily.size() >= 7 ? daily.size() - 7 : 0; i < daily.size(); ++i) last_week += daily[i];
  if (last_week <= 0) return "no streams in the 7 days to " + FormatDate(as_of);
  return std::to_string(daily.size() - first) + " days of streams to " + FormatDate(as_of) +
         " (at least 14 are needed)";
}

std::optional<Day> ForecastDate(const ForecastModel& m, Day as_of, int64_t total, int64_t threshold,
                                double weekly_change) {
  if (total >= threshold) return as_of;
  double running = static_cast<double>(total);
  const double per_day = std::pow(weekly_change, 1.0 / 7);
  double pace = m.level * std::pow(per_day, 3);  // the day after as_of, before its weekday
  for (int j = 1; j <= kHorizonDays; ++j) {
    running += pace * m.weekday[Weekday(as_of + j)];
    if (running >= static_cast<double>(threshold)) return as_of + j;
    pace *= per_day;
    if (pace * 7 < 1e-3) break;  // faded away
  }
  return std::nullopt;
}

Forecast ForecastMilestones(const ForecastModel& m, Day as_of, int64_t total,
                            const std::vector<int64_t>& thresholds) {
  Forecast f;
  f.as_of = as_of;
  f.total = total;
  f.model = m;
  const double slow = m.weekly_change * std::exp(-kZ90 * m.change_error);
  const double fast = m.weekly_change * std::exp(kZ90 * m.change_error);
  for (const int64_t t : thresholds) {
    MilestoneForecast x;
    x.threshold = t;
    x.expected = ForecastDate(m, as_of, total, t, m.weekly_change);
    x.earliest = ForecastDate(m, as_of, total, t, std::min(fast, kMostChange));
    x.latest = ForecastDate(m, as_of, total, t, std::max(slow, kLeastChange));
    f.next.push_back(x);
  }
  return f;
}

Result<std::vector<std::vector<int64_t>>> EntitySeries(const CountStore& store,
                                                       const RecordsUniverse& u,
                                                       const std::vector<uint32_t>& entities,
                                                       Day from, Day to,
                                                       const std::optional<std::string>& service) {
  std::vector<std::vector<int64_t>> out(entities.size(),
                                        std::vector<int64_t>(static_cast<size_t>(to - from + 1), 0));
  if (to < from) return out;
  std::vector<int32_t> slot(u.size(), -1);
  for (size_t i = 0; i < entities.size(); ++i) slot[entities[i]] = static_cast<int32_t>(i);
  for (const Day day : store.Days()) {
    if (day < from || day > to) continue;
    ENCORE_ASSIGN_OR_RETURN(DayTotals t, ReadDayTotals(store, day, service));
    for (size_t k = 0; k < t.tracks.size(); ++k) {
      const uint32_t track = t.tracks[k];
      if (track >= u.store_tracks()) continue;
      auto add = [&](uint32_t e) {
        const int32_t s = slot[e];
        if (s < 0) return;
        // A week's figure (chart streams) spread over its days, the remainder on its last.
        const int64_t each = t.streams[k] / t.span;
        for (int j = 0; j < t.span; ++j) {
          const Day d = day - j;
          if (d < from) break;
          out[static_cast<size_t>(s)][static_cast<size_t>(d - from)] +=
              each + (j == 0 ? t.streams[k] - each * t.span : 0);
        }
      };
      add(u.TrackEntity(track));
      for (const uint32_t* e = u.ExtrasBegin(track); e != u.ExtrasEnd(track); ++e) add(*e);
    }
  }
  return out;
}

Result<EntityForecast> ForecastEntity(const CountStore& store, const RecordsState& state, uint32_t e,
                                      Day as_of, const std::optional<std::string>& service,
                                      std::vector<int64_t> thresholds, int64_t step, int count) {
  EntityForecast out;
  const std::vector<Day> days = store.Days();
  if (days.empty() || !state.last_day) {
    out.why_not = "the store has no streams";
    return out;
  }
  // The last 8 weeks; the total from the state at its last day, else summed from the first.
  const bool last = as_of == *state.last_day;
  const Day from = last ? as_of - (7 * kWeeksUsed - 1) : days.front();
  ENCORE_ASSIGN_OR_RETURN(auto series, EntitySeries(store, state.universe, {e}, from, as_of, service));
  std::vector<int64_t>& s = series[0];
  out.total = last ? state.totals[e] : 0;
  if (!last) {
    for (const int64_t v : s) out.total += v;
  }
  if (s.size() > 7 * kWeeksUsed) s.erase(s.begin(), s.end() - 7 * kWeeksUsed);
  const auto m = FitForecast(s, as_of);
  if (!m) {
    out.why_not = WhyNoForecast(s, as_of);
    return out;
  }
  if (thresholds.empty() && step > 0) {
    for (int64_t t = (out.total / step + 1) * step;
         static_cast<int>(thresholds.size()) < count && t > 0 && t < INT64_MAX - step; t += step) {
      thresholds.push_back(t);
    }
  }
  out.forecast = ForecastMilestones(*m, as_of, out.total, thresholds);
  return out;
}

Result<std::vector<BacktestRow>> BacktestForecasts(const CountStore& store, const RecordsState& state,
                                                   const RecordsSettings& settings,
                                                   const std::vector<int>& horizons) {
  std::vector<BacktestRow> rows;
  const std::vector<Day> days = store.Days();
  if (days.empty()) return rows;
  const Day first = days.front(), last = days.back();
  // The all-time crossings of every entity, and the entities that have one.
  std::vector<uint32_t> entities;
  std::vector<int32_t> slot(state.universe.size(), -1);
  for (const Crossing& x : state.crossings) {
    if (x.year != 0 || slot[x.entity] >= 0) continue;
    slot[x.entity] = static_cast<int32_t>(entities.size());
    entities.push_back(x.entity);
  }
  ENCORE_ASSIGN_OR_RETURN(auto series,
                          EntitySeries(store, state.universe, entities, first, last, settings.service));
  for (const int h : horizons) {
    BacktestRow row;
    row.horizon = h;
    std::vector<double> errors, signed_errors;
    for (const Crossing& x : state.crossings) {
      if (x.year != 0) continue;
      // The last counted day h days before the crossing: a week's figure (chart streams) is
      // known on the week's last day, so a forecast made within a week reads up to the week
      // before, and no figure of a later week (spread over its days) reaches back before it.
      auto at = std::upper_bound(days.begin(), days.end(), x.day - h);
      if (at == days.begin()) continue;
      const Day as_of = *std::prev(at);
      if (as_of - first + 1 < 14) continue;  // too little before it to forecast from
      const std::vector<int64_t>& s = series[static_cast<size_t>(slot[x.entity])];
      const size_t n = static_cast<size_t>(as_of - first + 1);
      int64_t total = 0;
      for (size_t i = 0; i < n; ++i) total += s[i];
      if (total >= x.threshold) continue;  // (a figure spread back from a later week)
      const size_t from = n > static_cast<size_t>(7 * kWeeksUsed) ? n - 7 * kWeeksUsed : 0;
      const std::vector<int64_t> recent(s.begin() + static_cast<ptrdiff_t>(from),
                                        s.begin() + static_cast<ptrdiff_t>(n));
      const auto m = FitForecast(recent, as_of);
      if (!m) continue;
      ++row.cases;
      const auto when = ForecastDate(*m, as_of, total, x.threshold, m->weekly_change);
      if (!when) {
        ++row.not_on_pace;
        continue;
      }
      const double e = static_cast<double>(*when - x.day);
      signed_errors.push_back(e);
      errors.push_back(std::fabs(e));
    }
    auto quantile = [](std::vector<double> v, double q) {
      if (v.empty()) return 0.0;
      std::sort(v.begin(), v.end());
      const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
      return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
    };
    row.median_error = quantile(errors, 0.5);
    row.p90_error = quantile(errors, 0.9);
    row.median_signed = quantile(signed_errors, 0.5);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace encore
