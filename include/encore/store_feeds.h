// Store charts as the stores publish them: snapshots of Apple's per-country top songs and albums
// feeds (the old iTunes RSS and the Apple Marketing Tools RSS), kept with their country, store
// and time; "No. 1 on iTunes in N countries within T hours" answered from them as kworb does; and
// lists of a chart's No. 1s with their weeks at No. 1 (the UK list), checked against the chart.
// See doc/charts.md ("Store feed snapshots", "Lists of No. 1s") and doc/records.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "encore/charts.h"
#include "encore/date.h"
#include "encore/status.h"

namespace encore {

class Catalog;

// ---- feed snapshots ------------------------------------------------------------------------------

enum class FeedLayout {
  kItunesRss,       // {"feed": {"entry": [{"im:name": {"label"}, "im:artist": {"label"}, …}]}}
  kMarketingTools,  // {"feed": {"results": [{"name", "artistName", "id", "kind"}], "country"}}
};
std::string FeedLayoutName(FeedLayout layout);

struct SnapshotEntry {
  int position = 0;  // 1-based: the entry's place in the feed's list
  std::string title, artist;
  std::string id;    // the store's id of the item (im:id, id), empty where the feed has none
  std::string song;  // SongKey(artist, title): what the record matches names by
  uint64_t line = 0;
};

// One feed as fetched: its store, what it ranks, its country and time, and its entries.
struct StoreSnapshot {
  FeedLayout layout = FeedLayout::kItunesRss;
  std::string store;  // "itunes" or "apple-music"
  std::string kind;   // "songs" or "albums"
  std::string genre;  // the genre id of a genre chart ("14"), empty for all genres
  std::string country;  // ISO 3166-1 alpha-2, upper case
  int64_t taken = 0;    // UTC seconds
  std::string taken_from;  // "feed" (feed.updated), "file name" or "file mtime"
  std::string how;         // how the store, kind and country were told, for people
  std::string feed_id, title;  // as the feed prints them
  std::vector<SnapshotEntry> entries;  // by position (a rejected entry leaves its place empty)
};

// Receives a feed file's snapshots as they are read.
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  virtual Status Add(StoreSnapshot snapshot) = 0;
  virtual Status Reject(ChartReject reject) = 0;
};

struct FeedReadOptions {
  // The store and kind for a feed that does not say ("itunes-songs", "apple-music-albums"; a
  // country may follow: "itunes-songs-us"). Default: told by the feed.
  std::string chart;
};
struct FeedFileSummary {
  FeedLayout layout = FeedLayout::kItunesRss;
  std::string fingerprint;  // XXH3-128 of the decompressed content
  uint64_t snapshots = 0, entries = 0, rejects = 0;
};

// What a JSON file is, from its first bytes: a store feed ({"feed": …}, or an array of them), a
// list of No. 1s (a script's `var data = [` or an array whose first object has "woc"), or neither.
enum class JsonKind { kOther, kStoreFeed, kNumberOnes };
JsonKind SniffJsonFile(const std::string& path);

// Reads a store feed file (plain, .gz or .zst; one feed or an array of feeds) in bounded memory:
// entries beyond 10,000 in one feed, a value over 1 MiB or nesting deeper than 32 end the file.
// A bad entry (no name or artist) is rejected with its line ("entry N: reason"); a feed whose
// store, kind, country or time cannot be told fails the file (kDataError, the problem in
// *issues): feeds of the file handed over before it are the caller's to roll back (the import's
// transaction does).
Result<FeedFileSummary> StreamStoreFeed(const std::string& path, const FeedReadOptions& options,
                                        SnapshotSink* sink, std::vector<ChartIssue>* issues);

// A time told by a file name: `2024-07-14T04-30-00Z`, `2024-07-14T0430Z`, `20240714T043000Z`,
// `2024-07-14_04-30`, `20240714-0430` (UTC; seconds optional). nullopt when the name has none.
std::optional<int64_t> TimestampOfFileName(const std::string& path);
// feed.updated: ISO-8601 with a zone (`2025-07-08T12:52:03-07:00`, a fraction allowed) or
// RFC 2822 (`Fri, 4 Sep 2026 17:12:25 +0000`).
std::optional<int64_t> ParseFeedTime(std::string_view s);

// ---- lists of No. 1s --------------------------------------------------------------------------

struct NumberOne {
  std::string number;  // the list's numbering: "1", … or "re" (back at No. 1)
  std::string title, artist;  // HTML stripped, entities decoded, quotes around the title removed
  Day date = 0;               // the chart date it reached No. 1 ("14 November 1952")
  int weeks = 0;              // weeks at No. 1 as the list gives them
  bool shared = false;        // "8x": some of those weeks shared No. 1 with another song
  std::string song;           // SongKey(artist, title)
  uint64_t line = 0;
};
struct NumberOnesList {
  std::string chart;  // the chart it lists ("uk-singles")
  std::string fingerprint;
  std::vector<NumberOne> entries;  // in the list's order
  std::vector<ChartReject> rejects;
};
// Reads a list of No. 1s: a JSON array (or a script `var data = [...]`) of {"number", "artist",
// "song", "date", "woc"} with HTML in the names. `chart` names the chart; default: told by the
// file name ("uk" in it: uk-singles). At most 100,000 entries; a bad entry is rejected with its
// line; a file that is not such a list is kDataError with the problem in *issues.
Result<NumberOnesList> ReadNumberOnesList(const std::string& path, const std::string& chart,
                                          std::vector<ChartIssue>* issues);
// Text of an HTML fragment: tags removed, entities decoded (&amp; &quot; &#39; &#x27; &nbsp; …).
std::string HtmlText(std::string_view html);

// The list's own consistency: dates in order, and each run's weeks against the gap to the next.
struct ListFinding {
  size_t index = 0;  // into the list
  std::string what;  // the finding, for people
  std::string cls;   // "date order", "joint No. 1", "chart day moved", "gap"
};
struct ListCheck {
  size_t entries = 0;
  int64_t weeks = 0;  // the total of the list's weeks
  size_t reentries = 0, shared = 0;
  Day first = 0, last = 0;
  size_t gaps_agree = 0;  // runs whose weeks are the gap to the next run in weeks
  std::vector<ListFinding> findings;
};
ListCheck CheckNumberOnesList(const NumberOnesList& list);

// The list against the chart's editions, where both exist.
struct NumberOneComparison {
  std::string title, artist;  // the list's
  Day date = 0;               // the list's date
  int list_weeks = 0;         // the list's figure
  int chart_weeks = 0;        // editions at No. 1 counted from the chart, within the run
  std::optional<Day> chart_first;  // the run's first edition on the chart
  bool agree = false;
  std::string cause;  // why they disagree ("" when they agree)
};
struct NumberOnesReport {
  std::string chart;
  size_t editions = 0;
  Day chart_first = 0, chart_last = 0;  // the chart's editions
  Day list_first = 0, list_end = 0;     // the list's first date and the end of its last run
  bool overlap = false;                 // false: no period where both exist (said, not an error)
  Day overlap_from = 0, overlap_to = 0;
  size_t agree = 0;
  std::vector<NumberOneComparison> rows;  // every list run in the overlap
  // The chart's No. 1 runs (first edition, song) that no list run matches.
  std::vector<std::pair<Day, std::string>> chart_only;
};
NumberOnesReport CompareNumberOnes(const NumberOnesList& list,
                                   const std::vector<ChartEdition>& editions);

// ---- storage ------------------------------------------------------------------------------------

struct FeedImportReport {
  size_t snapshots = 0, entries = 0;
  size_t same = 0;      // snapshots whose content was kept before (from another file)
  size_t replaced = 0;  // snapshots of the same feed and time with other entries, replaced
  // Snapshots of a feed and time kept before with other entries: the file is refused unless
  // replacing was asked for. (store kind country time).
  std::vector<std::string> conflicts;
  bool refused = false;
  size_t list_entries = 0;  // a list of No. 1s: its entries
};

class FeedImport {
 public:
  virtual ~FeedImport() = default;
  virtual Status Add(const StoreSnapshot& s) = 0;
  virtual Status Reject(const ChartReject& r) = 0;
  virtual Status AddList(const NumberOnesList& list) = 0;
  virtual Result<FeedImportReport> Commit() = 0;
};

// A snapshot's head, with its No. 1.
struct SnapshotHead {
  int64_t id = 0;
  std::string store, kind, genre, country;
  int64_t taken = 0;
  std::string taken_from, path;
  size_t entries = 0;
  std::string top_title, top_artist, top_song, top_id;  // position 1 (empty: none)
};
struct SongSighting {
  int64_t snapshot = 0;
  int position = 0;
  std::string title, artist, id;
};
struct FeedSeries {
  std::string store, kind, genre;
  size_t snapshots = 0, countries = 0, entries = 0;
  int64_t first = 0, last = 0;
};

// Snapshots and lists kept in a store directory (STORE/feeds.sqlite).
class StoreFeeds {
 public:
  virtual ~StoreFeeds() = default;
  virtual Result<bool> Imported(const std::string& fingerprint) = 0;
  virtual Result<std::unique_ptr<FeedImport>> Begin(const std::string& fingerprint,
                                                    const std::string& path, bool replace) = 0;
  // Files imported between these share one transaction (each its own savepoint, so a refused
  // file still leaves nothing), saving a commit per file: a folder of thousands of small
  // snapshots. A batch not committed is rolled back (nothing of it kept, every file importable
  // again).
  virtual Status BeginBatch() = 0;
  virtual Status CommitBatch() = 0;
  virtual Result<std::vector<FeedSeries>> Series() = 0;
  // Every snapshot of a store and kind (all genres: genre ""), by time then country.
  virtual Result<std::vector<SnapshotHead>> Snapshots(const std::string& store,
                                                      const std::string& kind) = 0;
  // Entries of those snapshots whose song key is one of `songs` or whose id is one of `ids`.
  virtual Result<std::vector<SongSighting>> Sightings(const std::string& store,
                                                      const std::string& kind,
                                                      const std::vector<std::string>& songs,
                                                      const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<std::string>> Lists() = 0;  // the charts with a list of No. 1s
  virtual Result<NumberOnesList> List(const std::string& chart) = 0;
  virtual Result<std::vector<std::pair<std::string, ChartReject>>> Rejects() = 0;
};
// Opens (creating when `create`) the feeds of a store directory; kNotFound when absent.
Result<std::unique_ptr<StoreFeeds>> OpenStoreFeeds(const std::string& store_dir, bool create);

// ---- the record: No. 1 in N countries within T hours -------------------------------------------

struct StoreTopsOptions {
  std::string store = "itunes", kind = "songs";
  int64_t within = 9000;            // seconds (2.5 hours)
  std::optional<int64_t> from;      // default: the first snapshot anywhere listing the song
  std::vector<std::string> ids;     // store ids that are the song besides its name
};
// A country's first snapshot with the song at No. 1 from the start.
struct CountryTop {
  std::string country;
  int64_t taken = 0;  // that snapshot's time
  int64_t after = 0;  // seconds from the start
  std::string taken_from, path;  // how its time was told; the file it came from
  // The country's snapshot before it (from the start): not at No. 1 there. 0: none since the
  // start (then `before_position` is 0 too). The song reached No. 1 between the two.
  int64_t before = 0;
  int before_position = 0;  // its position on that snapshot (0: not listed)
  std::string before_top;   // that snapshot's No. 1 ("Artist - Title")
  std::string title, artist, id;  // the entry as the feed printed it
};
struct StoreTopsResult {
  std::string query;  // as asked
  std::vector<std::string> songs, ids;  // the song keys and store ids matched
  std::vector<std::string> names;       // the names the feeds printed for it ("Artist - Title")
  int64_t start = 0;
  std::string start_from;  // "--from", or the first sighting: "first listed: US 2023-07-14T04:12:00Z at No. 3"
  int64_t within = 0;
  std::vector<CountryTop> tops;  // every country where it reached No. 1, by `after` then country
  size_t countries_seen = 0;     // countries with a snapshot within the window
  size_t snapshots_seen = 0;     // snapshots within the window
  std::vector<std::string> not_seen;  // countries with snapshots, none within the window
  size_t CountWithin(int64_t seconds) const;
};
// "Artist - Title" (or "Title" with a catalog) to the song keys the feeds are matched by: the
// catalog's song when it knows it (every version shares the key), else SongKey of the query.
std::vector<std::string> SongKeysOf(const Catalog* catalog, const std::string& query);
Result<StoreTopsResult> StoreTops(StoreFeeds& feeds, const Catalog* catalog,
                                  const std::string& query, const StoreTopsOptions& options);
// "2.5h", "90m", "150min", "2h30m", "2.5" (hours): seconds; nullopt when not a positive time.
std::optional<int64_t> ParseHours(std::string_view s);

}  // namespace encore
