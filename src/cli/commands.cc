#include "cli/commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/format.h"
#include "common/byte_source.h"
#include "common/time_zone.h"
#include "encore/chart_streams.h"
#include "encore/ingest.h"
#include "encore/query.h"
#include "encore/sales.h"
#include "encore/simulate.h"
#include "encore/store.h"
#include "store/clickhouse_client.h"

namespace encore::cli {

Result<Day> ParseDateFlag(const std::string& flag, const std::string& value) {
  auto d = ParseDate(value);
  if (!d) return Status::InvalidArgument(flag + " takes a date YYYY-MM-DD, not '" + value + "'");
  return *d;
}

namespace {

Result<std::optional<Day>> OptionalDate(const std::string& flag, const std::string& value) {
  if (value.empty()) return std::optional<Day>();
  ENCORE_ASSIGN_OR_RETURN(Day d, ParseDateFlag(flag, value));
  return std::optional<Day>(d);
}

Result<std::unique_ptr<CountStore>> OpenForReading(const std::string& flag) {
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  return OpenStore(DefaultStoreDir(flag), o);
}

// Progress on a terminal: one line, redrawn at most five times a second.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled && ::isatty(2)) {}
  ~ProgressLine() { Clear(); }
  std::function<void(const std::string&, uint64_t, uint64_t)> Callback() {
    if (!enabled_) return {};
    return [this](const std::string& path, uint64_t done, uint64_t total) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_ < std::chrono::milliseconds(200)) return;
      last_ = now;
      const double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 0;
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      std::string bar(static_cast<size_t>(filled), '#');
      bar.resize(width, ' ');
      std::fprintf(stderr, "\r%s [%s] %3.0f%% %s / %s   ", Printable(path).c_str(), bar.c_str(),
                   frac * 100,
                   Bytes(static_cast<double>(done)).c_str(),
                   Bytes(static_cast<double>(total)).c_str());
      std::fflush(stderr);
      drawn_ = true;
    };
  }
  void Clear() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// A rejected line as a table shows it: on one line, control characters escaped, cut at 1,000
// bytes (`encore rejects --format raw` gives it whole).
std::string Shown(const std::string& text) {
  constexpr size_t kShown = 1000;
  if (text.size() <= kShown) return Printable(text, /*collapse_space=*/true);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return Printable(std::string_view(text).substr(0, cut), true) + "… (" +
         Thousands(static_cast<int64_t>(text.size())) + " bytes kept; --format raw for all)";
}

void PrintSummary(const FileOutcome& f, bool have_catalog) {
  const SourceSummary& s = f.source.summary;
  const std::string path = Printable(f.path);
  auto n = [](uint64_t v) { return Thousands(static_cast<int64_t>(v)); };
  switch (f.state) {
    case FileOutcome::State::kFailed:
      std::printf("%s: FAILED: %s\n", path.c_str(), Printable(f.error.message()).c_str());
      return;
    case FileOutcome::State::kAlreadyIngested:
      std::printf("%s: already ingested (fingerprint %s), nothing to do\n", path.c_str(),
                  f.source.fingerprint.substr(0, 16).c_str());
      return;
    case FileOutcome::State::kIngested:
      break;
  }
  std::printf("%s: ingested as %s (fingerprint %s)\n", path.c_str(), f.source.kind.c_str(),
              f.source.fingerprint.substr(0, 16).c_str());
  for (const auto& w : f.warnings) std::printf("  warning: %s\n", Printable(w).c_str());
  const bool totals = f.source.kind == "daily-csv";
  std::printf("  lines read %s, %s %s, ", n(s.lines).c_str(), totals ? "rows" : "plays",
              n(s.plays).c_str());
  if (totals) {
    std::printf("streams added %s\n", n(s.counted).c_str());
  } else {
    std::printf("streams counted %s, plays capped %s, short plays %s\n", n(s.counted).c_str(),
                n(s.capped).c_str(), n(s.short_plays).c_str());
  }
  if (s.duplicates) {
    std::printf("  streams already taken in (an earlier export, or a repeat) %s: not counted again\n",
                n(s.duplicates).c_str());
  }
  if (s.skipped) {
    std::printf("  skipped (not plays of music) %s", n(s.skipped).c_str());
    std::string sep = ": ";
    for (size_t i = 0; i < kSkipKindCount; ++i) {
      if (!s.skipped_by[i]) continue;
      std::printf("%s%s %s", sep.c_str(),
                  std::string(SkipKindName(static_cast<SkipKind>(i))).c_str(),
                  n(s.skipped_by[i]).c_str());
      sep = ", ";
    }
    std::printf("\n");
  }
  if (s.blank_lines) std::printf("  blank lines %s\n", n(s.blank_lines).c_str());
  std::printf("  rejected lines %s", n(s.rejected).c_str());
  std::string sep = ": ";
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    if (!s.rejected_by[i]) continue;
    std::printf("%s%s %s", sep.c_str(),
                std::string(RejectReasonName(static_cast<RejectReason>(i))).c_str(),
                n(s.rejected_by[i]).c_str());
    sep = ", ";
  }
  if (s.rejected) std::printf(" (encore rejects --source %s)", path.c_str());
  std::printf("\n  tracks %s, not in the catalog %s%s", n(s.tracks).c_str(),
              n(s.unmatched_tracks).c_str(), have_catalog ? "" : " (no catalog imported)");
  if (s.first_day >= 0) {
    std::printf(", days %s..%s", FormatDate(s.first_day).c_str(), FormatDate(s.last_day).c_str());
  }
  std::printf("\n");
}

}  // namespace

Status PartialFailure(std::string message) { return Status::DataError("partial:" + message); }

CsvOfView& CsvOfViewAsked() {
  static CsvOfView asked;
  return asked;
}

void AddViewFormat(CLI::App* cmd, std::string* format) {
  cmd->add_option("--format", *format, "table, json or csv (the table of the JSON)")
      ->transform(CLI::Validator(
          [](std::string& v) {
            if (v == "csv") {
              CsvOfViewAsked().wanted = true;
              v = "json";  // the command prints its view; main() gives its table
            }
            return std::string();
          },
          ""))
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_option("--table", CsvOfViewAsked().table,
                  "With --format csv: which table of the JSON view (default: its main one)");
}

// "plays.csv.zst" -> "plays": where the world's daily totals and sales go beside the plays.
std::string WorldOutStem(const std::string& out) {
  std::string stem = StripCompressionExtension(out == "-" ? std::string("world") : out);
  for (const char* ext : {".csv", ".jsonl", ".json"}) {
    if (EndsWith(stem, ext)) stem.resize(stem.size() - std::string_view(ext).size());
  }
  return stem;
}

void AddSimulate(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("simulate",
                                 "Write a deterministic synthetic play log (CSV or JSON Lines)");
  auto o = std::make_shared<SimulateOptions>();
  auto start = std::make_shared<std::string>("2024-01-01");
  cmd->add_option("--plays", o->plays, "Number of plays")->capture_default_str();
  cmd->add_option("--days", o->days, "Number of days")->capture_default_str();
  cmd->add_option("--start", *start, "First day, YYYY-MM-DD")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", o->out, "Output file: .csv or .jsonl, optionally .gz or .zst")
      ->required();
  cmd->add_option("--users", o->users, "Listeners (default: plays / 25, within 200..4M)");
  cmd->add_option("--tracks", o->tracks, "Synthetic tracks (default: plays / 2000, within 50..200k)");
  cmd->add_option("--popularity", o->popularity,
                  "Zipf exponent of track popularity: the k-th track weighs 1/k^s")
      ->capture_default_str();
  cmd->add_option("--user-skew", o->user_skew,
                  "How plays gather on few listeners: n*u^skew for uniform u (1: evenly)")
      ->capture_default_str();
  cmd->add_option("--bots", o->bot_share, "Share of plays by bot accounts")->capture_default_str();
  cmd->add_option("--skips", o->skip_share, "Share of plays under 30 s")->capture_default_str();
  auto world = std::make_shared<std::string>();
  cmd->add_option("--world", *world,
                  "Also play a catalog's tracks: demo (the demo world) or a catalog directory; "
                  "with its stories.csv, also write the world's daily totals and launch sales "
                  "(demo: and its catalog with the market's songs, OUT-catalog/)");
  auto daily_out = std::make_shared<std::string>();
  auto sales_out = std::make_shared<std::string>();
  auto daily_to = std::make_shared<std::string>("2024-12-31");
  cmd->add_option("--daily-out", *daily_out,
                  "The world's daily totals (default: the --out name with -daily.csv)");
  cmd->add_option("--sales-out", *sales_out,
                  "The world's launch sales (default: the --out name with -sales.csv)");
  auto totals = std::make_shared<bool>(false);
  auto catalog_out = std::make_shared<std::string>();
  cmd->add_flag("--daily-totals", *totals,
                "Write daily totals (CSV) instead of plays: --tracks tracks (default 100,000) of "
                "tracks/10 artists over --days days (default 730), one GLOBAL row per track and "
                "day from its release, with --catalog-out DIR for their catalog");
  cmd->add_option("--catalog-out", *catalog_out,
                  "With --daily-totals: write the artists, releases and tracks here");
  cmd->add_option("--daily-to", *daily_to, "Last day of the world's daily totals")
      ->capture_default_str();
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(o->start, ParseDateFlag("--start", *start));
      if (*totals) {
        for (const char* flag : {"--plays", "--users", "--popularity", "--user-skew", "--bots",
                                 "--skips", "--world", "--daily-out", "--sales-out", "--daily-to"}) {
          if (cmd->count(flag) > 0) {
            return Status::InvalidArgument(std::string(flag) + " does not go with --daily-totals");
          }
        }
        if (o->out.find(".jsonl") != std::string::npos) {
          return Status::InvalidArgument("--daily-totals writes CSV (.csv, .csv.gz, .csv.zst)");
        }
        SimulateTotalsOptions to;
        to.tracks = o->tracks ? o->tracks : to.tracks;
        if (cmd->count("--days") > 0) to.days = o->days;  // else its own default, 730
        to.start = o->start;
        to.seed = o->seed;
        to.out = o->out;
        to.catalog_out = *catalog_out;
        ENCORE_ASSIGN_OR_RETURN(SimulateTotalsReport r, SimulateDailyTotals(to));
        std::fprintf(stderr,
                     "wrote %s daily totals (%s tracks, %s days) to %s%s\n",
                     Thousands(static_cast<int64_t>(r.rows)).c_str(),
                     Thousands(static_cast<int64_t>(to.tracks)).c_str(),
                     Thousands(to.days).c_str(), to.out.c_str(),
                     to.catalog_out.empty()
                         ? ""
                         : (" and the catalog of " + Thousands(static_cast<int64_t>(r.artists)) +
                            " artists and " + Thousands(static_cast<int64_t>(r.releases)) +
                            " releases to " + to.catalog_out)
                               .c_str());
        return Status::Ok();
      }
      if (!catalog_out->empty()) return Status::InvalidArgument("--catalog-out goes with --daily-totals");
      if (!world->empty()) {
        ENCORE_ASSIGN_OR_RETURN(const Catalog c, LoadWorld(*world));
        o->world = WorldTracks(c);
        ENCORE_ASSIGN_OR_RETURN(WorldStories stories, LoadStories(*world, c));
        if (!stories.tracks.empty() || !stories.artists.empty() || !stories.launches.empty()) {
          WorldDailyOptions wo;
          wo.world = o->world;
          wo.market = WorldMarket(*world);
          ENCORE_ASSIGN_OR_RETURN(wo.to, ParseDateFlag("--daily-to", *daily_to));
          wo.tracks = stories.tracks;
          wo.artists = stories.artists;
          wo.launches = stories.launches;
          wo.seed = o->seed;
          const std::string stem = WorldOutStem(o->out);
          wo.daily_out = daily_out->empty() ? stem + "-daily.csv" : *daily_out;
          wo.sales_out = sales_out->empty() ? stem + "-sales.csv" : *sales_out;
          ENCORE_ASSIGN_OR_RETURN(WorldDailyReport wr, SimulateWorldDaily(wo));
          std::fprintf(stderr, "wrote %s daily totals (%s..%s) to %s and %s sales rows to %s\n",
                       Thousands(static_cast<int64_t>(wr.rows)).c_str(),
                       FormatDate(wr.from).c_str(), FormatDate(wr.to).c_str(), wo.daily_out.c_str(),
                       Thousands(static_cast<int64_t>(wr.sales_rows)).c_str(),
                       wo.sales_out.c_str());
          if (!wo.market.empty()) {
            // The daily totals name the market's songs too: the catalog that knows them (and
            // marks their acts unranked) goes beside them, for `encore catalog import`.
            const std::string catalog_dir = stem + "-catalog";
            ENCORE_RETURN_IF_ERROR(WriteDemoCatalog(catalog_dir));
            std::fprintf(stderr, "wrote the world's catalog, %s market songs by unranked acts "
                         "included, to %s/ (encore catalog import %s)\n",
                         Thousands(static_cast<int64_t>(wo.market.size())).c_str(),
                         catalog_dir.c_str(), catalog_dir.c_str());
          }
        }
      }
      ENCORE_ASSIGN_OR_RETURN(SimulateReport r, Simulate(*o));
      std::fprintf(stderr, "wrote %s plays (%s tracks, %s users of which %s bots) to %s\n",
                   Thousands(static_cast<int64_t>(r.plays)).c_str(),
                   Thousands(static_cast<int64_t>(r.tracks)).c_str(),
                   Thousands(static_cast<int64_t>(r.users)).c_str(),
                   Thousands(static_cast<int64_t>(r.bots)).c_str(), o->out.c_str());
      return Status::Ok();
    };
  });
}

// On leaving `encore ingest`: the store the run made in a new directory (`armed`), when nothing
// went into it (no commit; no sales, airplay or catalog beside it), is taken away again.
struct UnmakeIfEmpty {
  std::unique_ptr<CountStore>& store;
  std::string dir;
  bool armed;
  ~UnmakeIfEmpty() {
    if (!armed || !store || store->Stats().generation != 0) return;
    namespace fs = std::filesystem;
    std::error_code ec;
    // Under the store's lock: what it holds is looked at and taken away, so another ingest
    // waiting for the lock finds no store (and makes its own), never a half-removed one.
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      const bool fresh = name == "LOCK" || name == "MANIFEST" ||
                         ((name == "data" || name == "rejects") && fs::is_empty(e.path(), ec));
      if (!fresh) return;  // sales, airplay, a catalog: something went in
    }
    for (const char* name : {"MANIFEST", "data", "rejects"}) fs::remove_all(dir + "/" + name, ec);
    store.reset();  // the lock released
    // The directory only if nothing came into it meanwhile (remove fails on one that holds
    // files: another ingest's store stays).
    fs::remove(dir + "/LOCK", ec);
    if (fs::remove(dir, ec)) {
      std::fprintf(stderr, "encore: nothing went into the new store: %s is removed again\n",
                   Printable(dir).c_str());
    }
  }
};

void AddIngest(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "ingest", "Count plays or daily totals into the store, each file exactly once");
  struct Args {
    std::string store, tier = "premium", earliest = "2000-01-01", listeners = "streams";
    std::vector<std::string> files;
    IngestOptions o;
    int64_t max_future_hours = 48;
    uint32_t min_ms = 30000, cap = 10;
    size_t memory_mib = 128;
    bool no_progress = false, no_records = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("files", a->files,
                  "Input files, told apart by their content: plays, daily totals, sales, airplay, "
                  "or a listening history (Spotify, YouTube Music, Apple Music, Last.fm, "
                  "ListenBrainz); plain, .gz or .zst")
      ->required();
  cmd->add_option("--store", a->store, "Store directory (default: $ENCORE_STORE or ./encore-data)");
  cmd->add_flag("--strict", a->o.strict, "Stop at the first bad line, with a non-zero exit");
  cmd->add_option("--service", a->o.default_service, "Service of plays without a service column")
      ->capture_default_str();
  cmd->add_option("--user", a->o.history_user,
                  "Whose listening histories these are (default: the user an export names; "
                  "give the same id for every export of one account)");
  cmd->add_option("--tier", a->tier, "Tier of listening-history plays: premium or free")
      ->capture_default_str();
  cmd->add_option("--timezone", a->o.time_zone,
                  "Time zone of histories that give local times (Spotify account data): an IANA "
                  "name such as Europe/Berlin, or +09:00 (default: UTC, with a warning)");
  cmd->add_option("--earliest", a->earliest,
                  "Plays before this day are implausible and rejected")
      ->capture_default_str();
  cmd->add_option("--max-future", a->max_future_hours,
                  "Plays more than this many hours after now are implausible and rejected")
      ->capture_default_str();
  cmd->add_option("--seal-lag", a->o.seal_lag_days,
                  "Seal days this many days behind the newest play (-1: never)")
      ->capture_default_str();
  cmd->add_option("--threads", a->o.threads, "Parser threads")->capture_default_str();
  cmd->add_option("--memory", a->memory_mib,
                  "MiB of parsed records held before they are set aside in a spill file in the "
                  "store's folder (bounds memory whatever the file's size)")
      ->capture_default_str();
  CLI::Option* min_ms_opt =
      cmd->add_option("--min-ms", a->min_ms, "A new store's stream threshold in ms")
      ->capture_default_str();
  CLI::Option* cap_opt =
      cmd->add_option("--cap", a->cap, "A new store's cap of streams per day, user, track and country")
      ->capture_default_str();
  CLI::Option* listeners_opt = cmd->add_option("--listeners", a->listeners,
                  "A new store's listeners: users with a counted stream (streams, Spotify's "
                  "rule) or with any play however short (plays)")
      ->capture_default_str();
  cmd->add_flag("--no-progress", a->no_progress, "No progress bar, even on a terminal");
  cmd->add_flag("--no-records", a->no_records,
                "Do not bring the records and news up to date after ingesting");
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (a->tier == "premium")
        a->o.history_tier = Tier::kPremium;
      else if (a->tier == "free")
        a->o.history_tier = Tier::kFree;
      else
        return Status::InvalidArgument("--tier is premium or free, not '" + Printable(a->tier) +
                                       "'" + DidYouMean(a->tier, {"premium", "free"}));
      if (a->cap < 1 || a->cap > 65535) return Status::InvalidArgument("--cap must be 1..65535");
      if (a->memory_mib < 1 || a->memory_mib > (size_t{1} << 20)) {
        return Status::InvalidArgument("--memory takes MiB, 1 or more");
      }
      a->o.memory_bytes = a->memory_mib << 20;
      if (!a->o.history_user.empty() &&
          (a->o.history_user.size() > 64 || !CleanText(a->o.history_user))) {
        return Status::InvalidArgument(
            "--user is 1 to 64 bytes of UTF-8 text without control characters");
      }
      ENCORE_ASSIGN_OR_RETURN(a->o.earliest_day, ParseDateFlag("--earliest", a->earliest));
      if (a->max_future_hours < 0 || a->max_future_hours > 24 * 365 * 200) {
        return Status::InvalidArgument("--max-future takes hours, 0 or more");
      }
      a->o.max_future_ms = a->max_future_hours * 3600000;
      if (!a->o.time_zone.empty()) {  // a usage error before any store is opened or made
        ENCORE_RETURN_IF_ERROR(TimeZone::Load(a->o.time_zone).status());
      }
      if (a->listeners != "streams" && a->listeners != "plays") {
        return Status::InvalidArgument("--listeners is streams or plays, not " +
                                       Printable(a->listeners));
      }
      StoreOptions so;
      so.rules = {a->min_ms, a->cap, a->listeners == "plays"};
      // A new store is said to be new: a mistyped --store would otherwise start one in silence.
      const std::string store_dir = DefaultStoreDir(a->store);
      const bool new_store =
          !IsClickHouseUrl(store_dir) && !std::filesystem::exists(store_dir + "/MANIFEST");
      const bool new_dir = new_store && !std::filesystem::exists(store_dir);
      ENCORE_ASSIGN_OR_RETURN(auto store, OpenStore(store_dir, so));
      if (new_store) {
        std::fprintf(stderr, "encore: %s held no store: a new one is made there\n", store_dir.c_str());
      }
      // A store this run made in a new directory and into which nothing went (every file failed)
      // is taken away again: a mistyped --store leaves nothing behind.
      const UnmakeIfEmpty unmake{store, store_dir, new_dir};
      // Only the rules given are compared with the store's (--cap 10 to a store of every play's
      // listeners is no change).
      const CountingRules& have = store->rules();
      const bool rule_changed =
          (min_ms_opt->count() > 0 && have.min_ms != so.rules.min_ms) ||
          (cap_opt->count() > 0 && have.cap != so.rules.cap) ||
          (listeners_opt->count() > 0 && have.every_play_listens != so.rules.every_play_listens);
      if (rule_changed) {
        return Status::FailedPrecondition(
            "this store counts with min-ms " + std::to_string(store->rules().min_ms) + ", cap " +
            std::to_string(store->rules().cap) + " and listeners of " +
            (store->rules().every_play_listens ? "every play" : "counted streams") +
            "; a store's rule cannot change");
      }
      const std::string dir = DefaultStoreDir(a->store);
      a->o.spill_dir = dir;
      // A writer of the store: a catalog kept before its image was (an older store) gets one.
      ENCORE_ASSIGN_OR_RETURN(Catalog catalog, LoadStoredCatalog(dir, /*keep_image=*/true));
      // Spotify URIs the chart history linked by name: the same catalog the records read.
      ENCORE_RETURN_IF_ERROR(AddChartTrackLinks(dir, &catalog).status());
      a->o.catalog = &catalog;
      // Sales and airplay files (spec §2, §3) go to their own table; the rest are plays or
      // daily totals.
      std::vector<std::string> count_files;
      size_t extra_failed = 0;
      for (const auto& f : a->files) {
        // Sales and airplay are told by a look at the header; a pipe cannot be looked at twice
        // (its first bytes would be gone), so it is always read as plays, totals or a history.
        std::error_code ec;
        if (!std::filesystem::is_regular_file(f, ec)) {
          count_files.push_back(f);
          continue;
        }
        auto kind = DetectExtraInput(f);
        if (!kind.ok() || !*kind) {
          count_files.push_back(f);
          continue;
        }
        auto r = IngestExtraInput(dir, f, a->o.strict);
        if (!r.ok()) {
          if (a->o.strict && r.status().code() == StatusCode::kDataError) return r.status();
          std::fprintf(stderr, "encore: %s\n", Printable(r.status().message()).c_str());
          ++extra_failed;
          continue;
        }
        const bool sales = r->kind == ExtraInput::kSales;
        if (r->already_ingested) {
          std::printf("%s: already ingested (same content), nothing changed\n",
                      Printable(f).c_str());
          continue;
        }
        std::printf("%s: %s, %s lines, %s rows taken in, %s %s, %zu rejected%s\n",
                    Printable(f).c_str(),
                    sales ? "sales" : "airplay", Thousands(static_cast<int64_t>(r->lines)).c_str(),
                    Thousands(static_cast<int64_t>(r->rows)).c_str(),
                    Thousands(static_cast<int64_t>(r->units)).c_str(), sales ? "units" : "audience",
                    r->rejects.size(), r->rejects.empty() ? "" : " (encore rejects lists them)");
        for (size_t i = 0; i < r->rejects.size() && i < 5; ++i) {
          std::printf("  %s:%llu: %s: %s\n", Printable(f).c_str(),
                      static_cast<unsigned long long>(r->rejects[i].line),
                      r->rejects[i].reason.c_str(), Shown(r->rejects[i].text).c_str());
        }
      }
      if (count_files.empty()) {
        if (extra_failed)
          return PartialFailure(std::to_string(extra_failed) + " of " +
                                std::to_string(a->files.size()) + " files could not be ingested");
        return Status::Ok();
      }
      ProgressLine progress(!a->no_progress);
      a->o.progress = progress.Callback();
      const auto t0 = std::chrono::steady_clock::now();
      const size_t sources_before = store->Sources().size();
      Result<IngestReport> report = IngestFiles(store.get(), count_files, a->o);
      progress.Clear();
      if (!report.ok()) {
        // The store failed (a disk, a shard): say what is in, so that the error does not read
        // as a loss. Each file is one commit; a file is in whole or not at all.
        const size_t in = store->Sources().size() - sources_before;
        const std::string done =
            in == 0 ? "nothing of this ingest was committed: the store is as it was"
                    : std::to_string(in) + (in == 1 ? " file" : " files") +
                          " of this ingest went in whole before it (store generation " +
                          std::to_string(store->Stats().generation) + "), the others not at all";
        // A damaged store file fails again the same way: a re-run helps only when the cause
        // passes (a full disk freed, a shard back).
        const StatusCode code = report.status().code();
        if (code == StatusCode::kInvalidArgument) {  // an option (a time zone): not the store
          return Status(code, report.status().message() + ". " + done);
        }
        if (code == StatusCode::kDataError && a->o.strict) {  // a bad line: again fails again
          return Status(code, report.status().message() + ". " + done +
                                  "; mend or remove that line, or ingest without --strict to "
                                  "reject it (kept, with its reason) and go on");
        }
        const std::string next =
            code == StatusCode::kCorruption
                ? "; a store file is damaged, so running again will fail the same way: restore "
                  "the store from a copy, or ingest into a new one"
                : "; run the same command again to finish (a file already taken in changes "
                  "nothing)";
        return Status(report.status().code(), report.status().message() + ". " + done + next);
      }
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      size_t failed = 0;
      SourceSummary total;
      for (const auto& f : report->files) {
        PrintSummary(f, !catalog.artists().empty());
        if (f.state == FileOutcome::State::kFailed) ++failed;
        if (f.state == FileOutcome::State::kIngested) total.Add(f.source.summary);
      }
      if (report->files.size() > 1) {
        std::printf("total: %s lines, %s streams counted, %s rejected, in %.2f s\n",
                    Thousands(static_cast<int64_t>(total.lines)).c_str(),
                    Thousands(static_cast<int64_t>(total.counted)).c_str(),
                    Thousands(static_cast<int64_t>(total.rejected)).c_str(), secs);
      }
      if (report->sealed_before)
        std::printf("days before %s are sealed\n", FormatDate(*report->sealed_before).c_str());
      const bool counted = std::any_of(report->files.begin(), report->files.end(), [](auto& f) {
        return f.state == FileOutcome::State::kIngested;
      });
      if (counted && !a->no_records) {
        // Every ingest brings the records up to date and states what changed (encore news).
        const auto t1 = std::chrono::steady_clock::now();
        Result<RecordsUpdate> updated = UpdateRecords(dir, *store, &catalog, RecordsSettings{});
        if (!updated.ok()) {
          // The files are in: say so, rather than let the error read as a failed ingest.
          return PartialFailure("the files above are ingested and committed (store generation " +
                                std::to_string(store->Stats().generation) +
                                "), but the records could not be brought up to date: " +
                                updated.status().message() +
                                " (the next ingest of a file brings them up to date)");
        }
        RecordsUpdate& up = *updated;
        std::printf("records: %zu days read (%s) in %.2f s, %zu news items (encore news)\n",
                    up.days_read, up.full ? up.why.c_str() : "incremental",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count(),
                    up.news.size());
        ENCORE_RETURN_IF_ERROR(PrintNews(up.news, "table", 5));
      }
      if (failed || extra_failed)
        return PartialFailure(std::to_string(failed + extra_failed) + " of " +
                              std::to_string(a->files.size()) + " files could not be ingested");
      return Status::Ok();
    };
  });
}

void AddSeal(CLI::App& app, Action* action) {
  auto* cmd =
      app.add_subcommand("seal", "Close every day before a date: later plays for them are late");
  auto store = std::make_shared<std::string>();
  auto before = std::make_shared<std::string>();
  cmd->add_option("--store", *store, "Store directory");
  cmd->add_option("--before", *before, "First day that stays open, YYYY-MM-DD")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(Day d, ParseDateFlag("--before", *before));
      StoreOptions so;
      so.create_if_missing = false;
      ENCORE_ASSIGN_OR_RETURN(auto s, OpenStore(DefaultStoreDir(*store), so));
      ENCORE_RETURN_IF_ERROR(SealBefore(s.get(), d));
      std::printf("days before %s are sealed\n", FormatDate(*s->sealed_before()).c_str());
      return Status::Ok();
    };
  });
}

void AddStreams(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("streams", "A track's daily streams");
  struct Args {
    std::string store, track, country, service, from, to, format = "table";
    bool cumulative = false, chart_streams = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--track", a->track, "Track id, or a catalog name (\"Artist - Title\", a title)")->required();
  cmd->add_option("--country", a->country, "Country code or GLOBAL (default: worldwide)");
  cmd->add_option("--service", a->service,
                  "Service (default: all, chart streams aside; a store of chart streams only: its "
                  "weekly chart streams)");
  cmd->add_flag("--chart-streams", a->chart_streams,
                "The streams printed on Spotify's weekly charts (--service spotify_charts_weekly): "
                "a row per week, dated by its last day");
  cmd->add_option("--from", a->from, "First day, YYYY-MM-DD");
  cmd->add_option("--to", a->to, "Last day, YYYY-MM-DD");
  cmd->add_flag("--cumulative", a->cumulative,
                "Show the running total (since the first day; json and csv always have it)");
  cmd->add_option("--format", a->format, "table, csv or json (the API's `series`)")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--store", a->store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      StreamsQuery q;
      q.track = a->track;
      if (!a->country.empty()) q.country = a->country;
      if (!a->service.empty()) q.service = a->service;
      ENCORE_ASSIGN_OR_RETURN(q.from, OptionalDate("--from", a->from));
      ENCORE_ASSIGN_OR_RETURN(q.to, OptionalDate("--to", a->to));
      ENCORE_ASSIGN_OR_RETURN(auto store, OpenForReading(a->store));
      if (a->chart_streams) q.service = std::string(kChartStreamsWeekly);
      if (!q.service) {
        // A store of chart streams only (charts imported, no plays): its weekly figures.
        bool other = false, weekly = false, daily = false;
        for (const auto& name : store->services()) {
          weekly |= name == kChartStreamsWeekly;
          daily |= name == kChartStreamsDaily;
          other |= !IsChartStreamsService(name);
        }
        if (!other && (weekly || daily)) {
          q.service = std::string(weekly ? kChartStreamsWeekly : kChartStreamsDaily);
          std::fprintf(stderr, "encore: the store holds chart streams only: reading %s\n",
                       q.service->c_str());
        }
      }
      const bool chart = q.service && IsChartStreamsService(*q.service);
      const bool weekly = q.service && ServiceSpan(*q.service) > 1;
      // A name where a store track id is wanted: the catalog's track of that name, under each
      // id the store counts it by (its id, its ISRC), summed.
      std::vector<std::string> names = {q.track};
      if (!store->FindTrack(q.track)) {
        auto catalog = LoadStoredCatalog(DefaultStoreDir(a->store));
        if (catalog.ok()) {
          std::vector<std::pair<const Track*, std::vector<std::string>>> counted;
          for (const Track* t : FindTracks(*catalog, q.track)) {
            std::vector<std::string> ids;
            for (const std::string& id : {t->id, t->isrc}) {
              if (!id.empty() && store->FindTrack(id)) ids.push_back(id);
            }
            if (!ids.empty()) counted.emplace_back(t, ids);
          }
          auto describe = [&](const Track& t) {
            return t.id + " (" + t.title + " by " + catalog->NamesOf(t.primary, " & ") + ")";
          };
          if (counted.size() > 1) {
            std::string list;
            for (const auto& [t, ids] : counted) list += (list.empty() ? "" : ", ") + describe(*t);
            return Status::InvalidArgument("'" + q.track + "' names " + std::to_string(counted.size()) +
                                           " tracks with streams: " + list + "; give one of their ids");
          }
          if (counted.size() == 1) {
            std::fprintf(stderr, "encore: '%s' is %s\n", q.track.c_str(), describe(*counted[0].first).c_str());
            names = counted[0].second;
          }
        }
      }
      std::vector<uint32_t> tracks;
      for (const std::string& name : names) {
        const auto t = store->FindTrack(name);
        if (!t) return Status::NotFound("no streams counted for track '" + name + "'");
        tracks.push_back(*t);
      }
      ENCORE_ASSIGN_OR_RETURN(const nlohmann::json view, views::StreamSeriesJson(*store, tracks, q, true));
      if (a->format == "json") {
        std::cout << view.dump(1) << "\n";
        return Status::Ok();
      }
      if (a->format == "csv") {
        ENCORE_ASSIGN_OR_RETURN(const std::string csv, views::TableCsv(view));
        std::cout << csv;
        return Status::Ok();
      }
      if (chart) {
        std::printf("%s: the streams printed on the chart%s; a track's total is at least the "
                    "sum (only the editions it was on count)\n",
                    q.service->c_str(),
                    weekly ? ", a row per Friday-Thursday week dated by its Thursday" : "");
      }
      std::printf("%-10s %14s %14s %14s%s\n", weekly ? "week end" : "date", "streams", "premium",
                  "free", a->cumulative ? "     cumulative" : "");
      const auto& dates = view["dates"];
      for (size_t i = 0; i < dates.size(); ++i) {
        std::printf("%-10s %14s %14s %14s", dates[i].get<std::string>().c_str(),
                    Thousands(view["streams"][i].get<int64_t>()).c_str(),
                    Thousands(view["premium"][i].get<int64_t>()).c_str(),
                    Thousands(view["free"][i].get<int64_t>()).c_str());
        if (a->cumulative) std::printf(" %14s", Thousands(view["cumulative"][i].get<int64_t>()).c_str());
        std::printf("\n");
      }
      if (dates.empty()) std::printf("(no streams in this period)\n");
      return Status::Ok();
    };
  });
}

void AddExport(CLI::App& app, Action* action) {
  auto* exp = app.add_subcommand("export", "Write stored counts out");
  exp->require_subcommand(1);
  auto* cmd = exp->add_subcommand(
      "daily", "All daily counts as daily totals (date,country,track,streams,tier,service)");
  struct Args {
    std::string store, from, to, out = "-";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--from", a->from, "First day, YYYY-MM-DD");
  cmd->add_option("--to", a->to, "Last day, YYYY-MM-DD");
  cmd->add_option("--out", a->out, "Output file (.csv, .csv.gz, .csv.zst; - for stdout)")
      ->capture_default_str();
  cmd->add_option("--store", a->store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      ENCORE_ASSIGN_OR_RETURN(auto from, OptionalDate("--from", a->from));
      ENCORE_ASSIGN_OR_RETURN(auto to, OptionalDate("--to", a->to));
      ENCORE_ASSIGN_OR_RETURN(auto store, OpenForReading(a->store));
      // What the name promises is what is written: CSV, plain or compressed (issue 18: x.parquet
      // got CSV in silence).
      if (a->out != "-") {
        std::string name = std::filesystem::path(a->out).filename().string();
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        bool csv = false;
        for (const char* ext : {".csv", ".csv.gz", ".csv.zst"}) {
          const std::string e = ext;
          csv |= name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
        }
        if (!csv) {
          return Status::InvalidArgument("--out " + a->out +
                                         ": encore export writes CSV; name the file .csv, .csv.gz or "
                                         ".csv.zst (or - for standard output)");
        }
      }
      ENCORE_ASSIGN_OR_RETURN(auto sink, OpenByteSink(a->out));
      ENCORE_RETURN_IF_ERROR(ExportDaily(
          *store, from, to, [&](std::string_view s) { return sink->Write(s.data(), s.size()); }));
      return sink->Close();
    };
  });
}

void AddRejects(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("rejects", "List the rejected lines kept in the store");
  struct Args {
    std::string store, source, reason, format = "table";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--source", a->source,
                  "Only this input file (path as ingested, its file name, or fingerprint prefix)");
  cmd->add_option("--reason", a->reason, "Only this reason (bad_timestamp, late, ...)");
  cmd->add_option("--format", a->format,
                  "table (file:line: reason: text, shown safely), jsonl, or raw (as they were)")
      ->check(CLI::IsMember({"table", "jsonl", "raw"}))
      ->capture_default_str();
  cmd->add_option("--store", a->store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      // Reasons of plays and daily totals, and of sales and airplay files.
      static const std::set<std::string> kExtraReasons = {
          "bad_csv",    "bad_timestamp", "bad_store", "bad_country", "bad_item",
          "bad_format", "bad_units",     "bad_date",  "bad_track",   "bad_audience"};
      std::optional<RejectReason> reason;
      if (!a->reason.empty()) {
        reason = ParseRejectReason(a->reason);
        if (!reason && !kExtraReasons.count(a->reason))
          return Status::InvalidArgument("unknown reason '" + a->reason + "'");
      }
      auto print = [&](const std::string& path, const std::string& fingerprint, uint64_t line,
                       const std::string& why, const std::string& text) {
        if (a->format == "raw") {
          std::cout << text << "\n";
        } else if (a->format == "jsonl") {
          nlohmann::json j = {{"source", path}, {"line", line}, {"reason", why}, {"text", text}};
          if (!fingerprint.empty()) j["fingerprint"] = fingerprint;
          std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
          // A terminal sees no raw control character, and a JSON entry on one line.
          std::cout << Printable(path) << ":" << line << ": " << why << ": " << Shown(text)
                    << "\n";
        }
      };
      ENCORE_ASSIGN_OR_RETURN(auto store, OpenForReading(a->store));
      bool matched_source = a->source.empty();
      for (const auto& src : store->Sources()) {
        // A path that is not UTF-8 is kept with U+FFFD in its place (the manifest is JSON).
        const std::string as_kept =
            nlohmann::json::parse(nlohmann::json(a->source).dump(
                                      -1, ' ', false, nlohmann::json::error_handler_t::replace))
                .get<std::string>();
        // The path as ingested, its file name (what /api/v1/status gives, an upload's kept
        // name), or the start of its fingerprint (the status's id).
        if (!a->source.empty() && src.path != a->source && src.path != as_kept &&
            std::filesystem::path(src.path).filename() != a->source &&
            src.fingerprint.rfind(a->source, 0) != 0)
          continue;
        matched_source = true;
        if (src.summary.rejected == 0) continue;
        ENCORE_RETURN_IF_ERROR(store->ScanRejects(src, [&](const RejectRecord& r) {
          const std::string why(RejectReasonName(r.reason));
          if (a->reason.empty() || why == a->reason) print(src.path, src.fingerprint, r.line, why, r.text);
          return Status::Ok();
        }));
      }
      ENCORE_ASSIGN_OR_RETURN(auto sales, OpenSalesData(DefaultStoreDir(a->store)));
      if (sales) {
        ENCORE_ASSIGN_OR_RETURN(auto extra, sales->Rejects());
        for (const auto& [path, r] : extra) {
          if (!a->source.empty() && path != a->source) continue;
          matched_source = true;
          if (!a->reason.empty() && r.reason != a->reason) continue;
          print(path, "", r.line, r.reason, r.text);
        }
      }
      if (!matched_source) return Status::NotFound("no ingested source '" + a->source + "'");
      return Status::Ok();
    };
  });
}

void AddStatus(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("status", "What the store holds");
  auto store_flag = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--store", *store_flag, "Store directory");
  AddViewFormat(cmd, format.get());
  cmd->callback([=] {
    *action = [=]() -> Status {
      const std::string dir = DefaultStoreDir(*store_flag);
      ENCORE_ASSIGN_OR_RETURN(auto store, OpenForReading(*store_flag));
      if (*format == "json") {
        // The API's status without what the server adds (catalog, charts, records).
        std::string name = std::filesystem::path(dir).filename().string();
        if (auto ep = ParseClickHouseUrl(store->Name()); ep.ok()) name = ep->database;
        std::cout << views::StoreStatusJson(*store, name).dump(1) << "\n";
        return Status::Ok();
      }
      const StoreStats s = store->Stats();
      const auto days = store->Days();
      // A ClickHouse store by its URL (without its password), and where its side data is kept.
      if (store->Name() != "local") {
        std::printf("store %s (generation %llu)\n  side data (catalog, chart history, sales, "
                    "records) in %s\n",
                    store->Name().c_str(), static_cast<unsigned long long>(s.generation),
                    dir.c_str());
      } else {
        std::printf("store %s (generation %llu)\n", dir.c_str(),
                    static_cast<unsigned long long>(s.generation));
      }
      std::printf(
          "  rule: a stream is a play of %u ms or more; at most %u a day per user, track and "
          "country; a listener is a user with %s\n",
          store->rules().min_ms, store->rules().cap,
          store->rules().every_play_listens ? "any play" : "a counted stream");
      std::printf("  days %zu", s.days);
      if (!days.empty())
        std::printf(" (%s..%s)", FormatDate(days.front()).c_str(), FormatDate(days.back()).c_str());
      std::printf(", open %zu, sealed before %s\n", s.open_days,
                  store->sealed_before() ? FormatDate(*store->sealed_before()).c_str() : "(none)");
      std::printf("  streams %s, tracks %s, services %zu, sources %zu, %s on disk\n",
                  Thousands(s.streams).c_str(), Thousands(static_cast<int64_t>(s.tracks)).c_str(),
                  store->services().size(), s.sources, Bytes(static_cast<double>(s.bytes)).c_str());
      if (s.listeners) {
        std::printf("  personal histories: %zu listener%s, %s streams kept (each play taken once)\n",
                    s.listeners, s.listeners == 1 ? "" : "s",
                    Thousands(static_cast<int64_t>(s.history_plays)).c_str());
      }
      if (s.listener_days && store->CountsPlays()) {
        std::printf("  listener sets: %llu days, the users of the plays where they are kept\n",
                    static_cast<unsigned long long>(s.listener_days));
      } else if (s.listener_days) {
        std::printf("  listener sets: %s listeners over %llu days, %s entries, %s on disk (%.2f "
                    "bytes a counted stream)\n",
                    Thousands(static_cast<int64_t>(s.users)).c_str(),
                    static_cast<unsigned long long>(s.listener_days),
                    Thousands(static_cast<int64_t>(s.listener_entries)).c_str(),
                    Bytes(static_cast<double>(s.listener_bytes)).c_str(),
                    s.streams > 0 ? static_cast<double>(s.listener_bytes) / static_cast<double>(s.streams)
                                  : 0.0);
      } else if (!store->KeepsListeners()) {
        std::printf("  listener sets: none kept by this store\n");
      } else if (s.days) {
        std::printf("  listener sets: none (daily totals and chart streams carry no users; plays "
                    "ingested before the store kept sets have none)\n");
      }
      for (const auto& src : store->Sources()) {
        std::printf("  source %s  %-17s %s  %s lines, %s rejected\n",
                    src.fingerprint.substr(0, 12).c_str(), src.kind.c_str(),
                    Printable(src.path).c_str(),
                    Thousands(static_cast<int64_t>(src.summary.lines)).c_str(),
                    Thousands(static_cast<int64_t>(src.summary.rejected)).c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace encore::cli
