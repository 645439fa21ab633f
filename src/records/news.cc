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
  // Leaderboards by (kind, threshold): computed once, ranked as of each crossing's day below.
  std::map<std::pair<int, int64_t>, std::vector<Standing>> fastest;
  const Filter everything;

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
      if (kind != EntityKind::kArtist) {
        auto key = std::make_pair(static_cast<int>(kind), x.threshold);
        auto it = fastest.find(key);
        if (it == fastest.end()) {
          it = fastest.emplace(key, FastestTo(u, all, first_day, kind, x.threshold, everything))
                   .first;
        }
        // Those of the same noun (songs with songs, albums with albums) that got there by then.
        std::vector<Standing> board;
        for (const Standing& s : it->second) {
          if (s.day <= x.day && names.Get(s.entity).noun == e.noun) board.push_back(s);
        }
        AssignRanks(&board);  // ranks among those only
        const size_t at = IndexOf(board, x.entity);
        if (at < board.size()) {
          const Standing& me = board[at];
          item.text += ", " + Counted(me.value, "day") + " after " +
                       (e.released ? "release" : "its first counted day");
          ev["days"] = me.value;
          ev["day0"] = me.from ? FormatDate(*me.from) : "";
          ev["rank"] = me.rank;
          ev["ahead"] = StandingsJson(names, board, at);
          ev["ahead_total"] = at;
          // The record before this crossing: the fastest among those that got there earlier.
          const Standing* previous = nullptr;
          for (const Standing& s : board) {
            if (s.entity != x.entity && s.day < x.day && (!previous || s.value < previous->value))
              previous = &s;
          }
          if (me.rank == 1 && board.size() == 1) {
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
            size_t ahead = 0;
            while (ahead < board.size() && board[ahead].rank < me.rank) ++ahead;
            const bool tied = at + 1 < board.size() ? board[at + 1].rank == me.rank : false;
            const bool tied_before = at > 0 && board[at - 1].rank == me.rank;
            item.kind = "record";
            item.text += std::string(" — ") + (tied || tied_before ? "tied as " : "") + "the " +
                         (me.rank == 1 ? "" : Ordinal(me.rank) + " ") + "fastest " + e.noun +
                         " to " + ShortNumber(x.threshold);
            if (ahead > 0) item.text += ", after " + NameList(names, board, ahead, false);
          }
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
