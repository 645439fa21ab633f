// Crash safety: an ingest killed with SIGKILL at random moments, then run again, must leave a
// store identical to a clean run's (same counts, same rejects, same sources).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <sstream>
#include <thread>

#include "encore/simulate.h"
#include "test_util.h"

namespace encore::test {
namespace {

// The store's observable content: counts, rejects and the list of sources with their summaries.
std::string Snapshot(const std::string& store) {
  std::string s = RunEncore("export daily --store " + Quote(store)).out;
  s += RunEncore("rejects --format jsonl --store " + Quote(store)).out;
  const std::string status = RunEncore("status --store " + Quote(store)).out;
  // Keep the source lines and the day counts; generation and bytes on disk may differ.
  std::stringstream ss(status);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.find("  source ") == 0 || line.find("  days ") == 0) s += line + "\n";
  }
  return s;
}

// Starts encore with args; returns its pid.
pid_t Start(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(ENCORE_BINARY));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(ENCORE_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST(Crash, KilledIngestsFinishWithIdenticalResults) {
  TempDir dir("crash");
  std::vector<std::string> files;
  for (int i = 0; i < 4; ++i) {
    SimulateOptions so;
    so.plays = 40000;
    so.days = 6;
    so.seed =
        static_cast<uint64_t>(100 + i);  // overlapping days and listeners: the cap spans files
    so.out = dir / ("part" + std::to_string(i) + (i % 2 ? ".csv.zst" : ".jsonl"));
    ASSERT_TRUE(Simulate(so).ok());
    files.push_back(so.out);
  }
  // A file with a rejected line: its rejects are committed with it (a file with nothing readable
  // would fail as a whole and commit nothing).
  WriteText(dir / "bad.csv",
            "ts,user,track,ms_played,country,tier\nnot,a,valid,line,at,all\n"
            "2024-01-03T10:00:00Z,u1,t1,40000,US,premium\n");
  files.push_back(dir / "bad.csv");
  auto args_for = [&](const std::string& store) {
    std::vector<std::string> args = {"ingest", "--no-progress", "--store", store};
    args.insert(args.end(), files.begin(), files.end());
    return args;
  };

  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Wait(Start(args_for(dir / "clean"))), 0);
  const auto clean_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  const std::string expected = Snapshot(dir / "clean");
  ASSERT_NE(expected.find("premium"), std::string::npos);

  std::mt19937_64 rng(5);
  int killed_mid_run = 0;
  const int kRuns = 24;
  for (int run = 0; run < kRuns; ++run) {
    const std::string store = dir / ("crashed" + std::to_string(run));
    // Kill at a random moment of the run, then once more during the re-run for half of them.
    const int kills = 1 + static_cast<int>(run % 2);
    for (int k = 0; k < kills; ++k) {
      const pid_t pid = Start(args_for(store));
      std::this_thread::sleep_for(
          std::chrono::microseconds(rng() % static_cast<uint64_t>(clean_us)));
      ::kill(pid, SIGKILL);
      const int status = Wait(pid);
      if (WIFSIGNALED(status)) ++killed_mid_run;
    }
    const int status = Wait(Start(args_for(store)));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "run " << run;
    EXPECT_EQ(Snapshot(store), expected) << "run " << run;
    std::filesystem::remove_all(store);
  }
  // At least half the 36 kills must have landed while the ingest was running, or the test
  // proved little (a re-run has less left to do, so under load its kill often comes too late).
  EXPECT_GE(killed_mid_run, 18);
}

}  // namespace encore::test
