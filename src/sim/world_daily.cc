// Daily totals of a world's tracks, shaped to tell given stories (SimulateWorldDaily).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/byte_source.h"
#include "common/strings.h"
#include "encore/simulate.h"

namespace encore {

namespace {

// Store markets for launches, biggest first.
constexpr const char* kStoreCountries[] = {
    "US", "GB", "JP", "KR", "DE", "FR", "CA", "AU", "BR", "MX", "ES", "IT", "NL", "SE", "NO", "DK",
    "FI", "BE", "AT", "CH", "PT", "IE", "NZ", "ZA", "NG", "EG", "MA", "KE", "SA", "AE", "IL", "TH",
    "VN", "MY", "SG", "TW", "HK", "PH", "ID", "IN", "PK", "LK", "BD", "NP", "KH", "LA", "MN", "KZ",
    "UZ", "TR", "RU", "UA", "PL", "CZ", "SK", "HU", "RO", "BG", "GR", "HR", "SI", "RS", "BA", "MK",
    "AL", "EE", "LV", "LT", "LU", "MT", "CY", "IS", "AR", "CL", "CO", "PE", "EC", "BO", "PY", "UY",
    "VE", "CR", "PA", "GT", "HN", "SV", "NI", "DO", "JM", "TT", "BB", "BS", "BZ", "BM", "KY", "AG",
    "DM", "GD", "KN", "LC", "VC", "GH", "UG", "TZ", "ZW", "ZM", "BW", "NA", "MZ", "AO", "CM", "SN",
    "CI", "ML", "NE", "BF", "TN", "DZ", "JO", "LB", "KW", "QA", "BH", "OM", "AM", "AZ", "GE", "MD",
    "BY", "TJ", "KG", "TM", "FJ", "PG", "MO", "BN", "MV"};

// A smooth, deterministic daily shape: a launch spike settling to a plateau, a slow decay and a
// weekly swing (Fridays up).
double Shape(int k, double peak, uint64_t seed) {
  const double wobble =
      1.0 + 0.04 * std::sin(2 * M_PI * (k + static_cast<double>(seed % 7)) / 7.0) +
      0.02 * std::sin(static_cast<double>(k) * 0.61 + static_cast<double>(seed % 13));
  return peak * (0.35 + 0.65 * std::exp(-k / 25.0)) * std::exp(-k / 1200.0) * wobble;
}

// A market song's streams on day d (MarketTrack): 0 before its release and 90 days after its
// life.
int64_t MarketStreams(const MarketTrack& m, Day d, size_t n) {
  const int k = d - m.release;
  if (k < 0 || k > m.life + 90) return 0;
  // From 1.15 times the level at its peak to 0.7 at the end of its life: fresh songs overtake.
  const double within = 1.15 * std::exp(-0.5 * std::min(k, m.life) / static_cast<double>(m.life));
  double f = k < 6 ? (0.4 + 0.1 * k) * within : within;
  if (k > m.life) f *= std::exp2(-static_cast<double>(k - m.life) / 21.0);
  const double wobble = 1.0 + 0.05 * std::sin(2 * M_PI * (d + 0.75) / 7.0) +
                        0.02 * std::sin(static_cast<double>(k) * 0.37 + static_cast<double>(n % 11));
  return std::llround(m.level * f * wobble);
}

struct Series {
  Day release = 0;
  std::vector<double> v;  // by day since release, through options.to
  bool anchored = false;
};

// The factor x > 0 at which the increasing function sum(x) equals want (bisection on a log
// scale); nullopt when no factor in [1e-4, 1e4] reaches it.
template <typename Fn>
std::optional<double> SolveFactor(Fn sum, double want) {
  double lo = 1e-4, hi = 1e4;
  if (sum(lo) > want || sum(hi) < want) return std::nullopt;
  for (int i = 0; i < 100; ++i) {
    const double mid = std::sqrt(lo * hi);
    (sum(mid) < want ? lo : hi) = mid;
  }
  return std::sqrt(lo * hi);
}

// Scales v[from..to] so that, with `before` streams before `from`, the running total first
// reaches `target` on day `to` (half-way through that day's streams); the days after keep the
// factor of day `to`. After earlier fixed days (from > 0) the factor moves geometrically from 1 to
// its end value across the segment (1, x^(1/n), x^(2/n), ... x), so that the streams do not jump
// where it starts and a fall stays smooth; from the release on (from == 0) it is one factor.
Status FitSegment(std::vector<double>* v, size_t from, size_t to, double before, int64_t target,
                  const std::string& what) {
  const double want = static_cast<double>(target) - before;
  const double span = static_cast<double>(to - from + 1);
  auto ramp = [&](size_t k, double x) {
    return from == 0 ? x : std::pow(x, static_cast<double>(k - from + 1) / span);
  };
  auto sum = [&](double x) {
    double total = 0;
    for (size_t k = from; k <= to; ++k) total += (*v)[k] * ramp(k, x);
    return total - 0.5 * (*v)[to] * x;
  };
  const std::optional<double> x = want > 0 ? SolveFactor(sum, want) : std::nullopt;
  if (!x) {
    return Status::InvalidArgument("story of " + what + ": " + Thousands(target) +
                                   " cannot be reached on its day");
  }
  for (size_t k = from; k <= to; ++k) (*v)[k] *= ramp(k, *x);
  for (size_t k = to + 1; k < v->size(); ++k) (*v)[k] *= *x;
  return Status::Ok();
}

}  // namespace

Result<WorldDailyReport> SimulateWorldDaily(const WorldDailyOptions& o) {
  if (o.world.empty()) return Status::InvalidArgument("the world has no tracks");
  WorldDailyReport report;
  report.from = o.world[0].release;
  for (const auto& w : o.world) report.from = std::min(report.from, w.release);
  report.to = o.to;
  std::map<std::string, Series> series;
  uint64_t n = 0;
  for (const auto& w : o.world) {
    Series s;
    s.release = w.release;
    const int days = o.to - w.release + 1;
    const double peak = 6e6 * w.weight;
    for (int k = 0; k < days; ++k) s.v.push_back(Shape(k, peak, o.seed + n));
    series[w.id] = std::move(s);
    ++n;
  }

  for (const TrackStory& story : o.tracks) {
    auto it = series.find(story.track);
    if (it == series.end()) return Status::InvalidArgument("story of unknown track " + story.track);
    std::vector<double>& v = it->second.v;
    it->second.anchored = true;
    size_t k0 = 0;
    double before = 0;
    for (size_t k = 0; k < story.first_days.size() && k < v.size(); ++k) {
      // Later days keep the shape's proportions from the last given day.
      const double scale = static_cast<double>(story.first_days[k]) / v[k];
      v[k] = static_cast<double>(story.first_days[k]);
      if (k + 1 == story.first_days.size()) {
        for (size_t j = k + 1; j < v.size(); ++j) v[j] *= scale;
      }
      before += v[k];
      k0 = k + 1;
    }
    auto reach = story.reach;
    std::sort(reach.begin(), reach.end());
    for (const auto& [day, total] : reach) {
      if (day < 0 || static_cast<size_t>(day) >= v.size() || static_cast<size_t>(day) < k0) {
        return Status::InvalidArgument("story of " + story.track + ": day " + std::to_string(day) +
                                       " is outside its data");
      }
      ENCORE_RETURN_IF_ERROR(
          FitSegment(&v, k0, static_cast<size_t>(day), before, total, story.track));
      for (size_t k = k0; k <= static_cast<size_t>(day); ++k) before += v[k];
      k0 = static_cast<size_t>(day) + 1;
    }
  }

  // Artist years, in year order: the artist's tracks without a story of their own (and not
  // fitted for that year by an earlier artist) are scaled so that the artist's streams of the
  // year reach the figure on its day (tracks out after the day are left alone): a track released
  // that year by one factor, an older one by a factor that moves geometrically from 1 on 1 January
  // to the same factor on the day (no jump on 1 January); after the day it eases back.
  std::vector<ArtistStory> artists = o.artists;
  std::stable_sort(artists.begin(), artists.end(),
                   [](const ArtistStory& a, const ArtistStory& b) { return a.year < b.year; });
  std::set<std::pair<std::string, int>> fitted;
  for (const ArtistStory& a : artists) {
    const Day jan1 = DayFromCivil(a.year, 1, 1);
    const Day target = jan1 + a.day_of_year - 1;
    const double span = static_cast<double>(target - jan1 + 1);
    struct Free {
      Series* s;
      bool old;
    };
    std::vector<Free> free;
    double fixed = 0;
    for (const auto& id : a.tracks) {
      auto it = series.find(id);
      if (it == series.end()) continue;
      Series& s = it->second;
      if (s.release > target) continue;  // out after the day: no part of the story
      if (s.anchored || fitted.count({id, a.year})) {
        for (Day d = std::max(jan1, s.release); d <= target; ++d) {
          fixed += s.v[static_cast<size_t>(d - s.release)] * (d == target ? 0.5 : 1.0);
        }
        continue;
      }
      fitted.insert({id, a.year});
      free.push_back({&s, s.release < jan1});
    }
    // After the day the factor eases back towards 1 (half of it, in the exponent, every
    // kEaseDays): a year's figure lifts the artist's tracks, it does not fix them for ever. (At
    // 120 days Jung Kook's 2024 passed 4 billion, which it did not: issue 18.)
    constexpr double kEaseDays = 30;
    auto factor_on = [&](const Free& f, Day d, double x) {
      if (d > target) return std::pow(x, std::exp2(-static_cast<double>(d - target) / kEaseDays));
      return f.old ? std::pow(x, static_cast<double>(d - jan1 + 1) / span) : x;
    };
    auto sum = [&](double x) {
      double total = fixed;
      for (const Free& f : free) {
        for (Day d = std::max(jan1, f.s->release); d <= target; ++d) {
          total += f.s->v[static_cast<size_t>(d - f.s->release)] * factor_on(f, d, x) *
                   (d == target ? 0.5 : 1.0);
        }
      }
      return total;
    };
    const std::optional<double> x =
        free.empty() ? std::nullopt : SolveFactor(sum, static_cast<double>(a.streams));
    if (!x) {
      return Status::InvalidArgument("story of " + a.artist + " in " + std::to_string(a.year) +
                                     ": cannot reach " + Thousands(a.streams) + " on day " +
                                     std::to_string(a.day_of_year));
    }
    for (const Free& f : free) {
      for (Day d = std::max(jan1, f.s->release); d <= o.to; ++d) {
        f.s->v[static_cast<size_t>(d - f.s->release)] *= factor_on(f, d, *x);
      }
    }
  }

  ENCORE_ASSIGN_OR_RETURN(auto sink, OpenByteSink(o.daily_out));
  std::string buf = "date,country,track,streams,tier\n";
  for (Day d = report.from; d <= o.to; ++d) {
    const std::string date = FormatDate(d);
    for (const auto& w : o.world) {
      const Series& s = series[w.id];
      if (d < s.release) continue;
      const auto v = static_cast<int64_t>(std::llround(s.v[static_cast<size_t>(d - s.release)]));
      if (v <= 0) continue;
      buf += date + ",GLOBAL," + w.id + "," + std::to_string(v) + ",\n";
      ++report.rows;
    }
    for (size_t i = 0; i < o.market.size(); ++i) {
      const int64_t v = MarketStreams(o.market[i], d, i);
      if (v <= 0) continue;
      buf += date + ",GLOBAL," + o.market[i].id + "," + std::to_string(v) + ",\n";
      ++report.rows;
    }
    if (buf.size() > (1u << 20)) {
      ENCORE_RETURN_IF_ERROR(sink->Write(buf.data(), buf.size()));
      buf.clear();
    }
  }
  ENCORE_RETURN_IF_ERROR(sink->Write(buf.data(), buf.size()));
  ENCORE_RETURN_IF_ERROR(sink->Close());

  if (o.sales_out.empty() || o.launches.empty()) return report;
  // Launch sales: before and after the launch, the other world tracks sell steadily in every
  // country; the launched track sells enough per hour to top the rolling chart in its hour.
  ENCORE_ASSIGN_OR_RETURN(auto sales, OpenByteSink(o.sales_out));
  buf = "ts,store,country,item,format,units\n";
  for (const LaunchStory& l : o.launches) {
    size_t wanted = static_cast<size_t>(l.never);
    for (int c : l.countries) wanted += static_cast<size_t>(c);
    if (wanted > std::size(kStoreCountries)) {
      return Status::InvalidArgument("launch of " + l.track + ": at most " +
                                     std::to_string(std::size(kStoreCountries)) + " countries");
    }
    std::vector<std::string> rivals;
    for (const auto& w : o.world) {
      const Day launch_day = static_cast<Day>(l.ts / 86400);
      if (w.id != l.track && w.release < launch_day && rivals.size() < 3) rivals.push_back(w.id);
    }
    size_t c = 0;
    for (size_t hour = 0; hour <= l.countries.size(); ++hour) {
      const int count = hour < l.countries.size() ? l.countries[hour] : l.never;
      for (int i = 0; i < count; ++i, ++c) {
        const std::string country = kStoreCountries[c];
        // The best rival sells `base` an hour; over a window it holds window * base.
        const int64_t base = 40 + static_cast<int64_t>((std::size(kStoreCountries) - c) * 3);
        const int64_t window_units = base * l.window;
        const bool tops = hour < l.countries.size();
        // Units an hour so that hour `hour` is the first whose running sum beats the rival.
        const int64_t per_hour = !tops       ? base / 2
                                 : hour == 0 ? window_units + 1 + static_cast<int64_t>(c % 7)
                                             : (window_units - 1) / static_cast<int64_t>(hour);
        for (int h = -l.window; h < l.window; ++h) {
          const int64_t ts = l.ts + h * 3600 + 1800;
          for (size_t r = 0; r < rivals.size(); ++r) {
            const int64_t units = r == 0 ? base : base / (2 + static_cast<int64_t>(r));
            buf += FormatTimestamp(ts) + ",itunes," + country + "," + rivals[r] + ",track," +
                   std::to_string(units) + "\n";
            ++report.sales_rows;
          }
          if (h >= 0) {
            buf += FormatTimestamp(ts) + ",itunes," + country + "," + l.track + ",track," +
                   std::to_string(per_hour) + "\n";
            ++report.sales_rows;
          }
        }
      }
    }
  }
  ENCORE_RETURN_IF_ERROR(sales->Write(buf.data(), buf.size()));
  ENCORE_RETURN_IF_ERROR(sales->Close());
  return report;
}

}  // namespace encore
