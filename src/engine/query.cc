#include "encore/query.h"

#include "encore/chart_streams.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/strings.h"

namespace encore {
namespace {

bool InRange(Day d, std::optional<Day> from, std::optional<Day> to) {
  return (!from || d >= *from) && (!to || d <= *to);
}

}  // namespace

Result<std::vector<DailyStreams>> QueryStreams(const CountStore& store, const StreamsQuery& q) {
  const std::optional<uint32_t> track = store.FindTrack(q.track);
  if (!track) return Status::NotFound("no streams counted for track '" + q.track + "'");
  std::optional<CountryCode> country;
  if (q.country) {
    country = ParseCountry(*q.country, true);
    if (!country) return Status::InvalidArgument("not a country code: '" + *q.country + "'");
  }
  std::optional<uint32_t> service;
  if (q.service) {
    const auto& s = store.services();
    auto it = std::find(s.begin(), s.end(), *q.service);
    if (it == s.end()) return Status::NotFound("no counts for service '" + *q.service + "'");
    service = static_cast<uint32_t>(it - s.begin());
  }
  // Chart streams are read only when named: they count the same listening as the services' own.
  std::vector<bool> skip(store.services().size(), false);
  for (size_t i = 0; i < skip.size() && !service; ++i)
    skip[i] = IsChartStreamsService(store.services()[i]);
  const int span = q.service ? ServiceSpan(*q.service) : 1;
  std::vector<DailyStreams> out;
  if (store.RunsQueries()) {
    // On a cluster: the series is summed there (CountStore::TrackSeries).
    std::vector<char> flags(skip.size());
    for (size_t i = 0; i < flags.size(); ++i) flags[i] = service ? i == *service : !skip[i];
    ENCORE_ASSIGN_OR_RETURN(auto days, store.TrackSeries(*track, flags, country, q.from, q.to));
    for (const auto& t : days) {
      DailyStreams d;
      d.day = t.day;
      d.span = span;
      d.premium = t.tier[0];
      d.free = t.tier[1];
      d.unknown = t.tier[2];
      d.streams = d.premium + d.free + d.unknown;
      out.push_back(d);
    }
    return out;
  }
  for (Day day : store.Days()) {
    if (!InRange(day, q.from, q.to)) continue;
    ENCORE_ASSIGN_OR_RETURN(std::vector<CountRow> rows, store.ReadCounts(day));
    // Per service: [0] the sum over countries, [1] the GLOBAL rows; by tier.
    std::map<uint32_t, std::array<std::array<int64_t, 3>, 2>> by_service;
    bool any = false;
    for (const CountRow& r : rows) {
      if (CellTrack(r.cell) != *track) continue;
      const uint32_t svc = CellService(r.cell);
      if (service ? svc != *service : (svc < skip.size() && skip[svc])) continue;
      const CountryCode c = CellCountry(r.cell);
      if (country && c != *country) continue;
      by_service[svc][c == kGlobalCountry ? 1 : 0][static_cast<size_t>(r.tier)] += r.streams;
      any = true;
    }
    if (!any) continue;
    DailyStreams d;
    d.day = day;
    d.span = span;
    for (const auto& [svc, parts] : by_service) {
      const bool has_global = parts[1][0] || parts[1][1] || parts[1][2];
      const auto& use = has_global ? parts[1] : parts[0];
      d.premium += use[0];
      d.free += use[1];
      d.unknown += use[2];
    }
    d.streams = d.premium + d.free + d.unknown;
    out.push_back(d);
  }
  return out;
}

Status ExportDaily(const CountStore& store, std::optional<Day> from, std::optional<Day> to,
                   const std::function<Status(std::string_view)>& write) {
  ENCORE_RETURN_IF_ERROR(write("date,country,track,streams,tier,service\n"));
  const auto& tracks = store.tracks();
  const auto& services = store.services();
  std::string buf;
  for (Day day : store.Days()) {
    if (!InRange(day, from, to)) continue;
    ENCORE_ASSIGN_OR_RETURN(std::vector<CountRow> rows, store.ReadCounts(day));
    using Key = std::tuple<std::string, std::string_view, std::string_view, std::string_view>;
    std::vector<std::pair<Key, int64_t>> sorted;
    sorted.reserve(rows.size());
    for (const CountRow& r : rows) {
      if (r.streams == 0) continue;
      sorted.push_back({Key{CountryName(CellCountry(r.cell)), tracks.at(CellTrack(r.cell)),
                            TierName(r.tier), services.at(CellService(r.cell))},
                        r.streams});
    }
    std::sort(sorted.begin(), sorted.end());
    const std::string date = FormatDate(day);
    buf.clear();
    for (const auto& [k, streams] : sorted) {
      buf += date;
      buf += ',';
      buf += std::get<0>(k);
      buf += ',';
      buf += CsvField(std::get<1>(k));
      buf += ',';
      buf += std::to_string(streams);
      buf += ',';
      buf += std::get<2>(k);
      buf += ',';
      buf += std::get<3>(k);
      buf += '\n';
    }
    ENCORE_RETURN_IF_ERROR(write(buf));
  }
  return Status::Ok();
}

}  // namespace encore

namespace encore {

Result<std::vector<TrackTotal>> TopTracks(const CountStore& store, std::optional<Day> from,
                                          std::optional<Day> to, size_t n) {
  // Per track: the sum over countries and the GLOBAL rows, per day and service (see QueryStreams).
  std::vector<int64_t> totals(store.tracks().size());
  std::vector<bool> skip(store.services().size(), false);  // chart streams (QueryStreams)
  for (size_t i = 0; i < skip.size(); ++i) skip[i] = IsChartStreamsService(store.services()[i]);
  for (Day day : store.Days()) {
    if (!InRange(day, from, to)) continue;
    ENCORE_ASSIGN_OR_RETURN(std::vector<CountRow> rows, store.ReadCounts(day));
    std::map<std::pair<uint32_t, uint32_t>, std::array<int64_t, 2>> day_sums;  // (track, service)
    for (const CountRow& r : rows) {
      if (CellService(r.cell) < skip.size() && skip[CellService(r.cell)]) continue;
      day_sums[{CellTrack(r.cell), CellService(r.cell)}][CellCountry(r.cell) == kGlobalCountry] +=
          r.streams;
    }
    for (const auto& [key, sums] : day_sums) totals[key.first] += sums[1] ? sums[1] : sums[0];
  }
  std::vector<TrackTotal> out;
  for (size_t i = 0; i < totals.size(); ++i) {
    if (totals[i] > 0) out.push_back({store.tracks()[i], totals[i]});
  }
  std::sort(out.begin(), out.end(), [](const TrackTotal& a, const TrackTotal& b) {
    return a.streams != b.streams ? a.streams > b.streams : a.track < b.track;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

Result<std::optional<Day>> LastDayWithStreams(const CountStore& store, std::optional<CountryCode> country,
                                              std::optional<Day> on_or_before, size_t max_days) {
  const std::vector<Day> days = store.Days();
  size_t looked = 0;
  for (auto it = days.rbegin(); it != days.rend() && looked < max_days; ++it) {
    if (on_or_before && *it > *on_or_before) continue;
    ++looked;
    ENCORE_ASSIGN_OR_RETURN(const std::vector<CountRow> rows, store.ReadCounts(*it));
    for (const CountRow& r : rows) {
      if (r.streams > 0 && (!country || CellCountry(r.cell) == *country)) return std::optional<Day>(*it);
    }
  }
  return std::optional<Day>();
}

}  // namespace encore
