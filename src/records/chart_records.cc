// Chart records journalists ask for (doc/records.md, "Chart records"): leaderboards over a
// chart's runs (weeks at No. 1, in all and in a row; weeks on; debuts; peaks; climbs; the climb
// to No. 1), artists' records (entries on one edition, No. 1s as lead or featured) and the first
// acts of a kind to reach a position.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "catalog/names.h"
#include "common/strings.h"
#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/records.h"

namespace encore {
namespace {

// The artists an entry credits in `role`: its credit split as printed (the catalog's names kept
// whole) and the featured artists of its title ("Song (feat. X)"), by normalised name; with the
// name as printed.
std::vector<std::pair<std::string, std::string>> CreditedArtists(const ChartEntry& e,
                                                                  CreditRole role,
                                                                  const Catalog* catalog) {
  const Credit c = catalog ? SplitCredit(e.artist, catalog->KnownNames()) : SplitCredit(e.artist);
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](std::string name) {
    // "Jung Kook of BTS" (a title's "feat. Jung Kook of BTS") is Jung Kook: a member named with
    // their group is the member.
    if (catalog) {
      const size_t of = name.rfind(" of ");
      if (of != std::string::npos && catalog->FindArtists(name).empty()) {
        const auto groups = catalog->FindArtists(name.substr(of + 4));
        if (groups.size() == 1 && groups[0]->kind == ArtistKind::kGroup) name.resize(of);
      }
    }
    // One catalog artist is one key, whatever name the chart gives them.
    std::string key = NormalizeName(name);
    if (catalog) {
      const auto found = catalog->FindArtists(name);
      if (found.size() == 1) {
        key = "id:" + found[0]->id;
        name = found[0]->name;
      }
    }
    if (key.empty()) return;
    for (const auto& [k, n] : out)
      if (k == key) return;
    out.emplace_back(std::move(key), name);
  };
  if (role != CreditRole::kFeatured)
    for (const auto& n : c.primary) add(n);
  if (role != CreditRole::kPrimary) {
    for (const auto& n : c.featured) add(n);
    for (const auto& n : ParseTitle(e.title).featured) add(n);
  }
  return out;
}

// Whether an entry credits `artist` (a normalised name, or a catalog artist's names) in `role`.
bool Credits(const ChartEntry& e, const std::string& artist, CreditRole role,
             const Catalog* catalog) {
  for (const auto& [key, name] : CreditedArtists(e, role, catalog)) {
    if (key == artist) return true;
    if (catalog) {
      for (const Artist* a : catalog->FindArtists(name))
        for (const Artist* b : catalog->FindArtists(artist))
          if (a == b) return true;
    }
  }
  return false;
}

std::string Unit(int period, int n) {
  const char* u = period == 1 ? "day" : "week";
  return std::to_string(n) + " " + u + (n == 1 ? "" : "s");
}

// Ranks places sorted best first: equal values share a rank.
void Rank(std::vector<ChartRecordPlace>* places) {
  for (size_t i = 0; i < places->size(); ++i) {
    (*places)[i].rank = i && (*places)[i].value == (*places)[i - 1].value
                            ? (*places)[i - 1].rank
                            : static_cast<int>(i + 1);
  }
}

// Leaves out the places of unranked acts (doc/catalog.md, "Unranked acts": charted, but no
// records): a song whose primary artists, as the chart credits them, are all the catalog's
// unranked artists; an artist place of one.
bool UnrankedName(const Catalog& cat, const std::string& name) {
  const auto found = cat.FindArtists(name);
  return !found.empty() &&
         std::all_of(found.begin(), found.end(), [](const Artist* a) { return a->unranked(); });
}

void DropUnranked(const Catalog* cat, std::vector<ChartRecordPlace>* places) {
  if (!cat) return;
  std::erase_if(*places, [&](const ChartRecordPlace& p) {
    if (p.song.rfind("artist:", 0) == 0) return UnrankedName(*cat, p.artist);
    return UnrankedCredit(*cat, p.artist);
  });
}

// Artist places, most first; on equal values the earlier, then by name; ranked.
std::vector<ChartRecordPlace> RankArtists(std::vector<ChartRecordPlace> out, const Catalog* cat) {
  DropUnranked(cat, &out);
  std::sort(out.begin(), out.end(), [](const ChartRecordPlace& a, const ChartRecordPlace& b) {
    return a.value != b.value ? a.value > b.value
           : a.date != b.date ? a.date < b.date
                              : a.artist < b.artist;
  });
  Rank(&out);
  return out;
}

}  // namespace

bool UnrankedCredit(const Catalog& catalog, const std::string& credit) {
  const auto names = SplitCredit(credit, catalog.KnownNames()).primary;
  return !names.empty() && std::all_of(names.begin(), names.end(), [&](const std::string& n) {
    return UnrankedName(catalog, n);
  });
}

std::optional<ChartRecordKind> ParseChartRecordKind(std::string_view name) {
  static const std::pair<const char*, ChartRecordKind> kKinds[] = {
      {"weeks-at-1", ChartRecordKind::kWeeksAt1},
      {"consecutive-at-1", ChartRecordKind::kConsecutiveAt1},
      {"weeks", ChartRecordKind::kWeeks},
      {"debut", ChartRecordKind::kDebut},
      {"peak", ChartRecordKind::kPeak},
      {"climb", ChartRecordKind::kClimb},
      {"climb-to-1", ChartRecordKind::kClimbTo1},
      {"simultaneous", ChartRecordKind::kSimultaneous},
      {"number-ones", ChartRecordKind::kNumberOnes},
  };
  for (const auto& [n, k] : kKinds)
    if (name == n) return k;
  return std::nullopt;
}

bool IsArtistRecord(ChartRecordKind kind) {
  return kind == ChartRecordKind::kSimultaneous || kind == ChartRecordKind::kNumberOnes;
}

Result<std::vector<ChartRecordPlace>> ChartRecords(ChartHistory& history,
                                                   const std::string& chart, ChartRecordKind kind,
                                                   const ChartRecordOptions& options) {
  ENCORE_ASSIGN_OR_RETURN(auto stored, history.Editions(chart));
  if (stored.empty()) return Status::NotFound("no editions of chart '" + chart + "'");
  const auto editions = RepairEditions(LinkIdentities(std::move(stored)), nullptr);
  if (!options.artist.empty()) {
    // An artist the chart never credits is a mistake (a typo, another chart), not an empty board.
    const std::string want = NormalizeName(options.artist);
    for (const ChartEdition& ed : editions)
      for (const ChartEntry& e : ed.entries)
        if (Credits(e, want, CreditRole::kAny, options.catalog))
          return ChartRecordsOver(editions, ComputeRuns(editions), kind, options);
    std::set<std::string> seen;
    std::vector<std::string> names;
    for (const ChartEdition& ed : editions)
      for (const ChartEntry& e : ed.entries)
        for (const auto& [key, name] : CreditedArtists(e, CreditRole::kAny, options.catalog))
          if (seen.insert(key).second) names.push_back(name);
    return Status::NotFound("no entry of " + chart + " credits '" + options.artist + "'" +
                            DidYouMean(options.artist, names));
  }
  return ChartRecordsOver(editions, ComputeRuns(editions), kind, options);
}

std::vector<ChartRecordPlace> ChartRecordsOver(const std::vector<ChartEdition>& editions,
                                               const std::vector<std::vector<RunStats>>& runs,
                                               ChartRecordKind kind,
                                               const ChartRecordOptions& options) {
  const int period = ChartPeriod(editions);
  const Catalog* cat = options.catalog;
  const std::string want = NormalizeName(options.artist);
  auto wanted = [&](const ChartEntry& e) {
    return want.empty() || Credits(e, want, options.credit, cat);
  };
  std::vector<ChartRecordPlace> out;

  if (kind == ChartRecordKind::kSimultaneous) {
    // Per artist: the most entries on one edition, the first edition with that many.
    std::unordered_map<std::string, ChartRecordPlace> best;
    for (const ChartEdition& ed : editions) {
      std::unordered_map<std::string, std::pair<std::string, int>> count;
      for (const ChartEntry& e : ed.entries)
        for (const auto& [key, name] : CreditedArtists(e, options.credit, cat))
          if (want.empty() || key == want) {
            auto& c = count[key];
            if (c.first.empty()) c.first = name;
            ++c.second;
          }
      for (const auto& [key, c] : count) {
        ChartRecordPlace& p = best[key];
        if (c.second > p.value) {
          p.song = "artist:" + key;
          p.artist = c.first;
          p.value = c.second;
          p.date = ed.date;
          p.evidence = std::to_string(c.second) + " entries on the edition of " +
                       FormatDate(ed.date);
        }
      }
    }
    for (auto& [key, p] : best) out.push_back(std::move(p));
    return RankArtists(std::move(out), cat);
  }

  const std::vector<ChartRun> song_runs = SongRuns(editions, runs);
  if (kind == ChartRecordKind::kNumberOnes) {
    // Per artist: the songs that reached No. 1 crediting them (in the role asked).
    std::unordered_map<std::string, size_t> run_of;
    for (size_t k = 0; k < song_runs.size(); ++k) run_of.emplace(song_runs[k].song, k);
    std::map<std::string, ChartRecordPlace> by_artist;
    std::map<std::string, std::vector<std::string>> songs;  // artist -> songs counted
    for (size_t i = 0; i < editions.size(); ++i) {
      for (const ChartEntry& e : editions[i].entries) {
        if (e.position != 1) continue;
        for (const auto& [key, name] : CreditedArtists(e, options.credit, cat)) {
          if (!want.empty() && key != want) continue;
          auto& list = songs[key];
          if (std::find(list.begin(), list.end(), e.song) != list.end()) continue;
          list.push_back(e.song);
          ChartRecordPlace& p = by_artist[key];
          if (p.song.empty()) {
            p.song = "artist:" + key;
            p.artist = name;
            p.date = editions[i].date;
          }
          ++p.value;
          p.evidence += (p.evidence.empty() ? "" : "; ") + e.title + " (" +
                        FormatDate(editions[i].date) + ")";
        }
      }
    }
    for (auto& [key, p] : by_artist) out.push_back(std::move(p));
    return RankArtists(std::move(out), cat);
  }

  // Song records: one place per song (the biggest climb: its biggest one).
  std::unordered_map<std::string, std::pair<int, Day>> climb;  // song -> (places, edition)
  std::unordered_map<std::string, std::pair<int, int>> climb_from;  // song -> (last, position)
  if (kind == ChartRecordKind::kClimb) {
    for (size_t i = 0; i < editions.size(); ++i) {
      for (size_t j = 0; j < editions[i].entries.size(); ++j) {
        const ChartEntry& e = editions[i].entries[j];
        const RunStats& r = runs[i][j];
        if (!r.last || r.carried_in) continue;
        const int up = *r.last - e.position;
        auto& c = climb[e.song];
        if (up > c.first) {
          c = {up, editions[i].date};
          climb_from[e.song] = {*r.last, e.position};
        }
      }
    }
  }
  std::unordered_set<std::string> asked;
  if (!want.empty()) {
    for (const ChartEdition& ed : editions)
      for (const ChartEntry& e : ed.entries)
        if (wanted(e)) asked.insert(e.song);
  }
  for (const ChartRun& r : song_runs) {
    if (!want.empty() && !asked.count(r.song)) continue;
    ChartRecordPlace p;
    p.song = r.song;
    p.title = r.title;
    p.artist = r.artist;
    p.date = r.first;
    switch (kind) {
      case ChartRecordKind::kWeeksAt1:
        if (!r.weeks_at_1 && !r.weeks_at_1_before) continue;
        p.value = r.weeks_at_1;
        p.at_least = r.weeks_at_1_before;
        p.evidence = Unit(period, r.weeks_at_1) + " at No. 1 in the data" +
                     (r.weeks_at_1_before ? " (and some before it: peak No. 1 carried in)" : "");
        break;
      case ChartRecordKind::kConsecutiveAt1:
        if (!r.longest_at_1) continue;
        p.value = r.longest_at_1;
        p.at_least = r.weeks_at_1_before;
        p.evidence = Unit(period, r.longest_at_1) + " in a row at No. 1";
        break;
      case ChartRecordKind::kWeeks:
        p.value = r.weeks;
        p.evidence = Unit(period, r.weeks) + " on the chart" +
                     (r.carried_in ? " (some carried in from before the data)" : "");
        break;
      case ChartRecordKind::kDebut:
        if (!r.debut_in_data) continue;
        p.value = r.first_position;
        p.evidence = "debuted at No. " + std::to_string(r.first_position) + " on " +
                     FormatDate(r.first);
        break;
      case ChartRecordKind::kPeak:
        p.value = r.peak;
        if (r.peak_date) p.date = *r.peak_date;
        p.evidence = "peaked at No. " + std::to_string(r.peak) +
                     (r.peak_date ? " on " + FormatDate(*r.peak_date) : " before the data");
        break;
      case ChartRecordKind::kClimb: {
        auto it = climb.find(r.song);
        if (it == climb.end() || it->second.first <= 0) continue;
        p.value = it->second.first;
        p.date = it->second.second;
        const auto [from, to] = climb_from[r.song];
        p.evidence = "No. " + std::to_string(from) + " to No. " + std::to_string(to) + " on " +
                     FormatDate(p.date);
        break;
      }
      case ChartRecordKind::kClimbTo1: {
        if (!r.debut_in_data || !r.weeks_at_1) continue;
        // The week on the chart (cumulative) of its first edition at No. 1.
        int week = 0;
        for (const auto& [d, pos] : r.positions) {
          ++week;
          if (pos == 1) {
            p.date = d;
            break;
          }
        }
        p.value = week;
        p.evidence = "No. 1 on " + FormatDate(p.date) + ", in its " + Unit(period, week) +
                     " on the chart since its debut at No. " + std::to_string(r.first_position) +
                     " on " + FormatDate(r.first);
        break;
      }
      default:
        break;
    }
    out.push_back(std::move(p));
  }
  DropUnranked(cat, &out);
  const bool low_first = kind == ChartRecordKind::kDebut || kind == ChartRecordKind::kPeak;
  std::sort(out.begin(), out.end(), [&](const ChartRecordPlace& a, const ChartRecordPlace& b) {
    if (a.value != b.value) return low_first ? a.value < b.value : a.value > b.value;
    if (a.date != b.date) return a.date < b.date;
    return a.song < b.song;
  });
  Rank(&out);
  return out;
}

Result<std::vector<ChartFirst>> ChartFirsts(ChartHistory& history, const std::string& chart,
                                            int position, const Filter& filter,
                                            const RecordsUniverse& universe) {
  const Catalog* cat = universe.catalog();
  if (!cat) {
    return Status::FailedPrecondition(
        "a first by attribute needs the catalog (its artists' attributes): encore catalog "
        "import");
  }
  ENCORE_ASSIGN_OR_RETURN(auto stored, history.Editions(chart));
  if (stored.empty()) return Status::NotFound("no editions of chart '" + chart + "'");
  const auto editions = RepairEditions(LinkIdentities(std::move(stored)), nullptr);
  int places = 0;
  for (const ChartEdition& ed : editions)
    for (const ChartEntry& e : ed.entries) places = std::max(places, e.position);
  if (position > places) {
    return Status::InvalidArgument(chart + " has " + std::to_string(places) + " places: No. " +
                                   std::to_string(position) + " is beyond it");
  }
  std::vector<ChartFirst> out;
  std::unordered_set<const Artist*> seen;
  const auto known = cat->KnownNames();
  for (const ChartEdition& ed : editions) {
    for (const ChartEntry& e : ed.entries) {
      if (e.position > position) continue;
      for (const std::string& name : SplitCredit(e.artist, known).primary) {
        for (const Artist* a : cat->FindArtists(name)) {
          if (seen.count(a) || a->unranked()) continue;  // unranked acts: no records
          const auto ent = universe.Find(EntityKind::kArtist, a->id);
          if (!ent || !filter.Matches(universe, *ent)) continue;
          seen.insert(a);
          out.push_back({a->name, e.title, e.artist, ed.date, e.position});
        }
      }
    }
  }
  return out;
}

}  // namespace encore
