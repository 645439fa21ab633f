// encore: the command line. The one place where errors become exit codes.
#include <CLI/CLI.hpp>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>
#include <exception>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "common/strings.h"
#include "common/text.h"
#include "store/clickhouse_client.h"

namespace {

// The exit-code table (doc/cli.md).
int ExitCode(const encore::Status& s) {
  using encore::StatusCode;
  if (s.ok()) return 0;
  if (s.message().rfind("partial:", 0) == 0) return 1;
  switch (s.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 2;
    case StatusCode::kDataError:
      return 3;
    case StatusCode::kNotFound:
      return 4;
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kInternal:
    case StatusCode::kUnavailable:
      return 5;
  }
  return 5;
}

// A batch command (ingest, compile, records) allocates and frees big arrays over and over: glibc
// would map each from the kernel and unmap it when freed, so that every use pays for fresh pages
// (page faults and zeroing: a fifth of an ingest's time on a high-cardinality log). Kept in the
// heap instead, freed memory is reused. A long-running server keeps the defaults, which give
// memory back, and so does `demo`, which ends by serving.
void KeepFreedMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
}

// What a parse error was about, in words a person can act on: an unknown command or option
// with the nearest known ones, or a value not in a list with the nearest of its members.
// "" when there is nothing better to say than CLI11's own message.
std::string Suggestion(CLI::App& app, int argc, char** argv, const CLI::ParseError& e) {
  // A value not in a list: CLI11's "--kind: bogus not in {a,b,c}".
  const std::string what = e.what();
  if (const size_t at = what.find(" not in {"); at != std::string::npos && what.back() == '}') {
    const size_t colon = what.rfind(": ", at);
    const std::string value = what.substr(colon == std::string::npos ? 0 : colon + 2,
                                          at - (colon == std::string::npos ? 0 : colon + 2));
    std::vector<std::string> members;
    std::string list = what.substr(at + 9, what.size() - at - 10);
    for (size_t p = 0; p <= list.size();) {
      size_t q = list.find(',', p);
      if (q == std::string::npos) q = list.size();
      members.push_back(list.substr(p, q - p));
      p = q + 1;
    }
    return what + encore::DidYouMean(value, members);
  }
  // Walk the words as CLI11 did: commands while they name one, then options.
  CLI::App* at = &app;
  std::string path = "encore";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      const std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
      bool known = false;
      std::vector<std::string> options;
      for (const CLI::App* c = at; c != nullptr; c = c->get_parent()) {
        for (const CLI::Option* o : c->get_options()) {
          for (const auto& l : o->get_lnames()) {
            options.push_back("--" + l);
            known |= l == name;
          }
        }
      }
      if (!known) {
        return path + ": unknown option --" + name + encore::DidYouMean("--" + name, options) + "; " +
               path + " --help lists them";
      }
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    std::vector<std::string> commands;
    CLI::App* next = nullptr;
    for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; })) {
      commands.push_back(sub->get_name());
      if (sub->check_name(a)) next = sub;
    }
    if (next) {
      at = next;
      path += " " + a;
      continue;
    }
    // A word that names no command where a command is wanted (the command takes no positional
    // argument that it could be).
    const bool positional = !at->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
    const std::string near = commands.empty() ? "" : encore::NearestWords(a, commands);
    if (!commands.empty() && (!positional || !near.empty())) {
      // (A command that also takes a word of its own, `chart NAME`: only a near miss of one of
      // its commands is taken for a mistyped command.)
      return path + ": unknown command '" + a + "'" + encore::DidYouMean(a, commands) +
             "; " + path + " --help lists the commands";
    }
  }
  return "";
}

}  // namespace

// A store named like a URL must be a ClickHouse URL that parses: "http://…" or "clickhouse:/…"
// would otherwise become a local directory of that name, created in silence.
static encore::Status CheckStoreName(const std::string& store, const char* where) {
  const size_t colon = store.find(':');
  bool scheme = colon != std::string::npos && colon > 0 && colon + 1 < store.size() &&
                store[colon + 1] == '/';
  for (size_t i = 0; scheme && i < colon; ++i) {
    const char c = store[i];
    scheme = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  }
  if (encore::IsClickHouseUrl(store)) return encore::ParseClickHouseUrl(store).status();
  if (scheme) {
    return encore::Status::InvalidArgument(
        std::string(where) + " '" + store.substr(0, 200) +
        "' is neither a directory nor a store URL: a ClickHouse store is "
        "clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE[?cluster=NAME]");
  }
  return encore::Status::Ok();
}

// `urls`: the ClickHouse stores named, for CheckStoresAnswer.
static encore::Status CheckStoreNames(int argc, char** argv, std::vector<std::string>* urls) {
  bool flag = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::optional<std::string> value;
    if (a == "--store" && i + 1 < argc) value = argv[++i];
    if (a.rfind("--store=", 0) == 0) value = a.substr(8);
    if (!value) continue;
    flag = true;
    ENCORE_RETURN_IF_ERROR(CheckStoreName(*value, "--store"));
    if (encore::IsClickHouseUrl(*value)) urls->push_back(*value);
  }
  const char* env = std::getenv("ENCORE_STORE");
  if (!flag && env && *env) {
    ENCORE_RETURN_IF_ERROR(CheckStoreName(env, "$ENCORE_STORE"));
    if (encore::IsClickHouseUrl(env)) urls->push_back(env);
  }
  return encore::Status::Ok();
}

// A ClickHouse store's coordinator answers before anything is written: the commands that keep
// only side data (catalog import, chart import) would otherwise fill a side directory for a
// server that is not there. (A database without a store yet is fine: a catalog may come first.)
static encore::Status CheckStoresAnswer(const std::vector<std::string>& urls) {
  for (const auto& url : urls) {
    ENCORE_ASSIGN_OR_RETURN(auto ep, encore::ParseClickHouseUrl(url));
    encore::ClickHouseClient coordinator(ep.hosts.front(), ep);
    encore::Status st = coordinator.Query("SELECT 1").status();
    if (st.code() == encore::StatusCode::kUnavailable) {
      return encore::Status::Unavailable(
          "ClickHouse at " + coordinator.Name() + " does not answer, so nothing was done (is the "
          "server running? scripts/clickhouse-cluster.sh status DIR shows a local cluster's)");
    }
    ENCORE_RETURN_IF_ERROR(st);
  }
  return encore::Status::Ok();
}

int main(int argc, char** argv) {
  CLI::App app{"encore: stream counts, charts and records from music listening data"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "encore 0.1.0");
  encore::cli::Action action;
  encore::cli::AddDemo(app, &action);
  encore::cli::AddSimulate(app, &action);
  encore::cli::AddIngest(app, &action);
  encore::cli::AddSeal(app, &action);
  encore::cli::AddStreams(app, &action);
  encore::cli::AddExport(app, &action);
  encore::cli::AddRejects(app, &action);
  encore::cli::AddStatus(app, &action);
  encore::cli::AddCatalog(app, &action);
  encore::cli::AddArtist(app, &action);
  encore::cli::AddResolve(app, &action);
  encore::cli::AddTrack(app, &action);
  encore::cli::AddRelease(app, &action);
  encore::cli::AddChart(app, &action);
  encore::cli::AddRecords(app, &action);
  encore::cli::AddListeners(app, &action);
  encore::cli::AddNews(app, &action);
  encore::cli::AddCheck(app, &action);
  encore::cli::AddServe(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      if (const std::string said = Suggestion(app, argc, argv, e); !said.empty()) {
        std::fprintf(stderr, "%s\n", encore::Printable(said).c_str());
        return 2;
      }
    }
    return app.exit(e) == 0 ? 0 : 2;  // 0 for --help/--version, 2 (usage) otherwise
  }
  std::vector<std::string> urls;
  if (encore::Status bad = CheckStoreNames(argc, argv, &urls); !bad.ok()) {
    std::fprintf(stderr, "encore: %s\n", encore::Printable(bad.message()).c_str());
    return 2;
  }
  if (encore::Status down = CheckStoresAnswer(urls); !down.ok()) {
    std::fprintf(stderr, "encore: %s\n", encore::Printable(down.message()).c_str());
    return ExitCode(down);
  }
  // (`demo` ends by serving the dashboard.)
  if (!app.got_subcommand("serve") && !app.got_subcommand("demo")) KeepFreedMemory();
  encore::Status status;
  // --format csv of a command's JSON view: what it prints as json, as the table of that view.
  const encore::cli::CsvOfView csv = encore::cli::CsvOfViewAsked();
  if (!csv.table.empty() && !csv.wanted) {
    std::fprintf(stderr, "encore: --table %s names a table of the CSV: give --format csv too\n",
                 encore::Printable(csv.table).c_str());
    return 2;
  }
  std::ostringstream printed;
  std::streambuf* terminal = csv.wanted ? std::cout.rdbuf(printed.rdbuf()) : nullptr;
  try {
    status = action();
  } catch (const std::exception& e) {
    status = encore::Status::Internal(e.what());
  }
  if (terminal) {
    std::cout.rdbuf(terminal);
    if (!printed.str().empty()) {
      const auto view = nlohmann::json::parse(printed.str(), nullptr, false);
      auto table = view.is_discarded()
                       ? encore::Result<std::string>(encore::Status::Internal(
                             "this command's JSON could not be read back to give it as CSV"))
                       : encore::views::TableCsv(view, csv.table);
      if (table.ok()) {
        std::cout << *table;
        // An empty table says so, and why where the view says (its notes), on standard error.
        if (table->empty() && status.ok()) {
          std::string why;
          if (view.is_object() && view.contains("notes") && view["notes"].is_array()) {
            for (const auto& n : view["notes"])
              if (n.is_string()) why += "; " + n.get<std::string>();
          }
          std::fprintf(stderr, "encore: the table is empty%s\n", encore::Printable(why).c_str());
        }
      } else if (status.ok()) {
        status = table.status();
      }
    }
  }
  if (!status.ok()) {
    encore::RemoveUnusedSideDirs();
    std::string msg = status.message();
    if (msg.rfind("partial:", 0) == 0) msg = msg.substr(8);
    std::fprintf(stderr, "encore: %s\n", encore::Printable(msg).c_str());
  }
  return ExitCode(status);
}
