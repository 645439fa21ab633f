// CountStore: the one narrow interface through which the engine reaches stored counts.
//
// The local store (OpenLocalStore) keeps a directory: one compressed columnar segment per UTC day,
// the cap state of days still open, the track and service dictionaries, the rejects of every
// source and a manifest naming the committed state. A ClickHouse backend is meant to implement the
// same interface. Formats: doc/formats/.
//
// Thread-safety: a CountStore is not safe for concurrent mutation; const methods may be called
// from several threads while no Apply() runs. Across processes, one writer at a time holds the
// store's lock; readers see the last committed state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encore/date.h"
#include "encore/keys.h"
#include "encore/source.h"
#include "encore/status.h"

namespace encore {

// The counting rule a store was created with; fixed for its lifetime, since open days keep cap
// state that only makes sense under one rule.
struct CountingRules {
  uint32_t min_ms = 30000;  // Default: a play counts as a stream at 30 s or more.
  uint32_t cap = 10;        // Default: at most 10 streams per (day, service, user, track, country).
  // Who is a listener (doc/decisions/0010-listener-sets.md). Default (false): a user with at least
  // one counted stream (min_ms or longer) in the window, as Spotify counts monthly listeners;
  // true: a user with any play, however short (`encore ingest --listeners plays`). Local store
  // only: a ClickHouse store keeps no short plays and refuses it.
  bool every_play_listens = false;
  bool operator==(const CountingRules&) const = default;
};
// The listener rule's name where it is written and shown (manifest, status, API): "plays" or
// "streams".
inline const char* ListenersRule(const CountingRules& r) {
  return r.every_play_listens ? "plays" : "streams";
}

// One row of a day's counts. Rows of a day are sorted by (cell, tier), cells unique per tier.
struct CountRow {
  uint64_t cell = 0;
  Tier tier = Tier::kUnknown;
  int64_t streams = 0;
};

// The cap state of one listener for one cell of an open day: how many streams of each tier have
// been seen, saturated at the cap. Sorted by (cell, user).
struct CapEntry {
  uint64_t cell = 0;
  uint64_t user = 0;  // XXH3-64 of the user id with bit 0 cleared (doc/decisions/0002)
  uint16_t premium = 0;
  uint16_t free = 0;
};

// A listener of a cell on a day: a user with at least one counted stream of it (capped or not).
// user: the listener key of cap state (XXH3-64 of the user id, bit 0 cleared); with the cell's
// service it names one listener (doc/decisions/0010-listener-sets.md).
struct ListenerPair {
  uint64_t cell = 0;
  uint64_t user = 0;
  auto operator<=>(const ListenerPair&) const = default;
};

// A day's listeners as the store keeps them: per entry one listener (the store's dense number,
// see ReadListeners) and one (service, track, country) it streamed that day. Sorted by
// (user, cell), entries unique. The arrays have equal lengths.
struct DayListeners {
  std::vector<uint32_t> user;
  std::vector<uint32_t> track;
  std::vector<CountryCode> country;
  std::vector<uint8_t> service;
  size_t size() const { return user.size(); }
};

// A day's new counts and cap state written ahead of the commit that makes them live
// (CountStore::StageDay): the files, and what the manifest says of them.
struct StagedDay {
  std::string segment;  // file name in the store's data folder
  std::string state;    // "" when the day keeps no cap state
  std::string listeners;  // "" when the update added no listener: the day keeps its file
  uint64_t rows = 0;
  int64_t streams = 0;
  uint64_t listener_entries = 0;
};

// The new content of a day: replaces what the day held.
struct DayUpdate {
  Day day = 0;
  std::vector<CountRow> counts;
  std::vector<CapEntry> state;  // ignored (and dropped) when the day is sealed by the same commit
  // The listeners the update's plays add to the day (unioned with those it has), sorted and
  // unique. Daily totals and chart streams add none.
  std::vector<ListenerPair> listeners;
  // The update adds streams whose users it does not know (daily totals): the day's set, if it
  // has or gets one, is then partial (CountStore::DaysWithPartialListeners).
  bool unlisted_streams = false;
  // Set by StageDay, which writes counts and state out and empties them here.
  std::optional<StagedDay> staged;
};

// One stream of a personal listening history that the store has taken in (doc/ingest.md, "Personal
// histories"). A listener's history (one service, one user) keeps every such stream, so that a
// later export repeating it adds nothing, and so that its plays are capped against each other on
// any day, sealed or not. The play's identity is (service, user, start_ms, ident).
struct HistoryPlay {
  int64_t start_ms = 0;  // when the play started, UTC milliseconds since the epoch
  uint64_t ident = 0;    // XXH3-64 of the track as the export names it (its id, or its names)
  uint32_t track = 0;    // the store track id it was counted under
  CountryCode country = 0;
  Tier tier = Tier::kPremium;  // premium or free
};
// Histories are kept per listener: a service id and XXH3-64 of the user id with bit 0 cleared
// (the user key of cap state, doc/decisions/0002).
struct ListenerKey {
  uint32_t service = 0;
  uint64_t user = 0;
  auto operator<=>(const ListenerKey&) const = default;
};
// A listener's whole history after a commit, sorted by (start_ms, ident), without repeats.
struct HistoryUpdate {
  ListenerKey listener;
  std::vector<HistoryPlay> plays;
};

// A file's rejected lines as the store keeps them: `count` records of the rejects payload
// (doc/formats/blob-file.md), compressed as one zstd frame (common/reject_log.h makes it).
struct RejectsFrame {
  uint64_t count = 0;
  std::string frame;
};

// A play at or over the stream threshold, as parsing leaves it. cell: see encore/keys.h (track and service ids are
// chunk-local until the ingester maps them). user: XXH3-64 of the user id, bit 0 replaced by the
// tier (0 premium, 1 free), so that sorting by (cell, user) groups a listener's tiers together.
struct PlayRec {
  uint64_t cell;
  uint64_t user;
};

// A row of daily totals.
struct TotalRec {
  uint64_t cell;
  int64_t streams;
  uint8_t tier;
};

// Everything one atomic commit changes.
struct CommitBatch {
  std::vector<std::string> new_tracks;    // appended to the track dictionary in this order
  std::vector<std::string> new_services;  // appended to the service dictionary
  std::vector<DayUpdate> days;
  std::optional<SourceRecord> source;  // the input file this commit takes in
  RejectsFrame rejects;                // that file's rejected lines
  // Further input files the same commit takes in, without rejects of their own (chart streams
  // write many small chart files in one commit: encore/chart_streams.h).
  std::vector<SourceRecord> more_sources;
  std::optional<Day> seal_before;      // raise the seal boundary to this day (never lowers)
  std::vector<HistoryUpdate> histories;  // replace these listeners' histories
};

// A chart's streams (PeriodChartStreams): one region's streams of each tier of one track over a
// chart period. region: a country code, or kGlobalCountry for the world (or the world without
// the US, as asked).
struct RegionTrackStreams {
  uint32_t period = 0;  // the index of the period in ChartStreamsQuery::periods (else 0)
  CountryCode region = 0;
  uint32_t track = 0;
  int64_t tier[3] = {0, 0, 0};  // premium, free, unknown
};

// What a chart reads from the counts (encore/charts.h, CompileChart): the days from..to of the
// services flagged (by service id). Regions: every country (each its own region), one country,
// and/or the world by the rule of QueryStreams (per day, service and track: the GLOBAL rows
// where the day has them, else the sum over countries), without the US where asked (the world's
// streams less the US's, at least 0). Rows with no streams are left out.
struct ChartStreamsQuery {
  Day from = 0, to = 0;
  // Or several periods at once (from and to unused), each summed (and cut) on its own: a chart
  // series asks for its weeks in one query. Overlapping periods are refused.
  std::vector<std::pair<Day, Day>> periods;
  std::vector<char> services;  // a flag per service id
  bool countries = false;      // every country, each a region
  std::optional<CountryCode> country;  // or this country only
  bool global = false;
  bool excl_us = false;  // the world less the US (global)
  // top > 0: a region's rows may stop at its `top` best by points (each tier's streams times its
  // weight, summed in tier order in double), then premium streams, keeping every row tied with
  // the last of them (the caller breaks ties: by track name).
  size_t top = 0;
  double weights[3] = {0, 0, 0};
};

struct StoreStats {
  uint64_t generation = 0;
  size_t days = 0;
  size_t open_days = 0;
  size_t tracks = 0;
  size_t sources = 0;
  int64_t streams = 0;
  uint64_t bytes = 0;
  size_t listeners = 0;        // personal histories kept (a service and a user each)
  uint64_t history_plays = 0;  // the streams they hold
  uint64_t users = 0;            // listeners numbered for the listener sets (ReadListeners)
  uint64_t listener_days = 0;    // days holding listener sets
  uint64_t listener_entries = 0; // (day, listener, cell) entries they hold
  uint64_t listener_bytes = 0;   // their files and the users file, on disk (part of bytes)
};

class CountStore {
 public:
  virtual ~CountStore() = default;

  virtual const CountingRules& rules() const = 0;
  // Plays for days before this are late. nullopt: nothing sealed yet.
  virtual std::optional<Day> sealed_before() const = 0;

  virtual const std::vector<std::string>& tracks() const = 0;  // by id
  virtual std::optional<uint32_t> FindTrack(std::string_view name) const = 0;
  virtual const std::vector<std::string>& services() const = 0;  // by id

  // Days holding counts, ascending.
  virtual std::vector<Day> Days() const = 0;
  virtual Result<std::vector<CountRow>> ReadCounts(Day day) const = 0;
  // The same rows, in order, handed to `fn` a batch at a time without holding the whole day
  // (what compiling charts over big days uses). An error from `fn` stops the scan.
  virtual Status ScanCounts(
      Day day, const std::function<Status(const CountRow* rows, size_t n)>& fn) const = 0;
  // A token that changes whenever the day's counts change ("" for a day without counts): what
  // compiled charts are cached by.
  virtual std::string DayVersion(Day day) const = 0;
  // Empty for a sealed day or a day never seen.
  virtual Result<std::vector<CapEntry>> ReadCapState(Day day) const = 0;

  // The streams of one listener's personal history taken in so far, sorted by (start_ms, ident);
  // empty for a listener never seen.
  virtual Result<std::vector<HistoryPlay>> ReadHistory(const ListenerKey& listener) const = 0;

  // Listeners (doc/decisions/0010-listener-sets.md). KeepsListeners: false for a store that
  // keeps no listener sets (then ReadListeners fails kFailedPrecondition). ReadListeners: the
  // day's listener set; nullopt when the day holds no listener (a day of daily totals or chart
  // streams only, or a day never seen). Listener numbers are dense (0..users-1), the same on
  // every day of the store, so a window's or a roll-up's listeners are the union of numbers.
  virtual bool KeepsListeners() const { return false; }
  // The days holding a listener set, ascending (without reading them).
  virtual std::vector<Day> DaysWithListeners() const { return {}; }
  // Of those, the days whose set lacks the users of some of the day's streams (daily totals
  // added to a day of plays, streams counted before the store kept sets): a count over such a
  // day is "at least". Ascending.
  virtual std::vector<Day> DaysWithPartialListeners() const { return {}; }
  // places = false: only each row's listener and track (country and service left empty), what a
  // count over every country and service needs.
  virtual Result<std::optional<DayListeners>> ReadListeners(Day day, bool places = true) const;

  virtual bool HasSource(std::string_view fingerprint) const = 0;
  virtual std::vector<SourceRecord> Sources() const = 0;
  virtual Result<std::vector<RejectRecord>> ReadRejects(const SourceRecord& source) const = 0;
  // The same one at a time, in line order, without holding them all (a file may have rejected
  // millions of lines). An error from `fn` stops the scan.
  virtual Status ScanRejects(const SourceRecord& source,
                             const std::function<Status(const RejectRecord&)>& fn) const = 0;

  virtual StoreStats Stats() const = 0;

  // Makes the batch durable and visible at once: after a crash or a failed call at any point, the
  // store is either as before or as after (a failure to sync the directory after the manifest
  // was renamed leaves it as after). After a failed call the object refuses further commits:
  // reopen the store. Fails with kFailedPrecondition when opened read-only.
  virtual Status Apply(CommitBatch batch) = 0;

  // Writes `update`'s counts and cap state to files now and keeps only their names in it, so
  // that a commit of many big days need not hold them all in memory: the next Apply that carries
  // the update makes them live. On a failure the update is left as it was. Until then nothing reads them, and files staged for a commit
  // that never happens (a failed ingest, a crash) are removed by the next writer that opens the
  // store. Safe to call from several threads at once (not with Apply). kFailedPrecondition when
  // opened read-only; the file system's error when a write fails.
  virtual Status StageDay(DayUpdate* update) = 0;

  // "local" or the ClickHouse store's URL without its password.
  virtual std::string Name() const { return "local"; }

  // Stores that count for themselves (the ClickHouse store, doc/decisions/0009-clickhouse-store.md)
  // take a day's plays and daily-totals rows as they are, with store track and service ids; the
  // store applies the counting rule where the plays are kept, and the next Apply makes them
  // count. The ingester then leaves DayUpdate, cap state and StageDay aside. Local store: false.
  // A file's records of one day come in one call. `seal_before`: the seal the coming Apply
  // raises to (the commit's seal_before): a day before it that the store has not seen closes with
  // this file, so it may be counted at once, where the plays are (in this process), and its plays
  // not kept.
  virtual bool CountsPlays() const { return false; }
  virtual Status AddRecords(Day day, const PlayRec* plays, size_t n_plays, const TotalRec* totals,
                            size_t n_totals, std::optional<Day> seal_before);
  // The streams that the records added since the last Apply add to their days' counts, after the
  // cap (what an ingest reports as counted). Days before `seal_before`, which the coming Apply
  // seals, may be made final now, ahead of it (as StageDay); nothing is visible before the Apply.
  virtual Result<int64_t> PendingCounted(std::optional<Day> seal_before);
  // The listeners of streams counted outside the store and given to it as daily totals (a
  // personal history's, which AddRecords takes as totals): kept beside the plays' own listeners,
  // part of the coming Apply as AddRecords' records are. `pairs` sorted and unique, as
  // DayUpdate::listeners. Only for stores that count plays (kFailedPrecondition otherwise).
  virtual Status AddListeners(Day day, const std::vector<ListenerPair>& pairs);

  // Stores whose counts sit on a cluster run the heavy reads there (doc/decisions/0009):
  // charts and records then call the two queries below instead of scanning ReadCounts. When
  // false (the local store, which is faster scanned in process) they fail kFailedPrecondition.
  virtual bool RunsQueries() const { return false; }
  // A day's streams per track over the services flagged (a flag per service id): per service and
  // track the GLOBAL rows where the day has them, else the sum over countries (the rule of
  // QueryStreams), summed over the services. Sorted by track; tracks without streams left out.
  virtual Result<std::vector<std::pair<uint32_t, int64_t>>> DayTrackStreams(
      Day day, const std::vector<char>& services) const;
  // A chart's streams per region and track (ChartStreamsQuery), in no particular order.
  virtual Result<std::vector<RegionTrackStreams>> PeriodChartStreams(
      const ChartStreamsQuery& query) const;
  // One track's streams of each tier per day, over the days from..to (each bound optional) of
  // the services flagged: in `country` only, or the world (nullopt); per day and service the
  // GLOBAL rows where there are any, else the sum over the rows read (the rule of QueryStreams).
  // Sorted by day; days without streams left out.
  struct TrackDay {
    Day day = 0;
    int64_t tier[3] = {0, 0, 0};
  };
  virtual Result<std::vector<TrackDay>> TrackSeries(uint32_t track,
                                                    const std::vector<char>& services,
                                                    std::optional<CountryCode> country,
                                                    std::optional<Day> from,
                                                    std::optional<Day> to) const;
};

struct StoreOptions {
  bool create_if_missing = true;  // Default: a missing directory becomes a new, empty store.
  bool read_only = false;         // Default: open for writing, taking the store's lock.
  CountingRules rules;            // Rules for a new store; an existing store keeps its own.
  bool sync = true;               // Default: fsync files and directories at each commit.
};

// Opens (or creates) the local store in `dir`. A writer takes an exclusive lock on dir/LOCK
// (kFailedPrecondition when another process holds it) and removes files left by a crashed commit.
Result<std::unique_ptr<CountStore>> OpenLocalStore(const std::string& dir,
                                                   const StoreOptions& options);

// The store directory to use: `flag` if given, else $ENCORE_STORE, else ./encore-data. A
// `clickhouse://` URL there names a ClickHouse store (doc/decisions/0009-clickhouse-store.md): its
// directory is then the store's local side directory (catalog, chart history, sales, records
// state), $ENCORE_STATE_DIR/clickhouse/NAME or ~/.local/state/encore/clickhouse/NAME, created
// and given the URL in its file CLICKHOUSE_URL.
std::string DefaultStoreDir(const std::string& flag);

// Removes the side directories DefaultStoreDir made in this process that hold nothing (a command
// that failed on a URL: a server that does not answer, a database without a store, hosts in the
// wrong order). Called by the CLI when a command fails.
void RemoveUnusedSideDirs();

// Opens the store of a directory DefaultStoreDir gave: the ClickHouse store its CLICKHOUSE_URL
// names, or else the local store in it.
Result<std::unique_ptr<CountStore>> OpenStore(const std::string& dir, const StoreOptions& options);

// A token that changes with every commit when a directory names a store whose commits are kept
// elsewhere (a ClickHouse store: its commits table; "unreachable" while it does not answer); ""
// for a local store, whose MANIFEST file changes instead. What `encore serve` polls.
std::string RemoteCommitStamp(const std::string& dir);

}  // namespace encore
