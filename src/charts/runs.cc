// Chart runs computed from positions, and their check against the printed columns.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "encore/charts.h"

namespace encore {
namespace {

struct SongState {
  int peak = INT_MAX;
  int weeks = 0;
  int streak = 0;
  int weeks_at_peak = 0;
  int last_index = -2;  // edition index of its last appearance
  int last_pos = 0;
};

}  // namespace

namespace {

int Mode(const std::map<int, size_t>& m) {
  int best = 0;
  size_t n = 0;
  for (const auto& [k, c] : m)
    if (c > n) best = k, n = c;
  return best;
}

// What a chart's editions usually look like: the most common number of days between two
// editions (7 when there is one edition) and the most common number of entries.
struct Shape {
  int period = 7, size = 0;
};
Shape ShapeOf(const std::vector<ChartEdition>& editions) {
  std::map<int, size_t> periods, sizes;
  for (size_t i = 0; i < editions.size(); ++i) {
    ++sizes[static_cast<int>(editions[i].entries.size())];
    if (i) ++periods[editions[i].date - editions[i - 1].date];
  }
  return {periods.empty() ? 7 : Mode(periods), Mode(sizes)};
}

// Rows of `next` that print a last week, and how many of them disagree with `prev`.
std::pair<size_t, size_t> LastWeekLinks(const ChartEdition& prev, const ChartEdition& next) {
  std::unordered_map<std::string, int> pos;
  for (const auto& e : prev.entries) pos.emplace(e.song, e.position);
  size_t printed = 0, wrong = 0;
  for (const auto& e : next.entries) {
    if (!e.last_week) continue;
    ++printed;
    auto it = pos.find(e.song);
    wrong += it == pos.end() || it->second != *e.last_week;
  }
  return {printed, wrong};
}

}  // namespace

std::vector<ChartEdition> LinkIdentities(std::vector<ChartEdition> editions) {
  // Union-find over identities: an entry's key and its publisher id are one song.
  std::unordered_map<std::string, std::string> parent;
  std::function<std::string(const std::string&)> find = [&](const std::string& x) {
    auto it = parent.find(x);
    if (it == parent.end() || it->second == x) return x;
    std::string root = find(it->second);
    parent[x] = root;
    return root;
  };
  auto unite = [&](const std::string& a, const std::string& b) {
    parent.emplace(a, a);
    parent.emplace(b, b);
    const std::string ra = find(a), rb = find(b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  };
  bool any = false;
  for (const auto& ed : editions)
    for (const auto& e : ed.entries)
      if (!e.id.empty()) unite(e.song, "id:" + e.id), any = true;
  if (!any) return editions;
  for (auto& ed : editions)
    for (auto& e : ed.entries) e.song = find(e.song);
  return editions;
}

std::vector<ChartEdition> RepairEditions(std::vector<ChartEdition> editions,
                                         std::vector<ChartRepair>* repairs) {
  if (editions.size() < 3) return editions;
  const Shape shape = ShapeOf(editions);
  const int period = shape.period, size = shape.size;
  std::vector<ChartEdition> out;
  out.reserve(editions.size() + 4);
  for (size_t i = 0; i < editions.size(); ++i) {
    ChartEdition& ed = editions[i];
    // A short edition: positions from the next edition's last-week column.
    if (static_cast<int>(ed.entries.size()) < size && i + 1 < editions.size()) {
      std::unordered_map<std::string, int> next_last;
      for (const auto& e : editions[i + 1].entries)
        if (e.last_week) next_last.emplace(e.song, *e.last_week);
      int hole = INT_MAX;  // the first position renumbered in the source
      for (const auto& e : ed.entries) {
        auto it = next_last.find(e.song);
        if (it != next_last.end() && it->second == e.position + 1)
          hole = std::min(hole, e.position);
      }
      ChartRepair r{ed.date, "short edition (" + std::to_string(ed.entries.size()) + " entries)",
                    0};
      std::unordered_set<std::string> here;
      for (auto& e : ed.entries) {
        here.insert(e.song);
        if (hole != INT_MAX && e.position >= hole) {
          ++e.position;
          e.repaired = true;
          ++r.rows;
        }
      }
      if (hole != INT_MAX) {
        r.what += ": positions from " + std::to_string(hole) +
                  " down restored from the next edition's last-week column";
      }
      // Positions now missing: the entries that went on to the next edition are put back.
      std::unordered_set<int> taken;
      for (const auto& e : ed.entries) taken.insert(e.position);
      std::unordered_map<int, const ChartEntry*> by_last;
      for (const auto& e : editions[i + 1].entries)
        if (e.last_week && !here.count(e.song)) by_last.emplace(*e.last_week, &e);
      size_t lost = 0;
      for (int p = 1; p <= size; ++p) {
        if (taken.count(p)) continue;
        auto it = by_last.find(p);
        if (it == by_last.end()) {
          ++lost;
          continue;
        }
        ChartEntry back = *it->second;
        back.position = p;
        back.last_week = back.peak = back.weeks = std::nullopt;
        back.metric = std::nullopt;
        back.line = 0;
        back.repaired = true;
        r.what +=
            "; No. " + std::to_string(p) + " put back (" + back.artist + " - " + back.title + ")";
        ed.entries.push_back(std::move(back));
        ++r.rows;
      }
      if (lost)
        r.what +=
            "; " + std::to_string(lost) + " missing entries did not go on to the next edition";
      if (r.rows) {
        std::stable_sort(
            ed.entries.begin(), ed.entries.end(),
            [](const ChartEntry& a, const ChartEntry& b) { return a.position < b.position; });
        repairs->push_back(std::move(r));
      }
    }
    // A missing edition before this one: most printed last weeks disagree with the edition
    // before.
    if (!out.empty()) {
      const auto [printed, wrong] = LastWeekLinks(out.back(), ed);
      // Up to two periods since the edition before: one edition is missing (dated a period
      // before this one), or the data holds another edition than the one the publisher
      // followed (dated the day before this one).
      const int step = ed.date - out.back().date;
      if (printed >= 20 && wrong * 2 > printed && step > 1 && step <= 2 * period) {
        ChartEdition rebuilt{ed.chart, step > period ? ed.date - period : ed.date - 1, {}};
        for (const auto& e : ed.entries) {
          if (!e.last_week) continue;
          ChartEntry x = e;
          x.position = *e.last_week;
          x.last_week = x.peak = x.weeks = std::nullopt;
          x.metric = std::nullopt;
          x.line = 0;
          x.repaired = true;
          rebuilt.entries.push_back(std::move(x));
        }
        std::stable_sort(
            rebuilt.entries.begin(), rebuilt.entries.end(),
            [](const ChartEntry& a, const ChartEntry& b) { return a.position < b.position; });
        repairs->push_back({rebuilt.date,
                            "missing edition: " + std::to_string(wrong) + " of " +
                                std::to_string(printed) +
                                " printed last weeks of the next edition disagree with the edition "
                                "before; reconstructed from them",
                            rebuilt.entries.size()});
        out.push_back(std::move(rebuilt));
      }
    }
    out.push_back(std::move(ed));
  }
  return out;
}

std::vector<std::vector<RunStats>> ComputeRuns(const std::vector<ChartEdition>& editions) {
  std::vector<std::vector<RunStats>> out(editions.size());
  std::unordered_map<std::string, SongState> state;
  const int period = ShapeOf(editions).period;
  int since_gap = 0;
  for (size_t i = 0; i < editions.size(); ++i) {
    const int index = static_cast<int>(i);
    const auto& entries = editions[i].entries;
    out[i].resize(entries.size());
    const bool after_gap = i == 0 || editions[i].date - editions[i - 1].date > period + period / 2;
    if (after_gap) since_gap = 0;
    ++since_gap;  // editions of the data so far since its start or its last gap, this one included
    // From the state before this edition; an identity listed twice counts once (its best place).
    for (size_t j = 0; j < entries.size(); ++j) {
      const ChartEntry& e = entries[j];
      SongState& s = state[e.song];
      const int pos = e.position;
      RunStats& r = out[i][j];
      // On the first edition after the data starts or resumes; or, for a song never seen, when
      // it prints more weeks than the data has editions since then.
      const bool unknown_past = (after_gap && s.last_index < index - 1) ||
                                (s.weeks == 0 && e.weeks && *e.weeks > since_gap);
      if (unknown_past && e.weeks && *e.weeks > 1) {
        // Carry in the history the data does not have.
        r.carried_in = true;
        s.weeks = std::max(s.weeks, *e.weeks - 1);
        if (e.peak && *e.peak < s.peak) s.peak = *e.peak, s.weeks_at_peak = *e.peak < pos;
        if (e.last_week) {
          s.last_index = index - 1;
          s.last_pos = *e.last_week;
          s.streak = std::max(s.streak, 1);
        }
      }
      const bool on_prev = s.last_index == index - 1;
      if (on_prev) r.last = s.last_pos;
      r.debut = s.weeks == 0;
      r.reentry = s.weeks > 0 && !on_prev;
      r.weeks = s.weeks + 1;
      r.streak = on_prev ? s.streak + 1 : 1;
      r.peak = std::min(s.peak, pos);
      r.weeks_at_peak = pos < s.peak ? 1 : pos == s.peak ? s.weeks_at_peak + 1 : s.weeks_at_peak;
    }
    for (size_t j = 0; j < entries.size(); ++j) {
      SongState& s = state[entries[j].song];
      if (s.last_index == index) continue;  // listed twice: the first (best) place counts
      const RunStats& r = out[i][j];
      s.peak = r.peak;
      s.weeks = r.weeks;
      s.streak = r.streak;
      s.weeks_at_peak = r.weeks_at_peak;
      s.last_index = index;
      s.last_pos = entries[j].position;
    }
  }
  return out;
}

std::string Movement(const RunStats& s, int position) {
  if (s.debut) return "NEW";
  if (s.reentry) return "RE";
  const int d = *s.last - position;
  return d == 0 ? "=" : (d > 0 ? "+" : "") + std::to_string(d);
}

VerifyReport VerifyChart(const std::string& chart, const std::vector<ChartEdition>& original,
                         const VerifyOptions& options) {
  VerifyReport rep;
  rep.chart = chart;
  rep.editions = original.size();
  if (original.empty()) return rep;
  const std::vector<ChartEdition> editions =
      options.repair ? RepairEditions(LinkIdentities(original), &rep.repairs)
                     : LinkIdentities(original);
  const auto runs = ComputeRuns(editions);

  // What the data looks like, to classify what disagrees: the usual period between editions and
  // the usual number of entries (the most common ones).
  const Shape shape = ShapeOf(editions);
  const int period = shape.period, size = shape.size;
  // Per edition: after a gap (a missing edition), a repeat of the one before, short of entries.
  std::vector<char> gap(editions.size()), repeat(editions.size()), shorted(editions.size());
  std::vector<char> rebuilt(editions.size());  // reconstructed by RepairEditions, or beside one
  for (size_t i = 0; i < editions.size(); ++i) {
    const auto& e = editions[i].entries;
    if (!e.empty() && e.front().line == 0 && e.front().repaired) {
      for (size_t k = i ? i - 1 : 0; k <= i + 1 && k < editions.size(); ++k) rebuilt[k] = 1;
    }
  }
  for (size_t i = 0; i < editions.size(); ++i) {
    const auto& e = editions[i].entries;
    shorted[i] = static_cast<int>(e.size()) < size;
    if (!i) continue;
    gap[i] = editions[i].date - editions[i - 1].date > period + period / 2;
    const auto& p = editions[i - 1].entries;
    // A repeat of the edition before, or an edition whose printed last weeks mostly refer to
    // another one than the edition before it in the data.
    const auto [printed, wrong] = LastWeekLinks(editions[i - 1], editions[i]);
    repeat[i] = (e.size() == p.size() && e.size() > 10 &&
                 std::equal(e.begin(), e.end(), p.begin(),
                            [](const ChartEntry& a, const ChartEntry& b) {
                              return a.song == b.song && a.position == b.position;
                            })) ||
                (printed >= 20 && wrong * 2 > printed);
  }
  // Per identity: the edition of its first appearance, and whether it was on the chart across a
  // gap, a repeated edition or a short one (its later counts inherit the defect).
  std::unordered_map<std::string, int> first_seen;
  // Per identity: whether its first appearance since the data started or resumed claimed weeks
  // before it (printed weeks above 1) within a year of that start: its earlier weeks are then
  // outside the data, not under another spelling.
  std::unordered_map<std::string, int> claimed_past;  // 1: before the data, 2: before a gap
  std::unordered_set<std::string> crossed_gap, crossed_short;
  size_t resumed = 0;  // the edition where the data started or last resumed after a gap

  for (size_t i = 0; i < editions.size(); ++i) {
    if (gap[i]) resumed = i;
    const auto& entries = editions[i].entries;
    std::unordered_map<std::string, int> count;
    for (const auto& e : entries) ++count[e.song];
    for (size_t j = 0; j < entries.size(); ++j) {
      const ChartEntry& e = entries[j];
      const RunStats& r = runs[i][j];
      if (e.line == 0 && e.repaired) continue;  // reconstructed: not a printed row
      if (first_seen.emplace(e.song, static_cast<int>(i)).second && e.weeks && *e.weeks > 1 &&
          editions[i].date - editions[resumed].date <= 366) {
        claimed_past[e.song] = resumed == 0 ? 1 : 2;
      }
      if (gap[i] || repeat[i] || rebuilt[i]) crossed_gap.insert(e.song);
      if (shorted[i] || (i && shorted[i - 1])) crossed_short.insert(e.song);
      ++rep.rows;
      const int computed_weeks = options.weeks_as_streak ? r.streak : r.weeks;
      const bool last_ok = e.last_week == r.last;
      // A chart that prints last week for every row prints none for a new or re-entering one.
      const bool peak_ok = !e.peak || *e.peak == r.peak;
      const bool weeks_ok = !e.weeks || *e.weeks == computed_weeks;
      ++rep.last_rows;
      rep.last_agree += last_ok;
      if (e.peak) ++rep.peak_rows, rep.peak_agree += peak_ok;
      if (e.weeks) ++rep.weeks_rows, rep.weeks_agree += weeks_ok;
      if (last_ok && peak_ok && weeks_ok && !r.carried_in) {
        ++rep.agree;
        continue;
      }
      std::string cls;
      const int off_last = e.last_week && r.last ? std::abs(*e.last_week - *r.last) : -1;
      const int off_peak = e.peak ? std::abs(*e.peak - r.peak) : -1;
      if (r.carried_in) {
        cls = i == 0 || !gap[i] ? "history before the data starts"
                                : "gap in the data (an edition missing or repeated)";
      } else if (i == 0 || ((!weeks_ok || !peak_ok) && claimed_past[e.song] == 1)) {
        cls = "history before the data starts";
      } else if ((!weeks_ok || !peak_ok) && claimed_past[e.song] == 2) {
        cls = "gap in the data (an edition missing or repeated)";
      } else if (gap[i] || repeat[i] || (i && (gap[i - 1] || repeat[i - 1])) ||
                 (!weeks_ok && crossed_gap.count(e.song))) {
        cls = "gap in the data (an edition missing or repeated)";
      } else if (shorted[i] || (i && shorted[i - 1]) ||
                 (!weeks_ok && crossed_short.count(e.song))) {
        cls = "short edition (an entry missing, positions renumbered)";
      } else if (count[e.song] > 1) {
        cls = "two entries with one identity";
      } else if (weeks_ok && (off_last == 1 || off_peak == 1) && off_last <= 1 && off_peak <= 1) {
        cls = "tie or renumbered position";
      } else if (e.weeks && *e.weeks < computed_weeks) {
        cls = "re-release (the publisher counted a new run)";
      } else if (e.weeks && *e.weeks > computed_weeks) {
        cls = "credit or title change (earlier weeks under another spelling)";
      } else if (e.last_week.has_value() != r.last.has_value()) {
        cls = "credit or title change (not linked to last week)";
      } else {
        cls = "unexplained";
      }
      ++rep.classes[cls];
      rep.disagreements.push_back({editions[i].date, e, r, cls});
    }
  }
  return rep;
}

}  // namespace encore
