// encore-bench: named workloads, timed as whole processes (wall time and peak RSS from wait4),
// a warm-up then several runs, and a peer on the same input in the same run.
//
//   encore-bench [--workload ingest_plays_csv|reingest_plays_csv] [--plays 10000000,50000000]
//   [--runs 5]
//                [--warmup 1] [--data DIR] [--encore PATH] [--no-peer] [--history-mb 1000]
//                [--chart-mb 128]
//
// ingest_plays_csv: `encore ingest` of a simulated plays CSV into a new store (parse, validate,
// cap, aggregate, durable commit), against DuckDB (npm @duckdb/node-api) computing the same
// capped daily counts with SQL straight from the same file in memory (bench/duckdb_peer.mjs).
// Both report their total of counted streams; the run fails if they disagree.
//
// --shape high-cardinality (ingest_plays_csv, reingest_plays_csv): the log of issue 15 instead of
// `encore simulate`'s default: 2M listeners played evenly, 1M tracks with Zipf(1) popularity,
// 70 markets, a quarter skipped, 2 % bots (nearly every (day, user, track, country) key distinct).
//
// reingest_plays_csv: `encore ingest` of the same file into a store that already holds it (the
// exactly-once no-op: probe, then fingerprint without parsing). No peer.
//
// compile_day_charts: `encore chart compile spotify-daily` of one simulated day of N plays
// (counted once beforehand): the global chart and every country's, each a Top 200, kept in the
// chart history; then the same command again (unchanged: served by the cache check).
// compile_week_hot100: `encore chart compile hot-100-style` of a simulated week of N plays.
// records_full, records_incremental_day: in process; see bench/records_bench.cc.
// import_verify_hot100: `encore chart import` of the whole Billboard Hot 100 history into a new
// store, then `encore chart verify billboard-hot-100` (--hot100 PATH; default
// ../shared/data/billboard-hot-100).
// import_chart_dataset: `encore chart import` of the widely shared single-file Spotify Charts
// dataset (Top 200 and Viral 50 of every region and day, --chart-mb MB, default 128; generated
// into --data on first use by bench/chart_dataset_gen.py) into a new store, chart streams
// included, against DuckDB loading the same file into a typed table of a database file
// (bench/duckdb_chart_peer.mjs). Both report their entries and editions; the run fails if they
// disagree.
// ingest_history_json: `encore ingest --user bench` of one listener's Spotify "Extended streaming
// history" of --history-mb MB (default 1000; generated into --data on first use, in the real
// layout: bench/history_gen.cc) into a new store, against DuckDB reading the same JSON array and
// computing the same capped daily counts (bench/duckdb_history_peer.mjs). Both report their total
// of counted streams; the run fails if they disagree, or if encore rejects any entry.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Sample {
  double wall = 0;     // seconds
  double rss_mb = 0;   // peak resident set, MiB
  std::string output;  // stdout
};

// Runs argv, capturing stdout, measuring wall time and the child's peak RSS.
Sample Run(const std::vector<std::string>& argv, const std::string& cwd = "") {
  const std::string out_path = (std::filesystem::temp_directory_path() /
                                ("encore-bench-" + std::to_string(::getpid()) + ".out"))
                                   .string();
  std::fflush(stdout);  // or the child inherits, and writes again, what is still buffered
  std::fflush(stderr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::FILE* f = std::freopen(out_path.c_str(), "w", stdout);
    (void)f;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  Sample s;
  s.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.rss_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
  std::ifstream in(out_path);
  std::stringstream ss;
  ss << in.rdbuf();
  s.output = ss.str();
  std::filesystem::remove(out_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "encore-bench: %s failed (status %d):\n%s\n", argv[0].c_str(), status,
                 s.output.c_str());
    std::exit(1);
  }
  return s;
}

double Median(std::vector<double> v);

// The samples of encore and its peer, run after run.
struct PairedRuns {
  std::vector<double> e_wall, e_rss, d_wall, d_rss, ratio;
  // `ratio`: the ratio this workload reports for the pair (duckdb/encore or encore/duckdb).
  void Add(const Sample& e, const Sample* d, double pair_ratio) {
    e_wall.push_back(e.wall);
    e_rss.push_back(e.rss_mb);
    if (!d) return;
    d_wall.push_back(d->wall);
    d_rss.push_back(d->rss_mb);
    ratio.push_back(pair_ratio);
  }
  // ", duckdb 1.23 s 456 MiB", or nothing without a peer.
  static std::string PeerNote(const Sample* d) {
    if (!d) return "";
    char buf[96];
    std::snprintf(buf, sizeof buf, ", duckdb %.2f s %.0f MiB", d->wall, d->rss_mb);
    return buf;
  }
};

// "compiled in 12.3 ms" -> 12.3
double CompiledMs(const std::string& out) {
  const size_t at = out.find("compiled in ");
  return at == std::string::npos ? -1 : std::atof(out.c_str() + at + 12);
}

// The chart workloads: whole processes, medians of `runs` after `warmup`.
int ChartWorkloads(const std::string& workload, const std::string& encore, const std::string& data,
                   const std::vector<long long>& plays_list, int runs, int warmup,
                   const std::string& hot100) {
  std::printf("| workload | input | command | median wall ms | in-process ms | peak RSS MiB |\n");
  std::printf("|---|---|---|---|---|---|\n");
  auto report = [&](const std::string& input, const std::string& what,
                    const std::vector<double>& wall, const std::vector<double>& inproc,
                    const std::vector<double>& rss) {
    std::printf("| %s | %s | %s | %.1f | %s | %.0f |\n", workload.c_str(), input.c_str(),
                what.c_str(), Median(wall) * 1000,
                inproc.empty() ? "-" : std::to_string(Median(inproc)).substr(0, 6).c_str(),
                Median(rss));
    std::fflush(stdout);
  };
  if (workload == "import_verify_hot100") {
    const std::string store = data + "/store-hot100";
    std::vector<double> imp, ver, total, rss_i, rss_v;
    for (int r = 0; r < warmup + runs; ++r) {
      std::filesystem::remove_all(store);
      const Sample i = Run({encore, "chart", "import", hot100, "--store", store});
      const Sample v = Run({encore, "chart", "verify", "billboard-hot-100", "--store", store});
      if (v.output.find("agree on") == std::string::npos) {
        std::fprintf(stderr, "encore-bench: verify printed no agreement:\n%s\n", v.output.c_str());
        return 1;
      }
      if (r < warmup) continue;
      imp.push_back(i.wall), ver.push_back(v.wall), total.push_back(i.wall + v.wall);
      rss_i.push_back(i.rss_mb), rss_v.push_back(v.rss_mb);
      std::fprintf(stderr, "  run %d: import %.2f s, verify %.2f s\n", r - warmup + 1, i.wall,
                   v.wall);
    }
    std::filesystem::remove_all(store);
    report("Hot 100, 354,887 rows", "chart import", imp, {}, rss_i);
    report("Hot 100, 354,887 rows", "chart verify", ver, {}, rss_v);
    report("Hot 100, 354,887 rows", "import + verify", total, {}, rss_i);
    return 0;
  }
  const bool day = workload == "compile_day_charts";
  for (long long plays : plays_list) {
    const std::string tag = (day ? "day-" : "week-") + std::to_string(plays);
    const std::string csv = data + "/plays-" + tag + ".csv", store = data + "/store-" + tag;
    if (!std::filesystem::exists(store + "/MANIFEST")) {
      if (!std::filesystem::exists(csv)) {
        std::fprintf(stderr, "encore-bench: simulating %lld plays into %s\n", plays, csv.c_str());
        Run({encore, "simulate", "--plays", std::to_string(plays), "--days", day ? "1" : "7",
             "--start", "2024-01-05", "--seed", "1", "--out", csv});
      }
      std::fprintf(stderr, "encore-bench: counting %s into %s\n", csv.c_str(), store.c_str());
      std::filesystem::remove_all(store);
      Run({encore, "ingest", "--no-progress", "--seal-lag", "-1", "--store", store, csv});
    }
    const std::vector<std::string> cmd =
        day ? std::vector<std::string>{encore,   "chart",      "compile", "spotify-daily",
                                       "--date", "2024-01-05", "--store", store}
            : std::vector<std::string>{encore,   "chart",      "compile", "hot-100-style",
                                       "--date", "2024-01-20", "--store", store};
    std::vector<double> wall, inproc, rss, cached_wall, cached_rss;
    std::string summary;
    for (int r = 0; r < warmup + runs; ++r) {
      std::filesystem::remove(store + "/charts.sqlite");
      const Sample s = Run(cmd);
      const Sample again = Run(cmd);
      if (again.output.find("unchanged") == std::string::npos) {
        std::fprintf(stderr, "encore-bench: compiling again was not a no-op:\n%s\n",
                     again.output.c_str());
        return 1;
      }
      if (r < warmup) continue;
      summary = s.output;
      wall.push_back(s.wall), inproc.push_back(CompiledMs(s.output) / 1000),
          rss.push_back(s.rss_mb);
      cached_wall.push_back(again.wall), cached_rss.push_back(again.rss_mb);
      std::fprintf(stderr, "  run %d: %.1f ms (compile %.1f ms), again %.1f ms\n", r - warmup + 1,
                   s.wall * 1000, CompiledMs(s.output), again.wall * 1000);
    }
    const std::string input =
        std::to_string(plays / 1000000) + "M plays, " + (day ? "1 day" : "7 days");
    std::vector<double> inproc_ms;
    for (double x : inproc) inproc_ms.push_back(x * 1000);
    report(input, day ? "compile spotify-daily, all regions" : "compile hot-100-style", wall,
           inproc_ms, rss);
    report(input, "the same again (unchanged)", cached_wall, {}, cached_rss);
    std::fprintf(stderr, "%s", summary.c_str());
  }
  return 0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// "streams counted 7,440,872" -> 7440872
long long CountedFromEncore(const std::string& out) {
  const size_t at = out.find("streams counted ");
  if (at == std::string::npos) return -1;
  long long v = 0;
  for (size_t i = at + 16;
       i < out.size() && (std::isdigit(static_cast<unsigned char>(out[i])) || out[i] == ','); ++i) {
    if (out[i] != ',') v = v * 10 + (out[i] - '0');
  }
  return v;
}

long long StreamsFromPeer(const std::string& out) {
  const size_t at = out.find("\"streams\":");
  return at == std::string::npos ? -1 : std::atoll(out.c_str() + at + 10);
}

std::vector<long long> ParseList(const std::string& s) {
  std::vector<long long> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) v.push_back(std::atoll(item.c_str()));
  return v;
}

// "plays 846,000" -> 846000 (after `key`); -1 when absent.
long long NumberAfter(const std::string& out, const std::string& key) {
  const size_t at = out.find(key);
  if (at == std::string::npos) return -1;
  long long v = 0;
  for (size_t i = at + key.size();
       i < out.size() && (std::isdigit(static_cast<unsigned char>(out[i])) || out[i] == ','); ++i) {
    if (out[i] != ',') v = v * 10 + (out[i] - '0');
  }
  return v;
}

}  // namespace

// bench/history_gen.cc
long long GenerateSpotifyHistory(const std::string& path, uint64_t bytes, uint64_t seed);

namespace {

// ingest_history_json: `encore ingest --user bench` of one listener's Spotify extended streaming
// history of `mb` MB (generated into `data` on first use), alternating with DuckDB reading the
// same JSON and computing the same capped daily counts (bench/duckdb_history_peer.mjs). Target
// (the personal-histories issue): at least 150 MB/s with a peak RSS of at most 256 MiB at 1 GB.
int HistoryWorkload(const std::string& encore, const std::string& data,
                    const std::string& source_dir, const std::vector<long long>& mb_list, int runs,
                    int warmup, bool peer) {
  constexpr double kTargetMbs = 150, kTargetRssMb = 256;
  std::printf(
      "| workload | entries | input | tool | median wall s | entries/s | MB/s | peak RSS MiB | "
      "streams |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (long long size_mb : mb_list) {
    const std::string json =
        data + "/spotify-extended-history-" + std::to_string(size_mb) + "MB.json";
    if (!std::filesystem::exists(json)) {
      std::fprintf(stderr, "encore-bench: generating a %lld MB Spotify history into %s\n", size_mb,
                   json.c_str());
      const auto t0 = std::chrono::steady_clock::now();
      const long long n =
          GenerateSpotifyHistory(json + ".part", static_cast<uint64_t>(size_mb) * 1000000, 1);
      if (n < 0) {
        std::fprintf(stderr, "encore-bench: cannot write %s.part\n", json.c_str());
        return 1;
      }
      std::filesystem::rename(json + ".part", json);
      std::fprintf(stderr, "encore-bench: %lld entries in %.1f s\n", n,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double mb = static_cast<double>(std::filesystem::file_size(json)) / 1e6;
    const std::string store = data + "/store-history-bench";
    const std::vector<std::string> cmd = {encore,  "ingest",        "--store",      store, "--user",
                                          "bench", "--no-progress", "--no-records", json};
    PairedRuns runs_of;
    const std::vector<double>&e_wall = runs_of.e_wall, &e_rss = runs_of.e_rss,
          &d_wall = runs_of.d_wall, &d_rss = runs_of.d_rss, &ratio = runs_of.ratio;
    long long e_streams = -1, d_streams = -1, entries = -1;
    for (int r = 0; r < warmup + runs; ++r) {
      std::filesystem::remove_all(store);
      const Sample e = Run(cmd);
      e_streams = CountedFromEncore(e.output);
      // Every entry of the generated file is readable: a reject is a bug of one side or the other.
      if (e.output.find("rejected lines 0") == std::string::npos || e_streams < 0) {
        std::fprintf(stderr, "encore-bench: the ingest rejected entries or counted none:\n%s\n",
                     e.output.c_str());
        return 1;
      }
      entries = NumberAfter(e.output, ", plays ") +
                std::max(0LL, NumberAfter(e.output, "skipped (not plays of music) "));
      Sample d;
      if (peer) {
        d = Run({"node", source_dir + "/duckdb_history_peer.mjs",
                 std::filesystem::absolute(json).string()});
        d_streams = StreamsFromPeer(d.output);
      }
      if (r < warmup) {
        std::fprintf(stderr, "%s", e.output.c_str());
        continue;
      }
      runs_of.Add(e, peer ? &d : nullptr, d.wall / e.wall);
      std::fprintf(stderr, "  run %d: encore %.2f s %.0f MB/s %.0f MiB%s\n", r - warmup + 1, e.wall,
                   mb / e.wall, e.rss_mb, PairedRuns::PeerNote(peer ? &d : nullptr).c_str());
    }
    std::filesystem::remove_all(store);
    auto row = [&](const char* tool, const std::vector<double>& wall,
                   const std::vector<double>& rss, long long streams) {
      const double w = Median(wall);
      std::printf(
          "| ingest_history_json | %lld | %.0f MB | %s | %.2f | %.2fM | %.0f | %.0f | %lld |\n",
          entries, mb, tool, w, static_cast<double>(entries) / w / 1e6, mb / w, Median(rss),
          streams);
    };
    row("encore", e_wall, e_rss, e_streams);
    const double mbs = mb / Median(e_wall), rss = Median(e_rss);
    if (peer) row("duckdb", d_wall, d_rss, d_streams);
    std::printf("\n%lld MB: ", size_mb);
    if (peer) {
      std::printf(
          "duckdb/encore wall time, median of %d paired runs: %.2fx (min %.2fx, max %.2fx); peak "
          "RSS encore/duckdb %.2f; streams agree: %s; ",
          runs, Median(ratio), *std::min_element(ratio.begin(), ratio.end()),
          *std::max_element(ratio.begin(), ratio.end()), rss / Median(d_rss),
          e_streams == d_streams ? "yes" : "NO");
    }
    std::printf(
        "target >= %.0f MB/s: %s (%.0f); peak RSS <= %.0f MiB: %s (%.0f, max of runs %.0f)\n\n",
        kTargetMbs, mbs >= kTargetMbs ? "met" : "MISSED", mbs, kTargetRssMb,
        rss <= kTargetRssMb ? "met" : "MISSED", rss, *std::max_element(e_rss.begin(), e_rss.end()));
    std::fflush(stdout);
    if (peer && e_streams != d_streams) return 1;
  }
  return 0;
}

// import_chart_dataset: see the top of this file.
int ChartDatasetWorkload(const std::string& encore, const std::string& data,
                         const std::string& source_dir, const std::vector<long long>& mb_list,
                         int runs, int warmup, bool peer) {
  std::printf(
      "| workload | rows | editions | input | tool | median wall s | rows/s | peak RSS MiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (long long size_mb : mb_list) {
    const std::string csv = data + "/spotify-charts-dataset-" + std::to_string(size_mb) + "MB.csv";
    if (!std::filesystem::exists(csv)) {
      std::fprintf(stderr, "encore-bench: generating a %lld MB chart dataset into %s\n", size_mb,
                   csv.c_str());
      Run({"python3", source_dir + "/chart_dataset_gen.py", csv + ".part",
           std::to_string(size_mb)});
      std::filesystem::rename(csv + ".part", csv);
    }
    const double mb = static_cast<double>(std::filesystem::file_size(csv)) / 1e6;
    const std::string store = data + "/store-chart-dataset-bench";
    const std::string duck = data + "/chart-dataset-peer.duckdb";
    auto remove_peer = [&] {
      std::filesystem::remove(duck);
      std::filesystem::remove(duck + ".wal");
    };
    PairedRuns runs_of;
    const std::vector<double>&e_wall = runs_of.e_wall, &e_rss = runs_of.e_rss,
          &d_wall = runs_of.d_wall, &d_rss = runs_of.d_rss, &ratio = runs_of.ratio;
    long long e_rows = -1, e_editions = -1, d_rows = -1, d_editions = -1;
    for (int r = 0; r < warmup + runs; ++r) {
      std::filesystem::remove_all(store);
      const Sample e = Run({encore, "chart", "import", csv, "--store", store});
      // "1 files: 7,128 editions, 891,000 entries imported"
      e_editions = NumberAfter(e.output, "1 files: ");
      e_rows = NumberAfter(e.output, " editions, ");
      if (e_rows <= 0 || e.output.find("0 rows rejected") == std::string::npos) {
        std::fprintf(stderr, "encore-bench: the import rejected rows or took none:\n%s\n",
                     e.output.c_str());
        return 1;
      }
      Sample d;
      if (peer) {
        remove_peer();
        d = Run({"node", source_dir + "/duckdb_chart_peer.mjs",
                 std::filesystem::absolute(csv).string(),
                 std::filesystem::absolute(duck).string()});
        d_rows = NumberAfter(d.output, "\"rows\":");
        d_editions = NumberAfter(d.output, "\"editions\":");
      }
      if (r < warmup) continue;
      runs_of.Add(e, peer ? &d : nullptr, e.wall / d.wall);
      std::fprintf(stderr, "  run %d: encore %.2f s %.0f MiB%s\n", r - warmup + 1, e.wall, e.rss_mb,
                   PairedRuns::PeerNote(peer ? &d : nullptr).c_str());
    }
    std::filesystem::remove_all(store);
    remove_peer();
    auto row = [&](const char* tool, const std::vector<double>& wall,
                   const std::vector<double>& rss, long long rows, long long editions) {
      const double w = Median(wall);
      std::printf("| import_chart_dataset | %lld | %lld | %.0f MB | %s | %.2f | %.0f | %.0f |\n",
                  rows, editions, mb, tool, w, static_cast<double>(rows) / w, Median(rss));
    };
    row("encore", e_wall, e_rss, e_rows, e_editions);
    if (peer) {
      row("duckdb", d_wall, d_rss, d_rows, d_editions);
      const bool agree = e_rows == d_rows && e_editions == d_editions;
      std::printf(
          "\n%lld MB: encore/duckdb wall time, median of %d paired runs: %.2fx (min %.2fx, max "
          "%.2fx); peak RSS encore/duckdb %.2f; rows and editions agree: %s\n\n",
          size_mb, runs, Median(ratio), *std::min_element(ratio.begin(), ratio.end()),
          *std::max_element(ratio.begin(), ratio.end()), Median(e_rss) / Median(d_rss),
          agree ? "yes" : "NO");
      std::fflush(stdout);
      if (!agree) return 1;
    }
  }
  return 0;
}

}  // namespace

// bench/records_bench.cc
int RecordsWorkloads(const std::string& workload, const std::string& data, size_t tracks, int days,
                     int runs, int warmup);

int main(int argc, char** argv) {
  std::string workload = "ingest_plays_csv", data = "bench/data", encore, plays_arg = "10000000";
  std::string hot100 = "../shared/data/billboard-hot-100", history_mb = "1000", chart_mb = "128";
  int runs = 5, warmup = 1, days = 365;
  size_t tracks = 1000000;
  bool peer = true;
  std::string shape = "default";
  const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
  encore = (self.parent_path().parent_path() / "src" / "encore").string();
  // This file's folder; a relative __FILE__ (a compiler cache rewrites paths) is relative to the
  // build folder, the parent of this program's.
  std::filesystem::path src = std::filesystem::path(__FILE__).parent_path();
  if (src.is_relative()) src = self.parent_path().parent_path() / src;
  const std::string source_dir = src.lexically_normal().string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "encore-bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--workload")
      workload = next();
    else if (a == "--plays")
      plays_arg = next();
    else if (a == "--runs")
      runs = std::atoi(next().c_str());
    else if (a == "--warmup")
      warmup = std::atoi(next().c_str());
    else if (a == "--data")
      data = next();
    else if (a == "--encore")
      encore = next();
    else if (a == "--no-peer")
      peer = false;
    else if (a == "--hot100")
      hot100 = next();
    else if (a == "--tracks")
      tracks = static_cast<size_t>(std::atoll(next().c_str()));
    else if (a == "--days")
      days = std::atoi(next().c_str());
    else if (a == "--history-mb")
      history_mb = next();
    else if (a == "--chart-mb")
      chart_mb = next();
    else if (a == "--shape")
      shape = next();
    else {
      std::fprintf(
          stderr,
          "usage: encore-bench [--workload ingest_plays_csv|reingest_plays_csv|"
          "compile_day_charts|compile_week_hot100|import_verify_hot100|records_full|"
          "records_incremental_day|ingest_history_json|import_chart_dataset] [--plays N[,N...]] "
          "[--runs N] [--warmup N] [--data DIR] [--encore PATH] [--no-peer] [--hot100 PATH] "
          "[--tracks N] [--days N] [--history-mb MB[,MB...]] [--chart-mb MB[,MB...]] "
          "[--shape default|high-cardinality]\n");
      return 2;
    }
  }
  if (workload == "compile_day_charts" || workload == "compile_week_hot100" ||
      workload == "import_verify_hot100") {
    std::filesystem::create_directories(data);
    return ChartWorkloads(workload, encore, data, ParseList(plays_arg), runs, warmup, hot100);
  }
  if (workload == "records_full" || workload == "records_incremental_day") {
    std::filesystem::create_directories(data);
    return RecordsWorkloads(workload, data, tracks, days, runs, warmup);
  }
  if (workload == "ingest_history_json" || workload == "import_chart_dataset") {
    std::filesystem::create_directories(data);
    if (peer && !std::filesystem::exists(source_dir + "/node_modules/@duckdb/node-api")) {
      std::fprintf(stderr, "encore-bench: installing the DuckDB peer (npm install in %s)\n",
                   source_dir.c_str());
      Run({"npm", "install", "--no-audit", "--no-fund", "--silent"}, source_dir);
    }
    if (workload == "import_chart_dataset")
      return ChartDatasetWorkload(encore, data, source_dir, ParseList(chart_mb), runs, warmup,
                                  peer);
    return HistoryWorkload(encore, data, source_dir, ParseList(history_mb), runs, warmup, peer);
  }
  if (workload != "ingest_plays_csv" && workload != "reingest_plays_csv") {
    std::fprintf(
        stderr,
        "encore-bench: unknown workload '%s' (known: ingest_plays_csv, reingest_plays_csv, "
        "compile_day_charts, compile_week_hot100, import_verify_hot100, records_full, "
        "records_incremental_day, ingest_history_json, import_chart_dataset)\n",
        workload.c_str());
    return 2;
  }
  const bool reingest = workload == "reingest_plays_csv";
  if (reingest) peer = false;
  if (shape != "default" && shape != "high-cardinality") {
    std::fprintf(stderr, "encore-bench: --shape is default or high-cardinality\n");
    return 2;
  }
  const bool high_cardinality = shape == "high-cardinality";
  std::filesystem::create_directories(data);
  if (peer && !std::filesystem::exists(source_dir + "/node_modules/@duckdb/node-api")) {
    std::fprintf(stderr, "encore-bench: installing the DuckDB peer (npm install in %s)\n",
                 source_dir.c_str());
    Run({"npm", "install", "--no-audit", "--no-fund", "--silent"}, source_dir);
  }
  std::printf(
      "| workload | plays | input | tool | median wall s | rows/s | MB/s | peak RSS MiB | streams "
      "|\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (long long plays : ParseList(plays_arg)) {
    const std::string csv = data + (high_cardinality ? "/plays-hc-" : "/plays-") +
                            std::to_string(plays) + ".csv";
    if (!std::filesystem::exists(csv)) {
      std::fprintf(stderr, "encore-bench: simulating %lld plays into %s\n", plays, csv.c_str());
      std::vector<std::string> command = {encore,   "simulate", "--plays", std::to_string(plays),
                                          "--days", "30",       "--seed",  "1",
                                          "--out",  csv};
      if (high_cardinality) {
        for (const char* a : {"--users", "2000000", "--tracks", "1000000", "--popularity", "1",
                              "--user-skew", "1", "--bots", "0.02", "--skips", "0.25"})
          command.push_back(a);
      }
      Run(command);
    }
    const double mb = static_cast<double>(std::filesystem::file_size(csv)) / 1e6;
    const std::string store = data + "/store-bench";
    std::vector<double> e_wall, e_rss, d_wall, d_rss, ratio;
    long long e_streams = -1, d_streams = -1;
    if (reingest) {
      std::filesystem::remove_all(store);
      e_streams = CountedFromEncore(
          Run({encore, "ingest", "--no-progress", "--no-records", "--store", store, csv}).output);
    }
    for (int r = 0; r < warmup + runs; ++r) {
      if (!reingest) std::filesystem::remove_all(store);
      const Sample e =
          Run({encore, "ingest", "--no-progress", "--no-records", "--store", store, csv});
      if (!reingest) e_streams = CountedFromEncore(e.output);
      if (reingest && e.output.find("already ingested") == std::string::npos) {
        std::fprintf(stderr, "encore-bench: the re-ingest was not a no-op:\n%s\n",
                     e.output.c_str());
        return 1;
      }
      Sample d;
      if (peer) {
        d = Run({"node", source_dir + "/duckdb_peer.mjs", std::filesystem::absolute(csv).string()});
        d_streams = StreamsFromPeer(d.output);
      }
      if (r < warmup) continue;
      e_wall.push_back(e.wall);
      e_rss.push_back(e.rss_mb);
      if (peer) {
        d_wall.push_back(d.wall);
        d_rss.push_back(d.rss_mb);
        ratio.push_back(d.wall / e.wall);
      }
      std::fprintf(stderr, "  run %d: encore %.2f s %.0f MiB%s\n", r - warmup + 1, e.wall, e.rss_mb,
                   peer ? (", duckdb " + std::to_string(d.wall) + " s " +
                           std::to_string(static_cast<int>(d.rss_mb)) + " MiB")
                              .c_str()
                        : "");
    }
    std::filesystem::remove_all(store);
    auto row = [&](const char* tool, const std::vector<double>& wall,
                   const std::vector<double>& rss, long long streams) {
      const double w = Median(wall);
      std::printf("| %s%s | %lld | %.0f MB | %s | %.2f | %.2fM | %.0f | %.0f | %lld |\n",
                  workload.c_str(), high_cardinality ? " (high-cardinality)" : "", plays, mb, tool, w, static_cast<double>(plays) / w / 1e6,
                  mb / w, Median(rss), streams);
    };
    row("encore", e_wall, e_rss, e_streams);
    if (peer) {
      row("duckdb", d_wall, d_rss, d_streams);
      std::printf(
          "\nplays %lld: duckdb/encore wall time, median of %d paired runs: %.2fx (min %.2fx, max "
          "%.2fx); "
          "peak RSS encore/duckdb %.2f; streams agree: %s\n\n",
          plays, runs, Median(ratio), *std::min_element(ratio.begin(), ratio.end()),
          *std::max_element(ratio.begin(), ratio.end()), Median(e_rss) / Median(d_rss),
          e_streams == d_streams ? "yes" : "NO");
      if (e_streams != d_streams) return 1;
    }
  }
  return 0;
}
