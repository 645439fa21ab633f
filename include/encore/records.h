// Records: stream milestones, leaderboards (fastest to N, most streamed, calendar-year races),
// first-by-attribute records and their history, kept up to date after every ingest and stated as
// news. Everything is computed from the counts of a CountStore and the catalog; see
// doc/records.md for the definitions.
//
// Thread-safety: a RecordsUniverse is immutable once built; a StreamScan is not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/date.h"
#include "encore/status.h"
#include "encore/store.h"

namespace encore {

// What records are kept for. A track is a store track (a catalog track when the catalog knows
// it); a song is every version of a song (Catalog::SongKeyOf); a release and an artist come from
// the catalog.
enum class EntityKind : uint8_t { kTrack, kSong, kRelease, kArtist };
std::string_view EntityKindName(EntityKind k);  // "track", "song", "release", "artist"
std::optional<EntityKind> ParseEntityKind(std::string_view s);

// Which credits count towards an artist.
enum class CreditRole : uint8_t { kAny, kPrimary, kFeatured };
// Whose streams an artist's total holds besides their own credits: a person also their personas'
// (kPerson: Agust D's streams count for SUGA), a group also its members' own credits (kGroup).
enum class Rollup : uint8_t { kNone, kPerson, kGroup };

struct RecordsSettings {
  int64_t step = 100'000'000;  // Default: a milestone at every 100,000,000 streams.
  // Default: every service together, chart streams aside (they are read only when named:
  // encore/chart_streams.h).
  std::optional<std::string> service;
  CreditRole credit = CreditRole::kAny;  // Default: primary and featured credits.
  Rollup rollup = Rollup::kNone;         // Default: an artist as credited.
  // Calendar-year crossings and first-by-attribute records are news at multiples of this.
  // Default: every 1,000,000,000 streams.
  int64_t headline = 1'000'000'000;
  // What the stored state depends on: a stored state with another token is recomputed.
  std::string Token() const;
};

// One entity, described for people.
struct Entity {
  EntityKind kind = EntityKind::kTrack;
  std::string id;    // track: store track id; song: song key; release, artist: catalog id
  std::string name;  // "Seven by Jung Kook feat. Latto", "GOLDEN by Jung Kook", "Jung Kook"
  std::string noun;  // "song", "album", "single", "EP", "artist", "song (all versions)"
  // Day 0 of "days since release" (a release's date, a song's first version's, an artist's
  // first release's); nullopt when the catalog has none (the first counted day is used).
  std::optional<Day> released;
  const Track* track = nullptr;      // the catalog's track (track, song: its first version)
  const Release* release = nullptr;  // the catalog's release (track, release)
  const Artist* artist = nullptr;    // the catalog's artist (artist)
};

// The entities of a store and a catalog and which of them each store track's streams count for.
// Entity numbers: store track ids first (0..tracks-1), then the catalog's songs, releases and
// artists. Tracks of the store that the catalog knows under two ids (its id and its ISRC) count
// for one track entity, the first of them.
class RecordsUniverse {
 public:
  // `catalog` may be null (store tracks only). The catalog and `store_tracks` must outlive the
  // universe (it keeps references); a temporary list is refused at compile time.
  static RecordsUniverse Build(const std::vector<std::string>& store_tracks, const Catalog* catalog,
                               const RecordsSettings& settings);
  static RecordsUniverse Build(std::vector<std::string>&& store_tracks, const Catalog* catalog,
                               const RecordsSettings& settings) = delete;

  size_t size() const { return kinds_.size(); }
  size_t store_tracks() const { return track_entity_.size(); }
  EntityKind kind(uint32_t e) const { return kinds_[e]; }
  Entity Describe(uint32_t e) const;
  // The entity a store track's streams count for first (its track entity), and the others.
  uint32_t TrackEntity(uint32_t store_track) const { return track_entity_[store_track]; }
  const uint32_t* ExtrasBegin(uint32_t t) const { return extras_.data() + extras_at_[t]; }
  const uint32_t* ExtrasEnd(uint32_t t) const { return extras_.data() + extras_at_[t + 1]; }
  // An entity kept out of the records (doc/catalog.md, "Unranked acts"): every store track that
  // counts for it is by unranked acts (its catalog track's primary artists all tagged
  // `unranked`: a simulated market, filler). Its streams are totalled, but it crosses no
  // milestone and takes no place on a board, so it makes no news; charts still rank it.
  bool Unranked(uint32_t entity) const {
    return entity < unranked_.size() && unranked_[entity] == 1;
  }
  // An entity by kind and id; nullopt when there is none.
  std::optional<uint32_t> Find(EntityKind kind, std::string_view id) const;
  // A key that names the entity while the store's tracks and the catalog's ids stay: "track#12"
  // (the store track id's number), "song:<song key>", "release:<id>", "artist:<id>".
  std::string Key(uint32_t e) const;
  // The entities of many keys at once (what Key gave), in one pass: nullopt for a key that names
  // none now.
  std::vector<std::optional<uint32_t>> FindKeys(const std::vector<std::string_view>& keys) const;
  const Catalog* catalog() const { return catalog_; }
  const std::vector<std::string>& track_names() const { return *store_names_; }

 private:
  const Catalog* catalog_ = nullptr;
  const std::vector<std::string>* store_names_ = nullptr;
  std::vector<EntityKind> kinds_;
  std::vector<uint32_t> track_entity_;       // per store track
  std::vector<uint32_t> extras_at_;          // per store track, +1
  std::vector<uint32_t> extras_;             // songs, releases, artists
  std::vector<const Track*> catalog_track_;  // per store track (null: unknown)
  std::vector<char> unranked_;  // per entity: 0 no store track, 1 only unranked ones, 2 others (empty: none is)
  std::vector<std::string_view> keys_;  // per catalog entity: song key, release or artist id (the catalog's)
  std::vector<const void*> objects_;         // per catalog entity: Track*, Release*, Artist*
  std::vector<std::optional<Day>> day0_;     // per catalog entity: its earliest release
};

// A store day's streams per store track, worldwide: for each (service, track), the GLOBAL rows of
// daily totals when the day has any, else the sum over countries (the rule of QueryStreams).
struct DayTotals {
  Day day = 0;
  // The days the figures cover, ending on `day`: 7 for weekly chart streams (a week's total kept
  // on its last day: encore/chart_streams.h), else 1.
  int span = 1;
  std::vector<uint32_t> tracks;  // ascending
  std::vector<int64_t> streams;  // > 0
};
// `service` nullopt: every service but chart streams (those are read only when named, as
// they count the same listening as the services' own plays).
Result<DayTotals> ReadDayTotals(const CountStore& store, Day day,
                                const std::optional<std::string>& service);

// One threshold crossed: the first day an entity's streams (since it was first counted, or
// within one calendar year) reached the threshold.
struct Crossing {
  uint32_t entity = 0;
  int32_t year = 0;  // 0: all-time; else the calendar year whose streams are counted
  int64_t threshold = 0;
  Day day = 0;
  int64_t before = 0, after = 0;  // the running total before and after that day
  // The days the figure of `day` covers (DayTotals::span): 7 for weekly chart streams, whose
  // crossing is known to the week only: within [day - 6, day], "by `day` at the latest".
  int span = 1;
};

// The running totals of every entity over days given in ascending order, and the thresholds they
// crossed. Thresholds are every `step` streams, or an explicit ascending list.
class StreamScan {
 public:
  StreamScan(const RecordsUniverse& u, int64_t step);
  StreamScan(const RecordsUniverse& u, std::vector<int64_t> thresholds);
  // Adds a day; days must ascend. Also restarts the in-year totals at a new calendar year.
  void AddDay(const DayTotals& day);
  // Restores a scan's state (what Save gave) so that later days continue it.
  void Restore(std::vector<int64_t> totals, std::vector<int64_t> year_totals,
               std::vector<Day> first_day, int32_t year, std::optional<Day> last_day);
  void Resize(size_t entities);  // new store tracks: entities with nothing counted yet

  const std::vector<int64_t>& totals() const { return cum_; }
  const std::vector<int64_t>& year_totals() const { return ycum_; }
  const std::vector<Day>& first_day() const { return first_; }  // -1: never counted
  int32_t year() const { return year_; }
  std::optional<Day> last_day() const { return last_day_; }
  std::vector<Crossing>& crossings() { return crossings_; }
  const std::vector<Crossing>& crossings() const { return crossings_; }

 private:
  int64_t NextAfter(int64_t v) const;
  void Bump(uint32_t e, int64_t v, Day day);
  void Cross(uint32_t e, Day day, int64_t v);
  void Defer(uint32_t e, int64_t v);

  const RecordsUniverse* u_;
  int64_t step_ = 0;
  std::vector<int64_t> list_;
  std::vector<int64_t> cum_, next_, ycum_, ynext_;
  std::vector<Day> first_;
  int32_t year_ = 0;
  std::optional<Day> last_day_;
  int span_ = 1;  // of the day being added
  std::vector<Crossing> crossings_;
  std::vector<int64_t> pending_;   // the day's streams of entities that take them at its end
  std::vector<uint32_t> touched_;  // entities with pending streams
};

// Adds the store's figures of `days` (ascending) to the scan, each day read on a second thread
// while the one before is added; stops at the first day that cannot be read.
Status ScanDays(const CountStore& store, const std::vector<Day>& days,
                const std::optional<std::string>& service, StreamScan* scan);
// Runs a scan over every store day (or those in [from, to]).
Status ScanStore(const CountStore& store, const RecordsSettings& settings, std::optional<Day> from,
                 std::optional<Day> to, StreamScan* scan);

}  // namespace encore

namespace encore {

// A filter over catalog attributes (doc/records.md): `solo and country = KR`, `tag = k-pop or
// member = bts`, `not featured`, `type = album`, `(group or persona) and continent = Asia`.
// `year = Y`, `from = D` and `to = D` are not predicates: at the top level of the expression they
// set the period counted (Filter::period).
class Filter {
 public:
  // kInvalidArgument naming the word and its offset on a malformed filter.
  static Result<Filter> Parse(std::string_view text);
  Filter();  // matches everything
  bool Matches(const RecordsUniverse& u, uint32_t entity) const;
  std::optional<Day> from, to;  // the period it sets
  std::optional<int> year;      // `year = Y`
  const std::string& text() const { return text_; }
  // kInvalidArgument when the filter sets a period and `where` (a command, an endpoint) counts
  // none: the period is `records most`'s; `instead` says what the caller takes (never ignored).
  Status RefusePeriod(std::string_view where, std::string_view instead) const;
  // RefusePeriod for a leaderboard (fastest, race, first), in the CLI and the API alike.
  Status RefusePeriodOfBoard() const {
    return RefusePeriod("a leaderboard",
                        "for a year: a race's year, first's year, or release_year = Y for what "
                        "came out that year");
  }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace encore

namespace encore {

// One place of a leaderboard: rank (equal values share a rank: 1, 2, 2, 4), the entity, the value
// ranked by and the evidence for it.
struct Standing {
  int rank = 0;
  uint32_t entity = 0;
  int64_t value = 0;        // days, streams or day of the year
  Day day = 0;              // the crossing day (fastest, races); 0 where none
  std::optional<Day> from;  // day 0 of the count (fastest: the release day)
  int64_t reached = 0;      // the running total on `day`
  std::string evidence;     // in words
};

// Gives standings already in order their ranks: equal values share one (1, 2, 2, 4).
void AssignRanks(std::vector<Standing>* standings);

// Fastest to `n` streams: days from day 0 (the release day, else the first counted day) to the
// first day with a running total of at least n; fewest first; ties share a rank and are listed by
// crossing day, then name. Entities of `kind` that match `filter`.
std::vector<Standing> FastestTo(const RecordsUniverse& u, const std::vector<Crossing>& crossings,
                                const std::vector<Day>& first_day, EntityKind kind, int64_t n,
                                const Filter& filter, std::optional<Day> as_of = std::nullopt);
// Calendar-year race: the day of year `year` (1 January = 1) on which the entity's streams within
// that year reached `n`; fewest first.
std::vector<Standing> YearRace(const RecordsUniverse& u, const std::vector<Crossing>& crossings,
                               EntityKind kind, int year, int64_t n, const Filter& filter,
                               std::optional<Day> as_of = std::nullopt);
// Most streamed: totals (all time, or over the scan's period), most first.
std::vector<Standing> MostStreamed(const RecordsUniverse& u, const std::vector<int64_t>& totals,
                                   EntityKind kind, const Filter& filter, size_t limit);
// First to reach `n` (all time when year is 0, else within that year): by crossing day.
std::vector<Standing> FirstTo(const RecordsUniverse& u, const std::vector<Crossing>& crossings,
                              EntityKind kind, int year, int64_t n, const Filter& filter);

// A record's history: who held it, from when to when (to: nullopt while held).
struct Reign {
  uint32_t entity = 0;
  int64_t value = 0;
  Day from = 0;
  std::optional<Day> to;
};
// The fastest-to-n record over time: each entity that, when it crossed, was faster than every one
// before it.
std::vector<Reign> FastestHistory(const std::vector<Standing>& fastest);

// The crossings of a threshold that are not multiples of the scan's step, computed by a scan of
// their own over the store (first_day, when given, receives that scan's first days).
Result<std::vector<Crossing>> CrossingsOf(const CountStore& store, const RecordsUniverse& u,
                                          const RecordsSettings& settings,
                                          std::vector<int64_t> thresholds,
                                          std::vector<Day>* first_day);

}  // namespace encore

namespace encore {

// A news item: a milestone or record that an update found, in plain English, with its evidence.
struct NewsItem {
  int64_t seq = 0;          // order of finding
  Day day = 0;              // the data day it happened on
  std::string kind;         // "milestone", "record", "year", "first", "withdrawn"
  std::string entity;       // "track:jk-seven"
  std::string text;         // the sentence
  std::string evidence;     // JSON: values, dates, the standings it relied on
  uint64_t generation = 0;  // the store generation the update read
  int64_t threshold = 0;    // the total the crossing reached
  int32_t year = 0;         // 0: all time; else the calendar year counted
};

// The totals and crossings of every entity up to the last day read.
struct RecordsState {
  RecordsUniverse universe;  // refers to the store's track names and the catalog: keep them
  std::vector<int64_t> totals, year_totals;
  std::vector<Day> first_day;
  std::vector<Crossing> crossings;
  std::optional<Day> last_day;
  int32_t year = 0;  // the calendar year of year_totals
};

// The crossings of threshold n with the first days to count from: the state's when n is a
// multiple of its step, else a scan of the store (CrossingsOf).
Result<std::vector<Crossing>> CrossingsAt(const CountStore& store, const RecordsState& state,
                                          const RecordsSettings& settings, int64_t n,
                                          std::vector<Day>* first_day);

// Milestone forecasts (doc/records.md, "Forecasts"). The model of an entity's recent streams:
// `level` streams a day (the last 7 days' mean, standing for the middle of that week), changing by
// `weekly_change` a week (a least-squares line through the logarithms of up to 8 weekly totals;
// `change_error` is its slope's standard error), times `weekday[w]` on weekday w (Monday 0; each
// day's share of its week, averaged over the weeks, mean 1).
struct ForecastModel {
  double level = 0;
  double weekly_change = 1;
  double change_error = 0;
  double weekday[7] = {1, 1, 1, 1, 1, 1, 1};
  int days_used = 0;
};
// `daily`: the entity's streams of consecutive days ending on `as_of` (oldest first, 0 for a day
// without any); the last 56 are read, from the first day with streams (the days before it are
// not the entity's), in whole weeks ending on as_of. nullopt: fewer than 14 days from its first
// streams, or none in the last 7. The change's standard error is at least 0.02 (a fit through a
// few smooth weeks would otherwise claim a day-exact interval).
std::optional<ForecastModel> FitForecast(const std::vector<int64_t>& daily, Day as_of);
// Why FitForecast gives no model for `daily`: "no streams", "no streams in the 7 days to D",
// "N days of streams to D (at least 14 are needed)".
std::string WhyNoForecast(const std::vector<int64_t>& daily, Day as_of);
// The first day after `as_of` whose running total (from `total` on as_of) reaches `threshold`
// at `weekly_change`; as_of when it is reached already; nullopt beyond 10 years (or never: a pace
// that fades before it).
std::optional<Day> ForecastDate(const ForecastModel& m, Day as_of, int64_t total, int64_t threshold,
                                double weekly_change);
struct MilestoneForecast {
  int64_t threshold = 0;
  // At the fitted change; the 90 % interval comes from the change's standard error (earliest:
  // the faster change, latest: the slower). nullopt: not on pace within 10 years.
  std::optional<Day> expected, earliest, latest;
};
struct Forecast {
  Day as_of = 0;
  int64_t total = 0;
  ForecastModel model;
  std::vector<MilestoneForecast> next;
};
Forecast ForecastMilestones(const ForecastModel& m, Day as_of, int64_t total,
                            const std::vector<int64_t>& thresholds);
// One entity's forecast as `records forecast` makes it, from its streams up to as_of (a counted
// day, at most the state's last): its total then, and its model and milestones, or why there is
// none (WhyNoForecast). Milestones: `thresholds`, or when empty the next `count` multiples of
// `step` above the total (fewer where they would overflow).
struct EntityForecast {
  int64_t total = 0;
  std::optional<Forecast> forecast;
  std::string why_not;
};
Result<EntityForecast> ForecastEntity(const CountStore& store, const RecordsState& state, uint32_t e,
                                      Day as_of, const std::optional<std::string>& service,
                                      std::vector<int64_t> thresholds, int64_t step = 0,
                                      int count = 0);
// The daily streams of `entities` over from..to (a vector per entity, a value per day), by the
// rule of ReadDayTotals; a week's figure (chart streams) spread evenly over its 7 days.
Result<std::vector<std::vector<int64_t>>> EntitySeries(const CountStore& store,
                                                       const RecordsUniverse& u,
                                                       const std::vector<uint32_t>& entities,
                                                       Day from, Day to,
                                                       const std::optional<std::string>& service);
// Listeners (doc/records.md, "Listeners"): the distinct users with at least one counted stream
// (the store's minimum length; capped streams too) in a window, from the store's listener sets
// (CountStore::ReadListeners, doc/decisions/0010-listener-sets.md). Exact: unions of the users'
// numbers (CRoaring bitmaps), never sums.
enum class ListenerWindow : uint8_t {
  kDay,     // the day
  k7Days,   // the 7 days ending on the day
  k28Days,  // the 28 days ending on the day: Spotify's "monthly listeners"
  kMonth,   // the calendar month, from its first day to the day
  kYear,    // the calendar year, from 1 January to the day
};
// "day", "7d", "28d", "month", "year" (also "monthly" for 28d).
std::optional<ListenerWindow> ParseListenerWindow(std::string_view s);
std::string_view ListenerWindowName(ListenerWindow w);
// The first day of the window that ends on `day`.
Day WindowStart(ListenerWindow w, Day day);

struct ListenerFilter {
  std::optional<CountryCode> country;  // nullopt: worldwide (every country)
  std::optional<uint32_t> service;     // a store service id; nullopt: every service
};

struct ListenerPoint {
  Day day = 0;   // the window's last day
  Day from = 0;  // its first day
  uint64_t listeners = 0;
  // Days of the window with streams whose users no set holds (daily totals or chart streams, or
  // streams counted before the store kept sets; a day's set may hold the others):
  // their listeners are not in the figure, which is then at least this.
  uint32_t days_without_sets = 0;
};

// One entity's listeners over the window ending on each day from..to (rolling windows), or over
// each calendar month or year that ends (or is cut by `to`) within from..to (one point each,
// on its last day). kFailedPrecondition when the store keeps no listener sets.
Result<std::vector<ListenerPoint>> EntityListeners(const CountStore& store, const RecordsUniverse& u,
                                                   uint32_t entity, Day from, Day to,
                                                   ListenerWindow window,
                                                   const ListenerFilter& filter);

// A board: every entity of `kind` with listeners in the window ending on `day`, most first (ties
// by entity number), with its listeners in the window ending the day before (the change).
struct ListenerStanding {
  uint32_t entity = 0;
  uint64_t listeners = 0;
  uint64_t before = 0;  // in the window ending the day before
  // With peaks: the most listeners in a window ending on any day up to the board's, and the first
  // day it had them.
  uint64_t peak = 0;
  Day peak_day = 0;
};
struct ListenerBoardResult {
  Day day = 0, from = 0;
  std::vector<ListenerStanding> standings;
  uint32_t days_without_sets = 0;  // as in ListenerPoint, over the window
};
// with_peaks: also each one's peak (ListenerStanding), from a pass over every day of the store
// up to `day` (ListenerDays).
Result<ListenerBoardResult> ListenerBoard(const CountStore& store, const RecordsUniverse& u,
                                          EntityKind kind, Day day, ListenerWindow window,
                                          const ListenerFilter& filter, bool with_peaks = false,
                                          int threads = 2);

// Every day from..to at once: `fn` is called for each day (in order, every calendar day) with the
// entities of `kind` that any store track counts for and each one's listeners in the window
// ending that day. One pass over the days from the window's start before `from` (not a union per
// day): what peaks and milestones read. Memory: about 12 bytes per distinct (entity, listener)
// of the range. An error from `fn` stops the pass.
Status ListenerDays(const CountStore& store, const RecordsUniverse& u, EntityKind kind, Day from,
                    Day to, ListenerWindow window, const ListenerFilter& filter,
                    const std::function<Status(Day, const std::vector<uint32_t>& entities,
                                               const std::vector<uint64_t>& listeners)>& fn);

// The first day from..to on which each entity of `kind` had at least each of `thresholds`
// (ascending) listeners in the window ending that day: listener milestones and "the first to N
// monthly listeners". Per entity (entities with none left out) the (threshold, day) reached, in
// threshold order. One pass (ListenerDays).
struct ListenerCrossings {
  uint32_t entity = 0;
  std::vector<std::pair<uint64_t, Day>> reached;
};
Result<std::vector<ListenerCrossings>> ListenerMilestones(
    const CountStore& store, const RecordsUniverse& u, EntityKind kind, Day from, Day to,
    ListenerWindow window, const ListenerFilter& filter, const std::vector<uint64_t>& thresholds);

// Listener news (doc/records.md, "News"): the first day from..to on which each artist's monthly
// listeners (28 days, worldwide, every service) reached each milestone of 1, 2 and 5 × 10^k from
// 1,000 up, as items of kind "listeners" (entity "artist:<id>", threshold the milestone), by day
// then name. One pass over the days (ListenerMilestones). A milestone the artist had reached
// before `from` is the caller's to leave out (said before). Empty when the universe has no
// artists; kFailedPrecondition when the store keeps no listener sets.
Result<std::vector<NewsItem>> ListenerNews(const CountStore& store, const RecordsUniverse& u, Day from,
                                           Day to);

// A listener filter from a country code and a service name as people give them ("": every
// country, every service). kInvalidArgument naming what is unknown (with the store's services),
// or a chart-streams service (those carry no users).
Result<ListenerFilter> MakeListenerFilter(const CountStore& store, std::string_view country,
                                          std::string_view service);

// The last (first) day holding a listener set; nullopt when none does.
Result<std::optional<Day>> LastListenerDay(const CountStore& store);
Result<std::optional<Day>> FirstListenerDay(const CountStore& store);

// A backtest: for every all-time crossing in the state and each horizon h (days), the forecast
// made h days before it (from the days up to then) against the day it happened.
struct BacktestRow {
  int horizon = 0;
  size_t cases = 0;        // crossings with at least 14 days of streams h days before
  size_t not_on_pace = 0;  // of them, forecast beyond 10 years
  double median_error = 0, p90_error = 0;  // |forecast - actual| in days, over the others
  double median_signed = 0;                // forecast - actual: > 0 late, < 0 early
};
Result<std::vector<BacktestRow>> BacktestForecasts(const CountStore& store, const RecordsState& state,
                                                   const RecordsSettings& settings,
                                                   const std::vector<int>& horizons);

// Release news (doc/records.md, "News"): each catalog release dated from..to whose entity
// ("release:<id>") is not in `done`, as a news item of kind "release" on its date, with its
// context: an artist's debut (single, EP, album), the first solo release (or release with others)
// since the last one, the first album in 2 years or more, the first collaboration of two artists
// credited together (primary or featured) for the first time. Ordered by date.
std::vector<NewsItem> ReleaseNews(const Catalog& catalog, const std::set<std::string>& done, Day from,
                                  Day to);

// Computes the state from every day of the store, keeping nothing.
Result<RecordsState> ComputeRecords(const CountStore& store, const Catalog* catalog,
                                    const RecordsSettings& settings);

struct RecordsUpdate {
  bool full = false;           // recomputed from the first day (else only the new days read)
  std::string why;             // why a full recompute ("first run", "catalog changed", …)
  size_t days_read = 0;        // store days read
  std::vector<NewsItem> news;  // found by this update
  RecordsState state;          // the state after the update
};

// The records kept for a store (store_dir/records.sqlite, doc/formats/sqlite.md): brings them up
// to date with the store's counts and the catalog and records the news found. Only days after
// the last day read are read when nothing else changed (a new store track only adds an entity);
// a changed earlier day, another catalog or other settings recompute from the first day. The
// news of a recompute are the differences it made (a crossing moved or withdrawn by late data).
// One writer at a time: the update runs in one SQLite write transaction.
Result<RecordsUpdate> UpdateRecords(const std::string& store_dir, const CountStore& store,
                                    const Catalog* catalog, const RecordsSettings& settings);

// The attributes whose "first to N" records the news states, in this order: a label for people
// and a filter (Korean solo artist: `solo and country = KR`; K-pop soloist; Asian solo artist;
// K-pop group).
struct Watch {
  std::string label, filter;
};
const std::vector<Watch>& DefaultWatches();

// The news kept, in date order (a day's items in the order found: an ingest of older data may
// find news dated before what an earlier one found); items with day >= since when given.
Result<std::vector<NewsItem>> ReadNews(const std::string& store_dir, std::optional<Day> since);

}  // namespace encore

namespace encore {

class SalesData;
class ChartHistory;
struct ChartMethod;

// "1e9", "1.4e9", "1000000000", "1,000,000,000", "1B", "1.4B", "100M", "250K": a count.
std::optional<int64_t> ParseCount(std::string_view s);

// The entity a name means: a track by store or catalog id or ISRC, "Artist - Title", or a title
// (the song's first original version); a song by title or "Artist - Title"; a release by id or
// title; an artist by id, name or alias. kNotFound or kInvalidArgument (ambiguous) naming it.
Result<uint32_t> FindEntity(const RecordsUniverse& u, EntityKind kind, std::string_view name);

// Store charts: when a track first topped each country's hourly store chart after its launch.
struct StoreTop {
  std::string country;
  int64_t hour_ts = 0;  // the first hour whose chart it topped
  int64_t after = 0;    // seconds from the launch to the end of that hour (the chart's time)
};
struct StoreFeat {
  std::string track;
  int64_t launch = 0;          // UTC seconds: the start of the hour of its first sale
  std::vector<StoreTop> tops;  // by `after`, then country
  size_t CountWithin(int64_t seconds) const;
  std::optional<int64_t> TimeTo(size_t countries) const;  // nullopt: fewer countries than that
};
// Checks the charts of the first `hours` hours from the launch (`launch`, else the hour of the
// track's first sale at the methodology's stores, within 2 days of its release date or ever).
Result<StoreFeat> StoreNumberOnes(SalesData& sales, const Catalog* catalog, const ChartMethod& m,
                                  const std::string& track, std::optional<int64_t> launch,
                                  int hours);
// The launch board: every catalog track with store sales around its release (StoreNumberOnes
// with its own launch) that topped a country, by countries at No. 1 within `within` seconds (most
// first), then by the time to `countries` of them (soonest first; never: last). Each hour's sales
// are read once for all tracks.
Result<std::vector<StoreFeat>> StoreLaunches(SalesData& sales, const Catalog& catalog,
                                             const ChartMethod& m, int hours, int64_t within,
                                             size_t countries);

// A song's run on a chart, over every edition kept (imported or compiled): debut, peak, weeks on
// the chart and at No. 1 (carried in where the data starts after the song did).
struct ChartFeat {
  std::string song, title, artist;
  int debut = 0, peak = 0, weeks = 0, weeks_at_1 = 0;  // debut: position on its first edition
  int longest_at_1 = 0;                                // consecutive editions at No. 1
  Day first = 0, last = 0;
  bool debut_in_data = true;       // false: on the chart before the data starts (carried in)
  bool weeks_at_1_before = false;  // carried in a peak of No. 1: more weeks there may precede
  int period = 7;                  // days between the chart's editions: 1 counts days, not weeks
};
Result<std::vector<ChartFeat>> ChartFeats(ChartHistory& history, const std::string& chart);

// Chart records journalists ask for, over a chart's kept editions (imported or compiled), from
// the runs ComputeRuns gives (carried-in history included and marked): each a leaderboard with
// ranks (equal values share one: 1, 2, 2, 4), the value, when, and the evidence in words.
enum class ChartRecordKind {
  kWeeksAt1,        // most weeks (days on a daily chart) at No. 1, in all
  kConsecutiveAt1,  // most consecutive weeks at No. 1
  kWeeks,           // most weeks on the chart
  kDebut,           // best debut position (songs that debuted in the data)
  kPeak,            // best peak
  kClimb,           // biggest climb from one edition to the next (last week − position)
  kClimbTo1,        // longest climb to No. 1: the week on the chart it first reached No. 1
  kSimultaneous,    // an artist's most entries on one edition
  kNumberOnes,      // an artist's songs that reached No. 1
};
// Parses "weeks-at-1", "consecutive-at-1", "weeks", "debut", "peak", "climb", "climb-to-1",
// "simultaneous", "number-ones".
std::optional<ChartRecordKind> ParseChartRecordKind(std::string_view name);
bool IsArtistRecord(ChartRecordKind kind);  // kSimultaneous, kNumberOnes rank artists
struct ChartRecordOptions {
  // Which credits count for an artist (artist records, `artist`): primary ("lead") or featured
  // credits or any, as the credit prints them (SplitCredit with the catalog's names, and
  // featured artists in the title).
  CreditRole credit = CreditRole::kAny;
  std::string artist;                // only this artist's songs (normalised name); empty: all
  const Catalog* catalog = nullptr;  // names that contain separators, aliases (may be null)
};
struct ChartRecordPlace {
  int rank = 0;
  std::string song;           // the identity; "artist:<name>" for artist records
  std::string title, artist;  // as last printed; artist records: the artist's name
  int value = 0;
  bool at_least = false;  // more may lie before the data (weeks at No. 1 carried in)
  Day date = 0;           // when it happened (the edition), or the song's first edition
  std::string evidence;
};
Result<std::vector<ChartRecordPlace>> ChartRecords(ChartHistory& history, const std::string& chart,
                                                   ChartRecordKind kind,
                                                   const ChartRecordOptions& options);
// The same over editions already linked and repaired (LinkIdentities, RepairEditions) and their
// runs (ComputeRuns).
std::vector<ChartRecordPlace> ChartRecordsOver(const std::vector<ChartEdition>& editions,
                                               const std::vector<std::vector<RunStats>>& runs,
                                               ChartRecordKind kind,
                                               const ChartRecordOptions& options);

// The first acts whose songs reached No. `position` or better on a chart, among the catalog
// artists that `filter` matches (credited as lead artists), in the order they first got there:
// the first holds the record ("the first K-pop act to top the Billboard 200"), the others are
// its history (who followed, when, with what). Needs the catalog (artists' attributes).
struct ChartFirst {
  std::string artist;         // the catalog artist's name
  std::string title, credit;  // the entry as printed
  Day date = 0;
  int position = 0;
};
Result<std::vector<ChartFirst>> ChartFirsts(ChartHistory& history, const std::string& chart,
                                            int position, const Filter& filter,
                                            const RecordsUniverse& universe);

// Milestones of chart points or album units: the running total of an entry's metric (points,
// units or streams as the chart kept them) over a chart's editions, and the edition on which it
// reached each multiple of `step`, with the weeks since the song's debut on the chart. A song on
// the data's first edition was charted before it: its totals are at least the ones given, and
// its milestones are reached on or before their dates (`carried_in`). With a catalog, songs of
// unranked acts (doc/catalog.md) are left out. kInvalidArgument when the step would give more than
// kMaxChartMilestones (a step too small for the chart's totals).
inline constexpr size_t kMaxChartMilestones = 100000;
struct MetricMilestone {
  std::string title, artist;
  int64_t threshold = 0;
  Day date = 0;
  int weeks = 0;  // editions since its first (its first edition: 1)
  int64_t total = 0;
  bool carried_in = false;  // on the chart before the data: reached on or before `date`
};
Result<std::vector<MetricMilestone>> ChartMetricMilestones(ChartHistory& history,
                                                           const std::string& chart, int64_t step,
                                                           const Catalog* catalog = nullptr);
// Whether a credit as a chart prints it names only unranked acts as its primary artists
// (doc/catalog.md, "Unranked acts": charted, but in no record).
bool UnrankedCredit(const Catalog& catalog, const std::string& credit);

}  // namespace encore

namespace encore {

// A claim checked against the data (doc/records.md, "Claims"): `days_to(streams, 1e9, track
// "Seven") = 108`.
struct ClaimResult {
  std::string claim;
  bool holds = false;
  std::string actual;    // the value found
  std::string evidence;  // what it rests on
};
struct ClaimContext {
  const CountStore* store = nullptr;
  const RecordsState* state = nullptr;  // up to date (UpdateRecords)
  RecordsSettings settings;
  SalesData* sales = nullptr;         // null: store claims fail with kNotFound
  ChartHistory* charts = nullptr;     // null: chart claims fail with kNotFound
  class StoreFeeds* feeds = nullptr;  // null: feed claims fail with kNotFound
};
// kInvalidArgument for a claim that does not parse; kNotFound for a name that matches nothing.
Result<ClaimResult> CheckClaim(std::string_view claim, const ClaimContext& ctx);

}  // namespace encore
