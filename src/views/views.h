// The views: what `encore … --format json` prints and what the HTTP API answers, written once
// (issue 18). Each takes the engine's answer (a catalog entity, a leaderboard place, a news item,
// a chart edition or run) and gives the JSON both front ends print; the CLI's tables are printed
// from these same objects. Nothing here does I/O of its own or knows of HTTP or of flags: a
// question's inputs (a date, a region, a limit) come in already parsed.
//
// Field names are the API's (doc/api/http.md); doc/cli.md says where the CLI prints them.
#pragma once

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/compile.h"
#include "encore/methodology.h"
#include "encore/query.h"
#include "encore/records.h"
#include "encore/status.h"
#include "encore/store.h"
#include "encore/store_feeds.h"

namespace encore::views {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Shared shapes

// A whole number as an integer, anything else as a double (points and units are whole but for
// weighted components).
json Number(double v);
// "YYYY-MM-DD", or null.
json DateOrNull(std::optional<Day> d);
// Puts items[offset, offset + limit) into (*out)[key] with the paging fields `total`, `offset`,
// `limit` and `next_offset` (null on the last page): how every list is cut, so that a cut list
// always says how much was left out.
void PutPage(json* out, const std::string& key, const json& items, size_t offset, size_t limit);

// The table of a view as CSV: `table` names it (a key of the view), else the first among the keys a
// table goes by (entries, standings, rows, points, series, items, results, days, countries,
// milestones), else the first array of objects, else the view itself when it is one; a series
// given as columns ({"dates": [...], "streams": [...]}) becomes rows. A row per element, a column
// per key (objects within a row flattened one level: `link.id`), rank, position, date and names
// first; text cells led by ' where a spreadsheet would take them for a formula. An empty table
// gives "". kInvalidArgument when the view holds no such table (naming the tables it has).
Result<std::string> TableCsv(const json& view, const std::string& table = "");

// ---------------------------------------------------------------------------------------------
// The store (doc/formats/)

// What a count store holds: {store (`name`), generation, rule {min_ms, cap, listeners}, days
// {count, open, first, last, sealed_before}, streams, tracks, services, bytes, listeners
// {histories, history_streams, set_days, users, entries, bytes}, sources [{id, kind, file (its
// name, never the machine's path), ingested_at, generation, lines, counted, rejected, first_day,
// last_day}]}.
json StoreStatusJson(const CountStore& store, const std::string& name);

// ---------------------------------------------------------------------------------------------
// Catalog (doc/catalog.md)

// A catalog artist (with its releases, tracks, featured-on tracks and songs) or track (with its
// release, credits, version and the song's other versions), with the streams a count store holds
// for them (store: null for none). Errors: the store's, when it cannot be read.
Result<json> ArtistJson(const Catalog& c, const Artist& a, const CountStore* store);
Result<json> TrackJson(const Catalog& c, const Track& t, const CountStore* store);
// Streams counted for a catalog track: plays name it by its id or its ISRC (shared spec §1), so
// both are summed. nullopt when there is no store or it has counted neither.
Result<std::optional<int64_t>> TrackStreams(const CountStore* store, const Track& t);
// The catalog's tracks a name gives: a track id or ISRC, "Artist - Title" (the match, else the
// song's versions), or a title (that song's tracks; of the version it names, if any).
std::vector<const Track*> FindTracks(const Catalog& c, const std::string& name);
// A query and its resolution to a catalog song and version (`encore resolve`).
json ResolutionJson(const std::string& query, const Resolution& r);

// Daily streams (`encore streams`, the `series` of a track, release or artist in the API): the
// streams of store `tracks` summed (a catalog track counted under its id and its ISRC; a release's
// or artist's tracks), by the rule of QueryStreams (`q.track` unused): {country ("worldwide" or
// the code), service ("all" or its name), from, to (null: open), span_days (7 for weekly chart
// streams, each row a week dated by its last day; else 1), before (streams before `from`), total
// (from..to), dates, streams, cumulative (the running total since the first day, `before`
// included), and `by_tier` (a track's; a release's or artist's are summed without) premium, free,
// unknown} as columns, a day a row, days without streams left out. Errors: the store's.
Result<json> StreamSeriesJson(const CountStore& store, std::vector<uint32_t> tracks,
                              const StreamsQuery& q, bool by_tier);

// The pages of a track, a release and an artist (`encore track|release|artist --format json`,
// GET /api/v1/tracks|releases|artists/{id}): the catalog's view (TrackJson, ArtistJson) with the
// streams of the records' totals, and `series` (StreamSeriesJson of `q`), `entity` (the records'
// entity: EntitySummaryJson), `milestones`, `forecast` (null: too few days), `news`, and for a
// track `song_entity` (every version) and `chart_runs` (every kept chart). A track id may be a
// catalog id, an ISRC or a store track id the catalog does not know; an artist, a name too.
// Errors: kNotFound for none; kInvalidArgument for a name of several artists; the store's.
// `history` may be null (no charts kept); `history_mu`, when set, is held while it is read (a
// history shared by threads: SQLite).
struct PageContext {
  const Catalog* catalog = nullptr;
  const CountStore* store = nullptr;
  const RecordsState* state = nullptr;  // up to date
  const RecordsSettings* settings = nullptr;
  const std::vector<NewsItem>* news = nullptr;  // ReadNews
  ChartHistory* history = nullptr;
  std::mutex* history_mu = nullptr;
};
Result<json> TrackPageJson(const PageContext& c, const std::string& id, const StreamsQuery& q);
Result<json> ReleasePageJson(const PageContext& c, const std::string& id, const StreamsQuery& q);
Result<json> ArtistPageJson(const PageContext& c, const std::string& id, const StreamsQuery& q);
// An entity as the pages and search name it: {kind, id, name, noun, released, streams (the
// records' total), first_counted, link, unranked}.
json EntitySummaryJson(const PageContext& c, uint32_t e);
// The records' total of an entity by kind and id; nullopt when it was never counted.
std::optional<int64_t> EntityTotal(const PageContext& c, EntityKind kind, const std::string& id);
// The store tracks whose streams count for entity e.
std::vector<uint32_t> StoreTracksOf(const RecordsUniverse& u, uint32_t e);

// ---------------------------------------------------------------------------------------------
// Records (doc/records.md)

// A news item.
json NewsJson(const NewsItem& n);
// A news feed (`items` oldest first, as ReadNews gives them: by date): {items (newest first),
// total, offset, limit, next_offset}.
json NewsListJson(const std::vector<NewsItem>& items, size_t offset, size_t limit);
// A leaderboard place; `value` names the ranked column ("days", "streams"; "-": none, the rank
// says it all).
json StandingJson(const RecordsUniverse& u, const Standing& s, const std::string& value);
// Where the dashboard shows an entity: {"type": "track", "id": "jk-seven"} (null for a song no
// catalog track stands for).
json LinkOf(const RecordsUniverse& u, uint32_t e);

// A leaderboard, as `encore records fastest|race|first|most` print it and /api/v1/records/…
// answers: {title, kind, n (null for most), where, standings: [StandingJson with its link],
// total, offset, limit, next_offset}. The title, one wording: "Fastest tracks to 1B streams",
// "Artists to 1B streams in 2023 (day of the year)", "First artists to 1B streams in 2024",
// "Most streamed tracks, 2024-01-01..2024-12-31", each with the filter in brackets; `unit` is
// "streams" or "chart streams".
enum class BoardKind { kFastest, kRace, kFirst, kMost };
// The fastest-to-N record's history: [{id, name, link, days, from, to (null: holds it now)}].
json ReignsJson(const RecordsUniverse& u, const std::vector<Reign>& reigns);
std::string BoardTitle(BoardKind board, EntityKind kind, int64_t n, int year, const std::string& unit,
                       const Filter& filter);
json BoardJson(const RecordsUniverse& u, const std::string& title, std::optional<int64_t> n,
               EntityKind kind, const Filter& filter, const std::vector<Standing>& standings,
               const std::string& value, size_t offset, size_t limit);

// An entity's milestones (`encore records milestones NAME`, the `milestones` of a track, release or
// artist in the API): {entity ("track:<id>"), name, total, day0 (its release date, else its first
// counted day; null for neither), milestones: [{counted ("all", or the calendar year as text),
// threshold, date, before, after, and for an all-time crossing `days` (from day0; absent without
// one), for a year's `year` and `day_of_year` (1 January is day 1); a crossing a weekly figure
// dates (`span` > 1 days) also `week_ending` (= date) and `earliest`}] in date order}. Rule:
// doc/records.md, "Milestones".
json MilestonesJson(const RecordsState& state, uint32_t e);

// An entity's forecast (`encore records forecast NAME`, the `forecast` of an entity in the API):
// {entity, name, as_of, total, streams_a_day, weekly_change (a factor, 4 decimals),
// weekday_factors (Monday first, 3 decimals), days_used, next: [{threshold, expected, earliest,
// latest (null: not on pace within 10 years)}]}. Rule: doc/records.md, "Forecasts".
json ForecastJson(const RecordsUniverse& u, uint32_t e, Day as_of, int64_t total, const Forecast& f);

// A checked claim (`encore check`, GET /api/v1/check): {claim (as the checker reads it), holds,
// actual (the value found), evidence (what it rests on)}; `where` (an argument or file:line) added
// when given. ClaimErrorJson: a claim that could not be checked, {claim, where, holds: null,
// error}. ClaimsJson: the CLI's list, {claims, total, hold, do_not_hold, errors}.
json ClaimJson(const ClaimResult& c, const std::string& where = "");
json ClaimErrorJson(const std::string& claim, const std::string& where, const Status& error);
json ClaimsJson(const json& claims);

// A chart record's board (`encore records charts CHART --by KIND`, GET /api/v1/records/charts):
// {chart, by, artist (the filter; "" for none), title, songs | artists (an artist record): [{rank,
// artist, title (songs), value, at_least (more may lie before the data), date, evidence}], total,
// offset, limit, next_offset}. Rule: doc/charts.md, "Chart records".
json ChartRecordsJson(const std::string& chart, const std::string& by, const std::string& artist,
                      bool artists, const std::vector<ChartRecordPlace>& places, size_t offset,
                      size_t limit);

// The first acts matching a filter to reach a position on a chart (`encore records charts CHART
// --first N`, GET /api/v1/records/charts?first=N): {chart, position, where, title, firsts: [{place
// (the order of arrival; acts of one edition share it), artist (the catalog artist), title,
// credit (the entry as printed), date, position}], total, offset, limit, next_offset}. Rule:
// doc/charts.md, "Chart records". kInvalidArgument (in ChartFirsts) past the chart's places.
json ChartFirstsJson(const std::string& chart, int position, const std::string& where,
                     const std::vector<ChartFirst>& firsts, size_t offset, size_t limit);

// When songs' running chart points (or album units) reached each multiple of `step` (`encore
// records charts CHART --milestones STEP`, GET /api/v1/records/charts?milestones=STEP): {chart,
// step, title, milestones: [{date, artist, title, threshold, weeks (editions since its first; the
// first: 1), total}], total (milestones), offset, limit, next_offset}, in date order.
json ChartMilestonesJson(const std::string& chart, int64_t step,
                         const std::vector<MetricMilestone>& ms, size_t offset, size_t limit);

// A launch on an hourly store chart (`encore records store TRACK`, GET /api/v1/records/store):
// {track, name, chart, launch (ISO-8601 UTC), within_hours, countries_within (countries at No. 1
// within that many hours), countries, seconds_to_countries (null: fewer within `hours`), hours,
// tops: [{country, hour (the chart's hour start), after_seconds}]}. Rule: doc/records.md, "Store
// charts".
json StoreFeatJson(const Entity& track, const std::string& chart, const StoreFeat& feat,
                   double within_hours, size_t countries, int hours);

// The launch board of an hourly store chart (`encore records store` without a track, GET
// /api/v1/records/store without track=; records::StoreLaunches): {chart, within_hours,
// countries, hours, title, launches: [{rank, track, name, link (null: no streams kept), launch,
// countries_within, seconds_to_countries (null: fewer within `hours`)}], total, offset, limit,
// next_offset}. Rule: doc/records.md, "Store charts".
json StoreLaunchesJson(const RecordsUniverse& u, const Catalog& catalog, const std::string& chart,
                       double within_hours, size_t countries, int hours,
                       const std::vector<StoreFeat>& launches, size_t offset, size_t limit);

// No. 1 in N countries within T from the stores' own feed snapshots (`encore records store-tops
// SONG`, GET /api/v1/records/store-tops; records::StoreTops): {song (as asked), store, kind,
// song_keys, ids, names (as the feeds print it), start, start_from (how the start was told),
// within_seconds, countries_within, countries_at_no1, countries_seen, snapshots_seen,
// countries_not_seen, tops: [{country, snapshot, after_seconds, within, tied (another country
// at the same time), time_from, file (its name), as_printed, id, before: {snapshot, position (null: not
// listed), no1} | null}]}. Rule: doc/records.md, "Store feed snapshots".
json StoreTopsJson(const StoreTopsResult& r, const StoreTopsOptions& o);

// An entity's listener milestones (`encore listeners NAME --milestones STEP`, GET
// /api/v1/listeners/{kind}/{id}?milestones=STEP): the first day on which its listeners in the
// window reached each multiple of `step`, every day from the first with listeners to `to`:
// {entity, name, link, window, country, service, step, to, peak, milestones: [{threshold,
// date}]}. Rule: doc/records.md, "Listeners".
Result<json> ListenerMilestonesJson(const CountStore& store, const RecordsUniverse& u, uint32_t e,
                                    ListenerWindow window, const ListenerFilter& filter,
                                    const std::string& country, const std::string& service,
                                    int64_t step, Day to);

// The first entities of a kind (matching `where`) to N listeners in the window (`encore listeners
// --reached N`, GET /api/v1/listeners?reached=N), earliest first, ties sharing a rank: {window,
// country, service, kind, reached, where, as_of, title, standings: [{rank, kind, id, name, link,
// date}], total, offset, limit, next_offset}.
Result<json> ListenerFirstsJson(const CountStore& store, const RecordsUniverse& u, EntityKind kind,
                                ListenerWindow window, const ListenerFilter& filter,
                                const std::string& country, const std::string& service,
                                const Filter& where, int64_t n, Day as_of, size_t offset,
                                size_t limit);

// A listener board (`encore listeners`, GET /api/v1/listeners): {window, country, service, title,
// kind, where, date, from, last_date (the last day with listeners), days_without_sets,
// standings: [{rank, kind, id, name, link, listeners, before, change, peak, peak_date}], total,
// offset, limit, next_offset}; `country` and `service` empty for all of them.
json ListenerBoardJson(const RecordsUniverse& u, const ListenerBoardResult& board, EntityKind kind,
                       ListenerWindow window, const std::string& country, const std::string& service,
                       const Filter& where, Day last_date, size_t offset, size_t limit);

// An entity's listeners in the window ending on each day (`encore listeners NAME --format json`,
// GET /api/v1/listeners/{kind}/{id}): {window, country, service (null: all), entity, name, link,
// points: [{date, from (the window's first day), listeners, days_without_sets}]}; `note` (why
// the series is empty) when given.
json ListenerSeriesJson(const RecordsUniverse& u, uint32_t e, ListenerWindow window,
                        const std::string& country, const std::string& service,
                        const std::vector<ListenerPoint>& points, const std::string& note = "");

// ---------------------------------------------------------------------------------------------
// Charts (doc/charts.md)

// An edition's row: position, title, artist and, with its run, movement, last_week, peak, weeks
// and streak (movement null without).
json EntryJson(const ChartEntry& e, const RunStats* run);

// A kept chart's edition `date` means (the last one on or before it; the latest when nullopt):
// {chart, source: "kept", date, run_unit ("days" or "weeks": what `weeks` and `last_week`
// count), value_name, previous, next, notes, entries}, each entry with its run,
// its chart song id, its value (a published metric) and the catalog track it resolves to.
// Errors: kNotFound when the history has no edition of `name` on or before the date.
Result<json> KeptChartJson(ChartHistory& history, const Catalog& catalog, const std::string& name,
                           std::optional<Day> date);

// The charts there are: {compiled: [{chart, title, period, regions}] (the built-in methodologies,
// as of `on`), kept: [{chart, editions, entries, first, last}] (history: null for none)}.
Result<json> ChartListJson(Day on, ChartHistory* history);

// Compiled charts. The region asked for (`region`: a country code or name, GLOBAL; empty: the
// methodology's first region).
// kInvalidArgument for a region that is none of these (ZZ, a typo), naming what is taken.
Result<std::string> RegionOf(const ChartMethod& m, Day date, const std::string& region);
// The chart date `date` means: the chart dated on or before it; nullopt: the latest chart whose
// whole period is counted. kNotFound when the store has no counts for it.
Result<Day> CompiledDate(const ChartMethod& m, const CountStore& store, std::optional<Day> date);
// Where a region's streams end, for an empty edition: the last day with streams in `region` (a
// country; else anywhere) and the date of the edition whose period holds it.
struct RegionEnd {
  std::optional<Day> last;  // nullopt: none in the store's last 400 days
  Day edition = 0;
  std::string where;        // "in KR", "anywhere"
};
Result<RegionEnd> EndOfRegion(const ChartMethod& m, const CountStore& store, const std::string& region);
// What an empty edition of `region` counting from..to says, and, when no date was asked for
// (`date_given` false) and the region's streams end before it, the date of the edition to show
// instead.
struct EmptyEdition {
  std::string note;
  std::optional<Day> instead;
};
Result<EmptyEdition> WhenEmpty(const ChartMethod& m, const CountStore& store, const std::string& region,
                               Day from, Day to, bool date_given);

// Compiles (or finds already compiled) the edition of a methodology dated `date` for `region`;
// the pointer stays valid as long as the function's owner. The CLI compiles; the server keeps
// each snapshot's series.
using CompileEdition = std::function<Result<const CompiledChart*>(Day date, const std::string& region)>;
// A compiled chart, `date` and `region` as asked (nullopt, empty: the latest, the first region):
// {chart, source: "compiled", title, region, date, period: [from, to], run_unit, value_name ("streams",
// "points" or "units"), previous, next (null past the counts), notes, entries}, each entry with
// its run, value, tracks, the catalog track (and, for an album chart, release). An empty edition
// says where its region's streams end; without a date, the latest edition that has streams in
// the region is given instead. `*period_end`, when given, gets the edition's last counted day.
Result<json> CompiledChartJson(const CountStore& store, const Catalog* catalog, const ChartMethod& m,
                               std::optional<Day> date, const std::string& region,
                               const CompileEdition& compile, Day* period_end = nullptr);
// Why a track has its place on a compiled chart (`encore chart explain NAME --track T`, GET
// /api/v1/charts/NAME/explain?track=T): `date` and `region` as CompiledChartJson takes them (no
// date: the latest edition, or the latest with streams in the region). The chart is compiled
// whole (every entry with streams, not only the chart's size), so a track outside the top is
// explained too. {chart, region, date, period: [from, to], track (the catalog track's id, else the
// store's), asked (the name given), position, title,
// artist, size, in_top, value_name ("points" or "units"), points, stream_points, premium, free,
// unknown, tracks (the store tracks combined), components: [{line}] (each component with its
// weight, doc/charts.md), neighbours: [{relation: "above"|"below", position, title, artist,
// points}], ties (the tie rule), notes (rules applied)}. kNotFound naming the last day with
// streams when the track has none counted there.
Result<json> ChartExplainJson(const CountStore& store, const Catalog* catalog, SalesData* sales,
                              const ChartMethod& m, std::optional<Day> date,
                              const std::string& region, const std::string& track);

// The country an hourly store chart is asked for: a code in any case or a name ("kr", "South
// Korea"); empty: US. kInvalidArgument for one that names no country.
Result<std::string> StoreChartCountry(const std::string& asked);
// An hourly store chart (an iTunes-style chart from sales, `encore chart NAME --date HOUR`):
// {chart, source: "compiled", title, region, hour, value_name: "units", previous, next, notes,
// entries}; an empty one says that no sales are counted there in its hours.
json StoreChartJson(const ChartMethod& m, const CompiledChart& c, const std::string& country,
                    int64_t hour_ts);

// Chart runs on kept charts: the chart songs linked to any version of a catalog track's song; and
// per chart of `names` and identity that `matches` picks (judged on the entries as stored):
// debut, peak, weeks, weeks at No. 1, longest streak, re-entries, exits and every position, in
// order of debut.
Result<std::set<std::string>> ChartSongsOfTrack(ChartHistory& history, const Catalog& catalog,
                                                const Track& t);
Result<json> ChartRunsJson(ChartHistory& history, const std::vector<std::string>& names,
                           const std::function<bool(const ChartEntry&)>& matches);

}  // namespace encore::views
