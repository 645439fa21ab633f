// `encore demo`: simulate a month of plays, ingest them (plus a small file of broken and late
// lines), and print what was counted.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "cli/format.h"
#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/compile.h"
#include "encore/ingest.h"
#include "encore/methodology.h"
#include "encore/query.h"
#include "encore/records.h"
#include "encore/sales.h"
#include "encore/simulate.h"

namespace encore::cli {

namespace {

void PrintBoard(const RecordsUniverse& u, const std::vector<Standing>& board, size_t top,
                const char* unit) {
  for (size_t i = 0; i < board.size() && i < top; ++i) {
    const bool tied = (i > 0 && board[i - 1].rank == board[i].rank) ||
                      (i + 1 < board.size() && board[i + 1].rank == board[i].rank);
    std::printf("   %2d%s %-44.44s %4lld %-5s (%s)\n", board[i].rank, tied ? "=" : ".",
                u.Describe(board[i].entity).name.c_str(), static_cast<long long>(board[i].value),
                unit, FormatDate(board[i].day).c_str());
  }
}

// Sections 11-16: the world's daily totals since 2020 and its launch sales, and the records,
// news and claims the engine finds in them.
Status DemoRecords(const std::string& dir, const std::filesystem::path& input,
                   const Catalog& catalog, CountStore* store) {
  std::printf(
      "\n== 11. The demo world since 2020: daily totals and launch sales shaped by its stories "
      "(catalog/demo/stories.csv), written by encore simulate --world demo\n");
  ENCORE_ASSIGN_OR_RETURN(WorldStories stories, LoadStories("demo", catalog));
  WorldDailyOptions wo;
  wo.world = WorldTracks(catalog);
  wo.market = WorldMarket("demo");
  wo.tracks = stories.tracks;
  wo.artists = stories.artists;
  wo.launches = stories.launches;
  wo.seed = 2024;
  wo.daily_out = (input / "world-daily.csv").string();
  wo.sales_out = (input / "world-sales.csv").string();
  ENCORE_ASSIGN_OR_RETURN(WorldDailyReport wr, SimulateWorldDaily(wo));
  std::printf("   %s daily totals %s..%s, %s launch sales rows\n",
              Thousands(static_cast<int64_t>(wr.rows)).c_str(), FormatDate(wr.from).c_str(),
              FormatDate(wr.to).c_str(), Thousands(static_cast<int64_t>(wr.sales_rows)).c_str());
  IngestOptions io;
  io.catalog = &catalog;
  ENCORE_ASSIGN_OR_RETURN(IngestReport ir, IngestFiles(store, {wo.daily_out}, io));
  ENCORE_ASSIGN_OR_RETURN(ExtraInputReport sr, IngestExtraInput(dir, wo.sales_out, false));
  std::printf("   ingested: %s streams of daily totals, %s store units\n",
              Thousands(static_cast<int64_t>(ir.files[0].source.summary.counted)).c_str(),
              Thousands(static_cast<int64_t>(sr.units)).c_str());

  std::printf("\n== 12. News: what the ingest found (encore news --store %s)\n", dir.c_str());
  ENCORE_ASSIGN_OR_RETURN(RecordsUpdate up, UpdateRecords(dir, *store, &catalog, {}));
  std::printf("   records brought up to date: %zu days read (%s), %zu news items; a few of them:\n",
              up.days_read, up.full ? up.why.c_str() : "incremental", up.news.size());
  // The songs' 1 and 1.4 billion records, and the firsts of calendar years.
  std::vector<NewsItem> picked;
  for (const NewsItem& n : up.news) {
    const bool song_record = n.kind == "record" && n.entity.rfind("track:", 0) == 0 &&
                             n.year == 0 &&
                             (n.threshold == 1'000'000'000 || n.threshold == 1'400'000'000);
    const bool year_first = n.kind == "first" && n.year != 0 && n.threshold == 1'000'000'000;
    if (song_record || year_first) picked.push_back(n);
  }
  ENCORE_RETURN_IF_ERROR(PrintNews(picked, "table", 12));

  const RecordsState& st = up.state;
  const RecordsUniverse& u = st.universe;
  const Filter all;
  std::printf("\n== 13. Leaderboards (encore records fastest|race|first)\n");
  std::printf("   fastest songs to 1 billion streams (days from release):\n");
  const auto b1 = FastestTo(u, st.crossings, st.first_day, EntityKind::kTrack, 1'000'000'000, all);
  PrintBoard(u, b1, 4, "days");
  std::printf("   the record's history:\n");
  for (const Reign& r : FastestHistory(b1)) {
    std::printf("      %-44.44s %4lld days, held %s .. %s\n", u.Describe(r.entity).name.c_str(),
                static_cast<long long>(r.value), FormatDate(r.from).c_str(),
                r.to ? FormatDate(*r.to).c_str() : "now");
  }
  std::printf("   fastest songs to 1.4 billion:\n");
  PrintBoard(u, FastestTo(u, st.crossings, st.first_day, EntityKind::kTrack, 1'400'000'000, all), 4,
             "days");
  ENCORE_ASSIGN_OR_RETURN(Filter ksolo, Filter::Parse("solo and tag = k-pop"));
  std::printf("   K-pop soloists to 1 billion streams within 2023 (day of the year):\n");
  PrintBoard(u, YearRace(u, st.crossings, EntityKind::kArtist, 2023, 1'000'000'000, ksolo), 5, "");
  ENCORE_ASSIGN_OR_RETURN(Filter krsolo, Filter::Parse("solo and country = KR"));
  std::printf("   first Korean solo artists to 1 billion streams within 2024:\n");
  PrintBoard(u, FirstTo(u, st.crossings, EntityKind::kArtist, 2024, 1'000'000'000, krsolo), 2, "");

  std::printf("\n== 14. The store chart after a launch (encore records store Seven)\n");
  ENCORE_ASSIGN_OR_RETURN(auto sales, OpenSalesData(dir));
  const ChartMethod* itunes = FindMethodology("itunes-style");
  ENCORE_ASSIGN_OR_RETURN(StoreFeat feat,
                          StoreNumberOnes(*sales, &catalog, *itunes, "jk-seven", std::nullopt, 6));
  const auto to100 = feat.TimeTo(100);
  std::printf(
      "   Seven launched %s: No. 1 on the iTunes-style chart in %zu countries within 2.5 hours; "
      "100 countries after %s hours (hourly charts)\n",
      FormatTimestamp(feat.launch).c_str(), feat.CountWithin(9000),
      to100 ? std::to_string(*to100 / 3600).c_str() : "more than 6");

  std::printf(
      "\n== 15. Chart feats on the weekly charts compiled from the counts (encore records "
      "charts)\n");
  {
    const ChartMethod* m = FindMethodology("spotify-weekly");
    const Day last = ChartDateOnOrBefore(*m, DayFromCivil(2024, 12, 31));
    ENCORE_ASSIGN_OR_RETURN(auto series, CompileSeries(*store, &catalog, *m, last, "global"));
    ENCORE_ASSIGN_OR_RETURN(auto history, OpenChartHistory(dir, true));
    std::vector<ChartHistory::CompiledDate> dates;
    for (const CompiledChart& c : series) dates.push_back({c.date, "demo", {c.edition}});
    ENCORE_RETURN_IF_ERROR(history->StoreCompiled(m->name, dates));
    // Linked to the catalog like an imported chart (chart run --track, the dashboard's runs).
    ENCORE_RETURN_IF_ERROR(history->LinkSongs(catalog).status());
    ENCORE_ASSIGN_OR_RETURN(auto feats, ChartFeats(*history, "spotify-weekly:global"));
    std::stable_sort(feats.begin(), feats.end(), [](const ChartFeat& x, const ChartFeat& y) {
      return x.weeks_at_1 > y.weeks_at_1;
    });
    // The market's songs (unranked acts, sim/world.h DemoMarket) fill the chart; the stories are
    // the world's own songs.
    std::erase_if(feats, [&](const ChartFeat& f) {
      const auto acts = catalog.FindArtists(f.artist);
      return !acts.empty() && acts[0]->unranked();
    });
    std::printf("   %zu weekly charts (the world's songs among the market's); most weeks at No. 1:\n",
                series.size());
    for (size_t i = 0; i < feats.size() && i < 4; ++i) {
      std::printf("   %-44.44s debuted No. %d (%s), peak %d, %d weeks, %d at No. 1\n",
                  (feats[i].title + " - " + feats[i].artist).c_str(), feats[i].debut,
                  FormatDate(feats[i].first).c_str(), feats[i].peak, feats[i].weeks,
                  feats[i].weeks_at_1);
    }
  }

  std::printf("\n== 16. Claims checked against the data (encore check)\n");
  ENCORE_ASSIGN_OR_RETURN(auto history, OpenChartHistory(dir, false));
  ClaimContext cc;
  cc.store = store;
  cc.state = &st;
  cc.sales = sales.get();
  cc.charts = history.get();
  for (const char* claim : {
           "days_to(streams, 1e9, track \"Seven\") = 108",
           "rank(fastest_to(streams, 1.4e9), track \"Seven\") = 3",
           "first(solo and country = KR, streams_in_year(2024) >= 1e9) = artist \"Jung Kook\"",
           "day_of_year(2023, 1e9, artist \"V\") = 312",
           "countries_no1(track \"Seven\", 2.5h) >= 100",
           "days_to(streams, 1e9, track \"Flowers\") < 108",
       }) {
    ENCORE_ASSIGN_OR_RETURN(ClaimResult r, CheckClaim(claim, cc));
    std::printf("   %-5s %s  (actual: %s)\n", r.holds ? "TRUE" : "FALSE", r.claim.c_str(),
                r.actual.c_str());
  }
  return Status::Ok();
}

}  // namespace

void AddDemo(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "demo", "Simulate a month of plays, ingest them and show what was counted");
  struct Args {
    std::string store = "encore-demo";
    uint64_t plays = 3000000;
    bool no_serve = false;
    int port = 8080;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--store", a->store,
                  "Demo store directory (replaced if it holds an earlier demo)")
      ->capture_default_str();
  cmd->add_option("--plays", a->plays, "Plays to simulate")->capture_default_str();
  cmd->add_flag("--no-serve", a->no_serve,
                "End after the demo instead of serving the dashboard on its store");
  cmd->add_option("--port", a->port, "Port of the dashboard (taken: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->callback([=] {
    *action = [=]() -> Status {
      namespace fs = std::filesystem;
      std::error_code ec;
      if (a->store.find("://") != std::string::npos) {
        return Status::InvalidArgument(
            "encore demo builds a local store in a directory, not in " + a->store +
            "; its inputs (DIR-input/) can then be ingested into any store with encore ingest");
      }
      if (fs::exists(a->store) && !fs::exists(fs::path(a->store) / "MANIFEST")) {
        return Status::FailedPrecondition(
            a->store + " exists and is not an encore store; choose another --store");
      }
      fs::remove_all(a->store, ec);
      const fs::path input = fs::path(a->store + "-input");
      fs::create_directories(input, ec);

      ENCORE_ASSIGN_OR_RETURN(auto store, OpenStore(a->store, StoreOptions{}));
      std::printf("== 1. The catalog: the demo world (encore catalog import)\n");
      const auto catalog_dir = input / "catalog";
      ENCORE_RETURN_IF_ERROR(WriteDemoCatalog(catalog_dir.string()));
      std::vector<CatalogIssue> issues;
      ENCORE_ASSIGN_OR_RETURN(CatalogImportReport imported,
                              ImportCatalog(catalog_dir.string(), a->store, &issues));
      std::printf("   %zu artists, %zu releases, %zu tracks -> %s/catalog.sqlite\n",
                  imported.artists.total, imported.releases.total, imported.tracks.total,
                  a->store.c_str());
      ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, LoadStoredCatalog(a->store));

      std::printf("\n== 2. Simulate January 2024: %s plays of the demo world and a long tail\n",
                  Thousands(static_cast<int64_t>(a->plays)).c_str());
      SimulateOptions so;
      so.plays = a->plays;
      so.days = 31;
      so.start = DayFromCivil(2024, 1, 1);
      so.seed = 2024;
      so.out = (input / "plays-2024-01.csv.zst").string();
      so.world = WorldTracks(catalog);
      ENCORE_ASSIGN_OR_RETURN(SimulateReport sim, Simulate(so));
      std::printf("   %s tracks, %s listeners (%s bots replaying one track all day) -> %s\n",
                  Thousands(static_cast<int64_t>(sim.tracks)).c_str(),
                  Thousands(static_cast<int64_t>(sim.users)).c_str(),
                  Thousands(static_cast<int64_t>(sim.bots)).c_str(), so.out.c_str());
      const std::string broken = (input / "late-and-broken.csv").string();
      {
        std::ofstream f(broken);
        f << "ts,user,track,ms_played,country,tier\n"
          << "2024-01-31T10:00:00Z,u00000042,QZENC2000000,181000,US,premium\n"
          << "2024-01-31T10:03:00+09:00,u00000042,QZENC2000001,95000,KR,free\n"
          << "2024-01-31 10:05:00,u00000042,QZENC2000002,181000,US,premium\n"
          << "2024-01-31T10:06:00Z,u00000042,QZENC2000002,-5,US,premium\n"
          << "2024-01-31T10:07:00Z,u00000042,QZENC2000002,181000,usa,premium\n"
          << "2024-01-31T10:08:00Z,u00000042,QZENC2000002,181000,US,family\n"
          << "2024-01-31T10:09:00Z,u00000042,QZENC2000002\n"
          << "2024-01-02T12:00:00Z,u00000042,QZENC2000000,181000,US,premium\n";
      }

      std::printf(
          "\n== 3. Ingest the month into %s, then a file with broken lines and one late play\n",
          a->store.c_str());
      IngestOptions io;
      io.catalog = &catalog;
      ENCORE_ASSIGN_OR_RETURN(IngestReport month, IngestFiles(store.get(), {so.out}, io));
      std::printf("   days before %s are now sealed (3 days behind the newest play)\n",
                  month.sealed_before ? FormatDate(*month.sealed_before).c_str() : "(none)");
      ENCORE_ASSIGN_OR_RETURN(IngestReport report, IngestFiles(store.get(), {broken}, io));
      report.files.insert(report.files.begin(), month.files.begin(), month.files.end());
      for (const auto& f : report.files) {
        const SourceSummary& s = f.source.summary;
        std::printf(
            "   %s: %s lines, %s plays, %s streams counted, %s capped, %s short plays, %s "
            "rejected; %s tracks, %s not in the catalog\n",
            fs::path(f.path).filename().c_str(), Thousands(static_cast<int64_t>(s.lines)).c_str(),
            Thousands(static_cast<int64_t>(s.plays)).c_str(),
            Thousands(static_cast<int64_t>(s.counted)).c_str(),
            Thousands(static_cast<int64_t>(s.capped)).c_str(),
            Thousands(static_cast<int64_t>(s.short_plays)).c_str(),
            Thousands(static_cast<int64_t>(s.rejected)).c_str(),
            Thousands(static_cast<int64_t>(s.tracks)).c_str(),
            Thousands(static_cast<int64_t>(s.unmatched_tracks)).c_str());
      }
      std::printf(
          "   the play for 2024-01-02 came after its day was sealed: rejected as late, and kept\n");
      std::printf("   rejected lines, as `encore rejects --store %s` lists them:\n",
                  a->store.c_str());
      for (const auto& src : store->Sources()) {
        ENCORE_ASSIGN_OR_RETURN(auto rejects, store->ReadRejects(src));
        for (const auto& r : rejects) {
          std::printf("     %s:%llu: %s: %s\n", fs::path(src.path).filename().c_str(),
                      static_cast<unsigned long long>(r.line),
                      std::string(RejectReasonName(r.reason)).c_str(), r.text.c_str());
        }
      }

      std::printf("\n== 4. Ingest the same files again: exactly once\n");
      ENCORE_ASSIGN_OR_RETURN(IngestReport again, IngestFiles(store.get(), {so.out, broken}, io));
      for (const auto& f : again.files) {
        std::printf("   %s: %s\n", fs::path(f.path).filename().c_str(),
                    f.state == FileOutcome::State::kAlreadyIngested
                        ? "already ingested, nothing changed"
                        : "ingested?!");
      }

      std::printf("\n== 5. Most streamed tracks of January 2024\n");
      ENCORE_ASSIGN_OR_RETURN(auto top, TopTracks(*store, std::nullopt, std::nullopt, 10));
      for (size_t i = 0; i < top.size(); ++i) {
        const Track* t = catalog.TrackById(top[i].track);
        std::string what = "(not in the catalog)";
        if (t) {
          what.clear();
          for (const auto& id : t->primary) {
            const Artist* ar = catalog.ArtistById(id);
            what += (what.empty() ? "" : " & ") + (ar ? ar->name : id);
          }
          what += " - " + t->title;
        }
        std::printf("   %2zu. %-24s %12s  %s\n", i + 1, top[i].track.c_str(),
                    Thousands(top[i].streams).c_str(), what.c_str());
      }
      if (!top.empty()) {
        std::printf("\n== 6. Daily streams of %s (encore streams --track %s --cumulative)\n",
                    top[0].track.c_str(), top[0].track.c_str());
        StreamsQuery q;
        q.track = top[0].track;
        ENCORE_ASSIGN_OR_RETURN(auto rows, QueryStreams(*store, q));
        int64_t running = 0;
        std::printf("   %-10s %12s %12s %12s %14s\n", "date", "streams", "premium", "free",
                    "cumulative");
        for (const auto& r : rows) {
          running += r.streams;
          std::printf("   %-10s %12s %12s %12s %14s\n", FormatDate(r.day).c_str(),
                      Thousands(r.streams).c_str(), Thousands(r.premium).c_str(),
                      Thousands(r.free).c_str(), Thousands(running).c_str());
        }
      }
      std::printf("\n== 7. Names resolved against the catalog (encore resolve)\n");
      for (const char* q : {"JK - Seven (Band Ver.)",
                            "Jungkook feat. Latto - Seven (Explicit Ver.)", "Agust D - Haegeum"}) {
        const Resolution r = Resolve(catalog, q);
        std::printf("   resolve \"%s\" -> %s (song \"%s\", version %s, %zu versions known)\n", q,
                    r.match ? r.match->id.c_str() : "(none)", r.base_title.c_str(),
                    r.version_kind.c_str(), r.versions.size());
      }
      std::printf("\n== 8. encore artist jungkook --store %s\n", a->store.c_str());
      ENCORE_RETURN_IF_ERROR(
          PrintArtist(catalog, *catalog.ArtistById("jungkook"), store.get(), false));

      std::printf(
          "\n== 9. A chart compiled from the counts: encore chart spotify-weekly --store %s\n",
          a->store.c_str());
      {
        const ChartMethod* m = FindMethodology("spotify-weekly");
        // The latest week (Friday to Thursday) that the month covers whole.
        Day date = ChartDateOnOrBefore(*m, DayFromCivil(2024, 1, 31));
        ENCORE_ASSIGN_OR_RETURN(auto series, CompileSeries(*store, &catalog, *m, date, "global"));
        const CompiledChart& c = series.back();
        std::printf("   %s, global, week %s..%s\n", m->Word("title", date).c_str(),
                    FormatDate(c.from).c_str(), FormatDate(c.to).c_str());
        std::printf("   %4s %5s  %-38s %-26s %4s %4s %4s %10s\n", "pos", "move", "title", "artist",
                    "last", "peak", "wks", "streams");
        for (size_t j = 0; j < c.edition.entries.size() && j < 5; ++j) {
          const ChartEntry& e = c.edition.entries[j];
          const RunStats& r = c.runs[j];
          std::printf("   %4d %5s  %-38.38s %-26.26s %4s %4d %4d %10s\n", e.position,
                      Movement(r, e.position).c_str(), e.title.c_str(), e.artist.c_str(),
                      r.last ? std::to_string(*r.last).c_str() : "-", r.peak, r.weeks,
                      Thousands(*e.metric).c_str());
        }
        std::printf(
            "   also: encore chart list, chart explain, chart compile, chart import "
            "(doc/charts.md)\n");
      }

      const StoreStats st = store->Stats();
      std::printf("\n== 10. The store: %zu days, %s streams, %s tracks, %s on disk\n", st.days,
                  Thousands(st.streams).c_str(), Thousands(static_cast<int64_t>(st.tracks)).c_str(),
                  Bytes(static_cast<double>(st.bytes)).c_str());
      ENCORE_RETURN_IF_ERROR(DemoRecords(a->store, input, catalog, store.get()));
      // The binary that runs (not a build directory it may not be in).
      std::error_code self_ec;
      std::string self = std::filesystem::read_symlink("/proc/self/exe", self_ec).string();
      if (self_ec || self.empty()) self = "encore";
      const char* bin = self.c_str();
      std::printf("\n   try: %s streams --store %s --track %s --country US\n", bin,
                  a->store.c_str(), top.empty() ? "QZENC2000000" : top[0].track.c_str());
      std::printf("        %s export daily --store %s --from 2024-01-31 | head\n", bin,
                  a->store.c_str());
      std::printf("        %s news --store %s --since 2023-07-01\n", bin, a->store.c_str());
      std::printf("        %s records fastest 1e9 --history --store %s\n", bin,
                  a->store.c_str());
      if (a->no_serve) return Status::Ok();
      // The whole product: the dashboard over the demo store, until Ctrl-C.
      store.reset();
      server::ServeOptions o;
      o.store_dir = a->store;
      o.port = a->port;
      o.quiet = true;
      const std::string banner =
          "\n== 17. The dashboard over the demo store (--no-serve skips this)\n";
      Status served = ServeStore(o, banner);
      if (served.code() == StatusCode::kIoError && o.port != 0) {
        o.port = 0;  // the port is taken: any free one
        served = ServeStore(o, banner);
      }
      return served;
    };
  });
}

}  // namespace encore::cli
