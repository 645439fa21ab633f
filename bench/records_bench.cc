// The records workloads, in process (encore_lib):
//
// records_full: a full recompute of every milestone (every 100M, all time and within each year)
// and of the leaderboards (fastest to 100M..1B, the 1B calendar-year race, the most streamed)
// over T tracks x D days of daily totals (default 1,000,000 x 365; --tracks, --days). The days
// are generated before the clock starts and fed to StreamScan one at a time. Its peer in the same
// run: one pass that only sums the same rows per track (the floor of reading the input).
//
// records_incremental_day: a store holding two days of totals for T tracks and the records kept
// for it (UpdateRecords), then one new day ingested and the records brought up to date; timed is
// that update (load the kept state, read the day from the store, apply it, write the state).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "encore/ingest.h"
#include "encore/records.h"
#include "bench_clock.h"
#include "encore/store.h"

namespace {

using encore::bench::Median;
using encore::bench::Now;
using encore::bench::PeakRssMb;

// Streams of track t on day d: a Zipf-like popularity with a weekly swing and noise, so that the
// top tracks cross many thresholds and most none.
void MakeDay(size_t tracks, int d, uint64_t seed, encore::DayTotals* out) {
  out->tracks.resize(tracks);
  out->streams.resize(tracks);
  uint64_t x = seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(d);
  const double swing = 1.0 + 0.1 * ((d % 7) - 3) / 3.0;
  for (size_t t = 0; t < tracks; ++t) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const double base = 2.0e7 / std::pow(static_cast<double>(t + 1), 0.9);
    out->tracks[t] = static_cast<uint32_t>(t);
    out->streams[t] = 1 + static_cast<int64_t>(
                              base * swing * (0.8 + 0.4 * static_cast<double>(x % 1000) / 1000.0));
  }
}

}  // namespace

int RecordsWorkloads(const std::string& workload, const std::string& data, size_t tracks, int days,
                     int runs, int warmup) {
  using namespace encore;
  std::vector<std::string> names(tracks);
  for (size_t t = 0; t < tracks; ++t) names[t] = "T" + std::to_string(t);
  if (workload == "records_full") {
    // The input, generated before the clock: days x tracks rows.
    std::vector<DayTotals> input(static_cast<size_t>(days));
    const Day first = DayFromCivil(2024, 1, 1) - days / 2;
    for (int d = 0; d < days; ++d) {
      MakeDay(tracks, d, 1, &input[static_cast<size_t>(d)]);
      input[static_cast<size_t>(d)].day = first + d;
    }
    const RecordsUniverse u = RecordsUniverse::Build(names, nullptr, RecordsSettings{});
    std::vector<double> full, peer;
    size_t crossings = 0;
    for (int r = 0; r < warmup + runs; ++r) {
      const double t0 = Now();
      StreamScan scan(u, 100'000'000);
      for (const DayTotals& d : input) scan.AddDay(d);
      const Filter all;
      size_t placed = 0;
      for (int64_t n = 100'000'000; n <= 1'000'000'000; n += 100'000'000) {
        placed +=
            FastestTo(u, scan.crossings(), scan.first_day(), EntityKind::kTrack, n, all).size();
      }
      placed += YearRace(u, scan.crossings(), EntityKind::kTrack, 2024, 1'000'000'000, all).size();
      placed += MostStreamed(u, scan.totals(), EntityKind::kTrack, all, 100).size();
      const double t1 = Now();
      // The peer: the same rows, only summed per track.
      std::vector<int64_t> sums(tracks, 0);
      for (const DayTotals& d : input) {
        for (size_t i = 0; i < d.tracks.size(); ++i) sums[d.tracks[i]] += d.streams[i];
      }
      const double t2 = Now();
      crossings = scan.crossings().size();
      if (sums[0] != scan.totals()[0]) {
        std::fprintf(stderr, "records_full: totals disagree\n");
        return 1;
      }
      std::fprintf(stderr, "  run %d: full %.3f s (%zu crossings, %zu placed), sum-only %.3f s\n",
                   r + 1 - warmup, t1 - t0, crossings, placed, t2 - t1);
      if (r >= warmup) full.push_back(t1 - t0), peer.push_back(t2 - t1);
    }
    const double rows = static_cast<double>(tracks) * days;
    std::printf(
        "| workload | input | what | median s | rows/s | peak RSS MiB "
        "|\n|---|---|---|---|---|---|\n");
    std::printf(
        "| records_full | %zu tracks x %d days | milestones + leaderboards | %.3f | %.0fM | %.0f "
        "|\n",
        tracks, days, Median(full), rows / Median(full) / 1e6, PeakRssMb());
    std::printf("| records_full (peer) | same rows | sum per track only | %.3f | %.0fM | - |\n",
                Median(peer), rows / Median(peer) / 1e6);
    std::printf("\nratio full/sum-only: %.2f; %zu crossings\n", Median(full) / Median(peer),
                crossings);
    return 0;
  }
  if (workload == "records_incremental_day") {
    const std::string dir = data + "/store-records-" + std::to_string(tracks);
    std::filesystem::remove_all(dir);
    StoreOptions so;
    auto store_or = OpenLocalStore(dir, so);
    if (!store_or.ok()) return 1;
    auto store = std::move(*store_or);
    const Catalog empty;
    IngestOptions io;
    auto ingest_day = [&](int d) -> bool {
      DayTotals day;
      MakeDay(tracks, d, 2, &day);
      const std::string path = data + "/records-day.csv";
      FILE* f = std::fopen(path.c_str(), "w");
      std::fprintf(f, "date,country,track,streams,tier\n");
      const std::string date = FormatDate(DayFromCivil(2024, 1, 1) + d);
      for (size_t t = 0; t < tracks; ++t) {
        std::fprintf(f, "%s,GLOBAL,%s,%lld,\n", date.c_str(), names[t].c_str(),
                     static_cast<long long>(day.streams[t]));
      }
      std::fclose(f);
      auto r = IngestFiles(store.get(), {path}, io);
      return r.ok() && r->files[0].state == FileOutcome::State::kIngested;
    };
    for (int d = 0; d < 2; ++d) {
      if (!ingest_day(d)) return 1;
    }
    auto first = UpdateRecords(dir, *store, &empty, RecordsSettings{});
    if (!first.ok()) {
      std::fprintf(stderr, "%s\n", first.status().ToString().c_str());
      return 1;
    }
    std::vector<double> inc;
    for (int r = 0; r < warmup + runs; ++r) {
      if (!ingest_day(2 + r)) return 1;
      const double t0 = Now();
      auto up = UpdateRecords(dir, *store, &empty, RecordsSettings{});
      const double t1 = Now();
      if (!up.ok() || up->full || up->days_read != 1) {
        std::fprintf(stderr, "records_incremental_day: not an incremental update\n");
        return 1;
      }
      std::fprintf(stderr, "  run %d: incremental day %.1f ms, %zu news\n", r + 1 - warmup,
                   (t1 - t0) * 1000, up->news.size());
      if (r >= warmup) inc.push_back(t1 - t0);
    }
    std::printf(
        "| workload | input | what | median ms | rows/s | peak RSS MiB "
        "|\n|---|---|---|---|---|---|\n");
    std::printf(
        "| records_incremental_day | %zu tracks, 1 new day | UpdateRecords | %.1f | %.0fM | %.0f "
        "|\n",
        tracks, Median(inc) * 1000, static_cast<double>(tracks) / Median(inc) / 1e6, PeakRssMb());
    std::filesystem::remove_all(dir);
    return 0;
  }
  return 2;
}
