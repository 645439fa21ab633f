// Listeners: distinct users with a counted stream over a window, for one entity (a series) or for
// every entity of a kind (a board), from the store's per-day listener sets. Rules: doc/records.md,
// "Listeners"; the sets: doc/decisions/0010-listener-sets.md.
#include <roaring/roaring.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

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

// (place, listener) → the last day the listener streamed the place: an open-addressing table of
// 64-bit keys (place << 32 | listener + 1; 0 empty) that only grows.
class LastSeen {
 public:
  // The slot of the key: found, or empty (then *fresh).
  int32_t* Find(uint64_t key, bool* fresh) {
    if ((size_ + 1) * 10 > keys_.size() * 7) Grow();
    size_t i = Slot(key);
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & (keys_.size() - 1);
    *fresh = keys_[i] == 0;
    if (*fresh) {
      keys_[i] = key;
      ++size_;
    }
    return &days_[i];
  }
  void Clear() {
    std::fill(keys_.begin(), keys_.end(), 0);
    size_ = 0;
  }
  size_t size() const { return size_; }

 private:
  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & (keys_.size() - 1);
  }
  void Grow() {
    std::vector<uint64_t> keys(std::max<size_t>(1 << 16, keys_.size() * 2), 0);
    std::vector<int32_t> days(keys.size(), 0);
    keys.swap(keys_);
    days.swap(days_);
    for (size_t j = 0; j < keys.size(); ++j) {
      if (keys[j] == 0) continue;
      size_t i = Slot(keys[j]);
      while (keys_[i] != 0) i = (i + 1) & (keys_.size() - 1);
      keys_[i] = keys[j];
      days_[i] = days[j];
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<int32_t> days_;
  size_t size_ = 0;
};

Status NeedSets(const CountStore& store) {
  if (store.KeepsListeners()) return Status::Ok();
  return Status::FailedPrecondition(
      "this store keeps no listener sets (" + store.Name() +
      "): listeners are counted from raw plays and listening histories in a local store");
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
  const std::vector<Day> days = DaysWithin(store.Days(), first, to);
  std::vector<Bitmap> sets(days.size());
  std::vector<char> no_set(days.size(), 0);
  std::vector<uint32_t> users;
  for (size_t i = 0; i < days.size(); ++i) {
    ENCORE_ASSIGN_OR_RETURN(auto l, store.ReadListeners(days[i]));
    if (!l) {
      no_set[i] = 1;
      continue;
    }
    users.clear();
    for (size_t k = 0; k < l->size(); ++k) {
      const uint32_t t = l->track[k];
      if (t < counts.size() && counts[t] && Passes(*l, k, filter) &&
          (users.empty() || users.back() != l->user[k])) {
        users.push_back(l->user[k]);  // entries come by user: ascending
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
    std::vector<const roaring_bitmap_t*> parts;
    for (size_t i = static_cast<size_t>(
             std::lower_bound(days.begin(), days.end(), start) - days.begin());
         i < days.size() && days[i] <= end; ++i) {
      p.days_without_sets += no_set[i];
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
  const bool calendar = window == ListenerWindow::kMonth || window == ListenerWindow::kYear;
  const int32_t span = window == ListenerWindow::kDay      ? 1
                       : window == ListenerWindow::k7Days  ? 7
                       : window == ListenerWindow::k28Days ? 28
                                                           : 0;
  // A listener joins a place's count the day it streams it after at least a window's absence,
  // and leaves it `span` days after its last such day (a rolling window), or when a calendar
  // period ends. Expiries are kept per day as the keys that may leave then.
  LastSeen last;
  std::vector<uint64_t> count(places.entity_of.size(), 0);
  std::vector<std::vector<uint64_t>> expire(span > 0 ? static_cast<size_t>(span) : 1);
  const Day first = WindowStart(window, from);
  const std::vector<Day> days = store.Days();
  auto next = std::lower_bound(days.begin(), days.end(), first);
  for (Day d = first; d <= to; ++d) {
    if (calendar && d > first && WindowStart(window, d) == d) {  // a new period
      last.Clear();
      std::fill(count.begin(), count.end(), 0);
    }
    if (span > 0) {  // who streamed last `span` days ago leaves today
      auto& out = expire[static_cast<size_t>(d % span)];
      for (const uint64_t key : out) {
        bool fresh = false;
        int32_t* seen = last.Find(key, &fresh);
        if (!fresh && *seen == d - span) --count[key >> 32];
      }
      out.clear();
    }
    if (next != days.end() && *next == d) {
      ++next;
      ENCORE_ASSIGN_OR_RETURN(auto l, store.ReadListeners(d));
      if (l) {
        const DayListeners& dl = *l;
        for (size_t k = 0; k < dl.size(); ++k) {
          const uint32_t t = dl.track[k];
          if (t >= u.store_tracks() || !Passes(dl, k, filter)) continue;
          for (uint32_t x = places.targets_at[t]; x < places.targets_at[t + 1]; ++x) {
            const uint64_t key = (uint64_t{places.targets[x]} << 32) | (uint64_t{dl.user[k]} + 1);
            bool fresh = false;
            int32_t* seen = last.Find(key, &fresh);
            if (!fresh && *seen == d) continue;  // seen today already
            if (fresh || span == 0 || *seen <= d - span) ++count[places.targets[x]];
            *seen = d;
            if (span > 0) expire[static_cast<size_t>(d % span)].push_back(key);
          }
        }
      }
    }
    if (d >= from) ENCORE_RETURN_IF_ERROR(fn(d, places.entity_of, count));
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
  // The window ending on `day` is L ∪ M; the one ending the day before is F ∪ M:
  //   F = [start of yesterday's window, start of today's - 1], M = [later start, day - 1],
  //   L = [day].
  const Day before_from = WindowStart(window, day - 1);
  const Day m_from = std::max(out.from, before_from);
  const Places places = PlacesOf(u, kind);
  const auto& entity_of = places.entity_of;
  const auto& targets_at = places.targets_at;
  const auto& targets = places.targets;
  const std::vector<Day> days = DaysWithin(store.Days(), std::min(before_from, out.from), day);
  // Each thread reads every n-th day into its own three sets of bitmaps (F, M, L per place),
  // buffering a day's users per place (ascending: entries come by user) before adding them.
  const size_t n_threads = std::max<size_t>(1, std::min<size_t>(threads, days.size()));
  struct Part {
    std::vector<Bitmap> set[3];
    uint32_t no_sets = 0;
    Status status;
  };
  std::vector<Part> parts(n_threads);
  std::atomic<bool> failed{false};
  auto work = [&](size_t first) {
    Part& part = parts[first];
    for (auto& s : part.set) s.resize(entity_of.size());
    std::vector<std::vector<uint32_t>> buffer(entity_of.size());
    std::vector<uint32_t> touched;
    for (size_t i = first; i < days.size() && !failed; i += n_threads) {
      const Day d = days[i];
      auto l = store.ReadListeners(d);
      if (!l.ok()) {
        part.status = l.status();
        failed = true;
        return;
      }
      if (!*l) {
        if (d >= out.from) ++part.no_sets;
        continue;
      }
      const DayListeners& dl = **l;
      for (size_t k = 0; k < dl.size(); ++k) {
        const uint32_t t = dl.track[k];
        if (t >= u.store_tracks() || !Passes(dl, k, filter)) continue;
        const uint32_t user = dl.user[k];
        for (uint32_t x = targets_at[t]; x < targets_at[t + 1]; ++x) {
          std::vector<uint32_t>& b = buffer[targets[x]];
          if (b.empty()) touched.push_back(targets[x]);
          if (b.empty() || b.back() != user) b.push_back(user);
        }
      }
      const int which = d == day ? 2 : d >= m_from ? 1 : 0;
      auto& set = part.set[which];
      for (uint32_t p : touched) {
        if (!set[p]) set[p] = NewBitmap();
        roaring_bitmap_add_many(set[p].get(), buffer[p].size(), buffer[p].data());
        buffer[p].clear();
      }
      touched.clear();
    }
  };
  {
    std::vector<std::thread> pool;
    for (size_t t = 1; t < n_threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& t : pool) t.join();
  }
  for (auto& p : parts) {
    ENCORE_RETURN_IF_ERROR(p.status);
    out.days_without_sets += p.no_sets;
  }
  // The parts' sets into the first's.
  for (size_t t = 1; t < parts.size(); ++t) {
    for (int w = 0; w < 3; ++w) {
      for (size_t p = 0; p < entity_of.size(); ++p) {
        Bitmap& to = parts[0].set[w][p];
        Bitmap& from = parts[t].set[w][p];
        if (!from) continue;
        if (!to) {
          to = std::move(from);
        } else {
          roaring_bitmap_or_inplace(to.get(), from.get());
        }
      }
    }
  }
  auto union_size = [](const Bitmap& a, const Bitmap& b) -> uint64_t {
    if (a && b) return roaring_bitmap_or_cardinality(a.get(), b.get());
    if (a) return roaring_bitmap_get_cardinality(a.get());
    if (b) return roaring_bitmap_get_cardinality(b.get());
    return 0;
  };
  const auto& set = parts[0].set;
  for (size_t p = 0; p < entity_of.size(); ++p) {
    ListenerStanding s;
    s.entity = entity_of[p];
    s.listeners = union_size(set[1][p], set[2][p]);
    s.before = union_size(set[0][p], set[1][p]);
    if (s.listeners > 0) out.standings.push_back(s);
  }
  if (with_peaks && !out.standings.empty()) {
    std::vector<uint32_t> at(u.size(), ~0u);
    for (size_t i = 0; i < out.standings.size(); ++i) at[out.standings[i].entity] = static_cast<uint32_t>(i);
    const std::vector<Day> all = store.Days();
    ENCORE_RETURN_IF_ERROR(ListenerDays(
        store, u, kind, all.front(), day, window, filter,
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

}  // namespace encore
