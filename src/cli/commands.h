// The encore subcommands. Each registers itself on the CLI11 app and returns, when run, a Status
// that main() turns into an exit code (the one table: doc/cli.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/methodology.h"
#include "encore/records.h"
#include "encore/simulate.h"
#include "encore/status.h"
#include "encore/store.h"
#include "server/server.h"

namespace encore::cli {

using Action = std::function<Status()>;

// Each adds a subcommand and stores what to run in *action when it is chosen.
void AddSimulate(CLI::App& app, Action* action);
void AddIngest(CLI::App& app, Action* action);
void AddSeal(CLI::App& app, Action* action);
void AddStreams(CLI::App& app, Action* action);
void AddExport(CLI::App& app, Action* action);
void AddRejects(CLI::App& app, Action* action);
void AddStatus(CLI::App& app, Action* action);
void AddDemo(CLI::App& app, Action* action);
void AddCatalog(CLI::App& app, Action* action);
void AddArtist(CLI::App& app, Action* action);
void AddResolve(CLI::App& app, Action* action);
void AddTrack(CLI::App& app, Action* action);
void AddRelease(CLI::App& app, Action* action);

// Prints an artist's profile (kind, country, groups, personas, releases, tracks and, when a
// count store is given, their streams), as a table or as JSON.
Status PrintArtist(const Catalog& c, const Artist& a, const CountStore* store, bool as_json);

// The world `--world` names: "demo" (the demo world built into the binary) or a catalog
// directory; and the tracks of a catalog as the simulator plays them (songs rank in catalog order,
// other versions of a song a tenth as popular).
Result<Catalog> LoadWorld(const std::string& world);
std::vector<WorldTrack> WorldTracks(const Catalog& c);
// What a world's daily totals and launch sales must tell (its stories.csv; doc/records.md).
struct WorldStories {
  std::vector<TrackStory> tracks;
  std::vector<ArtistStory> artists;
  std::vector<LaunchStory> launches;
};
Result<WorldStories> ParseStories(std::string_view text, const std::string& file, const Catalog& c);
// The demo's built-in stories, or DIR/stories.csv (none when the file does not exist).
Result<WorldStories> LoadStories(const std::string& world, const Catalog& c);
// Writes the demo world's catalog files (and its stories.csv) into dir.
Status WriteDemoCatalog(const std::string& dir);

// A date flag's value, YYYY-MM-DD (kInvalidArgument naming the flag otherwise).
Result<Day> ParseDateFlag(const std::string& flag, const std::string& value);

void AddChart(CLI::App& app, Action* action);
void AddRecords(CLI::App& app, Action* action);
void AddListeners(CLI::App& app, Action* action);  // `encore listeners` (records_commands.cc)
void AddNews(CLI::App& app, Action* action);
void AddCheck(CLI::App& app, Action* action);
// Prints news items (the last `limit`) as a table or JSON.
Status PrintNews(const std::vector<NewsItem>& items, const std::string& format, size_t limit);

// The JSON views the commands print with --format json and the HTTP API serves.
nlohmann::json NewsJson(const NewsItem& n);
// A leaderboard place; `value` names the ranked column ("days", "streams").
nlohmann::json StandingJson(const RecordsUniverse& u, const Standing& s, const std::string& value);
// A catalog artist and track, with the streams a count store holds for them (store: null).
Result<nlohmann::json> ArtistJson(const Catalog& c, const Artist& a, const CountStore* store);
Result<nlohmann::json> TrackJson(const Catalog& c, const Track& t, const CountStore* store);
// The catalog's tracks a name gives: a track id or ISRC, "Artist - Title" (the match, else the
// song's versions), or a title (that song's tracks; of the version it names, if any).
std::vector<const Track*> FindTracks(const Catalog& c, const std::string& name);
// What `encore resolve --format json` prints for a query and its resolution.
nlohmann::json ResolutionJson(const std::string& query, const Resolution& r);

// Compiled charts: the region asked for (`country`, else the methodology's first region) and the
// chart date `flag` means (a date: the chart dated on or before it; empty: the latest chart whose
// whole period is counted); kNotFound when the store has no counts for it.
std::string RegionOf(const ChartMethod& m, Day date, const std::string& country);
Result<Day> CompiledDate(const ChartMethod& m, const CountStore& store, const std::string& flag);
// Where a region's streams end, for an empty edition (issue 18): the last day with streams in
// `region` (a country; else anywhere) and the date of the edition whose period holds it.
struct RegionEnd {
  std::optional<Day> last;  // nullopt: none in the store's last 400 days
  Day edition = 0;
  std::string where;        // "in KR", "anywhere"
};
Result<RegionEnd> EndOfRegion(const ChartMethod& m, const CountStore& store, const std::string& region);
// What an empty edition of `region` counting from..to says, and, when no date was asked for
// (`date_given` false) and the region's streams end before it, the date of the edition to show
// instead: the CLI's and the API's one rule.
struct EmptyEdition {
  std::string note;
  std::optional<Day> instead;
};
Result<EmptyEdition> WhenEmpty(const ChartMethod& m, const CountStore& store, const std::string& region,
                               Day from, Day to, bool date_given);

// `encore serve`, and the server `encore demo` ends with: serves until SIGINT or SIGTERM.
void AddServe(CLI::App& app, Action* action);
Status ServeStore(const server::ServeOptions& o, const std::string& banner);

// Chart runs on kept charts (`encore chart run --format json`): the chart songs linked to any
// version of a catalog track's song, and per chart of `names` and identity that `matches` picks
// (judged on the entries as stored): debut, peak, weeks, weeks at No. 1, longest streak,
// re-entries, exits and every position, in order of debut.
Result<std::set<std::string>> ChartSongsOfTrack(ChartHistory& history, const Catalog& catalog,
                                                const Track& t);
Result<nlohmann::json> ChartRunsJson(ChartHistory& history, const std::vector<std::string>& names,
                                     const std::function<bool(const ChartEntry&)>& matches);

// Exit status 1: the command finished but some input could not be read at all.
Status PartialFailure(std::string message);

}  // namespace encore::cli
