// Claims checked against the data: a small structured language (doc/records.md, "Claims").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "catalog/names.h"
#include "common/strings.h"
#include "encore/chart_streams.h"
#include "encore/charts.h"
#include "encore/methodology.h"
#include "encore/records.h"
#include "encore/sales.h"
#include "encore/store_feeds.h"
#include "records/compare.h"
#include "records/news.h"

namespace encore {

namespace {

// Splits at top-level occurrences (outside quotes and parentheses) of `sep`.
std::vector<std::string> SplitTop(std::string_view s, char sep) {
  std::vector<std::string> out;
  int depth = 0;
  char quote = 0;
  std::string cur;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == sep && depth == 0) {
      out.emplace_back(Trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.emplace_back(Trim(cur));
  return out;
}

// The first top-level comparison operator: (position, operator).
std::pair<size_t, std::string> FindComparison(std::string_view s) {
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth != 0) continue;
    if (c == '=' || c == '<' || c == '>' || c == '!') {
      const bool two = i + 1 < s.size() && s[i + 1] == '=';
      if (c == '!' && !two) continue;
      return {i, std::string(s.substr(i, two ? 2 : 1))};
    }
  }
  return {std::string_view::npos, ""};
}

struct Call {
  std::string name;
  std::vector<std::string> args;
};

Result<Call> ParseCall(std::string_view s) {
  s = Trim(s);
  const size_t open = s.find('(');
  if (open == std::string_view::npos || s.back() != ')') {
    return Status::InvalidArgument("expected function(arguments), not '" + std::string(s) + "'");
  }
  Call c;
  c.name = std::string(Trim(s.substr(0, open)));
  c.args = SplitTop(s.substr(open + 1, s.size() - open - 2), ',');
  return c;
}

std::string Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}

struct Ref {
  EntityKind kind;
  std::string name;
};
// Whether a chart feat is the entity's: a song by its key, or by the catalog (the credit as the
// publisher printed it resolved to a version of the song: "Tyler, The Creator Featuring Kali
// Uchis", "Jung Kook (정국)"); a release by its title without edition suffixes ("FACE (EP)") and
// a release artist leading the credit.
bool ChartFeatIs(const ChartFeat& f, const Entity& ent, const Catalog* cat,
                 const std::string& song_key) {
  if (ent.release && !ent.track && cat) {
    const std::string album = NormalizeName(ParseAlbumTitle(ent.release->title).base);
    if (NormalizeName(ParseAlbumTitle(f.title).base) != album) return false;
    const auto releases = Resolve(*cat, f.artist + " - " + f.title).releases;
    if (std::find(releases.begin(), releases.end(), ent.release) != releases.end()) return true;
    const std::string lead = LeadKey(f.artist, cat->KnownNames());
    for (const auto& id : ent.release->artists) {
      const Artist* a = cat->ArtistById(id);
      if (a && NormalizeName(a->name) == lead) return true;
    }
    return false;
  }
  if (SongKey(f.artist, f.title) == song_key) return true;
  if (!ent.track || !cat) return false;
  if (NormalizeName(ParseTitle(f.title).base) != NormalizeName(ParseTitle(ent.track->title).base))
    return false;
  for (const Track* t : Resolve(*cat, f.artist + " - " + f.title).versions)
    if (cat->SongKeyOf(*t) == song_key) return true;
  return false;
}

Result<Ref> ParseRef(std::string_view s) {
  s = Trim(s);
  const size_t sp = s.find_first_of(" \"'");
  if (sp == std::string_view::npos) {
    return Status::InvalidArgument("expected kind \"name\" (track \"Seven\"), not '" +
                                   std::string(s) + "'");
  }
  const auto kind = ParseEntityKind(Trim(s.substr(0, sp)));
  if (!kind) {
    return Status::InvalidArgument("unknown kind '" + std::string(Trim(s.substr(0, sp))) +
                                   "' (track, song, release, artist)");
  }
  return Ref{*kind, Unquote(s.substr(sp))};
}

// Whether a credit names an artist (any name of it, the catalog's names kept whole).
std::function<bool(const std::string&, const std::string&)> CreditNames(const std::string& artist,
                                                                        const Catalog* cat) {
  return [name = NormalizeName(artist), cat](const std::string& credit, const std::string&) {
    if (NormalizeName(credit) == name) return true;
    const Credit c = cat ? SplitCredit(credit, cat->KnownNames()) : SplitCredit(credit);
    for (const auto* list : {&c.primary, &c.featured})
      for (const auto& n : *list)
        if (NormalizeName(n) == name) return true;
    return false;
  };
}

// Whether a chart entry (its credit and title as printed) is the claim's subject: the catalog's
// entity where the catalog knows it (ChartFeatIs: every spelling of its credit); else a song by
// its key ("Artist - Title"), an artist by name (any credited artist of the entry).
Result<std::function<bool(const std::string&, const std::string&)>> ChartMatcher(
    const Ref& r, const RecordsUniverse& u) {
  const Catalog* cat = u.catalog();
  if (auto e = FindEntity(u, r.kind, r.name); e.ok()) {
    const Entity ent = u.Describe(*e);
    if (r.kind == EntityKind::kArtist) return CreditNames(ent.name, cat);
    const std::string key =
        ent.track && cat ? cat->SongKeyOf(*ent.track) : SongKey(ent.name, ent.name);
    return std::function<bool(const std::string&, const std::string&)>(
        [ent, cat, key](const std::string& artist, const std::string& title) {
          ChartFeat f;
          f.artist = artist;
          f.title = title;
          return ChartFeatIs(f, ent, cat, key);
        });
  }
  if (r.kind == EntityKind::kArtist) return CreditNames(r.name, nullptr);
  const size_t dash = r.name.find(" - ");
  if (dash == std::string::npos) {
    return Status::NotFound("no " + std::string(EntityKindName(r.kind)) + " '" + r.name +
                            "' in the catalog: name it as on the chart, \"Artist - Title\"");
  }
  const std::string artist_part = r.name.substr(0, dash), title_part = r.name.substr(dash + 3);
  if (r.kind == EntityKind::kRelease) {
    const std::string album = NormalizeName(ParseAlbumTitle(title_part).base);
    const std::string lead = LeadKey(artist_part);
    return std::function<bool(const std::string&, const std::string&)>(
        [album, lead](const std::string& artist, const std::string& title) {
          return NormalizeName(ParseAlbumTitle(title).base) == album && LeadKey(artist) == lead;
        });
  }
  const std::string key = SongKey(artist_part, title_part);
  return std::function<bool(const std::string&, const std::string&)>(
      [key](const std::string& artist, const std::string& title) {
        return SongKey(artist, title) == key;
      });
}

// Whether a chart title is the title of an "Artist - Title" (or bare title) reference, as
// normalised names (case, accents and punctuation aside).
bool SameTitle(const std::string& title, const std::string& ref) {
  const size_t dash = ref.find(" - ");
  const std::string wanted = dash == std::string::npos ? ref : ref.substr(dash + 3);
  return NormalizeName(title) == NormalizeName(wanted);
}

Result<int64_t> Count(const std::string& s, const char* what) {
  const auto n = ParseCount(s);
  if (!n) return Status::InvalidArgument(std::string(what) + " must be a number, not '" + s + "'");
  return *n;
}

Status NeedArgs(const Call& c, size_t lo, size_t hi, const char* form) {
  if (c.args.size() < lo || c.args.size() > hi) {
    return Status::InvalidArgument(c.name + " takes " + form);
  }
  return Status::Ok();
}

Status MetricIsStreams(const std::string& s) {
  if (Trim(s) != "streams") {
    return Status::InvalidArgument("the metric must be 'streams', not '" + s + "'");
  }
  return Status::Ok();
}

Result<std::vector<Crossing>> CrossingsFor(const ClaimContext& ctx, int64_t n,
                                           std::vector<Day>* first_day) {
  return CrossingsAt(*ctx.store, *ctx.state, ctx.settings, n, first_day);
}

// The optional filter argument at `i`.
// What a claim whose filter sets a period is told to use instead (Filter::RefusePeriod).
constexpr std::string_view kNoPeriod =
    "a claim of this kind counts no period: use streams_in_year(Y), year_race(Y, …) or "
    "release_year = Y";

Result<Filter> FilterArg(const Call& c, size_t i) {
  if (c.args.size() <= i) return Filter();
  return Filter::Parse(Unquote(c.args[i]));
}

// What a claim's left side evaluates to.
struct Value {
  enum class Type { kNumber, kDate, kEntity } type = Type::kNumber;
  // What `number` is: the value; a lower bound (the true value is this or more: weeks at No. 1
  // of a song at No. 1 before the data, streams counted from chart editions only); or unknown
  // (a debut before the data).
  enum class Bound { kExact, kAtLeast, kUnknown } bound = Bound::kExact;
  double number = 0;
  std::vector<uint32_t> entities;  // kEntity: every holder (ties)
  std::string shown, evidence;
};

std::string Hours(int64_t seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g h", static_cast<double>(seconds) / 3600.0);
  return buf;
}

// Listeners of the records' service (--service), or of every service.
Result<ListenerFilter> ListenerFilterOf(const ClaimContext& ctx) {
  return MakeListenerFilter(*ctx.store, "", ctx.settings.service.value_or(""));
}

Result<Value> Evaluate(const Call& c, const ClaimContext& ctx, std::optional<EntityKind> holder) {
  const RecordsUniverse& u = ctx.state->universe;
  Value v;
  auto standing_of = [&](const std::vector<Standing>& board, uint32_t e,
                         const std::string& what) -> Result<Standing> {
    for (const Standing& s : board) {
      if (s.entity == e) return s;
    }
    return Status::NotFound(u.Describe(e).name + " has not reached " + what);
  };
  if (c.name == "days_to" || c.name == "date_to") {
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 3, 3, "(streams, N, kind \"name\")"));
    ENCORE_RETURN_IF_ERROR(MetricIsStreams(c.args[0]));
    ENCORE_ASSIGN_OR_RETURN(int64_t n, Count(c.args[1], "N"));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[2]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    std::vector<Day> first;
    ENCORE_ASSIGN_OR_RETURN(auto crossings, CrossingsFor(ctx, n, &first));
    ENCORE_ASSIGN_OR_RETURN(Standing s, standing_of(FastestTo(u, crossings, first, r.kind, n, {}),
                                                    e, Thousands(n) + " streams"));
    v.evidence = u.Describe(e).name + " " + s.evidence;
    if (c.name == "days_to") {
      v.number = static_cast<double>(s.value);
      v.shown = Counted(s.value, "day");
    } else {
      v.type = Value::Type::kDate;
      v.number = s.day;
      v.shown = FormatDate(s.day);
    }
    if (ctx.settings.service && ServiceSpan(*ctx.settings.service) > 1) {
      // A week's figure: the crossing is within the week, compared at its last day.
      v.shown += " (the week ending " + FormatDate(s.day) + ": by then at the latest)";
    }
    return v;
  }
  const bool chart_rank =
      c.name == "rank" && !c.args.empty() && Trim(c.args[0]).substr(0, 13) == "chart_record(";
  if (c.name == "rank" && !chart_rank) {
    ENCORE_RETURN_IF_ERROR(
        NeedArgs(c, 2, 2, "(fastest_to(…), year_race(…) or chart_record(…), kind \"name\")"));
    ENCORE_ASSIGN_OR_RETURN(Call board, ParseCall(c.args[0]));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[1]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    std::vector<Standing> standings;
    std::string what;
    if (board.name == "fastest_to") {
      ENCORE_RETURN_IF_ERROR(NeedArgs(board, 2, 3, "(streams, N[, filter])"));
      ENCORE_RETURN_IF_ERROR(MetricIsStreams(board.args[0]));
      ENCORE_ASSIGN_OR_RETURN(int64_t n, Count(board.args[1], "N"));
      ENCORE_ASSIGN_OR_RETURN(Filter f, FilterArg(board, 2));
      ENCORE_RETURN_IF_ERROR(f.RefusePeriod("fastest_to", kNoPeriod));
      std::vector<Day> first;
      ENCORE_ASSIGN_OR_RETURN(auto crossings, CrossingsFor(ctx, n, &first));
      standings = FastestTo(u, crossings, first, r.kind, n, f);
      what = Thousands(n) + " streams";
    } else if (board.name == "year_race") {
      ENCORE_RETURN_IF_ERROR(NeedArgs(board, 2, 3, "(year, N[, filter])"));
      ENCORE_ASSIGN_OR_RETURN(int64_t year, Count(board.args[0], "year"));
      ENCORE_ASSIGN_OR_RETURN(int64_t n, Count(board.args[1], "N"));
      ENCORE_ASSIGN_OR_RETURN(Filter f, FilterArg(board, 2));
      ENCORE_RETURN_IF_ERROR(f.RefusePeriod("year_race", kNoPeriod));
      ENCORE_ASSIGN_OR_RETURN(auto crossings, CrossingsFor(ctx, n, nullptr));
      standings = YearRace(u, crossings, r.kind, static_cast<int>(year), n, f);
      what = Thousands(n) + " streams within " + std::to_string(year);
    } else {
      return Status::InvalidArgument("rank of fastest_to(…) or year_race(…), not " + board.name);
    }
    ENCORE_ASSIGN_OR_RETURN(Standing s, standing_of(standings, e, what));
    v.number = s.rank;
    v.shown = std::to_string(s.rank);
    std::string ahead;
    for (const Standing& a : standings) {
      if (a.rank >= s.rank) break;
      ahead +=
          (ahead.empty() ? "" : ", ") + u.Describe(a.entity).name + " " + std::to_string(a.value);
    }
    v.evidence = u.Describe(e).name + ": " + std::to_string(s.value) + " (" + s.evidence + ")" +
                 (ahead.empty() ? "" : "; ahead: " + ahead);
    return v;
  }
  if (c.name == "day_of_year") {
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 3, 3, "(year, N, kind \"name\")"));
    ENCORE_ASSIGN_OR_RETURN(int64_t year, Count(c.args[0], "year"));
    ENCORE_ASSIGN_OR_RETURN(int64_t n, Count(c.args[1], "N"));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[2]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    std::vector<Day> first;
    ENCORE_ASSIGN_OR_RETURN(auto crossings, CrossingsFor(ctx, n, &first));
    ENCORE_ASSIGN_OR_RETURN(
        Standing s, standing_of(YearRace(u, crossings, r.kind, static_cast<int>(year), n, {}), e,
                                Thousands(n) + " streams within " + std::to_string(year)));
    v.number = static_cast<double>(s.value);
    v.shown = "day " + std::to_string(s.value);
    v.evidence = u.Describe(e).name + " " + s.evidence;
    return v;
  }
  if (c.name == "first") {
    ENCORE_RETURN_IF_ERROR(
        NeedArgs(c, 2, 2, "(filter, streams[_in_year(Y)] >= N or monthly_listeners >= N)"));
    ENCORE_ASSIGN_OR_RETURN(Filter f, FilterArg(c, 0));
    ENCORE_RETURN_IF_ERROR(f.RefusePeriod("first", kNoPeriod));
    const auto [at, op] = FindComparison(c.args[1]);
    if (at == std::string::npos || op != ">=") {
      return Status::InvalidArgument(
          "first(…) needs 'streams >= N', 'streams_in_year(Y) >= N' or 'monthly_listeners >= N'");
    }
    const std::string metric(Trim(std::string_view(c.args[1]).substr(0, at)));
    ENCORE_ASSIGN_OR_RETURN(int64_t n, Count(c.args[1].substr(at + 2), "N"));
    if (metric == "monthly_listeners") {
      // The first of the filter's entities whose monthly listeners (28 days) reached N: the
      // earliest day (ties share it), from one pass over the days.
      if (n <= 0) return Status::InvalidArgument("N must be at least 1 listener");
      ENCORE_ASSIGN_OR_RETURN(const ListenerFilter filter, ListenerFilterOf(ctx));
      const EntityKind k = holder.value_or(EntityKind::kArtist);
      std::vector<std::pair<Day, uint32_t>> reached;
      std::vector<char> done(u.size(), 0);
      ENCORE_ASSIGN_OR_RETURN(std::optional<Day> last, LastListenerDay(*ctx.store));
      const std::vector<Day> days = ctx.store->Days();
      if (last && !days.empty()) {
        ENCORE_RETURN_IF_ERROR(ListenerDays(
            *ctx.store, u, k, days.front(), *last, ListenerWindow::k28Days, filter,
            [&](Day d, const std::vector<uint32_t>& ents, const std::vector<uint64_t>& counts) {
              for (size_t i = 0; i < ents.size(); ++i) {
                if (!done[ents[i]] && counts[i] >= static_cast<uint64_t>(n) &&
                    f.Matches(u, ents[i])) {
                  done[ents[i]] = 1;
                  reached.emplace_back(d, ents[i]);
                }
              }
              return Status::Ok();
            }));
      }
      v.type = Value::Type::kEntity;
      for (const auto& [d, ent] : reached) {
        if (d != reached.front().first) break;
        v.entities.push_back(ent);
        v.shown += (v.shown.empty() ? "" : " and ") + std::string(EntityKindName(k)) + " \"" +
                   u.Describe(ent).name + "\"";
        v.evidence += (v.evidence.empty() ? "" : "; ") + u.Describe(ent).name + " reached " +
                      Thousands(n) + " monthly listeners on " + FormatDate(d);
      }
      if (reached.size() > v.entities.size()) {
        v.evidence += "; next: " + u.Describe(reached[v.entities.size()].second).name + " on " +
                      FormatDate(reached[v.entities.size()].first);
      }
      if (v.entities.empty()) v.shown = "nobody yet";
      return v;
    }
    int year = 0;
    if (metric != "streams") {
      ENCORE_ASSIGN_OR_RETURN(Call m, ParseCall(metric));
      if (m.name != "streams_in_year" || m.args.size() != 1) {
        return Status::InvalidArgument("first(…) counts streams or streams_in_year(Y)");
      }
      ENCORE_ASSIGN_OR_RETURN(int64_t y, Count(m.args[0], "year"));
      year = static_cast<int>(y);
    }
    std::vector<Day> first;
    ENCORE_ASSIGN_OR_RETURN(auto crossings, CrossingsFor(ctx, n, &first));
    // Holders of the kind the claim names (artists when it names none).
    v.type = Value::Type::kEntity;
    for (EntityKind k : {holder.value_or(EntityKind::kArtist)}) {
      const auto board = FirstTo(u, crossings, k, year, n, f);
      for (const Standing& s : board) {
        if (s.rank != 1) break;
        v.entities.push_back(s.entity);
        v.shown += (v.shown.empty() ? "" : " and ") + std::string(EntityKindName(k)) + " \"" +
                   u.Describe(s.entity).name + "\"";
        v.evidence +=
            (v.evidence.empty() ? "" : "; ") + u.Describe(s.entity).name + " " + s.evidence;
      }
    }
    if (v.entities.empty()) v.shown = "nobody yet";
    return v;
  }
  if (c.name == "forecast_date") {
    // The day the forecast (records forecast) expects the total to reach N, from the last
    // counted day; the 90 % interval in the evidence.
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 3, 3, "(streams, N, kind \"name\")"));
    ENCORE_RETURN_IF_ERROR(MetricIsStreams(c.args[0]));
    ENCORE_ASSIGN_OR_RETURN(int64_t n, Count(c.args[1], "N"));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[2]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    if (!ctx.state->last_day) return Status::NotFound("the store has no streams to forecast from");
    if (n <= 0) return Status::InvalidArgument("N must be more than 0 streams");
    const Day as_of = *ctx.state->last_day;
    const std::string name = u.Describe(e).name;
    if (ctx.state->totals[e] >= n) {
      return Status::NotFound(name + " has reached " + Thousands(n) + " already (" +
                              Thousands(ctx.state->totals[e]) + " streams to " + FormatDate(as_of) +
                              "): date_to(streams, N, …) gives the day");
    }
    ENCORE_ASSIGN_OR_RETURN(EntityForecast ef,
                            ForecastEntity(*ctx.store, *ctx.state, e, as_of, ctx.settings.service, {n}));
    if (!ef.forecast) return Status::NotFound("no forecast for " + name + ": " + ef.why_not);
    const Forecast& f = *ef.forecast;
    const ForecastModel* m = &f.model;
    const MilestoneForecast& x = f.next[0];
    if (!x.expected) {
      return Status::NotFound(name + " is not on pace to reach " + Thousands(n) + " within 10 years");
    }
    v.type = Value::Type::kDate;
    v.number = *x.expected;
    v.shown = FormatDate(*x.expected);
    char change[32];
    std::snprintf(change, sizeof change, "%+.1f %%", (m->weekly_change - 1) * 100);
    v.evidence = name + ": " + Thousands(f.total) + " streams to " + FormatDate(as_of) + ", " +
                 Thousands(std::llround(m->level)) + " a day, " + change + " a week; 90 % interval " +
                 (x.earliest ? FormatDate(*x.earliest) : "?") + ".." +
                 (x.latest ? FormatDate(*x.latest) : "not on pace");
    return v;
  }
  if (c.name == "monthly_listeners" || c.name == "listeners") {
    // Unique listeners (doc/records.md, "Listeners") of an entity in the window ending on a day:
    // monthly_listeners(kind "name", DATE) is the 28 days; listeners(kind "name", DATE, window).
    const bool monthly = c.name == "monthly_listeners";
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, monthly ? 2 : 3, monthly ? 2 : 3,
                                    monthly ? "(kind \"name\", YYYY-MM-DD)"
                                            : "(kind \"name\", YYYY-MM-DD, day|7d|28d|month|year)"));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[0]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    const std::string date = Unquote(c.args[1]);
    const auto day = ParseDate(date);
    if (!day) return Status::InvalidArgument("'" + date + "' is not a date (YYYY-MM-DD)");
    ListenerWindow window = ListenerWindow::k28Days;
    if (!monthly) {
      auto w = ParseListenerWindow(Unquote(c.args[2]));
      if (!w) return Status::InvalidArgument("the window is day, 7d, 28d, month or year");
      window = *w;
    }
    ENCORE_ASSIGN_OR_RETURN(const ListenerFilter filter, ListenerFilterOf(ctx));
    ENCORE_ASSIGN_OR_RETURN(auto points, EntityListeners(*ctx.store, u, e, *day, *day, window, filter));
    const ListenerPoint& p = points.at(0);
    v.number = static_cast<double>(p.listeners);
    v.shown = Thousands(static_cast<int64_t>(p.listeners));
    if (p.days_without_sets > 0) {
      v.bound = Value::Bound::kAtLeast;
      v.shown = "at least " + v.shown;
    }
    v.evidence = u.Describe(e).name + ": " + Thousands(static_cast<int64_t>(p.listeners)) +
                 " unique listeners from " + FormatDate(p.from) + " to " + FormatDate(p.day) +
                 (p.days_without_sets ? " (at least: " + std::to_string(p.days_without_sets) +
                                            " days of totals without users)"
                                      : "");
    return v;
  }
  if (c.name == "previous_release") {
    // The release news' "first … release since": the artists' last release before this one of
    // the same kind (solo, or with others).
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 1, 1, "(release \"name\")"));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[0]));
    if (r.kind != EntityKind::kRelease) {
      return Status::InvalidArgument("previous_release names a release: release \"…\"");
    }
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    const Entity ent = u.Describe(e);
    const Catalog* cat = u.catalog();
    if (!ent.release || !cat) return Status::NotFound(ent.name + " is not a catalog release");
    const Release* last = nullptr;
    for (const Release& p : cat->releases()) {
      if (p.date >= ent.release->date || p.artists != ent.release->artists) continue;
      if (!last || p.date > last->date) last = &p;
    }
    v.type = Value::Type::kEntity;
    if (!last) {
      v.shown = "none (its artists' first release)";
      v.evidence = ent.name + ": no earlier release of " + std::to_string(ent.release->artists.size()) +
                   " artist(s) as credited";
      return v;
    }
    if (auto p = u.Find(EntityKind::kRelease, last->id)) v.entities.push_back(*p);
    v.shown = "release \"" + last->title + "\"";
    v.evidence = ent.name + " (" + FormatDate(ent.release->date) + "): the last release before it by " +
                 "the same artists is " + last->title + " (" + FormatDate(last->date) + ")";
    return v;
  }
  if (c.name == "streams") {
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 1, 2, "(kind \"name\"[, period])"));
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[0]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, r.kind, r.name));
    int64_t total = ctx.state->totals[e];
    std::string period = "all time";
    if (c.args.size() == 2) {
      ENCORE_ASSIGN_OR_RETURN(Filter f, FilterArg(c, 1));
      StreamScan scan(u, std::vector<int64_t>{});
      ENCORE_RETURN_IF_ERROR(ScanStore(*ctx.store, ctx.settings, f.from, f.to, &scan));
      total = scan.totals()[e];
      period = Unquote(c.args[1]);
    }
    v.number = static_cast<double>(total);
    v.shown = Thousands(total);
    v.evidence = u.Describe(e).name + ": " + Thousands(total) + " streams (" + period + ")";
    if (ctx.settings.service && IsChartStreamsService(*ctx.settings.service)) {
      // Only the editions the track was printed on count: the true figure is at least this.
      v.shown = "at least " + v.shown;
      v.bound = Value::Bound::kAtLeast;
      v.evidence = u.Describe(e).name + ": at least " + Thousands(total) + " " +
                   *ctx.settings.service + " (" + period + "; only the editions it was on count)";
    }
    return v;
  }
  if (c.name == "countries_no1" || c.name == "time_to_no1") {
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 2, 3, "(kind \"name\", hours or countries[, chart])"));
    if (!ctx.sales) return Status::NotFound("the store has no sales");
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[0]));
    ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, EntityKind::kTrack, r.name));
    const std::string chart = c.args.size() == 3 ? Unquote(c.args[2]) : "itunes-style";
    const ChartMethod* m = FindMethodology(chart);
    if (!m) return Status::NotFound("no methodology '" + chart + "'");
    const Entity ent = u.Describe(e);
    std::string hours_text = c.args[1];
    if (!hours_text.empty() && hours_text.back() == 'h') hours_text.pop_back();
    char* end = nullptr;
    const double x = std::strtod(hours_text.c_str(), &end);
    if (end == hours_text.c_str() || x <= 0) {
      return Status::InvalidArgument(c.name + ": '" + c.args[1] + "' is not a positive number");
    }
    const int hours = c.name == "countries_no1" ? static_cast<int>(std::ceil(x)) : 48;
    ENCORE_ASSIGN_OR_RETURN(
        StoreFeat feat, StoreNumberOnes(*ctx.sales, u.catalog(), *m, ent.id, std::nullopt, hours));
    if (c.name == "countries_no1") {
      const size_t n = feat.CountWithin(static_cast<int64_t>(x * 3600));
      v.number = static_cast<double>(n);
      v.shown = Counted(static_cast<int64_t>(n), "country");
      v.evidence = ent.name + " launched " + FormatTimestamp(feat.launch) + "; No. 1 on " +
                   m->name + " in " + Counted(static_cast<int64_t>(n), "country") + " within " +
                   c.args[1] + " (charts are hourly)";
    } else {
      const auto t = feat.TimeTo(static_cast<size_t>(x));
      if (!t) {
        return Status::NotFound(ent.name + " was No. 1 in " + std::to_string(feat.tops.size()) +
                                " countries within 48 hours, not " + c.args[1]);
      }
      v.number = static_cast<double>(*t) / 3600.0;
      v.shown = Hours(*t);
      v.evidence = ent.name + " launched " + FormatTimestamp(feat.launch) + "; country No. " +
                   c.args[1] + " at No. 1: " + feat.tops[static_cast<size_t>(x) - 1].country;
    }
    return v;
  }
  if (c.name == "feed_countries_no1") {
    // From the stores' own feed snapshots (doc/records.md): countries whose first No. 1 snapshot
    // is within the hours of the first snapshot listing the song.
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 2, 3, "(song \"Artist - Title\", hours[, store])"));
    if (!ctx.feeds)
      return Status::NotFound("the store has no feed snapshots (encore chart import)");
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[0]));
    const auto within = ParseHours(c.args[1]);
    if (!within) {
      return Status::InvalidArgument(c.name + ": '" + c.args[1] + "' is not a time (2.5h, 90m)");
    }
    StoreTopsOptions o;
    o.within = *within;
    if (c.args.size() == 3) o.store = Unquote(c.args[2]);
    std::string query = r.name;
    if (query.find(" - ") == std::string::npos &&
        (r.kind == EntityKind::kTrack || r.kind == EntityKind::kSong)) {
      // A title: the catalog's song ("Seven" -> "Jung Kook - Seven").
      if (auto e = FindEntity(u, EntityKind::kTrack, r.name); e.ok() && u.catalog()) {
        const Entity ent = u.Describe(*e);
        const Artist* lead = ent.track && !ent.track->primary.empty()
                                 ? u.catalog()->ArtistById(ent.track->primary[0])
                                 : nullptr;
        if (lead) query = lead->name + " - " + ent.track->title;
      }
    }
    ENCORE_ASSIGN_OR_RETURN(StoreTopsResult t, StoreTops(*ctx.feeds, u.catalog(), query, o));
    const size_t n = t.CountWithin(o.within);
    v.number = static_cast<double>(n);
    v.shown = Counted(static_cast<int64_t>(n), "country");
    std::string first3;
    for (size_t i = 0; i < t.tops.size() && i < 3 && t.tops[i].after <= o.within; ++i)
      first3 += (first3.empty() ? "" : ", ") + t.tops[i].country + " " + Hours(t.tops[i].after);
    v.evidence = query + " on " + o.store + " from " + FormatTimestamp(t.start) + " (" +
                 t.start_from + "): No. 1 in " + Counted(static_cast<int64_t>(n), "country") +
                 " within " + c.args[1] + " by " + std::to_string(t.snapshots_seen) +
                 " snapshots of " + std::to_string(t.countries_seen) + " countries" +
                 (first3.empty() ? "" : "; first " + first3);
    return v;
  }
  if (c.name == "weeks_at_no1" || c.name == "weeks_on_chart" || c.name == "peak" ||
      c.name == "debut") {
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 2, 2, "(chart, kind \"name\")"));
    if (!ctx.charts) return Status::NotFound("the store has no chart history");
    ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(c.args[1]));
    ENCORE_ASSIGN_OR_RETURN(auto is, ChartMatcher(r, u));
    const std::string chart = Unquote(c.args[0]);
    ENCORE_ASSIGN_OR_RETURN(auto feats, ChartFeats(*ctx.charts, chart));
    // Of the versions that match (a song key leaves versions out: "Blinding Lights" and
    // "Blinding Lights (with ROSALÍA) - Remix"), the one titled as the claim names it, else the
    // one with the most weeks.
    const ChartFeat* best = nullptr;
    for (const ChartFeat& f : feats) {
      if (!is(f.artist, f.title)) continue;
      if (!best || std::make_pair(SameTitle(f.title, r.name), f.weeks) >
                       std::make_pair(SameTitle(best->title, r.name), best->weeks))
        best = &f;
    }
    if (best) {
      const ChartFeat& f = *best;
      const int value = c.name == "weeks_at_no1"     ? f.weeks_at_1
                        : c.name == "weeks_on_chart" ? f.weeks
                        : c.name == "peak"           ? f.peak
                                                     : f.debut;
      auto n_of = [&](int n) {
        return std::to_string(n) + (f.period == 1 ? " day" : " week") + (n == 1 ? "" : "s");
      };
      v.number = value;
      v.shown = (c.name == "weeks_at_no1" && f.weeks_at_1_before ? "at least " : "") +
                std::to_string(value);
      if (c.name == "weeks_at_no1" && f.weeks_at_1_before) v.bound = Value::Bound::kAtLeast;
      if (c.name == "debut" && !f.debut_in_data) {
        v.bound = Value::Bound::kUnknown;
        v.shown = "unknown: the debut is before the data (first in the data at " +
                  std::to_string(value) + ")";
      }
      v.evidence = f.artist + " - " + f.title + " on " + chart + ": " +
                   (f.debut_in_data ? "debut " : "first in the data (on the chart before) ") +
                   std::to_string(f.debut) + " (" + FormatDate(f.first) + "), peak " +
                   std::to_string(f.peak) + ", " + n_of(f.weeks) + ", " + n_of(f.weeks_at_1) +
                   " at No. 1" + (f.weeks_at_1_before ? " in the data (more may precede it)" : "") +
                   ", last " + FormatDate(f.last);
      return v;
    }
    return Status::NotFound(r.name + " is not on " + chart);
  }
  if (c.name == "chart_record" || chart_rank) {
    // chart_record(CHART, BY, kind "name") = value; rank(chart_record(CHART, BY), kind "name").
    std::string chart, by;
    Ref r;
    if (c.name == "chart_record") {
      ENCORE_RETURN_IF_ERROR(NeedArgs(c, 3, 3, "(chart, record, kind \"name\")"));
      chart = Unquote(c.args[0]), by = Unquote(c.args[1]);
      ENCORE_ASSIGN_OR_RETURN(r, ParseRef(c.args[2]));
    } else {
      ENCORE_RETURN_IF_ERROR(NeedArgs(c, 2, 2, "(chart_record(chart, record), kind \"name\")"));
      ENCORE_ASSIGN_OR_RETURN(Call board, ParseCall(c.args[0]));
      ENCORE_RETURN_IF_ERROR(NeedArgs(board, 2, 2, "(chart, record)"));
      chart = Unquote(board.args[0]), by = Unquote(board.args[1]);
      ENCORE_ASSIGN_OR_RETURN(r, ParseRef(c.args[1]));
    }
    if (!ctx.charts) return Status::NotFound("the store has no chart history");
    const auto kind = ParseChartRecordKind(by);
    if (!kind) {
      return Status::InvalidArgument("unknown chart record '" + by +
                                     "' (weeks-at-1, consecutive-at-1, weeks, debut, peak, "
                                     "climb, climb-to-1, simultaneous, number-ones)");
    }
    if (IsArtistRecord(*kind) != (r.kind == EntityKind::kArtist)) {
      return Status::InvalidArgument("the record " + by + " ranks " +
                                     (IsArtistRecord(*kind) ? "artists" : "songs") +
                                     ": name one (artist \"…\" or song \"Artist - Title\")");
    }
    ChartRecordOptions o;
    o.catalog = u.catalog();
    ENCORE_ASSIGN_OR_RETURN(auto places, ChartRecords(*ctx.charts, chart, *kind, o));
    ENCORE_ASSIGN_OR_RETURN(auto is, ChartMatcher(r, u));
    // Of the versions that match, the one titled as the claim names it, else the best placed.
    const ChartRecordPlace* best = nullptr;
    for (const ChartRecordPlace& p : places) {
      if (IsArtistRecord(*kind) ? !is(p.artist, "") : !is(p.artist, p.title)) continue;
      if (!best ||
          (!IsArtistRecord(*kind) && SameTitle(p.title, r.name) && !SameTitle(best->title, r.name)))
        best = &p;
    }
    if (best) {
      const ChartRecordPlace& p = *best;
      const bool rank = c.name == "rank";
      v.number = rank ? p.rank : p.value;
      v.shown =
          rank ? std::to_string(p.rank) : (p.at_least ? "at least " : "") + std::to_string(p.value);
      if (!rank && p.at_least) v.bound = Value::Bound::kAtLeast;
      v.evidence = (IsArtistRecord(*kind) ? p.artist : p.artist + " - " + p.title) + " on " +
                   chart + ", " + by + ": " + std::to_string(p.value) + ", rank " +
                   std::to_string(p.rank) + " (" + p.evidence + ")";
      if (rank && p.rank > 1)
        v.evidence += "; No. 1: " + places[0].artist +
                      (places[0].title.empty() ? "" : " - " + places[0].title) + " (" +
                      std::to_string(places[0].value) + ")";
      return v;
    }
    return Status::NotFound(r.name + " holds no place in " + chart + " by " + by);
  }
  if (c.name == "first_on") {
    // first_on(CHART, POSITION[, filter]) = artist "X": the first act to reach the position.
    ENCORE_RETURN_IF_ERROR(NeedArgs(c, 2, 3, "(chart, position[, filter])"));
    if (!ctx.charts) return Status::NotFound("the store has no chart history");
    ENCORE_ASSIGN_OR_RETURN(int64_t pos, Count(c.args[1], "position"));
    ENCORE_ASSIGN_OR_RETURN(Filter f, FilterArg(c, 2));
    ENCORE_RETURN_IF_ERROR(f.RefusePeriod("first_on", "the chart's firsts count no period"));
    ENCORE_ASSIGN_OR_RETURN(
        auto firsts, ChartFirsts(*ctx.charts, Unquote(c.args[0]), static_cast<int>(pos), f, u));
    v.type = Value::Type::kEntity;
    if (firsts.empty()) {
      v.shown = "nobody yet";
      return v;
    }
    const Catalog* cat = u.catalog();
    for (const Artist* a : cat->FindArtists(firsts[0].artist))
      if (auto e = u.Find(EntityKind::kArtist, a->id)) v.entities.push_back(*e);
    v.shown = firsts[0].artist;
    v.evidence = firsts[0].artist + ": " + firsts[0].credit + " - " + firsts[0].title + " at No. " +
                 std::to_string(firsts[0].position) + " on " + FormatDate(firsts[0].date);
    for (size_t i = 1; i < firsts.size() && i < 4; ++i)
      v.evidence += "; then " + firsts[i].artist + " (" + FormatDate(firsts[i].date) + ")";
    return v;
  }
  return Status::InvalidArgument(
      "unknown function '" + c.name +
      "' (days_to, date_to, rank, day_of_year, first, streams, countries_no1, time_to_no1, "
      "feed_countries_no1, weeks_at_no1, weeks_on_chart, peak, debut, chart_record, first_on)");
}

// Replaces the word `from` with `to` outside quotes; whether it did.
bool ReplaceWord(std::string* s, std::string_view from, std::string_view to) {
  bool any = false;
  char quote = 0;
  std::string out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < s->size();) {
    const char c = (*s)[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (s->compare(i, from.size(), from) == 0 && (i == 0 || !word((*s)[i - 1])) &&
               (i + from.size() == s->size() || !word((*s)[i + from.size()]))) {
      out += to;
      i += from.size();
      any = true;
      continue;
    }
    out += c;
    ++i;
  }
  *s = std::move(out);
  return any;
}

}  // namespace

Result<ClaimResult> CheckClaim(std::string_view claim, const ClaimContext& ctx) {
  ClaimResult out;
  out.claim = std::string(Trim(claim));
  const auto [at, op] = FindComparison(out.claim);
  if (at == std::string::npos) {
    return Status::InvalidArgument("a claim compares: function(…) = value");
  }
  std::string lhs = out.claim.substr(0, at);
  // `chart_streams` for `streams`: the same claim over the weekly chart streams
  // (encore/chart_streams.h), whatever service the context reads.
  ClaimContext sub = ctx;
  std::optional<RecordsState> chart_state;
  if (ReplaceWord(&lhs, "chart_streams", "streams") &&
      !(ctx.settings.service && IsChartStreamsService(*ctx.settings.service))) {
    sub.settings.service = std::string(kChartStreamsWeekly);
    ENCORE_ASSIGN_OR_RETURN(
        chart_state, ComputeRecords(*ctx.store, ctx.state->universe.catalog(), sub.settings));
    sub.state = &*chart_state;
  }
  ENCORE_ASSIGN_OR_RETURN(Call call, ParseCall(lhs));
  const std::string rhs(Trim(std::string_view(out.claim).substr(at + op.size())));
  // The kind of holder a `first(…) = kind "name"` claim names.
  std::optional<EntityKind> holder;
  if (auto r = ParseRef(rhs); r.ok()) holder = r->kind;
  ENCORE_ASSIGN_OR_RETURN(Value v, Evaluate(call, sub, holder));
  out.actual = v.shown;
  out.evidence = v.evidence;
  switch (v.type) {
    case Value::Type::kNumber: {
      std::string r = rhs;
      while (!r.empty() && (r.back() == 'h' || std::isspace(static_cast<unsigned char>(r.back()))))
        r.pop_back();
      double want = 0;
      if (auto n = ParseCount(r)) {
        want = static_cast<double>(*n);
      } else {
        char* end = nullptr;
        want = std::strtod(r.c_str(), &end);
        if (end == r.c_str() || *end) {
          return Status::InvalidArgument("expected a number after " + op + ", not '" + rhs + "'");
        }
      }
      out.holds = CompareBy<double>(op, v.number, want);
      // A lower bound x decides the claim only where it holds (or fails) for every value from x
      // up: at x, at the claimed number (when above x) and beyond both.
      if (v.bound != Value::Bound::kExact) {
        const double x = v.number, top = std::max(x, want) * 2 + 1;
        const bool at_x = CompareBy<double>(op, x, want);
        const bool decided = v.bound == Value::Bound::kAtLeast &&
                             CompareBy<double>(op, top, want) == at_x &&
                             (want < x || CompareBy<double>(op, want, want) == at_x);
        if (!decided) {
          return Status::NotFound("cannot tell: the value is " + v.shown + " (" + v.evidence + ")");
        }
        out.holds = at_x;
      }
      break;
    }
    case Value::Type::kDate: {
      const auto d = ParseDate(rhs);
      if (!d) return Status::InvalidArgument("expected a date after " + op + ", not '" + rhs + "'");
      out.holds = CompareBy<double>(op, v.number, *d);
      break;
    }
    case Value::Type::kEntity: {
      if (op != "=" && op != "!=") return Status::InvalidArgument("compare a holder with = or !=");
      ENCORE_ASSIGN_OR_RETURN(Ref r, ParseRef(rhs));
      ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(sub.state->universe, r.kind, r.name));
      const bool is = std::find(v.entities.begin(), v.entities.end(), e) != v.entities.end();
      out.holds = op == "=" ? is : !is;
      break;
    }
  }
  return out;
}

}  // namespace encore
