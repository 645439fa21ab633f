// `encore records …`, `encore news` and `encore check`: milestones, leaderboards, records, news
// and claims (doc/records.md).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "common/strings.h"
#include "common/text.h"
#include "encore/chart_streams.h"
#include "encore/charts.h"
#include "encore/methodology.h"
#include "encore/records.h"
#include "encore/sales.h"
#include "encore/store_feeds.h"

namespace encore::cli {

namespace {

using nlohmann::json;

// What every records command shares.
struct Common {
  std::string store, format = "table", where, credit = "any", rollup = "none", service;
  int64_t step = 100'000'000;
  bool chart_streams = false;
};

void AddCommon(CLI::App* cmd, Common* c, bool csv = false) {
  cmd->add_option("--store", c->store, "Store directory (default: $ENCORE_STORE or ./encore-data)");
  if (csv) {
    cmd->add_option("--format", c->format, "table, json or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}))
        ->capture_default_str();
  } else {
    AddViewFormat(cmd, &c->format);
  }
  cmd->add_option("--credit", c->credit, "Credits that count for an artist: any, primary, featured")
      ->check(CLI::IsMember({"any", "primary", "featured"}))
      ->capture_default_str();
  cmd->add_option("--rollup", c->rollup,
                  "Roll artists up: none, person (personas count for the person), group "
                  "(members' credits count for the group)")
      ->check(CLI::IsMember({"none", "person", "group"}))
      ->capture_default_str();
  cmd->add_option("--service", c->service,
                  "Only this service's streams (default: all, chart streams aside; a store of "
                  "chart streams only: its weekly chart streams)");
  cmd->add_flag("--chart-streams", c->chart_streams,
                "The streams printed on Spotify's weekly charts (--service spotify_charts_weekly)");
}

// A store with its catalog and records brought up to date; on the heap so that the records'
// references to the store's names and the catalog stay valid.
struct Context {
  std::string dir;
  std::unique_ptr<CountStore> store;
  Catalog catalog;
  RecordsSettings settings;
  RecordsState state;
  RecordsUpdate update;
  std::unique_ptr<SalesData> sales;
  // Reading chart streams (encore/chart_streams.h): totals are lower bounds (only the editions a
  // track was on count), and a weekly figure dates a crossing to its week (span 7).
  bool chart = false;
  int span = 1;
  std::string Unit() const { return chart ? "chart streams" : "streams"; }
  // What a chart-streams title adds: the precision and the bound.
  std::string Caveat() const {
    if (!chart) return "";
    return span > 1 ? " [weekly chart figures: dates are week endings (by then at the latest); "
                      "totals are at least these, only weeks on the chart count]"
                    : " [daily chart figures: totals are at least these, only days on the chart "
                      "count]";
  }
};

Result<std::unique_ptr<Context>> Open(const Common& c, bool need_sales = false) {
  auto ctx = std::make_unique<Context>();
  ctx->dir = DefaultStoreDir(c.store);
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  ENCORE_ASSIGN_OR_RETURN(ctx->store, OpenStore(ctx->dir, o));
  ENCORE_ASSIGN_OR_RETURN(ctx->catalog, LoadStoredCatalog(ctx->dir));
  ENCORE_RETURN_IF_ERROR(AddChartTrackLinks(ctx->dir, &ctx->catalog).status());
  ctx->settings.step = c.step;
  if (!c.service.empty()) ctx->settings.service = c.service;
  if (c.chart_streams) ctx->settings.service = std::string(kChartStreamsWeekly);
  if (!ctx->settings.service) {
    // A store of chart streams only (charts imported, no plays): their weekly figures, else daily.
    bool other = false, weekly = false, daily = false;
    for (const auto& name : ctx->store->services()) {
      weekly |= name == kChartStreamsWeekly;
      daily |= name == kChartStreamsDaily;
      other |= !IsChartStreamsService(name);
    }
    if (!other && (weekly || daily)) {
      ctx->settings.service = std::string(weekly ? kChartStreamsWeekly : kChartStreamsDaily);
      std::fprintf(stderr, "encore: the store holds chart streams only: reading %s\n",
                   ctx->settings.service->c_str());
    }
  }
  // A service the store does not count matches nothing: refused, with the ones it has (issue 18:
  // `records most --service xyz` printed "(none)").
  if (ctx->settings.service) {
    const auto& have = ctx->store->services();
    if (std::find(have.begin(), have.end(), *ctx->settings.service) == have.end()) {
      std::string list;
      for (const auto& name : have) list += (list.empty() ? "" : ", ") + name;
      return Status::InvalidArgument("--service " + *ctx->settings.service + ": the store counts no such service" +
                                     DidYouMean(*ctx->settings.service, have) +
                                     "; it has: " + (list.empty() ? "none" : list));
    }
  }
  if (ctx->settings.service && IsChartStreamsService(*ctx->settings.service)) {
    ctx->chart = true;
    ctx->span = ServiceSpan(*ctx->settings.service);
  }
  ctx->settings.credit = c.credit == "primary"    ? CreditRole::kPrimary
                         : c.credit == "featured" ? CreditRole::kFeatured
                                                  : CreditRole::kAny;
  ctx->settings.rollup = c.rollup == "person"  ? Rollup::kPerson
                         : c.rollup == "group" ? Rollup::kGroup
                                               : Rollup::kNone;
  const RecordsSettings defaults;
  if (ctx->settings.Token() == defaults.Token()) {
    // The kept records: brought up to date (and the news recorded) first.
    ENCORE_ASSIGN_OR_RETURN(ctx->update,
                            UpdateRecords(ctx->dir, *ctx->store, &ctx->catalog, ctx->settings));
    ctx->state = std::move(ctx->update.state);
  } else {
    ENCORE_ASSIGN_OR_RETURN(ctx->state, ComputeRecords(*ctx->store, &ctx->catalog, ctx->settings));
  }
  if (need_sales) {
    ENCORE_ASSIGN_OR_RETURN(ctx->sales, OpenSalesData(ctx->dir));
  }
  return ctx;
}

Result<EntityKind> KindFlag(const std::string& s) {
  auto k = ParseEntityKind(s);
  if (!k) {
    return Status::InvalidArgument("--kind must be track, song, release or artist, not '" +
                                   Printable(s) + "'" +
                                   DidYouMean(s, {"track", "song", "release", "artist"}));
  }
  return *k;
}

Result<int64_t> CountArg(const std::string& what, const std::string& s) {
  auto n = ParseCount(s);
  if (!n || *n <= 0) {
    return Status::InvalidArgument(what + " must be a positive count (1e9, 1.4B, 100M), not '" + s +
                                   "'");
  }
  return *n;
}

// What JSON output says of chart streams: the service, the days a figure covers (7: dates are
// the weeks' last days, a crossing "by then at the latest"), and that totals are lower bounds.
json ChartStreamsJson(const Context& ctx) {
  return {{"service", ctx.settings.service.value_or("")},
          {"span_days", ctx.span},
          {"dates", ctx.span > 1 ? "week ending (the crossing is within that week)" : "day"},
          {"totals", "at least: only the editions a track was on count"}};
}

// What a board is of: its N (none for most), kind and filter, for its JSON (views::BoardJson).
struct BoardOf {
  std::optional<int64_t> n;
  EntityKind kind = EntityKind::kTrack;
  const Filter* filter = nullptr;
  json more = json::object();  // what the board adds (as_of, year, history), as the API's
};

// Prints standings as a table or as the board's JSON view (the API's, with what chart streams
// add). `value` names the ranked column.
void PrintStandings(const Context& ctx, const std::vector<Standing>& s, size_t top,
                    const std::string& value, const std::string& format, const std::string& title,
                    const BoardOf& of) {
  const RecordsUniverse& u = ctx.state.universe;
  if (format == "json") {
    static const Filter kNone;
    json out = views::BoardJson(u, title, of.n, of.kind, of.filter ? *of.filter : kNone, s, value, 0, top);
    out.update(of.more);
    if (ctx.chart) out["chart_streams"] = ChartStreamsJson(ctx);
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("%s%s\n", title.c_str(), ctx.Caveat().c_str());
  if (s.empty()) {
    std::printf("   (none)\n");
    return;
  }
  std::printf("   %4s  %-52s %14s  %-10s  %s\n", "rank", "name", value.c_str(),
              ctx.span > 1 ? "week end" : "date", "evidence");
  for (size_t i = 0; i < s.size() && i < top; ++i) {
    const Entity e = u.Describe(s[i].entity);
    const bool tied =
        (i > 0 && s[i - 1].rank == s[i].rank) || (i + 1 < s.size() && s[i + 1].rank == s[i].rank);
    std::string shown = value == "streams" ? Thousands(s[i].value) : std::to_string(s[i].value);
    if (ctx.chart && value == "streams") shown = ">= " + shown;  // a lower bound
    if (ctx.span > 1 && value == "days") shown = "<= " + shown;  // crossed within the week
    std::printf("   %3d%s  %-52.52s %14s  %-10s  %s\n", s[i].rank, tied ? "=" : " ", e.name.c_str(),
                shown.c_str(), s[i].day ? FormatDate(s[i].day).c_str() : "", s[i].evidence.c_str());
  }
  if (s.size() > top) std::printf("   … %zu more (--top)\n", s.size() - top);
}

// What the leaderboards share: a total N, a kind of entity, a filter and how many places.
struct BoardArgs {
  Common c;
  std::string n, kind;
  size_t top = 10;
};

void AddBoardOptions(CLI::App* cmd, BoardArgs* b, const char* example) {
  cmd->add_option("--kind", b->kind, "track, song, release or artist")->capture_default_str();
  cmd->add_option("--where", b->c.where, std::string("A filter (doc/records.md): ") + example);
  cmd->add_option("--top", b->top, "Places shown")->capture_default_str()->check(CLI::Range(1, 1000000000));
  AddCommon(cmd, &b->c);
}

// The store's records and the crossings of N, with the kind and filter asked for.
struct Board {
  std::unique_ptr<Context> ctx;
  int64_t n = 0;
  EntityKind kind = EntityKind::kTrack;
  Filter filter;
  std::vector<Crossing> crossings;
  std::vector<Day> first_day;
};

Result<Board> OpenBoard(const BoardArgs& a) {
  Board b;
  ENCORE_ASSIGN_OR_RETURN(b.n, CountArg("N", a.n));
  ENCORE_ASSIGN_OR_RETURN(b.kind, KindFlag(a.kind));
  ENCORE_ASSIGN_OR_RETURN(b.filter, Filter::Parse(a.c.where));
  ENCORE_RETURN_IF_ERROR(b.filter.RefusePeriodOfBoard());
  ENCORE_ASSIGN_OR_RETURN(b.ctx, Open(a.c));
  ENCORE_ASSIGN_OR_RETURN(
      b.crossings, CrossingsAt(*b.ctx->store, b.ctx->state, b.ctx->settings, b.n, &b.first_day));
  return b;
}

void AddFastest(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "fastest", "Fastest to N streams: days from release (day 0) to the day the total reached N");
  struct Args {
    BoardArgs b{{}, "", "track"};
    std::string as_of;
    bool history = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("N", a->b.n, "The total: 1e9, 1.4B, 500M")->required();
  AddBoardOptions(cmd, &a->b, "\"solo and country = KR\"");
  cmd->add_option("--as-of", a->as_of, "Only totals reached by this date");
  cmd->add_flag("--history", a->history, "The record's history: who held it, from when to when");
  cmd->callback([=] {
    *action = [=]() -> Status {
      std::optional<Day> as_of;
      if (!a->as_of.empty()) {
        ENCORE_ASSIGN_OR_RETURN(as_of, ParseDateFlag("--as-of", a->as_of));
      }
      ENCORE_ASSIGN_OR_RETURN(Board b, OpenBoard(a->b));
      const RecordsUniverse& u = b.ctx->state.universe;
      const auto board = FastestTo(u, b.crossings, b.first_day, b.kind, b.n, b.filter, as_of);
      PrintStandings(*b.ctx, board, a->b.top, "days", a->b.c.format,
                     views::BoardTitle(views::BoardKind::kFastest, b.kind, b.n, 0, b.ctx->Unit(), b.filter),
                     {b.n, b.kind, &b.filter,
                      a->history ? json{{"as_of", views::DateOrNull(as_of)},
                                        {"history", views::ReignsJson(u, FastestHistory(board))}}
                                 : json{{"as_of", views::DateOrNull(as_of)}}});
      if (a->history && a->b.c.format == "table") {
        std::printf("\nThe record's history:\n");
        for (const Reign& r : FastestHistory(board)) {
          std::printf("   %-52.52s %5lld days  held %s .. %s\n", u.Describe(r.entity).name.c_str(),
                      static_cast<long long>(r.value), FormatDate(r.from).c_str(),
                      r.to ? FormatDate(*r.to).c_str() : "now");
        }
      }
      return Status::Ok();
    };
  });
}

void AddRace(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "race", "Calendar-year race: the day of the year (1 January = 1) streams within it reach N");
  struct Args {
    BoardArgs b{{}, "1e9", "artist"};
    int year = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("YEAR", a->year, "The calendar year")->required();
  cmd->add_option("N", a->b.n, "The total")->capture_default_str();
  AddBoardOptions(cmd, &a->b, "\"solo and tag = k-pop\"");
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(Board b, OpenBoard(a->b));
      const auto board =
          YearRace(b.ctx->state.universe, b.crossings, b.kind, a->year, b.n, b.filter);
      PrintStandings(*b.ctx, board, a->b.top, "day", a->b.c.format,
                     views::BoardTitle(views::BoardKind::kRace, b.kind, b.n, a->year, b.ctx->Unit(), b.filter),
                     {b.n, b.kind, &b.filter, json{{"year", a->year}}});
      return Status::Ok();
    };
  });
}

void AddMost(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "most", "Most streamed, in total or in a period (--where \"year = 2024\", from/to)");
  struct Args {
    Common c;
    std::string kind = "track";
    size_t top = 10;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--kind", a->kind, "track, song, release or artist")->capture_default_str();
  cmd->add_option("--where", a->c.where, "A filter, with the period: \"year = 2024 and solo\"");
  cmd->add_option("--top", a->top, "Places shown")->capture_default_str()->check(CLI::Range(1, 1000000000));
  AddCommon(cmd, &a->c);
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(EntityKind kind, KindFlag(a->kind));
      ENCORE_ASSIGN_OR_RETURN(Filter f, Filter::Parse(a->c.where));
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(a->c));
      std::vector<int64_t> totals = ctx->state.totals;
      if (f.from || f.to) {
        StreamScan scan(ctx->state.universe, std::vector<int64_t>{});
        ENCORE_RETURN_IF_ERROR(ScanStore(*ctx->store, ctx->settings, f.from, f.to, &scan));
        totals = scan.totals();
      }
      const auto board = MostStreamed(ctx->state.universe, totals, kind, f, ctx->state.universe.size());
      PrintStandings(*ctx, board, a->top, "streams", a->c.format,
                     views::BoardTitle(views::BoardKind::kMost, kind, 0, 0, ctx->Unit(), f),
                     {std::nullopt, kind, &f, json{{"as_of", views::DateOrNull(ctx->state.last_day)}}});
      return Status::Ok();
    };
  });
}

void AddFirst(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "first", "First to reach N (in a year): \"the first Korean solo artist to 1B in 2024\"");
  struct Args {
    BoardArgs b{{}, "", "artist"};
    int year = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("N", a->b.n, "The total")->required();
  cmd->add_option("--year", a->year, "Count streams within this year only");
  AddBoardOptions(cmd, &a->b, "\"solo and country = KR\"");
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(Board b, OpenBoard(a->b));
      auto board = FirstTo(b.ctx->state.universe, b.crossings, b.kind, a->year, b.n, b.filter);
      // The rank is the order of arrival; within a year the value is the day of the year.
      if (!a->year) {
        for (Standing& s : board) s.value = 0;
      }
      PrintStandings(*b.ctx, board, a->b.top, a->year ? "day" : "-", a->b.c.format,
                     views::BoardTitle(views::BoardKind::kFirst, b.kind, b.n, a->year, b.ctx->Unit(), b.filter),
                     {b.n, b.kind, &b.filter, json{{"year", a->year ? json(a->year) : json()}}});
      if (a->b.c.format == "table")
        std::printf("   (rank 1 holds the record; later ones show who followed)\n");
      return Status::Ok();
    };
  });
}

struct MilestoneFilters {
  std::string where, counted, threshold;
};

// `encore records milestones` without a NAME: every entity's crossings of one kind, in one pass
// over the kept records (issue 15: one process, not one per threshold), filtered by --where, by
// what is counted (all time or a year) and by threshold; as a table, JSON or CSV. Rows in the
// order the records found them: by day, then entity.
Status ListAllMilestones(const Context& ctx, EntityKind kind, const MilestoneFilters& f,
                         const std::string& format) {
  ENCORE_ASSIGN_OR_RETURN(const Filter filter, Filter::Parse(f.where));
  ENCORE_RETURN_IF_ERROR(filter.RefusePeriod("milestones", "--counted YEAR for a year's streams"));
  std::optional<int32_t> year;
  if (!f.counted.empty() && f.counted != "all") {
    char* end = nullptr;
    const long y = std::strtol(f.counted.c_str(), &end, 10);
    if (*end || y < 1970 || y > 2149)
      return Status::InvalidArgument("--counted is 'all' or a year such as 2024, not '" +
                                     f.counted + "'");
    year = static_cast<int32_t>(y);
  } else if (f.counted == "all") {
    year = 0;
  }
  std::optional<int64_t> threshold;
  if (!f.threshold.empty()) {
    ENCORE_ASSIGN_OR_RETURN(threshold, CountArg("--threshold", f.threshold));
  }
  const RecordsUniverse& u = ctx.state.universe;
  // Per entity, looked up once: whether it passes, its name, its id and its day 0.
  struct Seen {
    bool pass = false;
    std::string id, name;
    Day day0 = -1;
  };
  std::unordered_map<uint32_t, Seen> seen;
  auto describe = [&](uint32_t e) -> const Seen& {
    auto [it, fresh] = seen.try_emplace(e);
    if (fresh) {
      Seen& s = it->second;
      s.pass = u.kind(e) == kind && filter.Matches(u, e);
      if (s.pass) {
        const Entity ent = u.Describe(e);
        s.id = ent.id;
        s.name = ent.name;
        s.day0 = ent.released.value_or(ctx.state.first_day[e]);
      }
    }
    return it->second;
  };
  const std::string kind_name(EntityKindName(kind));
  if (format == "csv") {
    std::printf("kind,id,name,counted,threshold,date,days,before,after\n");
  } else if (format == "json") {
    std::printf("{\"kind\": \"%s\", \"unit\": \"%s\", \"milestones\": [", kind_name.c_str(),
                ctx.Unit().c_str());
  } else {
    std::printf("%-8s %-24s %-40s %-8s %15s %-10s %6s\n", "kind", "id", "name", "counted",
                "threshold", "date", "days");
  }
  size_t rows = 0;
  for (const Crossing& x : ctx.state.crossings) {
    if (year && x.year != *year) continue;
    if (threshold && x.threshold != *threshold) continue;
    const Seen& s = describe(x.entity);
    if (!s.pass) continue;
    const std::string counted = x.year ? std::to_string(x.year) : "all";
    // Days since day 0 (all time) or the day of the year (a year's streams).
    const int64_t days = x.year ? x.day - DayFromCivil(x.year, 1, 1) + 1 : x.day - s.day0;
    const std::string date = FormatDate(x.day);
    if (format == "csv") {
      std::printf("%s,%s,%s,%s,%lld,%s,%lld,%lld,%lld\n", kind_name.c_str(),
                  CsvField(s.id).c_str(), SpreadsheetCsvField(s.name).c_str(), counted.c_str(),
                  static_cast<long long>(x.threshold), date.c_str(), static_cast<long long>(days),
                  static_cast<long long>(x.before), static_cast<long long>(x.after));
    } else if (format == "json") {
      const json row = {{"entity", kind_name + ":" + s.id},
                        {"name", s.name},
                        {"counted", counted},
                        {"threshold", x.threshold},
                        {"date", date},
                        {x.year ? "day_of_year" : "days", days},
                        {"before", x.before},
                        {"after", x.after}};
      std::printf("%s\n  %s", rows ? "," : "", row.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    } else {
      std::printf("%-8s %-24s %-40s %-8s %15s %-10s %6lld\n", kind_name.c_str(), s.id.c_str(),
                  s.name.substr(0, 40).c_str(), counted.c_str(), Thousands(x.threshold).c_str(),
                  date.c_str(), static_cast<long long>(days));
    }
    ++rows;
  }
  if (format == "json") {
    std::printf("\n], \"count\": %zu}\n", rows);
  } else if (format == "table") {
    std::printf("%zu milestones%s\n", rows, ctx.Caveat().c_str());
  }
  return Status::Ok();
}

void AddMilestones(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "milestones",
      "The dates streams crossed each threshold (all time and in years): one entity's, or with "
      "no NAME every entity's of a kind (--where, --counted, --threshold; csv)");
  struct Args {
    Common c;
    std::string name, kind = "track", step = "1e8";
    MilestoneFilters f;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("NAME", a->name,
                  "Id, name, title or \"Artist - Title\" (none: every entity of --kind)");
  cmd->add_option("--kind", a->kind, "track, song, release or artist")->capture_default_str();
  cmd->add_option("--step", a->step, "A milestone every this many streams (1e8, 500M)")
      ->capture_default_str();
  cmd->add_option("--where", a->f.where,
                  "Without NAME: only entities matching a filter (doc/records.md)");
  cmd->add_option("--counted", a->f.counted,
                  "Without NAME: 'all' (all-time totals) or a year (its streams only)");
  cmd->add_option("--threshold", a->f.threshold, "Without NAME: only this threshold (1e9)");
  AddCommon(cmd, &a->c, /*csv=*/true);
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(EntityKind kind, KindFlag(a->kind));
      ENCORE_ASSIGN_OR_RETURN(a->c.step, CountArg("--step", a->step));
      if (!a->name.empty() &&
          (!a->f.where.empty() || !a->f.counted.empty() || !a->f.threshold.empty()))
        return Status::InvalidArgument(
            "--where, --counted and --threshold list every entity's milestones: give no NAME");
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(a->c));
      if (a->name.empty()) return ListAllMilestones(*ctx, kind, a->f, a->c.format);
      const RecordsUniverse& u = ctx->state.universe;
      ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, kind, a->name));
      json view = views::MilestonesJson(ctx->state, e);
      if (ctx->chart) view["chart_streams"] = ChartStreamsJson(*ctx);
      if (a->c.format == "csv") {
        ENCORE_ASSIGN_OR_RETURN(const std::string csv, views::TableCsv(view, "milestones"));
        std::cout << csv;
        return Status::Ok();
      }
      if (a->c.format == "json") {
        std::cout << view.dump(2) << "\n";
        return Status::Ok();
      }
      const Entity ent = u.Describe(e);
      std::printf("%s: %s%s %s to %s; day 0 %s (%s)%s\n", ent.name.c_str(),
                  ctx->chart ? "at least " : "", Thousands(ctx->state.totals[e]).c_str(),
                  ctx->Unit().c_str(),
                  ctx->state.last_day ? FormatDate(*ctx->state.last_day).c_str() : "-",
                  view["day0"].is_null() ? "-" : view["day0"].get<std::string>().c_str(),
                  ent.released    ? "release"
                  : ctx->span > 1 ? "the first day of its first chart week"
                                  : "first counted day",
                  ctx->Caveat().c_str());
      std::printf("   %-8s %15s  %-10s %6s  %15s %15s\n", "counted", "threshold",
                  ctx->span > 1 ? "week end" : "date", ctx->span > 1 ? "days<=" : "days", "before",
                  "after");
      for (const json& m : view["milestones"]) {
        const json& days = m.contains("day_of_year") ? m["day_of_year"] : m.value("days", json());
        std::printf("   %-8s %15s  %-10s %6s  %15s %15s\n", m["counted"].get<std::string>().c_str(),
                    Thousands(m["threshold"].get<int64_t>()).c_str(),
                    m["date"].get<std::string>().c_str(),
                    days.is_null() ? "-" : std::to_string(days.get<int64_t>()).c_str(),
                    Thousands(m["before"].get<int64_t>()).c_str(),
                    Thousands(m["after"].get<int64_t>()).c_str());
      }
      return Status::Ok();
    };
  });
}

// `records forecast`: when an entity's next milestones are expected (doc/records.md, "Forecasts");
// --backtest: how far off such forecasts were for the crossings the store holds.
void AddForecast(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "forecast",
      "When the next milestones are expected, with a 90 % interval, from the recent daily "
      "streams (weekday pattern and decay); --backtest: the error of such forecasts in days");
  struct Args {
    Common c;
    std::string name, kind = "track", step = "1e8", as_of, horizons = "7,30,90";
    int next = 3;
    bool backtest = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("NAME", a->name, "Id, name, title or \"Artist - Title\"");
  cmd->add_option("--kind", a->kind, "track, song, release or artist")->capture_default_str();
  cmd->add_option("--step", a->step, "Milestones every this many streams (1e8, 500M)")
      ->capture_default_str();
  cmd->add_option("--next", a->next, "How many milestones ahead")->capture_default_str()->check(
      CLI::Range(1, 100));
  cmd->add_option("--as-of", a->as_of, "Forecast from the days up to this date (default: the last)");
  cmd->add_flag("--backtest", a->backtest,
                "Forecast every crossing the store holds from h days before it, for each horizon");
  cmd->add_option("--horizons", a->horizons, "Backtest horizons in days")->capture_default_str();
  AddCommon(cmd, &a->c);
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (a->backtest != a->name.empty()) {
        return Status::InvalidArgument(a->backtest ? "--backtest forecasts every crossing: give no NAME"
                                                   : "name the track, song, release or artist to forecast");
      }
      ENCORE_ASSIGN_OR_RETURN(EntityKind kind, KindFlag(a->kind));
      ENCORE_ASSIGN_OR_RETURN(const int64_t step, CountArg("--step", a->step));
      if (step < 1000 || step > 1'000'000'000'000'000) {
        return Status::InvalidArgument("--step must be from 1,000 to 1e15 streams, not " + a->step);
      }
      if (a->backtest && (!a->as_of.empty() || a->step != "1e8" || a->next != 3)) {
        return Status::InvalidArgument(
            "--backtest forecasts every crossing the records hold (every 100,000,000 streams) from "
            "the days before it: --as-of, --step and --next are for one entity's forecast");
      }
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(a->c));
      if (a->backtest) {
        std::vector<int> horizons;
        for (size_t i = 0; i <= a->horizons.size();) {
          size_t j = a->horizons.find(',', i);
          if (j == std::string::npos) j = a->horizons.size();
          const std::string h = a->horizons.substr(i, j - i);
          char* end = nullptr;
          const long v = std::strtol(h.c_str(), &end, 10);
          if (h.empty() || *end || v < 1 || v > 3660) {
            return Status::InvalidArgument("--horizons: '" + h + "' is not a number of days (1..3660)");
          }
          if (std::find(horizons.begin(), horizons.end(), static_cast<int>(v)) == horizons.end()) {
            horizons.push_back(static_cast<int>(v));
          }
          i = j + 1;
        }
        ENCORE_ASSIGN_OR_RETURN(auto rows,
                                BacktestForecasts(*ctx->store, ctx->state, ctx->settings, horizons));
        json out = json::array();
        if (a->c.format == "table") {
          std::printf("forecasts of every milestone crossed (every %s streams), made h days before it\n",
                      Thousands(ctx->settings.step).c_str());
          std::printf("%8s %8s %12s %14s %14s %14s\n", "horizon", "cases", "not on pace",
                      "median |err|", "p90 |err|", "median err");
        }
        for (const BacktestRow& r : rows) {
          if (a->c.format == "json") {
            out.push_back({{"horizon_days", r.horizon},
                           {"cases", r.cases},
                           {"not_on_pace", r.not_on_pace},
                           {"median_error_days", r.median_error},
                           {"p90_error_days", r.p90_error},
                           {"median_signed_error_days", r.median_signed}});
          } else {
            if (r.cases == r.not_on_pace) {  // no forecast to measure
              std::printf("%8d %8zu %12zu %14s %14s %14s\n", r.horizon, r.cases, r.not_on_pace, "-",
                          "-", "-");
            } else {
              std::printf("%8d %8zu %12zu %14.1f %14.1f %+14.1f\n", r.horizon, r.cases,
                          r.not_on_pace, r.median_error, r.p90_error, r.median_signed);
            }
          }
        }
        if (a->c.format == "json") std::cout << json{{"backtest", out}}.dump(2) << "\n";
        return Status::Ok();
      }
      const RecordsUniverse& u = ctx->state.universe;
      ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, kind, a->name));
      const Entity ent = u.Describe(e);
      if (!ctx->state.last_day) return Status::NotFound("the store has no streams to forecast from");
      Day as_of = *ctx->state.last_day;
      if (!a->as_of.empty()) {
        ENCORE_ASSIGN_OR_RETURN(as_of, ParseDateFlag("--as-of", a->as_of));
        if (as_of > *ctx->state.last_day) {
          return Status::InvalidArgument("--as-of " + a->as_of + " is after the last counted day, " +
                                         FormatDate(*ctx->state.last_day));
        }
      }
      // From the last counted day on or before it (a week's figure, chart streams, is known on
      // the week's last day only: a day within a week would read the week as nothing).
      const std::vector<Day> days = ctx->store->Days();
      {
        auto it = std::upper_bound(days.begin(), days.end(), as_of);
        if (it == days.begin()) {
          return Status::NotFound("no streams counted on or before " + FormatDate(as_of) +
                                  ": the counts start " + FormatDate(days.front()));
        }
        if (*std::prev(it) != as_of && ctx->span > 1 && a->c.format == "table") {
          std::printf("(from %s, the last week end on or before %s)\n",
                      FormatDate(*std::prev(it)).c_str(), FormatDate(as_of).c_str());
        }
        as_of = *std::prev(it);
      }
      ENCORE_ASSIGN_OR_RETURN(EntityForecast ef,
                              ForecastEntity(*ctx->store, ctx->state, e, as_of, ctx->settings.service,
                                             {}, step, a->next));
      if (!ef.forecast) return Status::NotFound("no forecast for " + ent.name + ": " + ef.why_not);
      const Forecast& f = *ef.forecast;
      const ForecastModel* model = &f.model;
      const int64_t total = ef.total;
      auto date = [](const std::optional<Day>& d) { return d ? FormatDate(*d) : std::string(); };
      if (a->c.format == "json") {
        std::cout << views::ForecastJson(u, e, as_of, total, f).dump(2) << "\n";
        return Status::Ok();
      }
      std::printf("%s: %s streams to %s; pace %s a day, %+.1f %% a week (fitted over %d days)%s\n",
                  ent.name.c_str(), Thousands(total).c_str(), FormatDate(as_of).c_str(),
                  Thousands(std::llround(model->level)).c_str(), (model->weekly_change - 1) * 100,
                  model->days_used, ctx->Caveat().c_str());
      std::printf("  %15s  %-10s  %s\n", "threshold", "expected", "90 % interval");
      for (const auto& x : f.next) {
        const std::string when = x.expected ? date(x.expected) : "not on pace within 10 years";
        std::string interval = date(x.earliest) + ".." + (x.latest ? date(x.latest) : "(not on pace)");
        if (!x.earliest) interval = "-";
        std::printf("  %15s  %-10s  %s\n", Thousands(x.threshold).c_str(), when.c_str(), interval.c_str());
      }
      return Status::Ok();
    };
  });
}

void AddChartFeats(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "charts", "Chart feats over a chart's kept editions: weeks at No. 1, weeks on, debuts");
  struct Args {
    Common c;
    std::string chart, by = "weeks-at-1", milestones, artist;
    size_t top = 10;
    int first = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("CHART", a->chart, "A chart in the history (encore chart list)")->required();
  cmd->add_option("--by", a->by,
                  "weeks-at-1, consecutive-at-1, weeks, debut, peak, climb, climb-to-1 (songs); "
                  "simultaneous, number-ones (artists)")
      ->check(CLI::IsMember({"weeks-at-1", "consecutive-at-1", "weeks", "debut", "peak", "climb",
                             "climb-to-1", "simultaneous", "number-ones"}))
      ->capture_default_str();
  cmd->add_option("--artist", a->artist, "Only this artist's songs (or artist record)");
  auto* credit_opt = cmd->add_option("--credit", a->c.credit,
                                     "Credits that count for an artist: any, primary (lead), featured")
                         ->check(CLI::IsMember({"any", "primary", "featured"}))
                         ->capture_default_str();
  auto* first_opt =
      cmd->add_option("--first", a->first,
                      "Instead: the first acts matching --where to reach this position (1: to top "
                      "the chart), in order: the record and its history")
          ->check(CLI::Range(1, 100000));
  cmd->add_option("--where", a->c.where, "With --first: a filter over artists (doc/records.md)");
  auto* top_opt = cmd->add_option("--top", a->top, "Places shown (with --milestones: all unless given)")
                      ->capture_default_str()
                      ->check(CLI::Range(1, 1000000000));
  auto* milestones_opt = cmd->add_option(
      "--milestones", a->milestones,
      "Instead: when songs' running chart points (or units) reached each multiple of this (1e6)");
  cmd->add_option("--store", a->c.store, "Store directory");
  AddViewFormat(cmd, &a->c.format);
  auto* by_opt = cmd->get_option("--by");
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (first_opt->count() && (by_opt->count() || milestones_opt->count()))
        return Status::InvalidArgument("--first answers on its own: not with --by or --milestones");
      if (milestones_opt->count() && by_opt->count())
        return Status::InvalidArgument("--milestones answers on its own: not with --by");
      if ((first_opt->count() || milestones_opt->count()) && (!a->artist.empty() || credit_opt->count()))
        return Status::InvalidArgument(
            "--artist and --credit filter a record board (--by): --first takes --where; --milestones, no filter");
      if (!first_opt->count() && !a->c.where.empty())
        return Status::InvalidArgument("--where filters --first's acts: a record board (--by) takes --artist");
      ENCORE_ASSIGN_OR_RETURN(auto history, OpenChartHistory(DefaultStoreDir(a->c.store), false));
      const std::string dir = DefaultStoreDir(a->c.store);
      ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, LoadStoredCatalog(dir));
      if (milestones_opt->count()) {
        ENCORE_ASSIGN_OR_RETURN(int64_t step, CountArg("--milestones", a->milestones));
        ENCORE_ASSIGN_OR_RETURN(auto ms, ChartMetricMilestones(*history, a->chart, step,
                                                               catalog.artists().empty() ? nullptr : &catalog));
        // 50 unless --top says otherwise, as the API's limit.
        const size_t limit = top_opt->count() ? a->top : 50;
        const json view = views::ChartMilestonesJson(a->chart, step, ms, 0, limit);
        if (a->c.format == "json") {
          std::cout << view.dump(2) << "\n";
          return Status::Ok();
        }
        std::printf("%s\n", view["title"].get<std::string>().c_str());
        if (ms.empty()) std::printf("   (none: no song's running total reached %s)\n", Thousands(step).c_str());
        for (const json& m : view["milestones"]) {
          std::printf("   %s%-10s %-52.52s %14s  week %d\n", m["carried_in"].get<bool>() ? "<=" : "  ",
                      m["date"].get<std::string>().c_str(),
                      Printable(m["artist"].get<std::string>() + " - " + m["title"].get<std::string>()).c_str(),
                      Thousands(m["threshold"].get<int64_t>()).c_str(), m["weeks"].get<int>());
        }
        if (ms.size() > limit)
          std::printf("(%zu of %zu: --top %zu shows them all)\n", limit, ms.size(), ms.size());
        if (std::any_of(ms.begin(), ms.end(), [](const MetricMilestone& x) { return x.carried_in; }))
          std::printf("<= on the chart before the data starts: reached on or before that date\n");
        return Status::Ok();
      }
      if (a->first > 0) {
        ENCORE_ASSIGN_OR_RETURN(const Filter filter, Filter::Parse(a->c.where));
        ENCORE_RETURN_IF_ERROR(filter.RefusePeriod("the chart's firsts", "they count no period"));
        const std::vector<std::string> no_store_tracks;  // the universe keeps a reference
        const RecordsUniverse u =
            RecordsUniverse::Build(no_store_tracks, &catalog, RecordsSettings{});
        ENCORE_ASSIGN_OR_RETURN(auto firsts, ChartFirsts(*history, a->chart, a->first, filter, u));
        const json view = views::ChartFirstsJson(a->chart, a->first, a->c.where, firsts, 0, a->top);
        if (a->c.format == "json") {
          std::cout << view.dump(2) << "\n";
          return Status::Ok();
        }
        std::printf("%s\n", view["title"].get<std::string>().c_str());
        if (firsts.empty()) std::printf("   (none)\n");
        for (const json& f : view["firsts"])
          std::printf("   %3zu  %-10s  %-24.24s No. %-3d %s - %s\n", f["place"].get<size_t>(),
                      f["date"].get<std::string>().c_str(), Printable(f["artist"].get<std::string>()).c_str(),
                      f["position"].get<int>(), Printable(f["credit"].get<std::string>()).c_str(),
                      Printable(f["title"].get<std::string>()).c_str());
        if (firsts.size() > a->top)
          std::printf("(%zu of %zu: --top %zu shows them all)\n", a->top, firsts.size(), firsts.size());
        return Status::Ok();
      }
      ChartRecordOptions o;
      o.catalog = &catalog;
      o.artist = a->artist;
      o.credit = a->c.credit == "primary"    ? CreditRole::kPrimary
                 : a->c.credit == "featured" ? CreditRole::kFeatured
                                             : CreditRole::kAny;
      const ChartRecordKind kind = *ParseChartRecordKind(a->by);
      ENCORE_ASSIGN_OR_RETURN(auto places, ChartRecords(*history, a->chart, kind, o));
      const bool artists = IsArtistRecord(kind);
      if (a->c.format == "json") {
        std::cout << views::ChartRecordsJson(a->chart, a->by, a->artist, artists, places, 0, a->top)
                         .dump(2)
                  << "\n";
        return Status::Ok();
      }
      std::printf("%s: %zu %s, by %s%s\n   %4s  %-58s %8s  %-10s  %s\n", a->chart.c_str(),
                  places.size(), artists ? "artists" : "songs", a->by.c_str(),
                  a->artist.empty() ? "" : (" (" + a->artist + ")").c_str(), "rank",
                  artists ? "artist" : "song", "value", "when", "evidence");
      for (size_t i = 0; i < places.size() && i < a->top; ++i) {
        const ChartRecordPlace& p = places[i];
        const bool tied = (i > 0 && places[i - 1].rank == p.rank) ||
                          (i + 1 < places.size() && places[i + 1].rank == p.rank);
        const std::string who = artists ? p.artist : p.artist + " - " + p.title;
        std::printf("   %3d%s  %-58.58s %8s  %-10s  %s\n", p.rank, tied ? "=" : " ",
                    Printable(who).c_str(),
                    ((p.at_least ? ">=" : "") + std::to_string(p.value)).c_str(),
                    FormatDate(p.date).c_str(), Printable(p.evidence).c_str());
      }
      if (places.size() > a->top) {
        std::printf("(%zu of %zu: --top %zu shows them all)\n", a->top, places.size(), places.size());
      }
      return Status::Ok();
    };
  });
}

void AddStoreFeat(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "store", "Store No. 1s after a launch: countries at No. 1 within T hours, time to K");
  struct Args {
    Common c;
    std::string track, chart = "itunes-style", launch;
    double within = 24;
    size_t countries = 100, top = 10;
    int hours = 24;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("TRACK", a->track,
                  "The track (id, title or \"Artist - Title\"); none: every catalog track's "
                  "launch, ranked");
  cmd->add_option("--chart", a->chart, "An hourly store methodology")->capture_default_str();
  cmd->add_option("--within", a->within, "Count countries at No. 1 within this many hours")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 240.0));
  cmd->add_option("--countries", a->countries, "Time to this many countries")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  auto* hours_opt = cmd->add_option("--hours", a->hours, "Hours of charts checked (at least --within)")
      ->capture_default_str()
      ->check(CLI::Range(1, 240));
  cmd->add_option("--launch", a->launch,
                  "Launch time, the start of an hour (default: the hour of the first sale)");
  auto* top_opt = cmd->add_option("--top", a->top, "Without TRACK: places on the board")
                      ->capture_default_str()
                      ->check(CLI::Range(1, 1000000000));
  AddCommon(cmd, &a->c);
  cmd->callback([=] {
    *action = [=]() -> Status {
      const ChartMethod* m = FindMethodology(a->chart);
      if (!m) return Status::NotFound("no methodology '" + a->chart + "'");
      std::optional<int64_t> launch;
      if (!a->launch.empty()) {
        launch = ParseTimestamp(a->launch);
        if (!launch) return Status::InvalidArgument("--launch must be an ISO-8601 timestamp");
        if (*launch % 3600 != 0) {
          return Status::InvalidArgument("--launch must be the start of an hour (the hourly "
                                         "charts' hours): " + FormatTimestamp(*launch - *launch % 3600) +
                                         ", not " + a->launch);
        }
      }
      // The charts checked cover the window counted (issue 18: --hours 1 with --within 2.5
      // printed the countries of 3 hours as "within 1 hours").
      const int hours =
          hours_opt->count() ? a->hours : std::max(a->hours, static_cast<int>(std::ceil(a->within)));
      if (hours < a->within) {
        return Status::InvalidArgument("--hours " + std::to_string(hours) +
                                       " checks fewer hours than --within counts: give at least " +
                                       std::to_string(static_cast<int>(std::ceil(a->within))));
      }
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(a->c, true));
      if (!ctx->sales) return Status::NotFound("the store has no sales (encore ingest sales.csv)");
      const RecordsUniverse& u = ctx->state.universe;
      const auto within_s = static_cast<int64_t>(a->within * 3600);
      if (a->track.empty()) {
        // The launch board: every catalog track with store sales around its release.
        auto hours_of = [](int64_t seconds) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%g", static_cast<double>(seconds) / 3600.0);
          return std::string(buf);
        };
        if (!a->launch.empty())
          return Status::InvalidArgument("--launch goes with a TRACK: the board finds each track's own");
        ENCORE_ASSIGN_OR_RETURN(auto launches, StoreLaunches(*ctx->sales, ctx->catalog, *m, hours,
                                                             within_s, a->countries));
        const json view = views::StoreLaunchesJson(u, ctx->catalog, m->name, a->within, a->countries,
                                                   hours, launches, 0, a->top);
        if (a->c.format == "json") {
          std::cout << view.dump(2) << "\n";
          return Status::Ok();
        }
        std::printf("%s\n", view["title"].get<std::string>().c_str());
        if (launches.empty())
          std::printf("   (none: no catalog track with sales around its release topped a country)\n");
        for (const json& l : view["launches"]) {
          const std::string name = l["name"].is_string() ? l["name"].get<std::string>() : l["track"].get<std::string>();
          std::printf("   %3zu  %-44.44s %s  %4zu countries  %s\n", l["rank"].get<size_t>(),
                      Printable(name).c_str(), l["launch"].get<std::string>().c_str(),
                      l["countries_within"].get<size_t>(),
                      l["seconds_to_countries"].is_null()
                          ? ""
                          : ("to " + std::to_string(a->countries) + ": " +
                             hours_of(l["seconds_to_countries"].get<int64_t>()) + " h").c_str());
        }
        if (launches.size() > a->top)
          std::printf("(%zu of %zu: --top %zu shows them all)\n", a->top, launches.size(), launches.size());
        return Status::Ok();
      }
      if (top_opt->count())
        return Status::InvalidArgument("--top sizes the board of every launch: not with a TRACK");
      ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, EntityKind::kTrack, a->track));
      const Entity ent = u.Describe(e);
      ENCORE_ASSIGN_OR_RETURN(
          StoreFeat feat, StoreNumberOnes(*ctx->sales, &ctx->catalog, *m, ent.id, launch, hours));
      const size_t within = feat.CountWithin(within_s);
      const auto time_to = feat.TimeTo(a->countries);
      if (a->c.format == "json") {
        std::cout << views::StoreFeatJson(ent, m->name, feat, a->within, a->countries, hours).dump(2)
                  << "\n";
        return Status::Ok();
      }
      std::printf("%s on %s, launched %s (the hour of its first sale)\n", ent.name.c_str(),
                  m->name.c_str(), FormatTimestamp(feat.launch).c_str());
      std::printf("   No. 1 in %zu countries within %g hours; in %zu countries within %d hours\n",
                  within, a->within, feat.tops.size(), hours);
      if (time_to) {
        std::printf("   %zu countries reached in %.2g hours (the chart of the hour ending %s)\n",
                    a->countries, static_cast<double>(*time_to) / 3600.0,
                    FormatTimestamp(feat.launch + *time_to).c_str());
      } else {
        std::printf("   fewer than %zu countries within %d hours\n", a->countries, hours);
      }
      std::map<int64_t, std::vector<std::string>> by_hour;
      for (const auto& t : feat.tops) by_hour[t.after].push_back(t.country);
      for (const auto& [after, list] : by_hour) {
        std::string cs;
        for (const auto& c : list) cs += (cs.empty() ? "" : " ") + c;
        std::printf("   after %2lld h: %3zu new (%s)\n", static_cast<long long>(after / 3600),
                    list.size(), cs.c_str());
      }
      return Status::Ok();
    };
  });
}

// "H:MM" of a duration in seconds ("0:42", "26:05").
std::string Elapsed(int64_t s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>((s % 3600) / 60));
  return buf;
}

void AddStoreTops(CLI::App* parent, Action* action) {
  auto* cmd = parent->add_subcommand(
      "store-tops",
      "No. 1 in N countries within T hours from the stores' feed snapshots (as kworb counts it)");
  struct Args {
    std::string song, store, store_name = "itunes", kind = "songs", within = "2.5h", from,
                             format = "table";
    std::vector<std::string> ids;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("SONG", a->song, "\"Artist - Title\" (or a title the catalog knows)")->required();
  cmd->add_option("--store-name", a->store_name, "itunes or apple-music")
      ->check(CLI::IsMember({"itunes", "apple-music"}))
      ->capture_default_str();
  cmd->add_option("--kind", a->kind, "songs or albums")
      ->check(CLI::IsMember({"songs", "albums"}))
      ->capture_default_str();
  cmd->add_option("--within", a->within, "The window: 2.5h, 90m, 2h30m")->capture_default_str();
  cmd->add_option("--from", a->from,
                  "Start of the window, ISO-8601 (default: the first snapshot listing the song)");
  cmd->add_option("--id", a->ids, "The store's id of the song (matched besides its name)");
  cmd->add_option("--store", a->store, "Store directory");
  AddViewFormat(cmd, &a->format);
  cmd->callback([=] {
    *action = [=]() -> Status {
      StoreTopsOptions o;
      o.store = a->store_name;
      o.kind = a->kind;
      for (const std::string& id : a->ids)
        if (!Trim(id).empty()) o.ids.emplace_back(Trim(id));
      const auto within = ParseHours(a->within);
      if (!within) return Status::InvalidArgument("--within must be a time: 2.5h, 90m, 2h30m");
      o.within = *within;
      if (!a->from.empty()) {
        o.from = ParseTimestamp(a->from);
        if (!o.from) return Status::InvalidArgument("--from must be an ISO-8601 timestamp");
      }
      const std::string dir = DefaultStoreDir(a->store);
      ENCORE_ASSIGN_OR_RETURN(auto feeds, OpenStoreFeeds(dir, false));
      ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, LoadStoredCatalog(dir));
      ENCORE_ASSIGN_OR_RETURN(StoreTopsResult r, StoreTops(*feeds, &catalog, a->song, o));
      const size_t n = r.CountWithin(r.within);
      auto tied = [&](size_t i) {
        return (i > 0 && r.tops[i - 1].after == r.tops[i].after) ||
               (i + 1 < r.tops.size() && r.tops[i + 1].after == r.tops[i].after);
      };
      if (a->format == "json") {
        std::cout << views::StoreTopsJson(r, o).dump(2) << "\n";
        return Status::Ok();
      }
      std::printf("%s on %s %s: No. 1 in %zu %s within %s of %s\n", r.query.c_str(),
                  o.store.c_str(), o.kind.c_str(), n, n == 1 ? "country" : "countries",
                  a->within.c_str(), FormatTimestamp(r.start).c_str());
      std::printf("   start: %s\n", r.start_from.c_str());
      std::printf("   %zu snapshots of %zu countries within the window", r.snapshots_seen,
                  r.countries_seen);
      if (!r.not_seen.empty()) {
        std::string list;
        for (const auto& c : r.not_seen) list += (list.empty() ? "" : " ") + c;
        std::printf("; no snapshot within it: %s", list.c_str());
      }
      std::printf("\n   as the feeds print it:");
      for (const auto& name : r.names) std::printf(" \"%s\"", Printable(name).c_str());
      if (!r.ids.empty()) {
        std::printf("; store ids:");
        for (const auto& id : r.ids) std::printf(" %s", id.c_str());
      }
      std::printf("\n   %-7s %-21s %7s   %-36s %s\n", "country", "first No. 1 snapshot", "after",
                  "the snapshot before (not No. 1)", "time from, file");
      bool beyond = false;
      for (size_t i = 0; i < r.tops.size(); ++i) {
        const CountryTop& t = r.tops[i];
        if (t.after > r.within && !beyond) {
          beyond = true;
          std::printf("   -- after %s --\n", a->within.c_str());
        }
        std::string before = "-";
        if (t.before) {
          before = FormatTimestamp(t.before) + " " +
                   (t.before_position ? "No. " + std::to_string(t.before_position) : "not listed");
        }
        std::printf("   %-6s%s %-21s %7s   %-36s %s, %s\n", t.country.c_str(), tied(i) ? "=" : " ",
                    FormatTimestamp(t.taken).c_str(), Elapsed(t.after).c_str(), before.c_str(),
                    t.taken_from.c_str(), Printable(t.path).c_str());
      }
      if (r.tops.empty()) std::printf("   (never No. 1 in a snapshot from the start)\n");
      return Status::Ok();
    };
  });
}

// `encore listeners`: one entity's listeners over a window ending on each day, or a board of
// every entity of a kind (kworb's "monthly listeners"); doc/records.md, "Listeners".
void AddListenersCommand(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "listeners",
      "Unique listeners (users with a counted stream, or with any play in a store made with "
      "ingest --listeners plays) over a window: NAME's series, or a board "
      "of every artist (--kind) by monthly listeners (28 days)");
  struct Args {
    Common c;
    std::string name, kind = "artist", window = "28d", date, from, to, country, where, milestones,
        reached;
    size_t top = 50;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("NAME", a->name, "Id, name, title or \"Artist - Title\" (none: the board)");
  cmd->add_option("--kind", a->kind, "track, song, release or artist")->capture_default_str();
  cmd->add_option("--window", a->window,
                  "day, 7d, 28d (monthly listeners, as Spotify counts them), month (calendar) "
                  "or year (calendar)")
      ->capture_default_str();
  cmd->add_option("--date", a->date, "The board's day (default: the last day with listeners)");
  cmd->add_option("--from", a->from, "NAME's series from this day (default: 90 days before --to)");
  cmd->add_option("--to", a->to, "NAME's series to this day (default: the last day with listeners)");
  cmd->add_option("--country", a->country, "Only streams in this country (ISO code; default: worldwide)");
  cmd->add_option("--where", a->where, "The board's entities by attribute: \"solo and tag = k-pop\"");
  auto* top_opt = cmd->add_option("--top", a->top, "Places on the board")->capture_default_str()->check(
      CLI::Range(size_t{1}, size_t{100'000'000}));
  cmd->add_option("--milestones", a->milestones,
                  "With NAME: the first day its listeners reached each multiple of this (1e6, 10M)");
  cmd->add_option("--reached", a->reached,
                  "Without NAME: who first had this many listeners (50M), earliest first, to --date");
  AddCommon(cmd, &a->c, true);
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(EntityKind kind, KindFlag(a->kind));
      auto window = ParseListenerWindow(a->window);
      if (!window) {
        return Status::InvalidArgument(
            "--window is day, 7d, 28d, month or year, not '" + Printable(a->window) + "'" +
            DidYouMean(a->window, {"day", "7d", "28d", "month", "year"}));
      }
      if (!a->name.empty() && (!a->date.empty() || !a->where.empty())) {
        return Status::InvalidArgument(
            "--date and --where are for the board: NAME's series takes --from and --to");
      }
      if (a->name.empty() && (!a->from.empty() || !a->to.empty())) {
        return Status::InvalidArgument("--from and --to are for NAME's series: the board takes --date");
      }
      ENCORE_ASSIGN_OR_RETURN(Filter where, Filter::Parse(a->where));
      ENCORE_RETURN_IF_ERROR(where.RefusePeriod("a listener board", "--date and --window"));
      if (a->c.chart_streams) {
        return Status::InvalidArgument(
            "--chart-streams: listeners come from the users of raw plays and listening histories; "
            "chart streams carry none");
      }
      Common common = a->c;
      const std::string service = common.service;
      common.service.clear();  // a listener filter here, not the records' streams
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(common));
      const CountStore& store = *ctx->store;
      ENCORE_ASSIGN_OR_RETURN(const ListenerFilter filter, MakeListenerFilter(store, a->country, service));
      ENCORE_ASSIGN_OR_RETURN(std::optional<Day> last, LastListenerDay(store));
      if (!last) {
        return Status::NotFound(
            "the store holds no listeners: they come from raw plays and listening histories "
            "(daily totals and chart streams carry no users; plays ingested before the store kept listener "
            "sets have none)");
      }
      const RecordsUniverse& u = ctx->state.universe;
      const std::string where_text =
          std::string(filter.country ? "in " + CountryName(*filter.country) : "worldwide") +
          (filter.service ? ", " + service : std::string());
      const std::string what = *window == ListenerWindow::k28Days ? "monthly listeners (28 days)"
                               : *window == ListenerWindow::kDay  ? "daily listeners"
                               : *window == ListenerWindow::k7Days ? "weekly listeners (7 days)"
                               : *window == ListenerWindow::kMonth ? "listeners in the calendar month"
                                                                  : "listeners in the calendar year";
      auto change = [](uint64_t now, uint64_t before) {
        const int64_t d = static_cast<int64_t>(now) - static_cast<int64_t>(before);
        return (d > 0 ? "+" : d < 0 ? "-" : "") + Thousands(d < 0 ? -d : d);
      };
      if (!a->name.empty() && !a->reached.empty()) {
        return Status::InvalidArgument("--reached is for the board (no NAME); NAME takes --milestones");
      }
      if (a->name.empty() && !a->milestones.empty()) {
        return Status::InvalidArgument("--milestones is for NAME's series; the board takes --reached");
      }
      const std::string country_name = filter.country ? CountryName(*filter.country) : "";
      const std::string service_name = filter.service ? service : "";
      // JSON as the API's; CSV the table of that JSON.
      auto print_view = [&](const json& view) -> Status {
        if (a->c.format == "json") {
          std::cout << view.dump(2) << "\n";
        } else {
          ENCORE_ASSIGN_OR_RETURN(const std::string csv, views::TableCsv(view));
          std::cout << csv;
        }
        return Status::Ok();
      };
      if (!a->milestones.empty()) {
        // Every day from the first with listeners: the first on which each multiple was reached.
        ENCORE_ASSIGN_OR_RETURN(const int64_t step, CountArg("--milestones", a->milestones));
        ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, kind, a->name));
        Day to = *last;
        if (!a->to.empty()) {
          ENCORE_ASSIGN_OR_RETURN(to, ParseDateFlag("--to", a->to));
        }
        if (!a->from.empty()) return Status::InvalidArgument("--milestones counts from the first day with listeners: no --from");
        if (top_opt->count()) return Status::InvalidArgument("--top sizes a board: NAME's milestones are all given");
        ENCORE_ASSIGN_OR_RETURN(const json view, views::ListenerMilestonesJson(store, u, e, *window, filter,
                                                                               country_name, service_name, step, to));
        if (a->c.format != "table") return print_view(view);
        std::printf("%s: %s, %s: the first day at each multiple of %s (peak %s)\n",
                    Printable(view["name"].get<std::string>()).c_str(), what.c_str(), where_text.c_str(),
                    Thousands(step).c_str(), Thousands(view["peak"].get<int64_t>()).c_str());
        for (const json& m : view["milestones"]) {
          std::printf("  %14s  %s\n", Thousands(m["threshold"].get<int64_t>()).c_str(),
                      m["date"].get<std::string>().c_str());
        }
        if (view["milestones"].empty()) std::printf("  (none reached yet)\n");
        return Status::Ok();
      }
      if (!a->reached.empty()) {
        // Who first had N listeners in the window: each entity's first day, earliest first.
        ENCORE_ASSIGN_OR_RETURN(const int64_t n, CountArg("--reached", a->reached));
        Day day = *last;
        if (!a->date.empty()) {
          ENCORE_ASSIGN_OR_RETURN(day, ParseDateFlag("--date", a->date));
        }
        ENCORE_ASSIGN_OR_RETURN(const json view,
                                views::ListenerFirstsJson(store, u, kind, *window, filter, country_name,
                                                          service_name, where, n, day, 0, a->top));
        if (a->c.format != "table") return print_view(view);
        std::printf("%s%s (to %s)\n", view["title"].get<std::string>().c_str(),
                    filter.country ? (filter.service ? (", " + service).c_str() : "")
                                   : (", " + where_text).c_str(),
                    FormatDate(day).c_str());
        for (const json& x : view["standings"]) {
          std::printf("%5zu  %s  %s\n", x["rank"].get<size_t>(), x["date"].get<std::string>().c_str(),
                      Printable(x["name"].get<std::string>()).c_str());
        }
        const size_t total = view["total"].get<size_t>();
        if (total == 0) std::printf("  (nobody yet)\n");
        if (total > a->top) std::printf("(%zu more: --top %zu shows them all)\n", total - a->top, total);
        return Status::Ok();
      }
      if (!a->name.empty()) {
        ENCORE_ASSIGN_OR_RETURN(uint32_t e, FindEntity(u, kind, a->name));
        const Entity ent = u.Describe(e);
        Day to = *last, from = 0;
        if (!a->to.empty()) {
          ENCORE_ASSIGN_OR_RETURN(to, ParseDateFlag("--to", a->to));
        }
        ENCORE_ASSIGN_OR_RETURN(std::optional<Day> first, FirstListenerDay(store));
        // The 90 days to --to, not before the first day with listeners (unless --to is).
        from = first && *first <= to ? std::max(to - 89, *first) : to - 89;
        if (!a->from.empty()) {
          ENCORE_ASSIGN_OR_RETURN(from, ParseDateFlag("--from", a->from));
          if (a->to.empty()) to = std::max(to, from);
        }
        if (from > to) {
          return Status::InvalidArgument("--from " + FormatDate(from) + " is after --to " +
                                         FormatDate(to));
        }
        if (to - from > 3660) return Status::InvalidArgument("a series spans at most 3,660 days");
        ENCORE_ASSIGN_OR_RETURN(auto points,
                                EntityListeners(store, u, e, from, to, *window, filter));
        if (a->c.format == "json") {
          std::cout << views::ListenerSeriesJson(u, e, *window,
                                                 filter.country ? CountryName(*filter.country) : "",
                                                 filter.service ? service : "", points)
                           .dump(2)
                    << "\n";
          return Status::Ok();
        }
        if (a->c.format == "csv") {
          std::printf("date,from,listeners,days_without_sets\n");
          for (const auto& p : points) {
            std::printf("%s,%s,%llu,%u\n", FormatDate(p.day).c_str(), FormatDate(p.from).c_str(),
                        static_cast<unsigned long long>(p.listeners), p.days_without_sets);
          }
          return Status::Ok();
        }
        std::printf("%s: %s, %s\n", Printable(ent.name).c_str(), what.c_str(), where_text.c_str());
        std::printf("%-10s  %-10s  %14s  %12s\n", "date", "from", "listeners", "change");
        uint64_t prev = 0;
        bool any = false, partial = false;
        for (const auto& p : points) {
          std::printf("%-10s  %-10s  %14s  %12s%s\n", FormatDate(p.day).c_str(),
                      FormatDate(p.from).c_str(), Thousands(static_cast<int64_t>(p.listeners)).c_str(),
                      any ? change(p.listeners, prev).c_str() : "",
                      p.days_without_sets ? "  *" : "");
          partial |= p.days_without_sets > 0;
          prev = p.listeners;
          any = true;
        }
        if (partial) {
          std::printf("* the window holds days with streams of no known users (daily totals, chart "
                      "streams, or counted before the store kept listener sets): at least this "
                      "many\n");
        }
        return Status::Ok();
      }
      Day day = *last;
      if (!a->date.empty()) {
          ENCORE_ASSIGN_OR_RETURN(day, ParseDateFlag("--date", a->date));
        }
      ENCORE_ASSIGN_OR_RETURN(ListenerBoardResult board,
                              ListenerBoard(store, u, kind, day, *window, filter, true));
      std::vector<const ListenerStanding*> shown;
      for (const auto& s : board.standings) {
        if (where.Matches(u, s.entity)) shown.push_back(&s);
      }
      const size_t total = shown.size();
      if (shown.size() > a->top) shown.resize(a->top);
      if (a->c.format != "table") {
        // The API's board (views::ListenerBoardJson), as JSON or its table as CSV.
        return print_view(views::ListenerBoardJson(u, board, kind, *window, country_name, service_name,
                                                   where, *last, 0, a->top));
      }
      const std::string span = board.day == board.from
                                   ? "on " + FormatDate(board.day)
                                   : FormatDate(board.from) + " to " + FormatDate(board.day);
      std::printf("%s of %ss, %s, %s%s\n", what.c_str(), std::string(EntityKindName(kind)).c_str(),
                  span.c_str(), where_text.c_str(),
                  a->where.empty() ? "" : (", where " + a->where).c_str());
      std::printf("%5s  %14s  %12s  %14s  %-10s  %s\n", "rank", "listeners", "change", "peak",
                  "peak date", "name");
      size_t rank = 0;
      for (const auto* s : shown) {
        std::printf("%5zu  %14s  %12s  %14s  %-10s  %s\n", ++rank,
                    Thousands(static_cast<int64_t>(s->listeners)).c_str(),
                    change(s->listeners, s->before).c_str(),
                    Thousands(static_cast<int64_t>(s->peak)).c_str(), FormatDate(s->peak_day).c_str(),
                    Printable(u.Describe(s->entity).name).c_str());
      }
      if (total > shown.size()) {
        std::printf("(%zu more with listeners: --top %zu shows them all)\n", total - shown.size(), total);
      }
      if (total == 0) {
        std::printf("(no %s has listeners in this window%s; listeners are counted %s to %s)\n",
                    std::string(EntityKindName(kind)).c_str(),
                    u.catalog() ? "" : " (no catalog: only tracks are known)",
                    FormatDate(*FirstListenerDay(store).value()).c_str(), FormatDate(*last).c_str());
      }
      if (board.days_without_sets) {
        std::printf("(%u days of the window hold streams of no known users (daily totals, chart "
                    "streams, or counted before the store kept listener sets): these are at least "
                    "the listeners)\n", board.days_without_sets);
      }
      return Status::Ok();
    };
  });
}

}  // namespace

void AddRecords(CLI::App& app, Action* action) {
  auto* cmd =
      app.add_subcommand("records", "Milestones, leaderboards and records (doc/records.md)");
  cmd->require_subcommand(1);
  AddMilestones(cmd, action);
  AddForecast(cmd, action);
  AddFastest(cmd, action);
  AddMost(cmd, action);
  AddRace(cmd, action);
  AddFirst(cmd, action);
  AddChartFeats(cmd, action);
  AddStoreFeat(cmd, action);
  AddStoreTops(cmd, action);
}

void AddListeners(CLI::App& app, Action* action) { AddListenersCommand(app, action); }

Status PrintNews(const std::vector<NewsItem>& items, const std::string& format, size_t limit) {
  const size_t from = items.size() > limit ? items.size() - limit : 0;
  if (format == "json") {  // the API's feed: newest first, with the paging fields
    std::cout << views::NewsListJson(items, 0, limit).dump(2) << "\n";
    return Status::Ok();
  }
  for (size_t i = from; i < items.size(); ++i) {
    std::printf("   %s  %-9s %s\n", FormatDate(items[i].day).c_str(), items[i].kind.c_str(),
                items[i].text.c_str());
  }
  // Nothing left out in silence (issue 18).
  if (from > 0) {
    std::printf("(the latest %zu of %zu items: --limit %zu shows them all)\n", items.size() - from,
                items.size(), items.size());
  }
  return Status::Ok();
}

void AddNews(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "news", "Milestones and records found by each ingest, in plain English with evidence");
  struct Args {
    Common c;
    std::string since, kind;
    size_t limit = 50;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--since", a->since, "Only what happened on or after this date");
  cmd->add_option("--kind", a->kind, "Only milestone, record, year, first, withdrawn, release or listeners")
      ->check(CLI::IsMember({"milestone", "record", "year", "first", "withdrawn", "release", "listeners"}));
  cmd->add_option("--limit", a->limit, "The latest this many items, by date")->capture_default_str();
  cmd->add_option("--store", a->c.store, "Store directory");
  AddViewFormat(cmd, &a->c.format);
  cmd->callback([=] {
    *action = [=]() -> Status {
      std::optional<Day> since;
      if (!a->since.empty()) {
        ENCORE_ASSIGN_OR_RETURN(since, ParseDateFlag("--since", a->since));
      }
      // Brings the records up to date first, so that the news is current.
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(a->c));
      ENCORE_ASSIGN_OR_RETURN(auto items, ReadNews(ctx->dir, since));
      if (!a->kind.empty()) {
        std::erase_if(items, [&](const NewsItem& n) { return n.kind != a->kind; });
      }
      return PrintNews(items, a->c.format, a->limit);
    };
  });
}

void AddCheck(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "check", "Check claims against the data: true or false, the actual value and evidence");
  struct Args {
    Common c;
    std::vector<std::string> claims;
    std::string file;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("CLAIM", a->claims,
                  "Claims, e.g. 'days_to(streams, 1e9, track \"Seven\") = 108'");
  cmd->add_option("--file", a->file, "A file of claims, one a line (# comments; - for stdin)");
  AddCommon(cmd, &a->c);
  cmd->callback([=] {
    *action = [=]() -> Status {
      std::vector<std::pair<std::string, std::string>> claims;  // (where, claim)
      for (size_t i = 0; i < a->claims.size(); ++i)
        claims.emplace_back("argument " + std::to_string(i + 1), a->claims[i]);
      if (!a->file.empty()) {
        std::ifstream file;
        std::istream* in = &std::cin;
        if (a->file != "-") {
          file.open(a->file);
          if (!file) return Status::NotFound("cannot open " + a->file);
          in = &file;
        }
        std::string line;
        for (int n = 1; std::getline(*in, line); ++n) {
          if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a BOM
          // A comment: from a '#' at the start or after a space, outside quotes.
          bool quoted = false;
          for (size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '"') quoted = !quoted;
            if (!quoted && line[i] == '#' &&
                (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
              line.resize(i);
              break;
            }
          }
          const std::string_view t = Trim(line);
          if (t.empty()) continue;
          claims.emplace_back(a->file + ":" + std::to_string(n), std::string(t));
        }
      }
      if (claims.empty()) return Status::InvalidArgument("no claims: give CLAIM or --file");
      ENCORE_ASSIGN_OR_RETURN(auto ctx, Open(a->c, true));
      auto history = OpenChartHistory(ctx->dir, false);
      ClaimContext cc;
      cc.store = ctx->store.get();
      cc.state = &ctx->state;
      cc.settings = ctx->settings;
      cc.sales = ctx->sales.get();
      cc.charts = history.ok() ? history->get() : nullptr;
      auto feeds = OpenStoreFeeds(ctx->dir, false);
      cc.feeds = feeds.ok() ? feeds->get() : nullptr;
      // Every claim is checked; one that cannot be (it does not parse, or names nothing the
      // data has) is reported in its row with where it is, and the others still are.
      size_t false_claims = 0, unparsed = 0, unanswered = 0, undecided = 0;
      json rows = json::array();
      for (const auto& [where, claim] : claims) {
        auto r = CheckClaim(claim, cc);
        if (!r.ok()) {
          const bool parse = r.status().code() == StatusCode::kInvalidArgument;
          // "cannot tell: the value is at least …": a lower bound that does not decide it.
          const bool bound = r.status().message().rfind("cannot tell", 0) == 0;
          ++(parse ? unparsed : bound ? undecided : unanswered);
          if (a->c.format == "json") {
            rows.push_back(views::ClaimErrorJson(std::string(Trim(claim)), where, r.status()));
          } else {
            std::printf("%-5s %s\n      %s: %s\n", "ERROR", Printable(Trim(claim)).c_str(),
                        Printable(where).c_str(), Printable(r.status().message()).c_str());
          }
          continue;
        }
        if (!r->holds) ++false_claims;
        if (a->c.format == "json") {
          rows.push_back(views::ClaimJson(*r, where));
        } else {
          std::printf("%-5s %s\n      actual: %s\n      evidence: %s\n",
                      r->holds ? "TRUE" : "FALSE", Printable(r->claim).c_str(),
                      Printable(r->actual).c_str(), Printable(r->evidence).c_str());
        }
      }
      if (a->c.format == "json") std::cout << views::ClaimsJson(rows).dump(2) << "\n";
      const std::string of = " of " + std::to_string(claims.size()) + " claims";
      if (unparsed) {
        return Status::InvalidArgument(
            std::to_string(unparsed) + of + " do not parse" +
            (false_claims ? "; " + std::to_string(false_claims) + " do not hold" : ""));
      }
      if (false_claims || unanswered || undecided) {
        std::string what;
        auto add = [&](size_t n, const char* text) {
          if (!n) return;
          what += (what.empty() ? std::to_string(n) + of : "; " + std::to_string(n)) + text;
        };
        add(false_claims, " do not hold");
        add(unanswered, " name what the data does not have");
        add(undecided, " cannot be decided: the data holds only a lower bound");
        return PartialFailure(what);
      }
      return Status::Ok();
    };
  });
}

}  // namespace encore::cli
