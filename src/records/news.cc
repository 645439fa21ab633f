// News sentences: milestones, fastest-to-N ranks and records, calendar-year races and firsts.
#include "records/news.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/strings.h"

namespace encore {

std::string ShortNumber(int64_t n) {
  auto scaled = [&](int64_t unit, const char* word) {
    const int64_t tenths = n * 10 / unit;
    std::string s = std::to_string(tenths / 10);
    if (tenths % 10) s += "." + std::to_string(tenths % 10);
    return s + " " + word;
  };
  if (n >= 1'000'000'000 && n % 100'000'000 == 0) return scaled(1'000'000'000, "billion");
  if (n >= 1'000'000 && n % 100'000 == 0) return scaled(1'000'000, "million");
  return Thousands(n);
}

std::string Counted(int64_t n, const std::string& noun) {
  std::string plural = noun;
  if (n != 1) {
    const bool consonant_y =
        plural.size() >= 2 && plural.back() == 'y' &&
        std::string_view("aeiou").find(plural[plural.size() - 2]) == std::string_view::npos;
    if (consonant_y) {
      plural.back() = 'i';
      plural += "es";
    } else {
      plural += "s";
    }
  }
  return Thousands(n) + " " + plural;
}

std::string Ordinal(int n) {
  static const char* kWords[] = {"",      "first",   "second", "third", "fourth", "fifth",
                                 "sixth", "seventh", "eighth", "ninth", "tenth"};
  if (n >= 1 && n <= 10) return kWords[n];
  const int tens = n % 100;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                       : n % 10 == 1              ? "st"
                       : n % 10 == 2              ? "nd"
                       : n % 10 == 3              ? "rd"
                                                  : "th";
  return std::to_string(n) + suffix;
}

const std::vector<Watch>& DefaultWatches() {
  static const std::vector<Watch> k = {
      {"Korean solo artist", "solo and country = KR"},
      {"K-pop soloist", "solo and tag = k-pop"},
      {"Asian solo artist", "solo and continent = Asia"},
      {"K-pop group", "group and tag = k-pop"},
  };
  return k;
}

namespace {

using nlohmann::json;

// Described entities, each once.
class Names {
 public:
  explicit Names(const RecordsUniverse& u) : u_(u) {}
  const Entity& Get(uint32_t e) {
    auto it = cache_.find(e);
    if (it == cache_.end()) it = cache_.emplace(e, u_.Describe(e)).first;
    return it->second;
  }

 private:
  const RecordsUniverse& u_;
  std::unordered_map<uint32_t, Entity> cache_;
};

std::string NameList(Names& names, const std::vector<Standing>& s, size_t upto, bool with_values) {
  std::string out;
  const size_t shown = std::min<size_t>(upto, 3);
  for (size_t i = 0; i < shown; ++i) {
    if (i) out += i + 1 == shown ? " and " : ", ";
    out += names.Get(s[i].entity).name;
    if (with_values) out += " (" + std::to_string(s[i].value) + ")";
  }
  if (upto > shown) out += " and " + std::to_string(upto - shown) + " more";
  return out;
}

// The first standings ahead (at most kAheadShown: an item's evidence keeps the same size however
// long the leaderboard grows; "ahead_total" says how many there were).
constexpr size_t kAheadShown = 10;
json StandingsJson(Names& names, const std::vector<Standing>& s, size_t upto) {
  json a = json::array();
  for (size_t i = 0; i < s.size() && i < upto && i < kAheadShown; ++i) {
    a.push_back({{"rank", s[i].rank},
                 {"name", names.Get(s[i].entity).name},
                 {"value", s[i].value},
                 {"day", FormatDate(s[i].day)}});
  }
  return a;
}

// Counts over positions 0..n-1 (a Fenwick tree): how many were added before a position, and the
// position of the k-th added.
class Positions {
 public:
  explicit Positions(size_t n) : t_(n + 1, 0) {
    while ((top_ << 1) <= n) top_ <<= 1;
  }
  void Add(size_t i) {
    for (++i; i < t_.size(); i += i & (~i + 1)) ++t_[i];
    ++size_;
  }
  size_t Before(size_t i) const {  // added positions < i
    size_t s = 0;
    for (; i > 0; i -= i & (~i + 1)) s += t_[i];
    return s;
  }
  size_t Kth(size_t k) const {  // the k-th added position (0-based k < size())
    size_t at = 0;
    for (size_t step = top_; step; step >>= 1) {
      if (at + step < t_.size() && t_[at + step] <= k) {
        at += step;
        k -= t_[at];
      }
    }
    return at;
  }
  size_t size() const { return size_; }

 private:
  std::vector<uint32_t> t_;
  size_t top_ = 1, size_ = 0;
};

// Where a crossing stands on the fastest-to-N board of its kind and noun (songs with songs,
// albums with albums) among those that had crossed by its day: what MakeNews says about it.
struct Placing {
  Standing me;
  size_t at = 0, size = 0;     // its index on that board, and the board's size
  std::vector<Standing> head;  // the board's first min(at, kAheadShown) standings
  bool tied = false;           // the next or the previous standing has its value
  std::optional<Standing> previous;  // the fastest among those that got there before its day
};

// The placings of the crossings `queries` (indices into `all`, all-time, of one kind and
// threshold) in one sweep over days: the board as of each day is the entities of the full board
// (FastestTo's order) with a day up to it, so ranks come from counts over board positions
// (O(log n) each) instead of a scan of the board per crossing.
void PlaceAll(Names& names, const std::vector<Standing>& full, const std::vector<Crossing>& all,
              std::vector<size_t> queries, std::unordered_map<size_t, Placing>* out) {
  // One board per noun, in the full board's order.
  std::map<std::string, std::vector<Standing>> boards;
  std::unordered_map<uint32_t, std::pair<const std::string*, size_t>> where;
  for (const Standing& s : full) boards[names.Get(s.entity).noun].push_back(s);
  for (auto& [noun, b] : boards) {
    for (size_t i = 0; i < b.size(); ++i) where[b[i].entity] = {&noun, i};
  }
  struct Sweep {
    const std::vector<Standing>* board;
    std::vector<size_t> by_day;  // positions in order of day
    size_t next = 0;
    Positions upto, before;  // day <= the query's day; day < it
    explicit Sweep(const std::vector<Standing>* b) : board(b), upto(b->size()), before(b->size()) {
      by_day.resize(b->size());
      for (size_t i = 0; i < by_day.size(); ++i) by_day[i] = i;
      std::stable_sort(by_day.begin(), by_day.end(),
                       [&](size_t x, size_t y) { return (*b)[x].day < (*b)[y].day; });
    }
  };
  std::map<std::string, Sweep> sweeps;
  for (auto& [noun, b] : boards) sweeps.emplace(noun, Sweep(&b));
  std::stable_sort(queries.begin(), queries.end(),
                   [&](size_t x, size_t y) { return all[x].day < all[y].day; });
  for (size_t q : queries) {
    const Crossing& x = all[q];
    auto w = where.find(x.entity);
    if (w == where.end()) continue;
    Sweep& s = sweeps.at(*w->second.first);
    const std::vector<Standing>& b = *s.board;
    // Bring the sweep to this day: `before` takes the days before it, `upto` this day's too.
    while (s.next < s.by_day.size() && b[s.by_day[s.next]].day < x.day) {
      s.before.Add(s.by_day[s.next]);
      ++s.next;
    }
    size_t upto_end = s.next;
    while (upto_end < s.by_day.size() && b[s.by_day[upto_end]].day <= x.day) ++upto_end;
    while (s.upto.size() < upto_end) s.upto.Add(s.by_day[s.upto.size()]);
    // Competition rank among those on the board by this day: 1 + how many have fewer days
    // (the board is in order of days, so they are the ones before the first with as many).
    auto rank_of = [&](int64_t days) {
      const auto first_equal = std::lower_bound(
          b.begin(), b.end(), days, [](const Standing& a, int64_t v) { return a.value < v; });
      return static_cast<int>(1 + s.upto.Before(static_cast<size_t>(first_equal - b.begin())));
    };
    const size_t pos = w->second.second;
    Placing p;
    p.me = b[pos];
    p.me.rank = rank_of(p.me.value);
    p.at = s.upto.Before(pos);
    p.size = s.upto.size();
    for (size_t k = 0; k < p.at && k < kAheadShown; ++k) {
      p.head.push_back(b[s.upto.Kth(k)]);
      p.head.back().rank = rank_of(p.head.back().value);
    }
    const bool next_equal = p.at + 1 < p.size && b[s.upto.Kth(p.at + 1)].value == p.me.value;
    const bool prev_equal = p.at > 0 && b[s.upto.Kth(p.at - 1)].value == p.me.value;
    p.tied = next_equal || prev_equal;
    if (s.before.size() > 0) p.previous = b[s.before.Kth(0)];
    (*out)[q] = std::move(p);
  }
}

// Where `e` stands on a leaderboard, and the standings ahead of it.
size_t IndexOf(const std::vector<Standing>& s, uint32_t e) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i].entity == e) return i;
  }
  return s.size();
}

}  // namespace

std::vector<NewsItem> MakeNews(const RecordsUniverse& u, const std::vector<Crossing>& all,
                               const std::vector<Day>& first_day, const std::vector<size_t>& fresh,
                               const std::vector<Withdrawn>& withdrawn,
                               const RecordsSettings& settings) {
  Names names(u);
  std::vector<NewsItem> out;
  std::vector<Filter> watches;
  for (const Watch& w : DefaultWatches()) watches.push_back(Filter::Parse(w.filter).value());
  // The all-time crossings of tracks, releases (singles aside) are placed on their fastest-to-N
  // board as of their day: the queries of each (kind, threshold) first, then one sweep each.
  const Filter everything;
  std::map<std::pair<int, int64_t>, std::vector<size_t>> queries;
  for (size_t i : fresh) {
    const Crossing& x = all[i];
    const EntityKind kind = u.kind(x.entity);
    if (x.year != 0 || kind == EntityKind::kSong || kind == EntityKind::kArtist) continue;
    if (names.Get(x.entity).noun == "single") continue;
    queries[{static_cast<int>(kind), x.threshold}].push_back(i);
  }
  std::unordered_map<size_t, Placing> placings;
  for (auto& [key, list] : queries) {
    PlaceAll(names,
             FastestTo(u, all, first_day, static_cast<EntityKind>(key.first), key.second,
                       everything),
             all, std::move(list), &placings);
  }

  for (size_t i : fresh) {
    const Crossing& x = all[i];
    const EntityKind kind = u.kind(x.entity);
    const Entity& e = names.Get(x.entity);
    NewsItem item;
    item.day = x.day;
    item.threshold = x.threshold;
    item.year = x.year;
    item.entity = std::string(EntityKindName(kind)) + ":" + e.id;
    json ev = {{"entity", item.entity},     {"name", e.name},     {"threshold", x.threshold},
               {"date", FormatDate(x.day)}, {"before", x.before}, {"after", x.after}};
    if (x.year == 0) {
      // A song's (all versions) and a single's milestones: the track's news says it.
      if (kind == EntityKind::kSong || e.noun == "single") continue;
      item.kind = "milestone";
      item.text =
          e.name + " reached " + Thousands(x.threshold) + " streams on " + FormatDate(x.day);
      if (auto pl = placings.find(i); pl != placings.end()) {
        const Placing& p = pl->second;
        const Standing& me = p.me;
        item.text += ", " + Counted(me.value, "day") + " after " +
                     (e.released ? "release" : "its first counted day");
        ev["days"] = me.value;
        ev["day0"] = me.from ? FormatDate(*me.from) : "";
        ev["rank"] = me.rank;
        ev["ahead"] = StandingsJson(names, p.head, p.at);
        ev["ahead_total"] = p.at;
        // The record before this crossing: the fastest among those that got there earlier.
        const Standing* previous = p.previous ? &*p.previous : nullptr;
        if (me.rank == 1 && p.size == 1) {
          item.kind = "record";
          item.text += " — the first " + e.noun + " in the data to reach it";
        } else if (me.rank == 1 && previous && me.value < previous->value) {
          item.kind = "record";
          item.text += " — the fastest " + e.noun +
                       " ever (previous record: " + names.Get(previous->entity).name + ", " +
                       Counted(previous->value, "day") + ")";
          ev["previous"] = {{"name", names.Get(previous->entity).name},
                            {"days", previous->value}};
        } else if (me.rank <= 3) {
          const size_t ahead = static_cast<size_t>(me.rank - 1);  // those with fewer days
          item.kind = "record";
          item.text += std::string(" — ") + (p.tied ? "tied as " : "") + "the " +
                       (me.rank == 1 ? "" : Ordinal(me.rank) + " ") + "fastest " + e.noun +
                       " to " + ShortNumber(x.threshold);
          if (ahead > 0) item.text += ", after " + NameList(names, p.head, ahead, false);
        }
      }
    } else {
      // Calendar-year totals: news for artists at headline thresholds.
      if (kind != EntityKind::kArtist || x.threshold % settings.headline != 0) continue;
      item.kind = "year";
      const int doy = x.day - DayFromCivil(x.year, 1, 1) + 1;
      item.text = e.name + "'s streams within " + std::to_string(x.year) + " reached " +
                  Thousands(x.threshold) + " on " + FormatDate(x.day) + ", day " +
                  std::to_string(doy) + " of the year";
      ev["year"] = x.year;
      ev["day_of_year"] = doy;
    }
    // First-by-attribute: artists at headline thresholds, all-time and within a year.
    if (kind == EntityKind::kArtist && x.threshold % settings.headline == 0) {
      const std::string when = x.year ? " in " + std::to_string(x.year) : "";
      for (size_t w = 0; w < watches.size(); ++w) {
        if (!watches[w].Matches(u, x.entity)) continue;
        std::vector<Standing> race =
            FirstTo(u, all, EntityKind::kArtist, x.year, x.threshold, watches[w]);
        const size_t at = IndexOf(race, x.entity);
        if (at >= race.size()) continue;
        const std::string& label = DefaultWatches()[w].label;
        ev["first"] = {{"label", label},
                       {"filter", DefaultWatches()[w].filter},
                       {"rank", race[at].rank},
                       {"ahead", StandingsJson(names, race, at)},
                       {"ahead_total", at}};
        if (race[at].rank == 1) {
          item.kind = "first";
          item.text +=
              " — the first " + label + " to reach " + ShortNumber(x.threshold) + " streams" + when;
        } else if (x.year) {
          std::vector<Standing> ahead(race.begin(), race.begin() + static_cast<long>(at));
          for (Standing& s : ahead) s.value = s.day - DayFromCivil(x.year, 1, 1) + 1;
          item.text += " — the " + Ordinal(race[at].rank) + " " + label + " to reach it" + when +
                       ", after " + NameList(names, ahead, at, true);
        } else {
          item.text += " — the " + Ordinal(race[at].rank) + " " + label + " to reach it";
        }
        break;
      }
    }
    item.evidence = ev.dump();
    out.push_back(std::move(item));
  }
  for (const Withdrawn& w : withdrawn) {
    NewsItem item;
    item.day = w.day;
    item.threshold = w.threshold;
    item.year = w.year;
    item.kind = "withdrawn";
    item.entity = w.key;
    item.text = "Corrected: " + (w.name.empty() ? w.key : w.name) + " no longer reached " +
                Thousands(w.threshold) + " streams" +
                (w.year ? " within " + std::to_string(w.year) : "") + " on " + FormatDate(w.day) +
                " (the counts of that period changed)";
    item.evidence = json({{"key", w.key},
                          {"year", w.year},
                          {"threshold", w.threshold},
                          {"date", FormatDate(w.day)}})
                        .dump();
    out.push_back(std::move(item));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const NewsItem& a, const NewsItem& b) { return a.day < b.day; });
  return out;
}

}  // namespace encore
