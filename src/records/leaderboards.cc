// Leaderboards over crossings and totals: fastest to N, calendar-year races, most streamed, first
// to N, and the history of a fastest-to-N record.
#include <algorithm>

#include "common/strings.h"
#include "encore/records.h"

namespace encore {

namespace {

struct Candidate {
  Standing s;
  std::string name;
};

// Sorts by value (ascending, or descending when `most`), then day, then name, and gives equal
// values one rank (1, 2, 2, 4).
std::vector<Standing> Rank(std::vector<Candidate> c, bool most) {
  std::sort(c.begin(), c.end(), [most](const Candidate& a, const Candidate& b) {
    if (a.s.value != b.s.value) return most ? a.s.value > b.s.value : a.s.value < b.s.value;
    if (a.s.day != b.s.day) return a.s.day < b.s.day;
    return a.name < b.name;
  });
  std::vector<Standing> out;
  out.reserve(c.size());
  for (Candidate& x : c) out.push_back(std::move(x.s));
  AssignRanks(&out);
  return out;
}

std::string Reached(const Crossing& x) {
  if (x.span > 1) {  // a week's total: the day within the week is not known
    return "reached " + Thousands(x.threshold) + " in the week ending " + FormatDate(x.day) +
           " (by " + FormatDate(x.day) + " at the latest; " + Thousands(x.before) +
           " before that week, " + Thousands(x.after) + " after it)";
  }
  return "reached " + Thousands(x.threshold) + " on " + FormatDate(x.day) + " (" +
         Thousands(x.before) + " before that day, " + Thousands(x.after) + " after it)";
}

}  // namespace

void AssignRanks(std::vector<Standing>* standings) {
  std::vector<Standing>& s = *standings;
  for (size_t i = 0; i < s.size(); ++i) {
    s[i].rank = i > 0 && s[i].value == s[i - 1].value ? s[i - 1].rank : static_cast<int>(i + 1);
  }
}

std::vector<Standing> FastestTo(const RecordsUniverse& u, const std::vector<Crossing>& crossings,
                                const std::vector<Day>& first_day, EntityKind kind, int64_t n,
                                const Filter& filter, std::optional<Day> as_of) {
  std::vector<Candidate> c;
  for (const Crossing& x : crossings) {
    if (x.year != 0 || x.threshold != n || u.kind(x.entity) != kind) continue;
    if (as_of && x.day > *as_of) continue;
    if (!filter.Matches(u, x.entity)) continue;
    const Entity e = u.Describe(x.entity);
    Candidate k;
    k.name = e.name;
    k.s.entity = x.entity;
    k.s.day = x.day;
    k.s.reached = x.after;
    k.s.from = e.released;
    std::string zero = "released " + (e.released ? FormatDate(*e.released) : "");
    if (!e.released) {
      k.s.from = x.entity < first_day.size() && first_day[x.entity] >= 0
                     ? std::optional<Day>(first_day[x.entity])
                     : std::nullopt;
      zero = std::string(x.span > 1 ? "no release date: counted from the first day of its first "
                                      "week "
                                    : "no release date: counted from its first day ") +
             (k.s.from ? FormatDate(*k.s.from) : std::string("?"));
    }
    k.s.value = x.day - k.s.from.value_or(x.day);
    k.s.evidence = Reached(x) + "; " + zero;
    if (x.span > 1) {
      const int64_t low = std::max<int64_t>(0, k.s.value - (x.span - 1));
      k.s.evidence += "; at most " + std::to_string(k.s.value) + " days (between " +
                      std::to_string(low) + " and " + std::to_string(k.s.value) + ")";
    }
    c.push_back(std::move(k));
  }
  return Rank(std::move(c), false);
}

std::vector<Standing> YearRace(const RecordsUniverse& u, const std::vector<Crossing>& crossings,
                               EntityKind kind, int year, int64_t n, const Filter& filter,
                               std::optional<Day> as_of) {
  std::vector<Candidate> c;
  const Day jan1 = DayFromCivil(year, 1, 1);
  for (const Crossing& x : crossings) {
    if (x.year != year || x.threshold != n || u.kind(x.entity) != kind) continue;
    if (as_of && x.day > *as_of) continue;
    if (!filter.Matches(u, x.entity)) continue;
    Candidate k;
    k.name = u.Describe(x.entity).name;
    k.s.entity = x.entity;
    k.s.day = x.day;
    k.s.from = jan1;
    k.s.reached = x.after;
    k.s.value = x.day - jan1 + 1;
    k.s.evidence = "streams within " + std::to_string(year) + " " + Reached(x);
    c.push_back(std::move(k));
  }
  return Rank(std::move(c), false);
}

std::vector<Standing> MostStreamed(const RecordsUniverse& u, const std::vector<int64_t>& totals,
                                   EntityKind kind, const Filter& filter, size_t limit) {
  std::vector<uint32_t> order;
  for (uint32_t e = 0; e < totals.size() && e < u.size(); ++e) {
    if (u.kind(e) == kind && totals[e] > 0 && !u.Unranked(e)) order.push_back(e);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return totals[a] != totals[b] ? totals[a] > totals[b] : a < b;
  });
  std::vector<Candidate> c;
  for (uint32_t e : order) {
    // Past the limit, only entities tied with the last one still belong.
    if (c.size() >= limit && (c.empty() || totals[e] != c.back().s.value)) break;
    if (!filter.Matches(u, e)) continue;
    Candidate k;
    k.name = u.Describe(e).name;
    k.s.entity = e;
    k.s.value = totals[e];
    k.s.reached = totals[e];
    k.s.evidence = Thousands(totals[e]) + " streams";
    c.push_back(std::move(k));
  }
  return Rank(std::move(c), true);
}

std::vector<Standing> FirstTo(const RecordsUniverse& u, const std::vector<Crossing>& crossings,
                              EntityKind kind, int year, int64_t n, const Filter& filter) {
  std::vector<Candidate> c;
  for (const Crossing& x : crossings) {
    if (x.year != year || x.threshold != n || u.kind(x.entity) != kind) continue;
    if (!filter.Matches(u, x.entity)) continue;
    Candidate k;
    k.name = u.Describe(x.entity).name;
    k.s.entity = x.entity;
    k.s.day = x.day;
    // Within a year: the day of the year; all time: the day (ranks by date either way).
    k.s.value = year ? x.day - DayFromCivil(year, 1, 1) + 1 : x.day;
    k.s.reached = x.after;
    k.s.evidence = (year ? "streams within " + std::to_string(year) + " " : "") + Reached(x);
    c.push_back(std::move(k));
  }
  return Rank(std::move(c), false);
}

std::vector<Reign> FastestHistory(const std::vector<Standing>& fastest) {
  std::vector<Standing> by_day = fastest;
  std::stable_sort(by_day.begin(), by_day.end(),
                   [](const Standing& a, const Standing& b) { return a.day < b.day; });
  std::vector<Reign> out;
  for (const Standing& s : by_day) {
    if (!out.empty() && s.value >= out.back().value) continue;
    if (!out.empty()) out.back().to = s.day;
    out.push_back({s.entity, s.value, s.day, std::nullopt});
  }
  return out;
}

}  // namespace encore
