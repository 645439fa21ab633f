// encore-bench: named workloads, timed as whole processes (wall time and peak RSS from wait4),
// a warm-up then several runs, and a peer on the same input in the same run.
//
//   encore-bench [--workload ingest_plays_csv|reingest_plays_csv] [--plays 10000000,50000000]
//   [--runs 5]
//                [--warmup 1] [--data DIR] [--encore PATH] [--no-peer]
//
// ingest_plays_csv: `encore ingest` of a simulated plays CSV into a new store (parse, validate,
// cap, aggregate, durable commit), against DuckDB (npm @duckdb/node-api) computing the same
// capped daily counts with SQL straight from the same file in memory (bench/duckdb_peer.mjs).
// Both report their total of counted streams; the run fails if they disagree.
//
// reingest_plays_csv: `encore ingest` of the same file into a store that already holds it (the
// exactly-once no-op: probe, then fingerprint without parsing). No peer.
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
  const std::string out_path =
      (std::filesystem::temp_directory_path() / ("encore-bench-" + std::to_string(::getpid()) + ".out"))
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

}  // namespace

int main(int argc, char** argv) {
  std::string workload = "ingest_plays_csv", data = "bench/data", encore, plays_arg = "10000000";
  int runs = 5, warmup = 1;
  bool peer = true;
  const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
  encore = (self.parent_path().parent_path() / "src" / "encore").string();
  const std::string source_dir = std::filesystem::path(__FILE__).parent_path().string();
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
    else {
      std::fprintf(stderr,
                   "usage: encore-bench [--workload ingest_plays_csv|reingest_plays_csv] [--plays "
                   "N[,N...]] [--runs N] "
                   "[--warmup N] [--data DIR] [--encore PATH] [--no-peer]\n");
      return 2;
    }
  }
  if (workload != "ingest_plays_csv" && workload != "reingest_plays_csv") {
    std::fprintf(
        stderr,
        "encore-bench: unknown workload '%s' (known: ingest_plays_csv, reingest_plays_csv)\n",
        workload.c_str());
    return 2;
  }
  const bool reingest = workload == "reingest_plays_csv";
  if (reingest) peer = false;
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
    const std::string csv = data + "/plays-" + std::to_string(plays) + ".csv";
    if (!std::filesystem::exists(csv)) {
      std::fprintf(stderr, "encore-bench: simulating %lld plays into %s\n", plays, csv.c_str());
      Run({encore, "simulate", "--plays", std::to_string(plays), "--days", "30", "--seed", "1",
           "--out", csv});
    }
    const double mb = static_cast<double>(std::filesystem::file_size(csv)) / 1e6;
    const std::string store = data + "/store-bench";
    std::vector<double> e_wall, e_rss, d_wall, d_rss, ratio;
    long long e_streams = -1, d_streams = -1;
    if (reingest) {
      std::filesystem::remove_all(store);
      e_streams =
          CountedFromEncore(Run({encore, "ingest", "--no-progress", "--store", store, csv}).output);
    }
    for (int r = 0; r < warmup + runs; ++r) {
      if (!reingest) std::filesystem::remove_all(store);
      const Sample e = Run({encore, "ingest", "--no-progress", "--store", store, csv});
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
      std::printf("| %s | %lld | %.0f MB | %s | %.2f | %.2fM | %.0f | %.0f | %lld |\n",
                  workload.c_str(), plays, mb, tool, w, static_cast<double>(plays) / w / 1e6,
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
