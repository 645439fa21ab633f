// The daily streams view: one track's, or a release's or artist's summed (views/views.h).
#include <algorithm>
#include <cctype>
#include <map>

#include "encore/keys.h"
#include "encore/query.h"
#include "views/views.h"

namespace encore::views {

Result<json> StreamSeriesJson(const CountStore& store, std::vector<uint32_t> tracks,
                              const StreamsQuery& asked, bool by_tier) {
  StreamsQuery q = asked;
  if (q.from && q.to && *q.from > *q.to) {
    return Status::InvalidArgument("from " + FormatDate(*q.from) + " is after to " +
                                   FormatDate(*q.to));
  }
  // A country as people type it: a code in any case or a name ("kr", "South Korea"); GLOBAL the
  // GLOBAL rows of daily totals.
  if (q.country) {
    std::string upper = *q.country;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "GLOBAL") {
      q.country = upper;
    } else if (auto code = CountryOfText(*q.country)) {
      q.country = CountryName(*code);
    } else {
      return Status::InvalidArgument("no country '" + *q.country +
                                     "': a code (KR) or a name (South Korea), or GLOBAL");
    }
  }
  std::sort(tracks.begin(), tracks.end());
  tracks.erase(std::unique(tracks.begin(), tracks.end()), tracks.end());
  std::map<Day, DailyStreams> days;
  int64_t before = 0;  // streams before q.from: the running total counts from the first day
  const bool tiers = by_tier;
  if (!by_tier && !q.country) {
    // Many tracks (a release, an artist), worldwide: each day read once, as the records read it.
    for (Day d : store.Days()) {
      if (q.to && d > *q.to) continue;
      ENCORE_ASSIGN_OR_RETURN(const DayTotals t, ReadDayTotals(store, d, q.service));
      int64_t sum = 0;
      for (size_t i = 0, j = 0; i < t.tracks.size() && j < tracks.size();) {
        if (t.tracks[i] < tracks[j]) {
          ++i;
        } else if (tracks[j] < t.tracks[i]) {
          ++j;
        } else {
          sum += t.streams[i++];
          ++j;
        }
      }
      if (!sum) continue;
      if (q.from && d < *q.from) {
        before += sum;
        continue;
      }
      DailyStreams& r = days[d];
      r.day = d;
      r.span = t.span;
      r.streams += sum;
    }
  } else {
    for (uint32_t t : tracks) {
      StreamsQuery one = q;
      one.track = store.tracks()[t];
      one.from.reset();
      ENCORE_ASSIGN_OR_RETURN(const auto rows, QueryStreams(store, one));
      for (const DailyStreams& r : rows) {
        if (q.from && r.day < *q.from) {
          before += r.streams;
          continue;
        }
        auto [it, added] = days.emplace(r.day, r);
        if (added) continue;
        it->second.streams += r.streams;
        it->second.premium += r.premium;
        it->second.free += r.free;
        it->second.unknown += r.unknown;
      }
    }
  }
  json dates = json::array(), daily = json::array(), cumulative = json::array(),
       premium = json::array(), free = json::array(), unknown = json::array();
  int64_t cum = before, total = 0;
  int span = 1;
  for (const auto& [d, r] : days) {
    cum += r.streams;
    total += r.streams;
    span = std::max(span, r.span);
    dates.push_back(FormatDate(d));
    daily.push_back(r.streams);
    cumulative.push_back(cum);
    premium.push_back(r.premium);
    free.push_back(r.free);
    unknown.push_back(r.unknown);
  }
  json out = {{"country", q.country ? json(*q.country) : json("worldwide")},
              {"service", q.service ? json(*q.service) : json("all")},
              {"from", DateOrNull(q.from)},
              {"to", DateOrNull(q.to)},
              {"span_days", span},
              {"before", before},
              {"total", total},
              {"dates", std::move(dates)},
              {"streams", std::move(daily)},
              {"cumulative", std::move(cumulative)}};
  if (tiers) {
    out["premium"] = std::move(premium);
    out["free"] = std::move(free);
    out["unknown"] = std::move(unknown);
  }
  return out;
}

}  // namespace encore::views
