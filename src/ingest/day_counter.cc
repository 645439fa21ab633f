#include "ingest/day_counter.h"

#include <algorithm>

#include "common/radix_sort.h"

namespace encore {
namespace {

struct Counted {
  uint32_t premium;
  uint32_t free;
};

// Premium first: the order-independent split of at most `cap` streams between tiers.
inline Counted Attribute(uint32_t premium, uint32_t free, uint32_t cap) {
  const uint32_t p = std::min(premium, cap);
  return {p, std::min(free, cap - p)};
}

// The listeners of the listen-only records p[i..] (sorted by cell, then user) that neither the
// day's saved cap state (a counted stream before) nor `listeners` (a new one) holds, merged into
// `listeners` in (cell, user) order.
void AddListenOnly(const std::vector<PlayRec>& p, size_t i, const std::vector<CapEntry>& old_state,
                   std::vector<ListenerPair>* listeners) {
  std::vector<ListenerPair> more;
  size_t s = 0, l = 0;
  const std::vector<ListenerPair>& have = *listeners;
  for (; i < p.size(); ++i) {
    const ListenerPair pair{p[i].cell & ~kListenOnly, p[i].user & ~uint64_t{1}};
    if (!more.empty() && more.back() == pair) continue;
    while (s < old_state.size() && (old_state[s].cell < pair.cell ||
                                    (old_state[s].cell == pair.cell && old_state[s].user < pair.user))) {
      ++s;
    }
    if (s < old_state.size() && old_state[s].cell == pair.cell && old_state[s].user == pair.user &&
        old_state[s].premium + old_state[s].free > 0) {
      continue;
    }
    while (l < have.size() && have[l] < pair) ++l;
    if (l < have.size() && have[l] == pair) continue;
    more.push_back(pair);
  }
  if (more.empty()) return;
  const auto middle = static_cast<long>(listeners->size());
  listeners->insert(listeners->end(), more.begin(), more.end());
  std::inplace_merge(listeners->begin(), listeners->begin() + middle, listeners->end());
}

}  // namespace

void SortPlays(std::vector<PlayRec>* plays) {
  // By cell with a radix sort, then each cell's few records by user.
  RadixSort(plays, [](const PlayRec& r) { return r.cell; });
  auto& v = *plays;
  for (size_t i = 0; i < v.size();) {
    size_t j = i + 1;
    while (j < v.size() && v[j].cell == v[i].cell) ++j;
    if (j - i > 24) {
      std::sort(v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(j),
                [](const PlayRec& a, const PlayRec& b) { return a.user < b.user; });
    } else {
      for (size_t k = i + 1; k < j; ++k) {  // insertion sort: most cells hold a few plays
        const PlayRec x = v[k];
        size_t m = k;
        for (; m > i && v[m - 1].user > x.user; --m) v[m] = v[m - 1];
        v[m] = x;
      }
    }
    i = j;
  }
}

DayCountResult CountDay(std::vector<PlayRec>* plays, std::vector<TotalRec>* totals,
                        const std::vector<CountRow>& old_counts,
                        const std::vector<CapEntry>& old_state, uint32_t cap, bool keep_state) {
  DayCountResult out;
  SortPlays(plays);
  std::vector<CountRow> delta;  // (cell, tier) sorted, signed changes
  auto add_delta = [&](uint64_t cell, Tier tier, int64_t d) {
    if (d == 0) return;
    if (!delta.empty() && delta.back().cell == cell && delta.back().tier == tier) {
      delta.back().streams += d;
    } else {
      delta.push_back({cell, tier, d});
    }
  };
  if (keep_state) out.state.reserve(old_state.size() + plays->size());

  size_t s = 0;  // cursor in old_state
  const auto& p = *plays;
  {  // the new listeners are at most the (cell, user) groups: reserved at once, not doubled
    size_t groups = 0;
    for (size_t k = 0; k < p.size(); ++k) {
      groups += k == 0 || p[k].cell != p[k - 1].cell ||
                (p[k].user & ~uint64_t{1}) != (p[k - 1].user & ~uint64_t{1});
    }
    out.listeners.reserve(groups);
  }
  size_t i = 0;
  int64_t cell_dp = 0, cell_df = 0;
  uint64_t cur_cell = ~uint64_t{0};
  auto flush_cell = [&] {
    if (cur_cell == ~uint64_t{0}) return;
    add_delta(cur_cell, Tier::kPremium, cell_dp);
    add_delta(cur_cell, Tier::kFree, cell_df);
    cell_dp = cell_df = 0;
  };
  // Listen-only records (kListenOnly) sort last: they come after the loop.
  while (i < p.size() && (p[i].cell & kListenOnly) == 0) {
    const uint64_t cell = p[i].cell;
    const uint64_t user = p[i].user & ~uint64_t{1};
    uint32_t np = 0, nf = 0;
    for (; i < p.size() && p[i].cell == cell && (p[i].user & ~uint64_t{1}) == user; ++i) {
      (p[i].user & 1) ? ++nf : ++np;
    }
    // Old entries before this key are untouched by the new plays.
    while (s < old_state.size() &&
           (old_state[s].cell < cell || (old_state[s].cell == cell && old_state[s].user < user))) {
      if (keep_state) out.state.push_back(old_state[s]);
      ++s;
    }
    uint32_t op = 0, of = 0;
    if (s < old_state.size() && old_state[s].cell == cell && old_state[s].user == user) {
      op = old_state[s].premium;
      of = old_state[s].free;
      ++s;
    }
    if (op == 0 && of == 0) out.listeners.push_back({cell, user});
    const Counted before = Attribute(op, of, cap);
    const uint32_t sp = std::min(op + np, cap), sf = std::min(of + nf, cap);
    const Counted after = Attribute(sp, sf, cap);
    const uint32_t gained = after.premium + after.free - before.premium - before.free;
    out.counted += gained;
    out.capped += np + nf - gained;
    if (cell != cur_cell) {
      flush_cell();
      cur_cell = cell;
    }
    cell_dp += static_cast<int64_t>(after.premium) - before.premium;
    cell_df += static_cast<int64_t>(after.free) - before.free;
    if (keep_state) {
      out.state.push_back({cell, user, static_cast<uint16_t>(sp), static_cast<uint16_t>(sf)});
    }
  }
  flush_cell();
  if (keep_state) {
    for (; s < old_state.size(); ++s) out.state.push_back(old_state[s]);
  }
  if (i < p.size()) AddListenOnly(p, i, old_state, &out.listeners);

  // Daily totals add without a cap.
  if (!totals->empty()) {
    // A day's rows usually come in track order (ids are given in first-seen order): then they
    // need no sort.
    auto less = [](const TotalRec& a, const TotalRec& b) {
      return a.cell != b.cell ? a.cell < b.cell : a.tier < b.tier;
    };
    if (!std::is_sorted(totals->begin(), totals->end(), less)) {
      // By tier, then stably by cell: (cell, tier) order in linear time.
      RadixSort(totals, [](const TotalRec& r) { return uint64_t{r.tier}; });
      RadixSort(totals, [](const TotalRec& r) { return r.cell; });
    }
    std::vector<CountRow> tdelta;
    for (const auto& t : *totals) {
      out.totals += t.streams;
      if (!tdelta.empty() && tdelta.back().cell == t.cell &&
          tdelta.back().tier == static_cast<Tier>(t.tier)) {
        tdelta.back().streams += t.streams;
      } else {
        tdelta.push_back({t.cell, static_cast<Tier>(t.tier), t.streams});
      }
    }
    std::vector<CountRow> merged;
    merged.reserve(delta.size() + tdelta.size());
    std::merge(delta.begin(), delta.end(), tdelta.begin(), tdelta.end(), std::back_inserter(merged),
               [](const CountRow& a, const CountRow& b) {
                 return a.cell != b.cell ? a.cell < b.cell : a.tier < b.tier;
               });
    delta.clear();
    for (const auto& r : merged) add_delta(r.cell, r.tier, r.streams);
  }

  // New counts = old counts + delta, zero rows dropped.
  out.counts.reserve(old_counts.size() + delta.size());
  size_t a = 0, b = 0;
  auto less = [](const CountRow& x, const CountRow& y) {
    return x.cell != y.cell ? x.cell < y.cell : x.tier < y.tier;
  };
  while (a < old_counts.size() || b < delta.size()) {
    CountRow r;
    if (b >= delta.size() || (a < old_counts.size() && less(old_counts[a], delta[b]))) {
      r = old_counts[a++];
    } else if (a >= old_counts.size() || less(delta[b], old_counts[a])) {
      r = delta[b++];
    } else {
      r = old_counts[a++];
      r.streams += delta[b++].streams;
    }
    if (r.streams != 0) out.counts.push_back(r);
  }
  return out;
}

}  // namespace encore
