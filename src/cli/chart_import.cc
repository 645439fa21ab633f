// `encore chart import`: published chart files and folders of them, each file streamed into the
// chart history in one transaction, once per content; what was taken, skipped and refused said
// (doc/charts.md, "Importing published charts").
#include "cli/chart_import.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "common/byte_source.h"
#include "common/strings.h"
#include "common/text.h"
#include "encore/chart_streams.h"
#include "encore/charts.h"
#include "encore/store_feeds.h"

namespace encore::cli {
namespace {

constexpr size_t kShownPerFile = 20;  // rejects and changed editions printed per file

// A path's files: the file itself, or every chart file under a directory (in name order) and
// the files skipped there with the reason.
struct Listing {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> skipped;  // file, why
};

bool ChartExtension(const std::string& path) {
  const std::string p = StripCompressionExtension(path);
  for (const char* ext : {".csv", ".json", ".CSV", ".JSON"})
    if (EndsWith(p, ext)) return true;
  return false;
}

Listing ListPath(const std::string& path) {
  namespace fs = std::filesystem;
  Listing out;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    out.files.push_back(path);
    return out;
  }
  std::vector<fs::path> all;
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      out.skipped.push_back({it->path().string(), "hidden"});
      continue;
    }
    if (it->is_regular_file()) all.push_back(it->path());
  }
  if (ec) out.skipped.push_back({path, "could not be read to the end: " + ec.message()});
  std::sort(all.begin(), all.end());
  for (const auto& p : all) {
    if (ChartExtension(p.string()))
      out.files.push_back(p.string());
    else
      out.skipped.push_back({p.string(), "not a .csv or .json file (.gz, .zst)"});
  }
  return out;
}

// Hands a file's editions to the import, printing its first rejects; in strict mode the first
// reject stops the file.
class ImportSink final : public ChartSink {
 public:
  ImportSink(ChartImport* import, const std::string& file, bool strict)
      : import_(import), file_(file), strict_(strict) {}
  Status Add(ChartEdition part) override { return import_->Add(std::move(part)); }
  Status Reject(ChartReject r) override {
    if (strict_) {
      return Status::DataError(Printable(file_) + ":" + std::to_string(r.line) + ": " + r.reason +
                               " (strict mode): " + Printable(r.text.substr(0, 200)));
    }
    if (++rejects_ <= kShownPerFile) {
      std::printf("  %s:%llu: rejected: %s: %s\n", Printable(file_).c_str(),
                  static_cast<unsigned long long>(r.line), Printable(r.reason).c_str(),
                  Printable(r.text.substr(0, 200)).c_str());
    }
    return import_->Reject(std::move(r));
  }
  uint64_t rejects() const { return rejects_; }

 private:
  ChartImport* import_;
  const std::string& file_;
  bool strict_;
  uint64_t rejects_ = 0;
};

std::string ChangeText(const ChartEditionChange& c) {
  return c.chart + " " + FormatDate(c.date) + ": " + std::to_string(c.added) + " entries added, " +
         std::to_string(c.removed) + " removed, " + std::to_string(c.moved) + " moved" +
         (c.reprinted ? ", " + std::to_string(c.reprinted) +
                            " printing another last week, peak or weeks"
                      : "");
}

struct Totals {
  size_t files = 0, failed = 0, refused = 0, already = 0, editions = 0, entries = 0;
  size_t replaced = 0, unchanged = 0, rejected = 0;
  std::map<std::string, size_t> formats;  // format -> files taken
  std::set<std::string> charts;
  std::vector<std::pair<std::string, std::string>> skipped;  // file, why
  // Store feed snapshots and lists of No. 1s (STORE/feeds.sqlite).
  size_t snapshots = 0, snapshot_entries = 0, same_snapshots = 0, replaced_snapshots = 0;
  std::set<std::string> feed_series;  // "itunes songs"
  std::vector<std::string> lists;     // what each list of No. 1s imported was
};

// The store's feeds, opened when the first feed or list is met.
// Files share a transaction, committed every kFilesPerBatch files and at the end (a snapshot is a
// small file, and a commit per file would cost more than reading it).
struct Feeds {
  static constexpr size_t kFilesPerBatch = 512;
  std::string dir;
  std::unique_ptr<StoreFeeds> feeds;
  size_t in_batch = 0;
  Result<StoreFeeds*> Get() {
    if (!feeds) {
      ENCORE_ASSIGN_OR_RETURN(feeds, OpenStoreFeeds(dir, true));
    }
    if (in_batch == kFilesPerBatch) {
      ENCORE_RETURN_IF_ERROR(feeds->CommitBatch());
      in_batch = 0;
    }
    if (in_batch++ == 0) ENCORE_RETURN_IF_ERROR(feeds->BeginBatch());
    return feeds.get();
  }
  Status Commit() {
    in_batch = 0;
    return feeds ? feeds->CommitBatch() : Status::Ok();
  }
};

// Hands a feed file's snapshots to the import, printing its first rejects (strict: the first
// reject stops the file); remembers how the first snapshot's facts were told.
class FeedSink final : public SnapshotSink {
 public:
  FeedSink(FeedImport* import, const std::string& file, bool strict)
      : import_(import), file_(file), strict_(strict) {}
  Status Add(StoreSnapshot s) override {
    if (how_.empty())
      how_ = s.how + ", time from " +
             (s.taken_from == "feed" ? "feed.updated" : "the " + s.taken_from);
    return import_->Add(s);
  }
  Status Reject(ChartReject r) override {
    if (strict_) {
      return Status::DataError(Printable(file_) + ":" + std::to_string(r.line) + ": " + r.reason +
                               " (strict mode)");
    }
    if (++rejects_ <= kShownPerFile) {
      std::printf("  %s:%llu: rejected: %s%s%s\n", Printable(file_).c_str(),
                  static_cast<unsigned long long>(r.line), Printable(r.reason).c_str(),
                  r.text.empty() ? "" : ": ", Printable(r.text.substr(0, 200)).c_str());
    }
    return import_->Reject(r);
  }
  uint64_t rejects() const { return rejects_; }
  const std::string& how() const { return how_; }

 private:
  FeedImport* import_;
  const std::string& file_;
  bool strict_;
  uint64_t rejects_ = 0;
  std::string how_;
};

void PrintIssues(const std::vector<ChartIssue>& issues) {
  for (const auto& i : issues) std::fprintf(stderr, "  %s\n", Printable(i.ToString()).c_str());
}

// A store feed file (doc/charts.md, "Store feed snapshots"): its snapshots, once per content.
Status ImportFeedFile(Feeds& holder, const std::string& file, const ChartReadOptions& read,
                      const ChartImportOptions& options, bool strict, Totals* t) {
  ++t->files;
  auto fail = [&](const std::string& why, const std::vector<ChartIssue>& issues) {
    ++t->failed;
    std::fprintf(stderr, "encore: %s: %s\n", Printable(file).c_str(), Printable(why).c_str());
    PrintIssues(issues);
    return Status::Ok();
  };
  ENCORE_ASSIGN_OR_RETURN(StoreFeeds * feeds, holder.Get());
  auto fingerprint = ChartFileFingerprint(file);
  if (!fingerprint.ok()) return fail(fingerprint.status().message(), {});
  ENCORE_ASSIGN_OR_RETURN(const bool seen, feeds->Imported(*fingerprint));
  if (seen) {
    ++t->already;
    return Status::Ok();
  }
  ENCORE_ASSIGN_OR_RETURN(auto import, feeds->Begin(*fingerprint, file, options.replace));
  FeedSink sink(import.get(), file, strict);
  FeedReadOptions fo;
  fo.chart = read.chart;
  std::vector<ChartIssue> issues;
  auto summary = StreamStoreFeed(file, fo, &sink, &issues);
  if (!summary.ok()) return fail(summary.status().message(), issues);
  if (summary->fingerprint != *fingerprint) return fail("the file changed while it was read", {});
  ENCORE_ASSIGN_OR_RETURN(FeedImportReport r, import->Commit());
  if (r.refused) {
    ++t->failed;
    ++t->refused;
    std::fprintf(stderr,
                 "encore: %s: refused: it would replace %zu snapshot%s kept before with other "
                 "entries (--replace replaces them):\n",
                 Printable(file).c_str(), r.conflicts.size(), r.conflicts.size() == 1 ? "" : "s");
    for (size_t i = 0; i < r.conflicts.size() && i < kShownPerFile; ++i)
      std::fprintf(stderr, "  %s\n", Printable(r.conflicts[i]).c_str());
    return Status::Ok();
  }
  if (sink.rejects() > kShownPerFile) {
    std::printf("  %s: … and %llu more entries rejected (encore chart rejects)\n",
                Printable(file).c_str(),
                static_cast<unsigned long long>(sink.rejects() - kShownPerFile));
  }
  t->rejected += sink.rejects();
  t->snapshots += r.snapshots;
  t->snapshot_entries += r.entries;
  t->same_snapshots += r.same;
  t->replaced_snapshots += r.replaced;
  ++t->formats[FeedLayoutName(summary->layout) + ": " + sink.how()];
  const size_t sp = sink.how().find(" from ");
  if (sp != std::string::npos) t->feed_series.insert(sink.how().substr(0, sp));
  return Status::Ok();
}

// A list of No. 1s (doc/charts.md, "Lists of No. 1s"): kept whole, replacing the chart's list.
Status ImportListFile(Feeds& holder, const std::string& file, const ChartReadOptions& read,
                      bool strict, Totals* t) {
  ++t->files;
  auto fail = [&](const std::string& why, const std::vector<ChartIssue>& issues) {
    ++t->failed;
    std::fprintf(stderr, "encore: %s: %s\n", Printable(file).c_str(), Printable(why).c_str());
    PrintIssues(issues);
    return Status::Ok();
  };
  ENCORE_ASSIGN_OR_RETURN(StoreFeeds * feeds, holder.Get());
  std::vector<ChartIssue> issues;
  auto list = ReadNumberOnesList(file, read.chart, &issues);
  if (!list.ok()) return fail(list.status().message(), issues);
  ENCORE_ASSIGN_OR_RETURN(const bool seen, feeds->Imported(list->fingerprint));
  if (seen) {
    ++t->already;
    return Status::Ok();
  }
  for (size_t i = 0; i < list->rejects.size() && i < kShownPerFile; ++i) {
    const ChartReject& r = list->rejects[i];
    std::printf("  %s:%llu: rejected: %s: %s\n", Printable(file).c_str(),
                static_cast<unsigned long long>(r.line), Printable(r.reason).c_str(),
                Printable(r.text.substr(0, 200)).c_str());
  }
  if (strict && !list->rejects.empty())
    return fail(std::to_string(list->rejects.size()) + " entries rejected (strict mode)", {});
  ENCORE_ASSIGN_OR_RETURN(auto import, feeds->Begin(list->fingerprint, file, true));
  ENCORE_RETURN_IF_ERROR(import->AddList(*list));
  ENCORE_ASSIGN_OR_RETURN(FeedImportReport r, import->Commit());
  t->rejected += list->rejects.size();
  const ListCheck c = CheckNumberOnesList(*list);
  t->lists.push_back(list->chart + ": " + Thousands(static_cast<int64_t>(r.list_entries)) +
                     " No. 1s (" + std::to_string(c.reentries) + " returns), " +
                     FormatDate(c.first) + ".." + FormatDate(c.last) + ", " + Thousands(c.weeks) +
                     " weeks at No. 1");
  ++t->formats["list of No. 1s (JSON, HTML in the names), chart " + list->chart];
  return Status::Ok();
}

// Imports one file; a failure is printed and counted, not returned (the next file goes on).
Status ImportFile(ChartHistory& history, Feeds& feeds, const std::string& file, bool in_folder,
                  const ChartReadOptions& read, const ChartImportOptions& options, bool strict,
                  Totals* t) {
  // A store feed or a list of No. 1s is told by its content, like every chart file.
  switch (SniffJsonFile(file)) {
    case JsonKind::kStoreFeed:
      return ImportFeedFile(feeds, file, read, options, strict, t);
    case JsonKind::kNumberOnes:
      return ImportListFile(feeds, file, read, strict, t);
    case JsonKind::kOther:
      break;
  }
  ++t->files;
  auto fail = [&](const std::string& why, const std::vector<ChartIssue>& issues) {
    ++t->failed;
    std::fprintf(stderr, "encore: %s: %s\n", Printable(file).c_str(), Printable(why).c_str());
    for (const auto& i : issues) {
      const std::string text = i.ToString();  // a list of known layouts, one a line
      for (size_t at = 0; at <= text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::fprintf(stderr, "  %s\n", Printable(text.substr(at, end - at)).c_str());
        at = end + 1;
      }
    }
    return Status::Ok();
  };
  auto fingerprint = ChartFileFingerprint(file);
  if (!fingerprint.ok()) return fail(fingerprint.status().message(), {});
  ENCORE_ASSIGN_OR_RETURN(const bool seen, history.Imported(*fingerprint));
  if (seen) {
    ++t->already;
    return Status::Ok();
  }
  ENCORE_ASSIGN_OR_RETURN(auto import, history.BeginImport(*fingerprint, file, options));
  ImportSink sink(import.get(), file, strict);
  std::vector<ChartIssue> issues;
  auto summary = StreamChartFile(file, read, &sink, &issues);
  if (!summary.ok() && in_folder && summary.status().message().rfind("not a chart file", 0) == 0) {
    // A folder's other files (notes, lists, other data) are skipped with the reason, not failed.
    --t->files;
    t->skipped.push_back(
        {file, issues.empty()
                   ? "not a chart file"
                   : "not a chart file (" +
                         issues.front().reason.substr(0, issues.front().reason.find(':')) + ")"});
    if (!issues.empty() && issues.front().reason.find("the header '") != std::string::npos) {
      const std::string& r = issues.front().reason;
      const size_t a = r.find("the header '"), b = r.find("' is none");
      if (b != std::string::npos)
        t->skipped.back().second = "not a chart file: its first line '" +
                                   r.substr(a + 12, b - a - 12) + "' is no known header";
    }
    return Status::Ok();
  }
  if (!summary.ok()) return fail(summary.status().message(), issues);
  if (summary->fingerprint != *fingerprint) return fail("the file changed while it was read", {});
  ENCORE_ASSIGN_OR_RETURN(ChartImportReport r, import->Commit(summary->rows));
  if (r.refused) {
    ++t->failed;
    ++t->refused;
    std::fprintf(stderr,
                 "encore: %s: refused: it would replace %zu edition%s imported before with "
                 "different entries (--replace replaces them):\n",
                 Printable(file).c_str(), r.changes.size(), r.changes.size() == 1 ? "" : "s");
    for (size_t i = 0; i < r.changes.size() && i < kShownPerFile; ++i)
      std::fprintf(stderr, "  %s\n", Printable(ChangeText(r.changes[i])).c_str());
    if (r.changes.size() > kShownPerFile)
      std::fprintf(stderr, "  … and %zu more\n", r.changes.size() - kShownPerFile);
    return Status::Ok();
  }
  for (size_t i = 0; i < r.changes.size() && i < kShownPerFile; ++i)
    std::printf("  replaced %s\n", Printable(ChangeText(r.changes[i])).c_str());
  if (r.changes.size() > kShownPerFile)
    std::printf("  … and %zu more editions replaced\n", r.changes.size() - kShownPerFile);
  if (sink.rejects() > kShownPerFile) {
    std::printf("  %s: … and %llu more rows rejected (encore chart rejects)\n",
                Printable(file).c_str(),
                static_cast<unsigned long long>(sink.rejects() - kShownPerFile));
  }
  t->rejected += sink.rejects();
  t->editions += r.editions;
  t->entries += r.entries;
  t->replaced += r.replaced;
  t->unchanged += r.unchanged;
  ++t->formats[ChartFormatName(summary->format) + ", chart from " + summary->chart_from];
  t->charts.insert(r.charts.begin(), r.charts.end());
  return Status::Ok();
}

}  // namespace

Status SyncStreams(const std::string& dir, ChartHistory& history) {
  const auto t0 = std::chrono::steady_clock::now();
  ENCORE_ASSIGN_OR_RETURN(auto store, OpenStore(dir, StoreOptions()));
  ENCORE_ASSIGN_OR_RETURN(const ChartStreamsReport r, SyncChartStreams(history, store.get()));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.files == 0) {
    std::printf("chart streams: up to date\n");
    return Status::Ok();
  }
  std::printf(
      "chart streams: %s editions of %zu files written to the store (%s counts, %s days, %s new "
      "tracks) in %.2f s; services %s (a week's total on its last day) and %s\n",
      Thousands(static_cast<int64_t>(r.editions)).c_str(), r.files,
      Thousands(static_cast<int64_t>(r.rows)).c_str(),
      Thousands(static_cast<int64_t>(r.days)).c_str(),
      Thousands(static_cast<int64_t>(r.new_tracks)).c_str(), secs,
      std::string(kChartStreamsWeekly).c_str(), std::string(kChartStreamsDaily).c_str());
  if (r.no_streams || r.no_id || r.repeated) {
    std::printf(
        "  not counted: %zu entries without streams, %zu without a Spotify URI, %zu "
        "repeats of a track on one edition\n",
        r.no_streams, r.no_id, r.repeated);
  }
  return Status::Ok();
}

void AddChartStreams(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand(
      "streams",
      "Write the streams printed on imported Spotify charts to the store as chart "
      "streams (what chart import does at its end; resumes an interrupted one)");
  auto store = std::make_shared<std::string>();
  cmd->add_option("--store", *store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      const std::string dir = DefaultStoreDir(*store);
      ENCORE_ASSIGN_OR_RETURN(auto history, OpenChartHistory(dir, false));
      return SyncStreams(dir, *history);
    };
  });
}

void AddChartImport(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand(
      "import", "Import published charts: shared spec §6 files or the publishers' own files");
  struct Args {
    std::vector<std::string> paths;
    std::string chart, store;
    bool strict = false, replace = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("paths", a->paths, "Chart files or directories of them")->required();
  cmd->add_flag("--strict", a->strict, "Import no file with a malformed row");
  cmd->add_flag("--replace", a->replace,
                "Replace editions imported before from another file when the entries differ");
  cmd->add_option("--chart", a->chart,
                  "Chart name for files that do not name one (default: told by the file)");
  cmd->add_option("--store", a->store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      const auto t0 = std::chrono::steady_clock::now();
      ENCORE_ASSIGN_OR_RETURN(auto history, OpenChartHistory(DefaultStoreDir(a->store), true));
      ChartReadOptions read;
      read.chart = a->chart;
      ChartImportOptions options;
      options.replace = a->replace;
      Totals t;
      Feeds feeds{DefaultStoreDir(a->store), nullptr};
      for (const auto& path : a->paths) {
        Listing listing = ListPath(path);
        t.skipped.insert(t.skipped.end(), listing.skipped.begin(), listing.skipped.end());
        const bool in_folder = listing.files.size() != 1 || listing.files[0] != path;
        if (listing.files.empty()) {
          std::fprintf(stderr, "encore: %s: nothing importable: no .csv or .json file in it%s\n",
                       Printable(path).c_str(), listing.skipped.empty() ? " (it is empty)" : "");
        }
        for (const auto& file : listing.files)
          ENCORE_RETURN_IF_ERROR(
              ImportFile(*history, feeds, file, in_folder, read, options, a->strict, &t));
      }
      ENCORE_RETURN_IF_ERROR(feeds.Commit());
      // Chart songs matched to the catalog by name; the ones it does not know kept as such.
      ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, LoadStoredCatalog(DefaultStoreDir(a->store)));
      ENCORE_ASSIGN_OR_RETURN(auto linked, history->LinkSongs(catalog));
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf(
          "chart songs: %s, of which %s matched to catalog tracks (the others are kept as "
          "chart songs)\n",
          Thousands(static_cast<int64_t>(linked.first)).c_str(),
          Thousands(static_cast<int64_t>(linked.second)).c_str());
      std::printf(
          "%zu files: %s editions, %s entries imported (%zu editions replaced, %zu of them "
          "unchanged), %zu rows rejected, %zu files already imported, %zu failed, in %.2f s\n",
          t.files, Thousands(static_cast<int64_t>(t.editions)).c_str(),
          Thousands(static_cast<int64_t>(t.entries)).c_str(), t.replaced, t.unchanged, t.rejected,
          t.already, t.failed, secs);
      if (t.snapshots || t.same_snapshots || t.replaced_snapshots) {
        std::printf(
            "store feeds: %s snapshots, %s entries imported (%zu the same as kept before, "
            "%zu replaced)\n",
            Thousands(static_cast<int64_t>(t.snapshots)).c_str(),
            Thousands(static_cast<int64_t>(t.snapshot_entries)).c_str(), t.same_snapshots,
            t.replaced_snapshots);
      }
      for (const std::string& l : t.lists) std::printf("list of No. 1s: %s\n", l.c_str());
      // The streams printed on Spotify's charts become counts of their own (chart streams).
      if (Status s = SyncStreams(DefaultStoreDir(a->store), *history); !s.ok()) {
        std::fprintf(stderr,
                     "encore: chart streams not written to the store: %s (encore chart streams "
                     "writes them)\n",
                     s.message().c_str());
        if (!t.failed) return s;
      }
      for (const auto& [format, n] : t.formats)
        std::printf("  took %zu file%s: %s\n", n, n == 1 ? "" : "s", format.c_str());
      if (!t.skipped.empty()) {
        std::printf("  skipped %zu file%s:\n", t.skipped.size(), t.skipped.size() == 1 ? "" : "s");
        for (size_t i = 0; i < t.skipped.size() && i < kShownPerFile; ++i)
          std::printf("    %s: %s\n", Printable(t.skipped[i].first).c_str(),
                      Printable(t.skipped[i].second).c_str());
        if (t.skipped.size() > kShownPerFile)
          std::printf("    … and %zu more\n", t.skipped.size() - kShownPerFile);
      }
      if (feeds.feeds && !t.feed_series.empty()) {
        ENCORE_ASSIGN_OR_RETURN(auto series, feeds.feeds->Series());
        for (const FeedSeries& f : series) {
          if (!t.feed_series.count(f.store + " " + f.kind)) continue;
          std::printf(
              "  %-24s %s snapshots of %zu countries, %s..%s, %s entries\n",
              (f.store + " " + f.kind + (f.genre.empty() ? "" : " genre " + f.genre)).c_str(),
              Thousands(static_cast<int64_t>(f.snapshots)).c_str(), f.countries,
              FormatTimestamp(f.first).c_str(), FormatTimestamp(f.last).c_str(),
              Thousands(static_cast<int64_t>(f.entries)).c_str());
        }
      }
      ENCORE_ASSIGN_OR_RETURN(auto all, history->Charts());
      for (const auto& c : all) {
        if (!t.charts.count(c.chart)) continue;
        std::printf("  %-24s %s editions, %s..%s, %s entries\n", c.chart.c_str(),
                    Thousands(static_cast<int64_t>(c.editions)).c_str(),
                    FormatDate(c.first).c_str(), FormatDate(c.last).c_str(),
                    Thousands(static_cast<int64_t>(c.entries)).c_str());
      }
      if (t.files == 0)
        return Status::DataError("nothing importable: no chart file in the path(s) given (" +
                                 std::to_string(t.skipped.size()) + " files skipped)");
      if (t.refused && t.refused == t.failed && t.failed == t.files)
        return Status::DataError(
            "nothing imported: every file would replace editions "
            "(--replace replaces them)");
      if (t.failed && t.failed == t.files)
        return Status::DataError("no chart file could be imported");
      if (t.failed)
        return PartialFailure(std::to_string(t.failed) + " of " + std::to_string(t.files) +
                              " chart files could not be imported");
      return Status::Ok();
    };
  });
}

}  // namespace encore::cli
