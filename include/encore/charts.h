// Charts: published chart history (shared spec §6 and the publishers' own files), kept in the
// store; chart runs computed from positions (last week, peak, weeks on chart, streak); and the
// check of those against what the publishers printed. See doc/charts.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "encore/date.h"
#include "encore/status.h"

namespace encore {

// One entry of a chart as its publisher printed it.
struct ChartEntry {
  int position = 0;  // 1-based
  std::string title, artist;
  std::string id;  // the publisher's id of the entry where printed (Spotify's track URI)
  std::optional<int> last_week, peak, weeks;  // as printed; nullopt where none was printed
  std::optional<int64_t> metric;              // streams or points where printed
  std::string song;                           // the entry's identity on this chart: see EntryKey
  uint64_t line = 0;                          // line of its source file (0: not from a file)
  bool repaired = false;  // its position was restored, or it was reconstructed (RepairEditions)
};

// One chart edition: a chart name ("billboard-hot-100"), its date and its entries by position.
struct ChartEdition {
  std::string chart;
  Day date = 0;
  std::vector<ChartEntry> entries;
  // Rebuilt by RepairEditions from the next edition's last-week column (an edition the data
  // lacks): it holds only the entries that went on to the next edition.
  bool reconstructed = false;
};

// The identity of a chart entry from week to week: the normalised full title (versions and
// subtitles kept: a chart lists "Patricia" and "Patricia - Twist" apart) and the normalised lead
// artist. Entries that share a publisher's id are joined besides (LinkIdentities).
std::string EntryKey(const std::string& artist, const std::string& title);

// Whether a chart date is plausible: from 1900-01-01 to a year after today (the system clock).
// Rows dated outside are rejected at import.
bool PlausibleChartDate(Day d);

// A problem in a chart file: file, 1-based line (0: the file as a whole), reason.
struct ChartIssue {
  std::string file;
  uint64_t line = 0;
  std::string reason;
  std::string ToString() const;
};

// The formats ReadChartFile recognises, by their content (a CSV header, a JSON document's keys).
enum class ChartFileFormat {
  kSpec,             // shared spec §6: chart,date,position,title,artist,last_week,peak,weeks
  kHot100,           // chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart
  kBillboard200Old,  // date,title,artist,current,previous,peak,weeks,new (previous 0: new)
  // chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart: utdata's weekly
  // files of the Billboard 200 and of the Hot 100 alike (the chart comes from the path or rows)
  kBillboard200New,
  kSpotifyWeekly,   // rank,uri,artist_names,track_name,source,peak_rank,previous_rank,...
  kUk,              // chart_date,position ("Number1"),title,artist,last_week,peak_position,...
  kSpotifyDaily,    // the current site's daily files: ...,previous_rank,days_on_chart,streams
  kSpotifyLegacy,   // the old site's downloads: Position,"Track Name",Artist,Streams,URL
  kSpotifyDataset,  // all regions and dates: title,rank,date,artist,url,region,chart,trend,streams
  kBillboardJson,   // {"date", "data": [{song, artist, this_week, last_week, ...}]}, or an array
};
// The format's name for people ("Spotify Charts daily").
std::string ChartFormatName(ChartFileFormat format);

// A row of a chart file that could not be read: kept with its line, reason and text.
struct ChartReject {
  uint64_t line = 0;
  std::string reason, text;
};

struct ChartFile {
  ChartFileFormat format = ChartFileFormat::kSpec;
  std::string fingerprint;             // XXH3-128 of the decompressed content
  std::vector<ChartEdition> editions;  // by chart and date
  uint64_t rows = 0;                   // rows read into editions
  std::vector<ChartReject> rejects;    // malformed rows, by line
};

// Reads a published chart file (plain, .gz or .zst) in any format above. `chart` names the chart
// for formats that do not (default: billboard-hot-100, billboard-200, spotify-<region>-weekly
// from the file name, uk-singles or uk-albums from the file name). A malformed row is rejected
// (ChartFile::rejects) and the rest is read; a file that is not a chart file at all (unknown
// header, no date where the format needs one from the name, no rows) is kDataError with the
// problem in *issues.
Result<ChartFile> ReadChartFile(const std::string& path, const std::string& chart,
                                std::vector<ChartIssue>* issues);

// Receives a chart file's editions as they are read (StreamChartFile).
class ChartSink {
 public:
  virtual ~ChartSink() = default;
  // Entries of one edition, by position. A file that lists one edition in places far apart hands
  // it over in parts, each adding to the ones before. An error stops the reading.
  virtual Status Add(ChartEdition part) = 0;
  // A malformed row, with its line and reason. An error stops the reading (strict mode).
  virtual Status Reject(ChartReject reject) = 0;
};

struct ChartReadOptions {
  // The chart for formats that do not name one. Default: told by the file (doc/charts.md):
  // its name and folder, the layout, the size of its first edition.
  std::string chart;
  // Rows held before the editions read are handed to the sink (the one still being read stays).
  // Default: 65,536; memory is bounded by it, whatever the file's size.
  size_t flush_rows = 65536;
};

// What a streamed chart file was.
struct ChartFileSummary {
  ChartFileFormat format = ChartFileFormat::kSpec;
  std::string fingerprint;  // XXH3-128 of the decompressed content, as ChartFile's
  uint64_t rows = 0;        // rows handed over in editions
  uint64_t rejects = 0;     // rows rejected
  std::string chart_from;   // how the chart was told, for people ("the path names it")
};

// Reads a chart file of any format above in bounded memory (lines over 1 MiB are rejected, not
// held), handing its editions to `sink` as they are read. A file that is not a chart file, or
// whose chart cannot be told (a layout shared by charts, with nothing in the path or rows to tell
// which), is kDataError with the problem in *issues, and nothing of it handed over.
Result<ChartFileSummary> StreamChartFile(const std::string& path, const ChartReadOptions& options,
                                         ChartSink* sink, std::vector<ChartIssue>* issues);

// The XXH3-128 of a file's decompressed content (ChartFile::fingerprint), read in blocks.
Result<std::string> ChartFileFingerprint(const std::string& path);

// What the chart history holds.
struct ChartSummary {
  std::string chart;
  size_t editions = 0, entries = 0;
  Day first = 0, last = 0;
};
// An edition imported again from another file, with different entries (by identity, EntryKey).
struct ChartEditionChange {
  std::string chart;
  Day date = 0;
  size_t added = 0, removed = 0, moved = 0;  // entries new, gone, at another position
  size_t reprinted = 0;  // entries at their position printing another last week, peak or weeks
};
struct ChartImportReport {
  bool already_imported = false;  // the same content was imported before: nothing changed
  size_t editions = 0, entries = 0;
  size_t replaced = 0;  // editions that replaced ones imported before from another file
  std::vector<std::string> charts;
  size_t unchanged = 0;                     // of the replaced: the same entries again
  std::vector<ChartEditionChange> changes;  // of the replaced: different entries
  // Nothing was imported: editions would have been replaced with different entries (`changes`)
  // and the import was not told to replace them.
  bool refused = false;
};
struct ChartImportOptions {
  // Replace editions imported before with different entries. Default: no (the file is refused,
  // and ChartImportReport::changes says what would have changed).
  bool replace = false;
};

// One file's import into the chart history: one transaction, rolled back unless committed.
// Not safe for concurrent use; the history must outlive it.
class ChartImport : public ChartSink {
 public:
  // Ends the import: commits it, or rolls it back when it would replace editions with different
  // entries unpermitted (report.refused). `rows` is recorded for the file.
  virtual Result<ChartImportReport> Commit(uint64_t rows) = 0;
};

// The chart history kept in a store directory (charts.sqlite).
class ChartHistory {
 public:
  virtual ~ChartHistory() = default;
  // Imports one file's editions in one transaction; a file is imported once (by content).
  // An edition imported again from another file replaces the earlier one (as --replace).
  virtual Result<ChartImportReport> Import(const ChartFile& file, const std::string& path) = 0;
  // Whether a file of this content was imported.
  virtual Result<bool> Imported(const std::string& fingerprint) = 0;
  // Starts importing a file's editions (streamed in through the ChartImport's sink side).
  virtual Result<std::unique_ptr<ChartImport>> BeginImport(const std::string& fingerprint,
                                                           const std::string& path,
                                                           const ChartImportOptions& options) = 0;
  virtual Result<std::vector<ChartSummary>> Charts() = 0;
  // Links every chart identity (song key) to a catalog track by name resolution (Resolve on
  // "artist - title"): new identities, and those not linked before (the catalog may have grown).
  // Identities the catalog does not know are kept as chart songs of their own. Returns
  // (identities, linked to the catalog).
  virtual Result<std::pair<size_t, size_t>> LinkSongs(const class Catalog& catalog) = 0;
  // The identities linked to any of these catalog track ids.
  virtual Result<std::vector<std::string>> SongsOfTracks(const std::vector<std::string>& ids) = 0;
  // The rejected rows of every imported file: (file path, reject).
  virtual Result<std::vector<std::pair<std::string, ChartReject>>> Rejects() = 0;
  // Every imported edition (not compiled ones) with the file it came from, by the file's import
  // order, then date and chart: what chart streams are synced from (encore/chart_streams.h).
  struct EditionSource {
    std::string chart;
    Day date = 0;
    int64_t source = 0;  // the file's import number
    std::string fingerprint, path;
  };
  virtual Result<std::vector<EditionSource>> EditionSources() = 0;
  // Every publisher id of chart entries (Spotify's track URI), by id: its title and artist as
  // printed on its latest edition, and the catalog track its identity is linked to (LinkSongs;
  // empty when none; an id of two identities: the first track id).
  struct TrackLink {
    std::string id, title, artist, track_id;
  };
  virtual Result<std::vector<TrackLink>> TrackLinks() = 0;
  // Every edition of a chart in date order, optionally within [from, to].
  // Compiled charts: the inputs token a chart family's date was compiled from (nullopt: never),
  // and storing dates' editions (one per region, replacing a date's earlier ones) with their
  // tokens: a batch of dates in one transaction (one commit, so one set of fsyncs, for a month of
  // daily charts in 71 regions).
  virtual Result<std::optional<std::string>> CompiledInputs(const std::string& family,
                                                            Day date) = 0;
  struct CompiledDate {
    Day date = 0;
    std::string inputs;
    std::vector<ChartEdition> editions;
  };
  virtual Status StoreCompiled(const std::string& family,
                               const std::vector<CompiledDate>& dates) = 0;
  virtual Result<std::vector<ChartEdition>> Editions(const std::string& chart,
                                                     std::optional<Day> from = std::nullopt,
                                                     std::optional<Day> to = std::nullopt) = 0;
};
// Opens (creating when `create`) the chart history of a store directory.
Result<std::unique_ptr<ChartHistory>> OpenChartHistory(const std::string& store_dir, bool create);

// One identity for entries that share a key or a publisher id (Spotify's track URI), so that a
// song keeps its run when the publisher changes its title or credit, or its id.
std::vector<ChartEdition> LinkIdentities(std::vector<ChartEdition> editions);

// Repairs of known defects of published chart data, made from the publisher's own columns:
// - a missing edition (the next edition's printed last-week column disagrees with the edition
//   before it for most rows, at most two periods back): reconstructed from that column (the
//   entries that went on to the next edition, at their printed last-week positions), dated a
//   period before the next edition, or the day before it when the data has no room for it;
// - repeated rows (one identity at one position more than once: a source's join): one kept;
// - a short edition (fewer entries than usual, the positions below the missing entry renumbered
//   in the source): positions restored from the next edition's last-week column, and the
//   missing entry put back when it is on the next edition;
// - an entry one place off (a tie the source numbered apart, or its renumbering): moved to the
//   place the next edition's printed last week gives, unless its own printed peak contradicts
//   it; two entries may then share a position.
// Reconstructed editions are marked ChartEdition::reconstructed; moved and put-back entries
// ChartEntry::repaired.
struct ChartRepair {
  Day date = 0;      // the edition repaired or reconstructed
  std::string what;  // "reconstructed 98 entries of a missing edition", …
  size_t rows = 0;   // entries whose position was restored or which were reconstructed
};
std::vector<ChartEdition> RepairEditions(std::vector<ChartEdition> editions,
                                         std::vector<ChartRepair>* repairs);

// An entry's run statistics as computed from the positions of the editions before it.
struct RunStats {
  std::optional<int> last;  // position on the previous edition; nullopt when not on it
  int peak = 0;             // best position so far, this edition included
  int weeks = 0;            // editions on the chart so far (cumulative over all runs)
  int streak = 0;           // consecutive editions on the chart up to this one
  int weeks_at_peak = 0;    // editions so far at the current peak position
  bool debut = false;       // first edition on the chart
  bool reentry = false;     // back after being off the chart
  bool carried_in = false;  // its earlier history came from the printed columns (below)
  bool new_run = false;     // back after being off, printed as new: counted from scratch (below)
  bool resumed = false;     // back after a new run, counted on from the run before it (below)
};
// Stats for every entry of `editions` (in date order), by edition and position index, from the
// positions alone, except where the data cannot know a song's earlier history. The data starts
// at its first edition and resumes after each gap (no edition for more than one and a half
// periods: IsGap); nothing links across a gap (no last week, streaks end). On an edition where
// the data starts or resumes, and for a song never seen that prints more weeks on chart than the
// data has editions since then, an entry that prints both weeks (above 1) and peak carries them
// in as printed, with its printed last week (marked carried_in); the weeks after count on from
// them. One that prints only one of them carries in nothing. A song back after being off the
// chart that the publisher prints as new (weeks 1, no last week, peak at its position) starts a
// new run from scratch, as the publisher counts it (a re-release): marked new_run. Such a song
// back again printing the count of the run before the restart plus one (and that run's peak)
// resumes that count, the restarted run set apart (marked resumed). An identity the data has
// never seen carries in its printed history at any time. A song back after an absence spanning
// a reconstructed edition that prints one week more than counted was on that edition: the week
// counts (the edition's entries are those that went on to the next one; its place is unknown).
std::vector<std::vector<RunStats>> ComputeRuns(const std::vector<ChartEdition>& editions);
// Whether two consecutive editions of a chart whose usual period is `period` days have a gap
// between them: more than one and a half periods (a weekly chart: more than 10 days).
bool IsGap(Day before, Day after, int period);
// A song's run on one chart: every edition of the data it is on, summed up from ComputeRuns, so
// that every command and record reads the same figures. Where the song's history before the
// data was carried in (RunStats::carried_in on its first edition), its debut is before the data
// (`debut_in_data` false) and its peak and weeks include the printed ones; weeks at No. 1 are
// counted in the data only, and where the carried-in peak is No. 1 there may be more before
// (`weeks_at_1_before`). A chart's period decides the unit: a daily chart's "weeks" are days.
struct ChartRun {
  std::string song;              // the identity (ChartEntry::song after LinkIdentities)
  std::string title, artist;     // as printed on its last edition
  Day first = 0, last = 0;       // its first and last edition in the data
  int first_position = 0;        // its position on its first edition in the data
  bool debut_in_data = true;     // false: it was on the chart before the data starts or resumes
  bool carried_in = false;       // some of its history was carried in from the printed columns
  int peak = 0;                  // best position (carried-in peak included)
  std::optional<Day> peak_date;  // first edition at its peak; nullopt: only before the data
  int weeks_at_peak = 0;
  int weeks = 0;                   // editions on the chart over all its runs (carried-in included)
  int weeks_at_1 = 0;              // editions at No. 1 in the data
  bool weeks_at_1_before = false;  // carried in a peak of No. 1: weeks at No. 1 before the data
  int longest_streak = 0;          // consecutive editions on the chart
  int longest_at_1 = 0;            // consecutive editions at No. 1
  std::vector<Day> reentries;      // editions where it came back after being off
  std::vector<Day> new_runs;       // editions where the publisher restarted its count (new_run)
  std::vector<Day> exits;          // editions after which it was off (not the data's last)
  std::vector<std::pair<Day, int>> positions;  // (edition, position), in date order
};
// The run of every identity of `editions` (in date order), in order of first appearance;
// `runs` is ComputeRuns(editions). `wanted`, when given, limits it to those identities.
std::vector<ChartRun> SongRuns(const std::vector<ChartEdition>& editions,
                               const std::vector<std::vector<RunStats>>& runs,
                               const std::function<bool(const std::string&)>& wanted = nullptr);
// The usual number of days between a chart's editions (7 for a weekly chart, 1 for a daily one).
int ChartPeriod(const std::vector<ChartEdition>& editions);

// "NEW", "RE", "=", "+3", "-2": an entry's movement.
std::string Movement(const RunStats& s, int position);

// The check of the printed columns against the ones computed from the positions.
struct VerifyOptions {
  // Columns checked. Default: last week, peak and weeks (Billboard). Spotify's weeks_on_chart is
  // checked as cumulative weeks too; `weeks_as_streak` checks it as a streak instead.
  bool weeks_as_streak = false;
  // Repair missing and short editions first (RepairEditions). Default: yes.
  bool repair = true;
};
struct Disagreement {
  Day date = 0;
  ChartEntry entry;
  RunStats computed;
  std::string cls;  // the class: see doc/charts.md
};
struct VerifyReport {
  std::string chart;
  size_t editions = 0;
  size_t rows = 0;               // rows checked: printed rows whose history the data holds
  size_t carried_in = 0;         // printed rows not checked: their history carried in (ComputeRuns)
  bool nothing_printed = false;  // no entry prints last week, peak or weeks: nothing checked
  size_t agree = 0;              // rows agreeing on every printed column
  size_t last_agree = 0, peak_agree = 0, weeks_agree = 0;  // per column
  size_t last_rows = 0, peak_rows = 0, weeks_rows = 0;     // rows that print the column
  std::map<std::string, size_t> classes;                   // class -> rows
  std::vector<ChartRepair> repairs;                        // what was repaired before the check
  std::vector<Disagreement> disagreements;                 // every one, in date and position order
};
VerifyReport VerifyChart(const std::string& chart, const std::vector<ChartEdition>& editions,
                         const VerifyOptions& options);

}  // namespace encore
