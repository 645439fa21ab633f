// Running totals per entity over the store's days, and the thresholds they cross.
#include <algorithm>
#include <future>

#include "encore/chart_streams.h"
#include "encore/keys.h"
#include "encore/records.h"

namespace encore {

Result<DayTotals> ReadDayTotals(const CountStore& store, Day day,
                                const std::optional<std::string>& service) {
  std::optional<uint32_t> only;
  const auto& names = store.services();
  std::vector<bool> skip(names.size(), false);  // chart streams, unless named
  if (service) {
    auto it = std::find(names.begin(), names.end(), *service);
    if (it == names.end()) return DayTotals{day, ServiceSpan(*service), {}, {}};
    only = static_cast<uint32_t>(it - names.begin());
  } else {
    for (size_t i = 0; i < names.size(); ++i) skip[i] = IsChartStreamsService(names[i]);
  }
  DayTotals out;
  out.day = day;
  out.span = service ? ServiceSpan(*service) : 1;
  if (store.RunsQueries()) {
    // On a cluster: the sums are made there (CountStore::DayTrackStreams).
    std::vector<char> flags(names.size());
    for (size_t i = 0; i < names.size(); ++i) flags[i] = only ? i == *only : !skip[i];
    ENCORE_ASSIGN_OR_RETURN(auto rows, store.DayTrackStreams(day, flags));
    out.tracks.reserve(rows.size());
    out.streams.reserve(rows.size());
    for (const auto& [track, streams] : rows) {
      out.tracks.push_back(track);
      out.streams.push_back(streams);
    }
    return out;
  }
  // Rows come sorted by (service, track, country); GLOBAL sorts after every country of a track.
  uint64_t group = UINT64_MAX;  // service and track of the rows being summed
  int64_t countries = 0, global = 0;
  bool has_global = false;
  size_t services_seen = 0;
  uint32_t last_service = UINT32_MAX;
  auto flush = [&] {
    if (group == UINT64_MAX) return;
    const int64_t v = has_global ? global : countries;
    if (v != 0) {
      out.tracks.push_back(static_cast<uint32_t>(group & 0xffffffffULL));
      out.streams.push_back(v);
    }
  };
  ENCORE_RETURN_IF_ERROR(store.ScanCounts(day, [&](const CountRow* rows, size_t n) -> Status {
    for (size_t i = 0; i < n; ++i) {
      const uint64_t cell = rows[i].cell;
      const uint32_t s = CellService(cell);
      if (only ? s != *only : (s < skip.size() && skip[s])) continue;
      const uint64_t g = (static_cast<uint64_t>(s) << 32) | CellTrack(cell);
      if (g != group) {
        flush();
        group = g;
        countries = global = 0;
        has_global = false;
        if (s != last_service) {
          last_service = s;
          ++services_seen;
        }
      }
      if (CellCountry(cell) == kGlobalCountry) {
        has_global = true;
        global += rows[i].streams;
      } else {
        countries += rows[i].streams;
      }
    }
    return Status::Ok();
  }));
  flush();
  if (services_seen > 1) {
    // Several services: merge each track's rows into one.
    std::vector<size_t> order(out.tracks.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return out.tracks[a] < out.tracks[b]; });
    DayTotals merged;
    merged.day = day;
    merged.span = out.span;
    for (size_t i : order) {
      if (!merged.tracks.empty() && merged.tracks.back() == out.tracks[i]) {
        merged.streams.back() += out.streams[i];
      } else {
        merged.tracks.push_back(out.tracks[i]);
        merged.streams.push_back(out.streams[i]);
      }
    }
    return merged;
  }
  return out;
}

StreamScan::StreamScan(const RecordsUniverse& u, int64_t step) : u_(&u), step_(step) {
  Resize(u.size());
}

StreamScan::StreamScan(const RecordsUniverse& u, std::vector<int64_t> thresholds)
    : u_(&u), list_(std::move(thresholds)) {
  std::sort(list_.begin(), list_.end());
  list_.erase(std::unique(list_.begin(), list_.end()), list_.end());
  Resize(u.size());
}

int64_t StreamScan::NextAfter(int64_t v) const {
  if (step_ > 0) return (v / step_ + 1) * step_;
  auto it = std::upper_bound(list_.begin(), list_.end(), v);
  return it == list_.end() ? INT64_MAX : *it;
}

void StreamScan::Resize(size_t entities) {
  const size_t old = cum_.size();
  cum_.resize(entities, 0);
  ycum_.resize(entities, 0);
  first_.resize(entities, -1);
  next_.resize(entities);
  ynext_.resize(entities);
  for (size_t e = old; e < entities; ++e) next_[e] = ynext_[e] = NextAfter(0);
}

void StreamScan::Restore(std::vector<int64_t> totals, std::vector<int64_t> year_totals,
                         std::vector<Day> first_day, int32_t year, std::optional<Day> last_day) {
  cum_ = std::move(totals);
  ycum_ = std::move(year_totals);
  first_ = std::move(first_day);
  year_ = year;
  last_day_ = last_day;
  next_.resize(cum_.size());
  ynext_.resize(cum_.size());
  for (size_t e = 0; e < cum_.size(); ++e) {
    next_[e] = NextAfter(cum_[e]);
    ynext_[e] = NextAfter(ycum_[e]);
  }
  Resize(u_->size());
}

void StreamScan::Cross(uint32_t e, Day day, int64_t v) {
  // An unranked entity's thresholds pass unrecorded (RecordsUniverse::Unranked).
  const bool kept = !u_->Unranked(e);
  // All-time thresholds.
  while (cum_[e] >= next_[e]) {
    if (kept) crossings_.push_back({e, 0, next_[e], day, cum_[e] - v, cum_[e], span_});
    next_[e] = NextAfter(next_[e]);
  }
  while (ycum_[e] >= ynext_[e]) {
    if (kept) crossings_.push_back({e, year_, ynext_[e], day, ycum_[e] - v, ycum_[e], span_});
    ynext_[e] = NextAfter(ynext_[e]);
  }
}

inline void StreamScan::Defer(uint32_t e, int64_t v) {
  if (pending_[e] == 0) touched_.push_back(e);
  pending_[e] += v;
}

inline void StreamScan::Bump(uint32_t e, int64_t v, Day day) {
  if (first_[e] < 0) first_[e] = day - (span_ - 1);  // a week's total: its first day
  const int64_t c = cum_[e] += v;
  const int64_t y = ycum_[e] += v;
  if (c >= next_[e] || y >= ynext_[e]) Cross(e, day, v);
}

void StreamScan::AddDay(const DayTotals& d) {
  int y = 0;
  unsigned m = 0, dd = 0;
  CivilFromDay(d.day, &y, &m, &dd);
  if (y != year_) {
    std::fill(ycum_.begin(), ycum_.end(), 0);
    const int64_t first = NextAfter(0);
    std::fill(ynext_.begin(), ynext_.end(), first);
    year_ = y;
  }
  last_day_ = d.day;
  span_ = d.span;
  // A store track's own entity takes its streams at once; entities that several store tracks
  // count for (songs, releases, artists, a track under two ids) take the day's sum afterwards,
  // so that each entity moves once a day and a crossing's totals are the day's.
  if (pending_.size() != cum_.size()) pending_.assign(cum_.size(), 0);
  const size_t n = d.tracks.size();
  for (size_t i = 0; i < n; ++i) {
    const uint32_t t = d.tracks[i];
    const int64_t v = d.streams[i];
    if (v <= 0 || t >= u_->store_tracks()) continue;
    const uint32_t e = u_->TrackEntity(t);
    if (e == t) {
      Bump(e, v, d.day);
    } else {
      Defer(e, v);
    }
    for (const uint32_t* x = u_->ExtrasBegin(t); x != u_->ExtrasEnd(t); ++x) Defer(*x, v);
  }
  for (uint32_t e : touched_) {
    Bump(e, pending_[e], d.day);
    pending_[e] = 0;
  }
  touched_.clear();
}

Status ScanDays(const CountStore& store, const std::vector<Day>& days,
                const std::optional<std::string>& service, StreamScan* scan) {
  // Each day is read (decoded from its column file) on a second thread while the one before is
  // added: the store's reads are safe from several threads (encore/store.h).
  auto read = [&store, &service](Day d) {
    return std::async(std::launch::async, [&store, &service, d] { return ReadDayTotals(store, d, service); });
  };
  std::future<Result<DayTotals>> next;
  if (!days.empty()) next = read(days[0]);
  for (size_t i = 0; i < days.size(); ++i) {
    Result<DayTotals> totals = next.get();
    if (!totals.ok()) return totals.status();
    if (i + 1 < days.size()) next = read(days[i + 1]);
    scan->AddDay(*totals);
  }
  return Status::Ok();
}

Status ScanStore(const CountStore& store, const RecordsSettings& settings, std::optional<Day> from,
                 std::optional<Day> to, StreamScan* scan) {
  std::vector<Day> days;
  for (Day day : store.Days()) {
    if ((from && day < *from) || (to && day > *to)) continue;
    if (scan->last_day() && day <= *scan->last_day()) continue;
    days.push_back(day);
  }
  return ScanDays(store, days, settings.service, scan);
}

Result<std::vector<Crossing>> CrossingsOf(const CountStore& store, const RecordsUniverse& u,
                                          const RecordsSettings& settings,
                                          std::vector<int64_t> thresholds,
                                          std::vector<Day>* first_day) {
  StreamScan scan(u, std::move(thresholds));
  ENCORE_RETURN_IF_ERROR(ScanStore(store, settings, std::nullopt, std::nullopt, &scan));
  if (first_day) *first_day = scan.first_day();
  return std::move(scan.crossings());
}

}  // namespace encore
