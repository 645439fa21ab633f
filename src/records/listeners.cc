// Listeners: distinct users with a counted stream over a window, for one entity (a series) or for
// every entity of a kind (a board), from the store's per-day listener sets. Rules: doc/records.md,
// "Listeners"; the sets: doc/decisions/0010-listener-sets.md.
#include <roaring/roaring.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "encore/chart_streams.h"
#include "encore/records.h"

namespace encore {
namespace {

struct BitmapDeleter {
  void operator()(roaring_bitmap_t* b) const { roaring_bitmap_free(b); }
};
using Bitmap = std::unique_ptr<roaring_bitmap_t, BitmapDeleter>;

Bitmap NewBitmap() { return Bitmap(roaring_bitmap_create()); }

bool Passes(const DayListeners& l, size_t i, const ListenerFilter& f) {
  return (!f.country || l.country[i] == *f.country) && (!f.service || l.service[i] == *f.service);
}

// The store's days (with counts) within from..to.
std::vector<Day> DaysWithin(const std::vector<Day>& days, Day from, Day to) {
  std::vector<Day> out;
  for (auto it = std::lower_bound(days.begin(), days.end(), from); it != days.end() && *it <= to;
       ++it) {
    out.push_back(*it);
  }
  return out;
}

// The places of a board: each entity of a kind that some store track counts for, and per store
// track the places it counts for.
struct Places {
  std::vector<uint32_t> entity_of;             // per place
  std::vector<uint32_t> targets_at, targets;  // per store track (+1): its places
};

Places PlacesOf(const RecordsUniverse& u, EntityKind kind) {
  Places p;
  std::vector<uint32_t> place_of(u.size(), ~0u);
  p.targets_at.assign(u.store_tracks() + 1, 0);
  for (uint32_t t = 0; t < u.store_tracks(); ++t) {
    auto add = [&](uint32_t e) {
      if (u.kind(e) != kind) return;
      if (place_of[e] == ~0u) {
        place_of[e] = static_cast<uint32_t>(p.entity_of.size());
        p.entity_of.push_back(e);
      }
      p.targets.push_back(place_of[e]);
    };
    add(u.TrackEntity(t));
    for (const uint32_t* x = u.ExtrasBegin(t); x != u.ExtrasEnd(t); ++x) add(*x);
    p.targets_at[t + 1] = static_cast<uint32_t>(p.targets.size());
  }
  return p;
}

// The days of a range read for a merge by listener: each day's (listener, track) rows that pass
// the filter, in the order the store keeps them (by listener).
struct DayRows {
  Day day = 0;
  std::vector<uint32_t> user, track;
};

// `days`: days holding a listener set (CountStore::DaysWithListeners), read and decoded on
// `threads` threads, each taking every n-th.
Result<std::vector<DayRows>> ReadDays(const CountStore& store, const std::vector<Day>& days,
                                      const ListenerFilter& filter, int threads = 2) {
  std::vector<DayRows> rows(days.size());
  std::vector<Status> errors(days.size());
  auto work = [&](size_t first, size_t step) {
    for (size_t i = first; i < days.size(); i += step) {
      DayRows& r = rows[i];
      r.day = days[i];
      auto l = store.ReadListeners(days[i], filter.country || filter.service);
      if (!l.ok()) {
        errors[i] = l.status();
        continue;
      }
      if (!*l) continue;  // (a set removed meanwhile: no rows)
      DayListeners& dl = **l;
      if (!filter.country && !filter.service) {  // every row: taken as it is
        r.user = std::move(dl.user);
        r.track = std::move(dl.track);
        continue;
      }
      r.user.reserve(dl.size());
      r.track.reserve(dl.size());
      for (size_t k = 0; k < dl.size(); ++k) {
        if (!Passes(dl, k, filter)) continue;
        r.user.push_back(dl.user[k]);
        r.track.push_back(dl.track[k]);
      }
    }
  };
  const size_t n = std::clamp<size_t>(static_cast<size_t>(threads), 1, std::max<size_t>(days.size(), 1));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n; ++t) pool.emplace_back(work, t, n);
  work(0, n);
  for (auto& t : pool) t.join();
  for (const Status& e : errors) ENCORE_RETURN_IF_ERROR(e);
  return rows;
}

// The days from..to with streams whose users no set holds: days without a set (daily totals or
// chart streams only, or counted before the store kept sets) and days whose set is partial
// (CountStore::DaysWithPartialListeners).
std::vector<Day> DaysWithoutSets(const CountStore& store, Day from, Day to) {
  const std::vector<Day> with = store.DaysWithListeners();
  const std::vector<Day> partial = store.DaysWithPartialListeners();
  std::vector<Day> out;
  for (const Day d : DaysWithin(store.Days(), from, to)) {
    if (!std::binary_search(with.begin(), with.end(), d) ||
        std::binary_search(partial.begin(), partial.end(), d)) {
      out.push_back(d);
    }
  }
  return out;
}

// How many of the sorted `days` fall in from..to.
uint32_t CountWithin(const std::vector<Day>& days, Day from, Day to) {
  return static_cast<uint32_t>(std::upper_bound(days.begin(), days.end(), to) -
                               std::lower_bound(days.begin(), days.end(), from));
}

// Visits the rows of every day by listener: fn(user, i, from, to) for each day i (ascending) with
// rows [from, to) of that listener, the listeners in ascending order, each listener's days
// together. `first`/`end`: the listener numbers [first, end) only (a thread's share).
template <typename Fn>
void MergeByListener(const std::vector<DayRows>& days, uint32_t first, uint32_t end, Fn&& fn) {
  std::vector<size_t> at(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    at[i] = static_cast<size_t>(
        std::lower_bound(days[i].user.begin(), days[i].user.end(), first) - days[i].user.begin());
  }
  // Numbers are dense: each in turn, every day's cursor checked.
  for (uint32_t u = first; u < end; ++u) {
    for (size_t i = 0; i < days.size(); ++i) {
      const auto& us = days[i].user;
      size_t j = at[i];
      if (j >= us.size() || us[j] != u) continue;
      while (j < us.size() && us[j] == u) ++j;
      fn(u, i, at[i], j);
      at[i] = j;
    }
  }
}

uint32_t MaxUser(const std::vector<DayRows>& days) {
  uint32_t m = 0;
  for (const auto& d : days) {
    if (!d.user.empty()) m = std::max(m, d.user.back() + 1);
  }
  return m;
}

Status NeedSets(const CountStore& store) {
  if (store.KeepsListeners()) return Status::Ok();
  return Status::FailedPrecondition(
      "this store keeps no listener sets (" + store.Name() +
      "): listeners are counted from raw plays and listening histories");
}

}  // namespace

std::optional<ListenerWindow> ParseListenerWindow(std::string_view s) {
  if (s == "day" || s == "1d") return ListenerWindow::kDay;
  if (s == "7d" || s == "week") return ListenerWindow::k7Days;
  if (s == "28d" || s == "monthly") return ListenerWindow::k28Days;
  if (s == "month") return ListenerWindow::kMonth;
  if (s == "year") return ListenerWindow::kYear;
  return std::nullopt;
}

std::string_view ListenerWindowName(ListenerWindow w) {
  switch (w) {
    case ListenerWindow::kDay: return "day";
    case ListenerWindow::k7Days: return "7d";
    case ListenerWindow::k28Days: return "28d";
    case ListenerWindow::kMonth: return "month";
    case ListenerWindow::kYear: return "year";
  }
  return "?";
}

Day WindowStart(ListenerWindow w, Day day) {
  int y = 0;
  unsigned m = 0, d = 0;
  switch (w) {
    case ListenerWindow::kDay: return day;
    case ListenerWindow::k7Days: return day - 6;
    case ListenerWindow::k28Days: return day - 27;
    case ListenerWindow::kMonth:
      CivilFromDay(day, &y, &m, &d);
      return DayFromCivil(y, m, 1);
    case ListenerWindow::kYear:
      CivilFromDay(day, &y, &m, &d);
      return DayFromCivil(y, 1, 1);
  }
  return day;
}

Result<ListenerFilter> MakeListenerFilter(const CountStore& store, std::string_view country,
                                          std::string_view service) {
  ListenerFilter f;
  if (!country.empty()) {
    f.country = CountryOfText(country);
    if (!f.country) {
      return Status::InvalidArgument("country '" + std::string(country) +
                                     "' is not a country (an ISO code such as KR, or a name)");
    }
  }
  if (service.empty()) return f;
  if (IsChartStreamsService(service)) {
    return Status::InvalidArgument(
        "listeners come from the users of raw plays and listening histories: chart streams carry "
        "none");
  }
  const auto& names = store.services();
  auto it = std::find(names.begin(), names.end(), service);
  if (it == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("the store has no service '" + std::string(service) +
                                   "' (it has: " + (known.empty() ? "none" : known) + ")");
  }
  f.service = static_cast<uint32_t>(it - names.begin());
  return f;
}

Result<std::optional<Day>> LastListenerDay(const CountStore& store) {
  ENCORE_RETURN_IF_ERROR(NeedSets(store));
  const std::vector<Day> days = store.DaysWithListeners();
  if (days.empty()) return std::optional<Day>();
  return std::optional<Day>(days.back());
}

Result<std::optional<Day>> FirstListenerDay(const CountStore& store) {
  ENCORE_RETURN_IF_ERROR(NeedSets(store));
  const std::vector<Day> days = store.DaysWithListeners();
  if (days.empty()) return std::optional<Day>();
  return std::optional<Day>(days.front());
}

Result<std::vector<ListenerPoint>> EntityListeners(const CountStore& store, const RecordsUniverse& u,
                                                   uint32_t entity, Day from, Day to,
                                                   ListenerWindow window,
                                                   const ListenerFilter& filter) {
  ENCORE_RETURN_IF_ERROR(NeedSets(store));
  std::vector<ListenerPoint> points;
  if (from > to) return points;
  // Which store tracks count for the entity.
  std::vector<char> counts(u.store_tracks(), 0);
  for (uint32_t t = 0; t < u.store_tracks(); ++t) {
    counts[t] = u.TrackEntity(t) == entity ||
                std::find(u.ExtrasBegin(t), u.ExtrasEnd(t), entity) != u.ExtrasEnd(t);
  }
  // The entity's users of each day read, as one bitmap a day.
  const Day first = WindowStart(window, from);
  ENCORE_ASSIGN_OR_RETURN(const std::vector<DayRows> days,
                          ReadDays(store, DaysWithin(store.DaysWithListeners(), first, to), filter));
  const std::vector<Day> no_set = DaysWithoutSets(store, first, to);
  std::vector<Bitmap> sets(days.size());
  std::vector<uint32_t> users;
  for (size_t i = 0; i < days.size(); ++i) {
    users.clear();
    for (size_t k = 0; k < days[i].user.size(); ++k) {
      const uint32_t t = days[i].track[k];
      const uint32_t user = days[i].user[k];
      if (t < counts.size() && counts[t] && (users.empty() || users.back() != user)) {
        users.push_back(user);  // rows come by listener: ascending
      }
    }
    if (users.empty()) continue;
    sets[i] = NewBitmap();
    roaring_bitmap_add_many(sets[i].get(), users.size(), users.data());
  }
  auto point = [&](Day start, Day end) {
    ListenerPoint p;
    p.day = end;
    p.from = start;
    p.days_without_sets = CountWithin(no_set, start, end);
    std::vector<const roaring_bitmap_t*> parts;
    for (size_t i = static_cast<size_t>(std::partition_point(days.begin(), days.end(),
                                                             [&](const DayRows& r) { return r.day < start; }) -
                                        days.begin());
         i < days.size() && days[i].day <= end; ++i) {
      if (sets[i]) parts.push_back(sets[i].get());
    }
    if (parts.size() == 1) {
      p.listeners = roaring_bitmap_get_cardinality(parts[0]);
    } else if (!parts.empty()) {
      Bitmap all(roaring_bitmap_or_many(parts.size(), parts.data()));
      p.listeners = roaring_bitmap_get_cardinality(all.get());
    }
    return p;
  };
  const bool calendar = window == ListenerWindow::kMonth || window == ListenerWindow::kYear;
  for (Day d = from; d <= to; ++d) {
    if (calendar && d != to && WindowStart(window, d + 1) == WindowStart(window, d)) continue;
    points.push_back(point(WindowStart(window, d), d));
  }
  return points;
}

Status ListenerDays(const CountStore& store, const RecordsUniverse& u, EntityKind kind, Day from,
                    Day to, ListenerWindow window, const ListenerFilter& filter,
                    const std::function<Status(Day, const std::vector<uint32_t>& entities,
                                               const std::vector<uint64_t>& listeners)>& fn) {
  ENCORE_RETURN_IF_ERROR(NeedSets(store));
  if (from > to) return Status::Ok();
  const Places places = PlacesOf(u, kind);
  const size_t n = places.entity_of.size();
  const std::vector<Day> all = store.DaysWithListeners();
  // Out days in chunks: a chunk's counts are a difference array per place and day (an interval of
  // days per listener and place), its days read for one merge by listener. A chunk holds at most
  // about 64M counters and 64 days.
  const int32_t chunk = static_cast<int32_t>(
      std::clamp<size_t>((size_t{64} << 20) / std::max<size_t>(n, 1), 1, 64));
  std::vector<uint64_t> counts(n);
  for (Day c0 = from; c0 <= to; c0 += chunk) {
    const Day c1 = std::min(to, c0 + chunk - 1);
    const int32_t len = c1 - c0 + 1;
    // The window of a listener's day d covers the out days d..last(d).
    auto last_of = [&](Day d) -> Day {
      switch (window) {
        case ListenerWindow::kDay: return d;
        case ListenerWindow::k7Days: return d + 6;
        case ListenerWindow::k28Days: return d + 27;
        case ListenerWindow::kMonth:
        case ListenerWindow::kYear: {
          // The period's last day: the day before the next period's first.
          Day e = d;
          while (WindowStart(window, e + 1) == WindowStart(window, d) && e < c1) ++e;
          return e;
        }
      }
      return d;
    };
    std::vector<Day> read;
    for (auto it = std::lower_bound(all.begin(), all.end(), WindowStart(window, c0));
         it != all.end() && *it <= c1; ++it) {
      read.push_back(*it);
    }
    ENCORE_ASSIGN_OR_RETURN(const std::vector<DayRows> days, ReadDays(store, read, filter));
    std::vector<int64_t> diff(n * static_cast<size_t>(len + 1), 0);
    std::vector<uint32_t> mark(n, ~0u);
    std::vector<Day> covered(n, 0);  // with mark: the listener's last out day counted so far
    std::vector<Day> last(days.size());
    for (size_t i = 0; i < days.size(); ++i) last[i] = last_of(days[i].day);
    auto add = [&](uint32_t p, Day a, Day b) {  // +1 over out days a..b, clipped to the chunk
      a = std::max(a, c0);
      b = std::min(b, c1);
      if (a > b) return;
      const size_t row = size_t{p} * static_cast<size_t>(len + 1);
      ++diff[row + static_cast<size_t>(a - c0)];
      --diff[row + static_cast<size_t>(b - c0 + 1)];
    };
    MergeByListener(days, 0, MaxUser(days), [&](uint32_t user, size_t i, size_t f, size_t e) {
      const Day d = days[i].day, l = last[i];
      for (size_t k = f; k < e; ++k) {
        const uint32_t t = days[i].track[k];
        if (t >= u.store_tracks()) continue;
        for (uint32_t x = places.targets_at[t]; x < places.targets_at[t + 1]; ++x) {
          const uint32_t p = places.targets[x];
          if (mark[p] != user || covered[p] < d) {  // a new interval
            mark[p] = user;
            covered[p] = l;
            add(p, d, l);
          } else if (l > covered[p]) {  // extends the one it is in
            add(p, covered[p] + 1, l);
            covered[p] = l;
          }
        }
      }
    });
    for (int32_t k = 0; k < len; ++k) {
      for (size_t p = 0; p < n; ++p) {
        const int64_t v = diff[p * static_cast<size_t>(len + 1) + static_cast<size_t>(k)];
        counts[p] = static_cast<uint64_t>(static_cast<int64_t>(k == 0 ? 0 : counts[p]) + v);
      }
      ENCORE_RETURN_IF_ERROR(fn(c0 + k, places.entity_of, counts));
    }
  }
  return Status::Ok();
}

Result<ListenerBoardResult> ListenerBoard(const CountStore& store, const RecordsUniverse& u,
                                          EntityKind kind, Day day, ListenerWindow window,
                                          const ListenerFilter& filter, bool with_peaks,
                                          int threads) {
  ENCORE_RETURN_IF_ERROR(NeedSets(store));
  ListenerBoardResult out;
  out.day = day;
  out.from = WindowStart(window, day);
  // The window ending on `day` and the one ending the day before: each day read counts for one
  // or both.
  const Day before_from = WindowStart(window, day - 1);
  const Places places = PlacesOf(u, kind);
  const size_t n = places.entity_of.size();
  out.days_without_sets = static_cast<uint32_t>(DaysWithoutSets(store, out.from, day).size());
  const std::vector<Day> read = DaysWithin(store.DaysWithListeners(), std::min(before_from, out.from), day);
  ENCORE_ASSIGN_OR_RETURN(const std::vector<DayRows> days, ReadDays(store, read, filter));
  std::vector<uint8_t> in(days.size());  // bit 0: today's window, bit 1: yesterday's
  for (size_t i = 0; i < days.size(); ++i) {
    const Day d = days[i].day;
    in[i] = static_cast<uint8_t>((d >= out.from && d <= day ? 1 : 0) |
                                 (d >= before_from && d <= day - 1 ? 2 : 0));
  }
  // Merged by listener, each listener counted once per place and window (the place's mark is the
  // last listener counted), the listener range split between threads.
  const uint32_t users = MaxUser(days);
  const size_t n_threads = std::clamp<size_t>(static_cast<size_t>(threads), 1, 8);
  struct Part {
    std::vector<uint64_t> now, before;
  };
  std::vector<Part> parts(n_threads);
  auto work = [&](size_t t) {
    Part& part = parts[t];
    part.now.assign(n, 0);
    part.before.assign(n, 0);
    std::vector<uint32_t> mark_now(n, ~0u), mark_before(n, ~0u);
    const auto first = static_cast<uint32_t>(uint64_t{users} * t / n_threads);
    const auto end = static_cast<uint32_t>(uint64_t{users} * (t + 1) / n_threads);
    MergeByListener(days, first, end, [&](uint32_t user, size_t i, size_t f, size_t e) {
      const uint8_t w = in[i];
      for (size_t k = f; k < e; ++k) {
        const uint32_t tr = days[i].track[k];
        if (tr >= u.store_tracks()) continue;
        for (uint32_t x = places.targets_at[tr]; x < places.targets_at[tr + 1]; ++x) {
          const uint32_t p = places.targets[x];
          if ((w & 1) && mark_now[p] != user) {
            mark_now[p] = user;
            ++part.now[p];
          }
          if ((w & 2) && mark_before[p] != user) {
            mark_before[p] = user;
            ++part.before[p];
          }
        }
      }
    });
  };
  {
    std::vector<std::thread> pool;
    for (size_t t = 1; t < n_threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& t : pool) t.join();
  }
  for (size_t p = 0; p < n; ++p) {
    ListenerStanding s;
    s.entity = places.entity_of[p];
    for (const Part& part : parts) {
      s.listeners += part.now[p];
      s.before += part.before[p];
    }
    if (s.listeners > 0) out.standings.push_back(s);
  }
  if (with_peaks && !out.standings.empty()) {
    std::vector<uint32_t> at(u.size(), ~0u);
    for (size_t i = 0; i < out.standings.size(); ++i) at[out.standings[i].entity] = static_cast<uint32_t>(i);
    // No window has listeners before the first day holding any.
    const std::vector<Day> with = store.DaysWithListeners();
    ENCORE_RETURN_IF_ERROR(ListenerDays(
        store, u, kind, std::min(with.front(), day), day, window, filter,
        [&](Day d, const std::vector<uint32_t>& ents, const std::vector<uint64_t>& counts) {
          for (size_t i = 0; i < ents.size(); ++i) {
            if (at[ents[i]] == ~0u) continue;
            ListenerStanding& s = out.standings[at[ents[i]]];
            if (counts[i] > s.peak) {
              s.peak = counts[i];
              s.peak_day = d;
            }
          }
          return Status::Ok();
        }));
  }
  std::sort(out.standings.begin(), out.standings.end(),
            [](const ListenerStanding& a, const ListenerStanding& b) {
              return a.listeners != b.listeners ? a.listeners > b.listeners : a.entity < b.entity;
            });
  return out;
}

Result<std::vector<ListenerCrossings>> ListenerMilestones(
    const CountStore& store, const RecordsUniverse& u, EntityKind kind, Day from, Day to,
    ListenerWindow window, const ListenerFilter& filter, const std::vector<uint64_t>& thresholds) {
  std::vector<ListenerCrossings> out;
  std::vector<uint32_t> at(u.size(), ~0u);  // entity -> its place in out
  std::vector<size_t> next;                 // per place in out: the next threshold to reach
  ENCORE_RETURN_IF_ERROR(ListenerDays(
      store, u, kind, from, to, window, filter,
      [&](Day d, const std::vector<uint32_t>& ents, const std::vector<uint64_t>& counts) {
        for (size_t i = 0; i < ents.size(); ++i) {
          if (thresholds.empty() || counts[i] < thresholds[0]) continue;
          if (at[ents[i]] == ~0u) {
            at[ents[i]] = static_cast<uint32_t>(out.size());
            out.push_back({ents[i], {}});
            next.push_back(0);
          }
          const uint32_t k = at[ents[i]];
          while (next[k] < thresholds.size() && counts[i] >= thresholds[next[k]]) {
            out[k].reached.emplace_back(thresholds[next[k]], d);
            ++next[k];
          }
        }
        return Status::Ok();
      }));
  return out;
}

Result<std::vector<NewsItem>> ListenerNews(const CountStore& store, const RecordsUniverse& u, Day from,
                                           Day to) {
  std::vector<NewsItem> out;
  if (!u.catalog() || u.catalog()->artists().empty() || from > to) return out;
  std::vector<uint64_t> ladder;
  for (uint64_t p = 1000; p <= 1'000'000'000'000ULL; p *= 10) {
    for (uint64_t m : {1, 2, 5}) ladder.push_back(m * p);
  }
  ENCORE_ASSIGN_OR_RETURN(const auto reached,
                          ListenerMilestones(store, u, EntityKind::kArtist, from, to,
                                             ListenerWindow::k28Days, ListenerFilter{}, ladder));
  // Days whose streams' users no set holds: a window with any gives "at least" (and the day may
  // have come earlier).
  const std::vector<Day> no_set = DaysWithoutSets(store, WindowStart(ListenerWindow::k28Days, from), to);
  for (const ListenerCrossings& c : reached) {
    const Entity e = u.Describe(c.entity);
    for (const auto& [threshold, day] : c.reached) {
      const Day start = WindowStart(ListenerWindow::k28Days, day);
      const uint32_t unknown = CountWithin(no_set, start, day);
      NewsItem item;
      item.day = day;
      item.kind = "listeners";
      item.entity = "artist:" + e.id;
      item.threshold = static_cast<int64_t>(threshold);
      item.text = e.name + " reached " + Thousands(static_cast<int64_t>(threshold)) +
                  " monthly listeners on " + FormatDate(day) + " (the 28 days from " +
                  FormatDate(start) + ")";
      if (unknown > 0) {
        item.text += " — at least: " + std::to_string(unknown) + " of the 28 days hold streams of no known "
                     "users, so the count is a lower bound and the day may have come earlier";
      }
      item.evidence = nlohmann::json{{"entity", item.entity},
                                     {"name", e.name},
                                     {"threshold", threshold},
                                     {"date", FormatDate(day)},
                                     {"window", "28d"},
                                     {"from", FormatDate(start)},
                                     {"days_without_sets", unknown}}
                          .dump();
      out.push_back(std::move(item));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const NewsItem& a, const NewsItem& b) {
    return a.day != b.day ? a.day < b.day : a.text < b.text;
  });
  return out;
}

}  // namespace encore
