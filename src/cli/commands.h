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
#include "sim/world.h"
#include "views/views.h"

namespace encore::cli {

using Action = std::function<Status()>;

// The views the commands print (views/views.h: the same as the HTTP API's).
using views::ArtistJson;
using views::ChartRunsJson;
using views::ChartSongsOfTrack;
using views::FindTracks;
using views::NewsJson;
using views::ResolutionJson;
using views::StandingJson;
using views::TrackJson;

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

// A date flag's value, YYYY-MM-DD (kInvalidArgument naming the flag otherwise).
Result<Day> ParseDateFlag(const std::string& flag, const std::string& value);

void AddChart(CLI::App& app, Action* action);
void AddRecords(CLI::App& app, Action* action);
void AddListeners(CLI::App& app, Action* action);  // `encore listeners` (records_commands.cc)
void AddNews(CLI::App& app, Action* action);
void AddCheck(CLI::App& app, Action* action);
// Prints news items (the last `limit`) as a table or JSON.
Status PrintNews(const std::vector<NewsItem>& items, const std::string& format, size_t limit);

// `encore serve`, and the server `encore demo` ends with: serves until SIGINT or SIGTERM.
void AddServe(CLI::App& app, Action* action);
Status ServeStore(const server::ServeOptions& o, const std::string& banner);

// `--format table|json|csv` and `--table NAME` for a command that prints a JSON view: csv is the
// table of that view (views::TableCsv; `--table` names which, as the API's table=), which main()
// makes of what the command prints as json, so that every such command gives CSV alike.
void AddViewFormat(CLI::App* cmd, std::string* format);
// Set while the command line is parsed when a command added by AddViewFormat was given --format csv.
struct CsvOfView {
  bool wanted = false;
  std::string table;
};
CsvOfView& CsvOfViewAsked();

// Exit status 1: the command finished but some input could not be read at all.
Status PartialFailure(std::string message);

}  // namespace encore::cli
