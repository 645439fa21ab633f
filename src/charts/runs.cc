// Chart runs computed from positions, and their check against the printed columns.
#include <algorithm>
#include <climits>
#include <cstdint>
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
  int segment = -1;  // the stretch of the data (between gaps) of its last appearance
  // Before the publisher restarted its count (RunStats::new_run): the earlier run's figures.
  int prior_weeks = 0, prior_peak = INT_MAX, prior_weeks_at_peak = 0;
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

// Songs on both editions that print weeks on chart on both, and how many of them print two more
// on `next` than on `prev` (an edition between them that the data lacks).
std::pair<size_t, size_t> WeeksSteps(const ChartEdition& prev, const ChartEdition& next) {
  std::unordered_map<std::string, int> weeks;
  for (const auto& e : prev.entries)
    if (e.weeks) weeks.emplace(e.song, *e.weeks);
  size_t both = 0, two = 0;
  for (const auto& e : next.entries) {
    if (!e.weeks) continue;
    auto it = weeks.find(e.song);
    if (it == weeks.end()) continue;
    ++both;
    two += *e.weeks - it->second == 2;
  }
  return {both, two};
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

// Keeps one of the rows that list one identity at one position more than once.
void DropRepeatedRows(ChartEdition* ed, const ChartEdition* prev,
                      std::vector<ChartRepair>* repairs) {
  // Rows of one identity at one position share their position: an edition whose positions are
  // all distinct (nearly every one) has none, found without building a key.
  std::vector<char> taken;
  bool shared = false;
  for (const auto& e : ed->entries) {
    const size_t at = static_cast<size_t>(e.position);
    if (at >= taken.size()) taken.resize(at + 1);
    shared |= taken[at]++ > 0;
  }
  if (!shared) return;
  std::unordered_map<std::string, size_t> count;
  bool any = false;
  for (const auto& e : ed->entries) any |= ++count[e.song + '\n' + std::to_string(e.position)] > 1;
  if (!any) return;
  std::unordered_map<std::string, int> before;
  if (prev)
    for (const auto& e : prev->entries) before.emplace(e.song, e.position);
  // Per (identity, position): the row kept. A row whose printed last week links to the edition
  // before wins over the first one.
  std::unordered_map<std::string, size_t> kept;
  for (size_t j = 0; j < ed->entries.size(); ++j) {
    const ChartEntry& e = ed->entries[j];
    const std::string k = e.song + '\n' + std::to_string(e.position);
    auto [it, added] = kept.emplace(k, j);
    if (added) continue;
    const ChartEntry& held = ed->entries[it->second];
    auto b = before.find(e.song);
    const bool links = b != before.end() && e.last_week == b->second;
    const bool held_links = b != before.end() && held.last_week == b->second;
    if (links && !held_links) it->second = j;
  }
  std::vector<ChartEntry> out;
  out.reserve(kept.size());
  for (size_t j = 0; j < ed->entries.size(); ++j) {
    const ChartEntry& e = ed->entries[j];
    if (kept[e.song + '\n' + std::to_string(e.position)] == j) out.push_back(e);
  }
  const size_t dropped = ed->entries.size() - out.size();
  ed->entries = std::move(out);
  if (repairs)
    repairs->push_back({ed->date,
                        "repeated rows: " + std::to_string(dropped) +
                            " rows listed an entry already listed at its position; one of each "
                            "kept",
                        dropped});
}

// Moves an entry one place up or down where the next edition's printed last week says it was
// there and its own printed peak does not contradict it (a peak printed at its data position
// while the next edition puts it one place lower). Two entries may then share a position: a tie.
void RestoreOnePlaceOff(ChartEdition* ed, const ChartEdition& next,
                        std::vector<ChartRepair>* repairs) {
  std::unordered_map<std::string, int> next_last;
  size_t printed = 0, links = 0;
  for (const auto& e : next.entries)
    if (e.last_week) next_last.emplace(e.song, *e.last_week);
  for (const auto& e : ed->entries) {
    auto it = next_last.find(e.song);
    if (it == next_last.end()) continue;
    ++printed;
    links += it->second == e.position;
  }
  // The next edition must follow this one: most of its printed last weeks link here.
  if (printed < 10 || links * 2 < printed) return;
  std::string moves;
  size_t moved = 0;
  for (auto& e : ed->entries) {
    if (e.repaired) continue;
    auto it = next_last.find(e.song);
    if (it == next_last.end() || std::abs(it->second - e.position) != 1) continue;
    const int to = it->second;
    if (e.peak && *e.peak == e.position && to > e.position) continue;
    if (e.peak && *e.peak > to) continue;  // its printed peak is worse than the place
    if (moved < 3)
      moves += (moves.empty() ? "" : ", ") + std::string("No. ") + std::to_string(e.position) +
               " → " + std::to_string(to);
    e.position = to;
    e.repaired = true;
    ++moved;
  }
  if (!moved) return;
  std::stable_sort(
      ed->entries.begin(), ed->entries.end(),
      [](const ChartEntry& a, const ChartEntry& b) { return a.position < b.position; });
  if (repairs)
    repairs->push_back({ed->date,
                        "one place off: " + std::to_string(moved) +
                            " entries moved to the place the next edition's last-week column "
                            "prints (a tie or the source's renumbering): " +
                            moves + (moved > 3 ? ", …" : ""),
                        moved});
}

}  // namespace

bool IsGap(Day before, Day after, int period) { return after - before > period + period / 2; }

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
  // A song whose credit or title changed from one edition to the next: an entry that prints a
  // last week L, where the edition before lists at L a song of the same title or lead artist
  // that is not on this edition, while this entry's identity was not on the edition before. The
  // publisher's own column says they are one song.
  const int period = ShapeOf(editions).period;
  for (size_t i = 1; i < editions.size(); ++i) {
    const ChartEdition& prev = editions[i - 1];
    const ChartEdition& ed = editions[i];
    if (IsGap(prev.date, ed.date, period)) continue;
    std::unordered_map<int, const ChartEntry*> at;
    std::unordered_set<std::string> before, now;
    for (const auto& e : prev.entries) at.emplace(e.position, &e), before.insert(e.song);
    for (const auto& e : ed.entries) now.insert(e.song);
    for (const auto& e : ed.entries) {
      if (!e.last_week || before.count(e.song)) continue;
      auto it = at.find(*e.last_week);
      if (it == at.end() || now.count(it->second->song)) continue;
      const std::string& a = e.song;
      const std::string& b = it->second->song;
      const size_t ba = a.rfind('|'), bb = b.rfind('|');
      // Only song keys (title|lead) compare by parts; a compiled chart's identities (a track id,
      // "release:ID", "song:KEY") have none.
      if (ba == std::string::npos || bb == std::string::npos) continue;
      const bool same_title = a.compare(0, ba, b, 0, bb) == 0;
      const bool same_lead = a.compare(ba, std::string::npos, b, bb, std::string::npos) == 0;
      if (same_title || same_lead) unite(a, b), any = true;
    }
  }
  if (!any) return editions;
  for (auto& ed : editions)
    for (auto& e : ed.entries) e.song = find(e.song);
  return editions;
}

std::vector<ChartEdition> RepairEditions(std::vector<ChartEdition> editions,
                                         std::vector<ChartRepair>* repairs) {
  if (editions.size() < 3) {  // too few to repair from each other; repeated rows still go
    for (size_t i = 0; i < editions.size(); ++i)
      DropRepeatedRows(&editions[i], i ? &editions[i - 1] : nullptr, repairs);
    return editions;
  }
  const Shape shape = ShapeOf(editions);
  const int period = shape.period, size = shape.size;
  std::vector<ChartEdition> out;
  out.reserve(editions.size() + 4);
  for (size_t i = 0; i < editions.size(); ++i) {
    ChartEdition& ed = editions[i];
    // Rows listed more than once (one identity at one position: a source's join repeats rows
    // and drops the entries at the bottom): one kept, the one whose printed last week links to
    // the edition before where one does.
    DropRepeatedRows(&ed, out.empty() ? nullptr : &out.back(), repairs);
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
        if (repairs) repairs->push_back(std::move(r));
      }
    }
    // Entries one place off: the next edition's printed last week puts them one place up or
    // down (a tie the source numbered apart, or its renumbering).
    if (i + 1 < editions.size() && !IsGap(ed.date, editions[i + 1].date, period))
      RestoreOnePlaceOff(&ed, editions[i + 1], repairs);
    // A missing edition before this one: most printed last weeks disagree with the edition
    // before, and, where the chart prints weeks on chart, most songs on both editions print two
    // weeks more than on the edition before (one edition between them), not one.
    if (!out.empty()) {
      const auto [printed, wrong] = LastWeekLinks(out.back(), ed);
      const auto [steps, skipped] = WeeksSteps(out.back(), ed);
      // Up to two periods since the edition before: one edition is missing (dated a period
      // before this one), or the data holds another edition than the one the publisher
      // followed (dated the day before this one).
      const int step = ed.date - out.back().date;
      const bool weeks_say = steps >= 20 ? skipped * 2 > steps : step > period;
      if (printed >= 20 && wrong * 2 > printed && step > 1 && step <= 2 * period && weeks_say) {
        ChartEdition rebuilt{ed.chart, step > period ? ed.date - period : ed.date - 1, {}, true};
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
        if (repairs)
          repairs->push_back(
              {rebuilt.date,
               "missing edition: " + std::to_string(wrong) + " of " + std::to_string(printed) +
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
  int since_gap = 0, segment = -1;
  Day segment_start = 0;
  // Per edition: how many reconstructed editions come before it.
  std::vector<int> rebuilt_before(editions.size() + 1, 0);
  for (size_t i = 0; i < editions.size(); ++i)
    rebuilt_before[i + 1] = rebuilt_before[i] + editions[i].reconstructed;
  for (size_t i = 0; i < editions.size(); ++i) {
    const int index = static_cast<int>(i);
    const auto& entries = editions[i].entries;
    out[i].resize(entries.size());
    // The data starts here, or resumes after a gap (no edition for more than one and a half
    // periods): nothing links across it.
    const bool starts = i == 0 || IsGap(editions[i - 1].date, editions[i].date, period);
    if (starts) since_gap = 0, ++segment, segment_start = editions[i].date;
    ++since_gap;  // editions of the data so far since its start or its last gap, this one included
    // From the state before this edition; an identity listed twice counts once (its best place).
    for (size_t j = 0; j < entries.size(); ++j) {
      const ChartEntry& e = entries[j];
      SongState& s = state[e.song];
      const int pos = e.position;
      RunStats& r = out[i][j];
      // What the data cannot know: the history of a song's first appearance since the data
      // started or resumed, within a year of that (or later, when it prints more weeks than the
      // data has editions since then). Its printed weeks and peak (and last week, where printed)
      // are taken in together, as printed; a row that prints only one of them carries in
      // nothing.
      // So is the history of an identity the data has never seen that prints earlier weeks:
      // they are before the data, or under a spelling that does not link.
      const bool never_seen = s.last_index == -2;
      const bool unknown_past =
          s.segment != segment && (never_seen || editions[i].date - segment_start <= 366 ||
                                   (e.weeks && *e.weeks > since_gap));
      if (unknown_past && e.weeks && *e.weeks > 1 && e.peak) {
        r.carried_in = true;
        r.last = e.last_week;
        r.debut = false;
        r.reentry = !e.last_week;
        r.weeks = *e.weeks;
        r.streak = e.last_week ? 2 : 1;
        r.peak = std::min(*e.peak, pos);
        // Weeks at a printed peak above this position: at least one, before the data.
        const int before = *e.peak < pos ? 1 : 0;
        r.weeks_at_peak = pos < *e.peak ? 1 : pos == *e.peak ? before + 1 : before;
        // A song the data saw before (the data resumes after a gap): what it counted at its
        // peak stays, where the printed peak is that peak (or a worse one).
        if (s.weeks > 0 && s.peak <= r.peak) {
          r.weeks_at_peak = s.weeks_at_peak + (pos == s.peak ? 1 : 0);
          r.peak = s.peak;
        }
        continue;
      }
      const bool on_prev = !starts && s.last_index == index - 1;
      // A song back after being off the chart that the publisher prints as new (one week, no
      // last week, peaked here): the publisher counts a new run (a re-release, a new recording
      // under the old title); so does encore, from scratch.
      if (!on_prev && s.weeks > 0 && e.weeks == 1 && !e.last_week && (!e.peak || *e.peak == pos)) {
        r.new_run = true;
        const int at_peak = s.peak < s.prior_peak    ? s.weeks_at_peak
                            : s.peak == s.prior_peak ? s.weeks_at_peak + s.prior_weeks_at_peak
                                                     : s.prior_weeks_at_peak;
        s = SongState{.segment = s.segment,
                      .prior_weeks = s.prior_weeks + s.weeks,
                      .prior_peak = std::min(s.prior_peak, s.peak),
                      .prior_weeks_at_peak = at_peak};
      } else if (!on_prev && s.prior_weeks > 0 && e.weeks && *e.weeks == s.prior_weeks + 1 &&
                 *e.weeks != s.weeks + 1 && (!e.peak || *e.peak == std::min(s.prior_peak, pos))) {
        // Back again, counted on from the run before the restart: the publisher set the
        // restarted run apart and resumed its earlier count, and so does encore.
        r.resumed = true;
        s.weeks = s.prior_weeks;
        s.peak = s.prior_peak;
        s.weeks_at_peak = s.prior_weeks_at_peak;
        s.prior_weeks = 0;
        s.prior_peak = INT_MAX;
      }
      // Back after an absence that spans an edition the data lacks (reconstructed from the
      // next one's last-week column, which lists only the entries that went on), printing one
      // week more than counted: it was on that edition, its place unknown. The week counts; the
      // place cannot.
      int unplaced = 0;
      if (!on_prev && !r.new_run && s.weeks > 0 && e.weeks && *e.weeks == s.weeks + 2 &&
          rebuilt_before[index] > rebuilt_before[s.last_index + 1]) {
        unplaced = 1;
      }
      if (on_prev) r.last = s.last_pos;
      r.debut = s.weeks == 0;
      r.reentry = s.weeks > 0 && !on_prev;
      r.weeks = s.weeks + 1 + unplaced;
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
      s.segment = segment;
    }
  }
  return out;
}

int ChartPeriod(const std::vector<ChartEdition>& editions) { return ShapeOf(editions).period; }

std::vector<ChartRun> SongRuns(const std::vector<ChartEdition>& editions,
                               const std::vector<std::vector<RunStats>>& runs,
                               const std::function<bool(const std::string&)>& wanted) {
  std::unordered_map<std::string, size_t> index;
  std::vector<ChartRun> out;
  // Per run: its current streak at No. 1, its last edition's index, its weeks before the
  // publisher's last new run.
  std::vector<int> at_1_streak, last_edition, earlier_runs;
  for (size_t i = 0; i < editions.size(); ++i) {
    const ChartEdition& ed = editions[i];
    for (size_t j = 0; j < ed.entries.size(); ++j) {
      const ChartEntry& e = ed.entries[j];
      const RunStats& r = runs[i][j];
      auto [it, added] = index.try_emplace(e.song, out.size());
      if (added) {
        if (wanted && !wanted(e.song)) {
          it->second = SIZE_MAX;
          continue;
        }
        ChartRun run;
        run.song = e.song;
        run.first = ed.date;
        run.first_position = e.position;
        run.debut_in_data = !r.carried_in;
        out.push_back(std::move(run));
        at_1_streak.push_back(0);
        last_edition.push_back(-2);
        earlier_runs.push_back(0);
      }
      if (it->second == SIZE_MAX) continue;
      const size_t k = it->second;
      ChartRun& run = out[k];
      if (last_edition[k] == static_cast<int>(i)) continue;  // listed twice: the best place
      // An exit: it was on an earlier edition but not the one before this.
      if (last_edition[k] >= 0 && last_edition[k] + 1 < static_cast<int>(i))
        run.exits.push_back(editions[last_edition[k]].date);
      run.title = e.title;
      run.artist = e.artist;
      run.last = ed.date;
      run.carried_in |= r.carried_in;
      // A carried-in peak of No. 1: how many weeks it spent there before the data is unknown.
      if (r.carried_in && r.peak == 1) run.weeks_at_1_before = true;
      if (run.peak == 0 || r.peak < run.peak) {
        run.peak = r.peak;
        run.peak_date = r.peak == e.position ? std::optional<Day>(ed.date) : std::nullopt;
      } else if (r.peak == e.position && !run.peak_date) {
        run.peak_date = ed.date;
      }
      run.weeks_at_peak = r.weeks_at_peak;
      // Over every run: a new run the publisher counts from scratch adds to the earlier ones.
      if (r.new_run) earlier_runs[k] = run.weeks;
      // Resumed: r.weeks counts on from the earlier runs; the restarted one was set apart.
      if (r.resumed) earlier_runs[k] = 0;
      run.weeks = earlier_runs[k] + r.weeks;
      run.longest_streak = std::max(run.longest_streak, r.streak);
      if (r.reentry && !r.carried_in) run.reentries.push_back(ed.date);
      if (r.new_run) run.new_runs.push_back(ed.date);
      const bool consecutive = last_edition[k] + 1 == static_cast<int>(i) && r.last;
      if (e.position == 1) {
        ++run.weeks_at_1;
        at_1_streak[k] = consecutive && at_1_streak[k] > 0 ? at_1_streak[k] + 1 : 1;
        run.longest_at_1 = std::max(run.longest_at_1, at_1_streak[k]);
      } else {
        at_1_streak[k] = 0;
      }
      run.positions.emplace_back(ed.date, e.position);
      last_edition[k] = static_cast<int>(i);
    }
  }
  for (size_t k = 0; k < out.size(); ++k)
    if (last_edition[k] + 1 < static_cast<int>(editions.size()))
      out[k].exits.push_back(editions[last_edition[k]].date);
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
  // A chart whose files print none of the columns (the old Spotify site's download, the
  // all-regions dataset) has nothing to check.
  rep.nothing_printed = true;
  for (const auto& ed : original)
    for (const auto& e : ed.entries)
      if (e.last_week || e.peak || e.weeks) rep.nothing_printed = false;
  if (rep.nothing_printed) return rep;
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
    if (editions[i].reconstructed) {
      for (size_t k = i ? i - 1 : 0; k <= i + 1 && k < editions.size(); ++k) rebuilt[k] = 1;
    }
  }
  for (size_t i = 0; i < editions.size(); ++i) {
    const auto& e = editions[i].entries;
    shorted[i] = static_cast<int>(e.size()) < size;
    if (!i) continue;
    gap[i] = IsGap(editions[i - 1].date, editions[i].date, period);
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
      if (editions[i].reconstructed || (e.line == 0 && e.repaired)) continue;  // not printed
      if (r.carried_in) {
        // Its history is taken as printed: there is nothing to check it against.
        ++rep.carried_in;
        first_seen.emplace(e.song, static_cast<int>(i));
        continue;
      }
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
      if (last_ok && peak_ok && weeks_ok) {
        ++rep.agree;
        continue;
      }
      std::string cls;
      const int off_last = e.last_week && r.last ? std::abs(*e.last_week - *r.last) : -1;
      const int off_peak = e.peak ? std::abs(*e.peak - r.peak) : -1;
      if (i == 0 || ((!weeks_ok || !peak_ok) && claimed_past[e.song] == 1)) {
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
