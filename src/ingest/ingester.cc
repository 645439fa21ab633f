#include <algorithm>
#include <thread>

#include "encore/ingest.h"
#include "ingest/day_counter.h"
#include "ingest/file_reader.h"

namespace encore {
namespace {

// Counts a parsed file against the store's open days and builds its commit.
// Days are independent: they are counted on `threads` threads, each taking every n-th day.
Result<CommitBatch> CountBatch(const CountStore& store, FileBatch& batch, IdMap& ids,
                               std::optional<Day> seal_before, int threads,
                               SourceSummary* summary) {
  CommitBatch commit;
  const std::optional<Day> sealed = seal_before ? seal_before : store.sealed_before();
  std::vector<std::pair<Day, DayBucket*>> work;
  for (auto& [day, bucket] : batch.days) work.emplace_back(day, &bucket);
  commit.days.resize(work.size());
  std::vector<Status> errors(work.size());
  std::vector<uint64_t> counted(work.size()), capped(work.size());
  auto count_some = [&](size_t first, size_t step) {
    for (size_t i = first; i < work.size(); i += step) {
      const auto [day, bucket] = work[i];
      auto old_counts = store.ReadCounts(day);
      auto old_state = store.ReadCapState(day);
      if (!old_counts.ok() || !old_state.ok()) {
        errors[i] = old_counts.ok() ? old_state.status() : old_counts.status();
        continue;
      }
      const bool keep_state = !(sealed && day < *sealed);
      DayCountResult r = CountDay(&bucket->plays, &bucket->totals, *old_counts, *old_state,
                                  store.rules().cap, keep_state);
      counted[i] = r.counted + static_cast<uint64_t>(r.totals);
      capped[i] = r.capped;
      *bucket = DayBucket{};  // free the records as soon as they are counted
      commit.days[i] = {day, std::move(r.counts), std::move(r.state)};
    }
  };
  const size_t n = static_cast<size_t>(std::max(1, threads));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n; ++t) pool.emplace_back(count_some, t, n);
  count_some(0, n);
  for (auto& t : pool) t.join();
  for (size_t i = 0; i < work.size(); ++i) {
    ENCORE_RETURN_IF_ERROR(errors[i]);
    summary->counted += counted[i];
    summary->capped += capped[i];
  }
  commit.new_tracks = std::move(ids.new_tracks);
  commit.new_services = std::move(ids.new_services);
  commit.rejects = std::move(batch.rejects);
  commit.seal_before = seal_before;
  return commit;
}

}  // namespace

Result<IngestReport> IngestFiles(CountStore* store, const std::vector<std::string>& files,
                                 const IngestOptions& options) {
  IngestReport report;
  std::optional<Day> newest_play;
  std::vector<SourceRecord> sources = store->Sources();  // refreshed after each commit
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i];
    FileOutcome outcome;
    outcome.path = path;
    // A file that looks like a known one is fingerprinted first: a re-ingest costs one read.
    Result<std::string> probe = ProbeFile(path);
    const bool looks_known =
        probe.ok() && std::any_of(sources.begin(), sources.end(),
                                  [&](const SourceRecord& s) { return s.probe == *probe; });
    if (looks_known) {
      if (Result<std::string> fp = FingerprintFile(path); fp.ok()) {
        auto known = std::find_if(sources.begin(), sources.end(),
                                  [&](const SourceRecord& s) { return s.fingerprint == *fp; });
        if (known != sources.end()) {
          outcome.source = *known;
          outcome.source.path = path;
          outcome.state = FileOutcome::State::kAlreadyIngested;
          if (known->kind != "daily-csv" && known->summary.last_day >= 0) {
            newest_play = std::max(newest_play.value_or(known->summary.last_day),
                                   Day{known->summary.last_day});
          }
          report.files.push_back(std::move(outcome));
          continue;
        }
      }
    }
    IdMap ids(*store);
    Result<FileBatch> batch = ReadInputFile(path, *store, &ids, options);
    if (!batch.ok()) {
      // Strict mode stops at the first bad line; a store-wide limit stops every later file too.
      if (options.strict || batch.status().code() == StatusCode::kFailedPrecondition) {
        return batch.status();
      }
      outcome.state = FileOutcome::State::kFailed;
      outcome.error = batch.status();
      report.files.push_back(std::move(outcome));
      continue;
    }
    outcome.source.fingerprint = batch->fingerprint;
    if (probe.ok()) outcome.source.probe = *probe;
    outcome.source.path = path;
    outcome.source.kind = batch->kind;
    outcome.source.summary = batch->summary;
    if (batch->kind != "daily-csv" && batch->summary.last_day >= 0) {
      newest_play =
          std::max(newest_play.value_or(batch->summary.last_day), Day{batch->summary.last_day});
    }
    if (store->HasSource(batch->fingerprint)) {
      outcome.state = FileOutcome::State::kAlreadyIngested;
      report.files.push_back(std::move(outcome));
      continue;
    }
    // The last file's commit also seals, so that days it closes keep no cap state.
    std::optional<Day> seal;
    const bool last = i + 1 == files.size();
    if (last && options.seal_lag_days >= 0 && newest_play)
      seal = *newest_play - options.seal_lag_days;
    if (seal && store->sealed_before() && *seal <= *store->sealed_before()) seal.reset();
    ENCORE_ASSIGN_OR_RETURN(
        CommitBatch commit,
        CountBatch(*store, *batch, ids, seal, options.threads, &outcome.source.summary));
    commit.source = outcome.source;
    ENCORE_RETURN_IF_ERROR(store->Apply(std::move(commit)));
    sources = store->Sources();
    outcome.state = FileOutcome::State::kIngested;
    report.files.push_back(std::move(outcome));
  }
  // When the last file was not committed (already ingested, failed), seal on its own.
  if (options.seal_lag_days >= 0 && newest_play) {
    const Day seal = *newest_play - options.seal_lag_days;
    if (!store->sealed_before() || seal > *store->sealed_before()) {
      ENCORE_RETURN_IF_ERROR(SealBefore(store, seal));
    }
  }
  report.sealed_before = store->sealed_before();
  return report;
}

Status SealBefore(CountStore* store, Day before) {
  if (store->sealed_before() && before <= *store->sealed_before()) return Status::Ok();
  CommitBatch commit;
  commit.seal_before = before;
  return store->Apply(std::move(commit));
}

}  // namespace encore
