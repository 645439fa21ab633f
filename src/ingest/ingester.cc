#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "common/time_zone.h"
#include "encore/ingest.h"
#include "ingest/day_counter.h"
#include "ingest/file_reader.h"

namespace encore {
namespace {

// Personal histories (doc/ingest.md, "Personal histories"): a play is taken in once, whatever
// export it arrives in. Drops the streams the listener's kept history already holds (and repeats
// within the file), turns the new ones into their days' plays, and gives, per day, the cap state
// they are counted against: the history's own earlier streams of that day. The day's saved cap
// state (raw play logs) is not used, and sealing does not apply: histories are never late.
// Bytes a listener's history takes a stream while it is merged: the kept streams, the new ones,
// the merged whole, the day's cap state and records (doc/ingest.md, "Bounded memory").
constexpr size_t kMergeBytesPerStream = 128;

Status PrepareHistories(const CountStore& store, FileBatch* batch,
                        std::map<Day, std::vector<CapEntry>>* states,
                        std::vector<HistoryUpdate>* updates, SourceSummary* summary,
                        size_t memory_bytes) {
  auto& h = batch->history;
  std::sort(h.begin(), h.end(), [](const HistoryRec& a, const HistoryRec& b) {
    if (a.service != b.service) return a.service < b.service;
    if (a.user != b.user) return a.user < b.user;
    if (a.start_ms != b.start_ms) return a.start_ms < b.start_ms;
    return a.ident < b.ident;
  });
  const uint32_t cap = store.rules().cap;
  for (size_t i = 0; i < h.size();) {
    const ListenerKey key{h[i].service, h[i].user};
    size_t j = i;
    while (j < h.size() && h[j].service == key.service && h[j].user == key.user) ++j;
    ENCORE_ASSIGN_OR_RETURN(std::vector<HistoryPlay> kept, store.ReadHistory(key));
    // (Listen-only records are not merged: not counted.)
    const size_t streams = static_cast<size_t>(
        std::count_if(h.begin() + static_cast<long>(i), h.begin() + static_cast<long>(j),
                      [](const HistoryRec& x) { return x.listen_only == 0; }));
    if ((kept.size() + streams) * kMergeBytesPerStream > memory_bytes) {
      // Nothing is written before every listener passed: the file fails alone.
      return Status::DataError(
          "a listener's history of " + std::to_string(kept.size()) + " kept streams and " +
          std::to_string(streams) + " in this file is more than --memory " +
          std::to_string(memory_bytes >> 20) + " MiB merges (" +
          std::to_string(kMergeBytesPerStream) + " bytes a stream): give more --memory");
    }
    std::vector<HistoryPlay> added;
    std::vector<Day> days;
    size_t k = 0;
    const HistoryRec* last = nullptr;  // the last stream (not listen-only record) seen
    for (size_t n = i; n < j; ++n) {
      const HistoryRec& r = h[n];
      if (r.listen_only) {  // its listener only, however often it comes
        batch->days[DayOfEpochMillis(r.start_ms)].plays.push_back(
            {MakeCell(key.service, r.track, r.country) | kListenOnly, key.user | r.tier});
        continue;
      }
      if (last != nullptr && last->start_ms == r.start_ms && last->ident == r.ident) {
        ++summary->duplicates;
        continue;
      }
      last = &r;
      while (k < kept.size() && (kept[k].start_ms < r.start_ms ||
                                 (kept[k].start_ms == r.start_ms && kept[k].ident < r.ident))) {
        ++k;
      }
      if (k < kept.size() && kept[k].start_ms == r.start_ms && kept[k].ident == r.ident) {
        ++summary->duplicates;
        continue;
      }
      const Tier tier = r.tier ? Tier::kFree : Tier::kPremium;
      added.push_back({r.start_ms, r.ident, r.track, r.country, tier});
      const Day day = DayOfEpochMillis(r.start_ms);
      batch->days[day].plays.push_back(
          {MakeCell(key.service, r.track, r.country), key.user | r.tier});
      if (days.empty() || days.back() != day) days.push_back(day);
    }
    // The cap state of each touched day: this listener's kept streams of the day, per cell.
    for (const Day day : days) {
      const int64_t lo = int64_t{day} * 86400000, hi = lo + 86400000;
      auto first = std::lower_bound(kept.begin(), kept.end(), lo,
                                    [](const HistoryPlay& p, int64_t t) { return p.start_ms < t; });
      std::vector<CapEntry>& state = (*states)[day];
      const size_t from = state.size();
      for (auto it = first; it != kept.end() && it->start_ms < hi; ++it) {
        state.push_back({MakeCell(key.service, it->track, it->country), key.user,
                         uint16_t{it->tier == Tier::kPremium}, uint16_t{it->tier == Tier::kFree}});
      }
      // One entry per cell, counts saturated at the cap as cap state keeps them.
      std::sort(state.begin() + static_cast<long>(from), state.end(),
                [](const CapEntry& a, const CapEntry& b) { return a.cell < b.cell; });
      size_t out = from;
      for (size_t n = from; n < state.size(); ++n) {
        if (out > from && state[out - 1].cell == state[n].cell) {
          state[out - 1].premium = static_cast<uint16_t>(
              std::min<uint32_t>(cap, state[out - 1].premium + state[n].premium));
          state[out - 1].free =
              static_cast<uint16_t>(std::min<uint32_t>(cap, state[out - 1].free + state[n].free));
        } else {
          state[out++] = state[n];
        }
      }
      state.resize(out);
    }
    if (!added.empty()) {
      std::vector<HistoryPlay> all;
      all.reserve(kept.size() + added.size());
      auto less = [](const HistoryPlay& a, const HistoryPlay& b) {
        return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.ident < b.ident;
      };
      std::merge(kept.begin(), kept.end(), added.begin(), added.end(), std::back_inserter(all),
                 less);
      updates->push_back({key, std::move(all)});
    }
    i = j;
  }
  h.clear();
  h.shrink_to_fit();
  for (auto& [day, state] : *states) {
    std::sort(state.begin(), state.end(), [](const CapEntry& a, const CapEntry& b) {
      return a.cell != b.cell ? a.cell < b.cell : a.user < b.user;
    });
  }
  return Status::Ok();
}

// What every commit of a file carries besides its days: new names, the rejects, the seal.
void FinishCommit(CommitBatch* commit, FileBatch& batch, IdMap& ids, std::optional<Day> seal_before) {
  commit->new_tracks = std::move(ids.new_tracks);
  commit->new_services = std::move(ids.new_services);
  commit->rejects.count = batch.rejects.count();
  commit->rejects.frame = batch.rejects.Finish();
  commit->seal_before = seal_before;
}

// Counts a parsed file against the store's open days and builds its commit.
// Days are independent: they are counted on `threads` threads, each taking every n-th day.
// Each day's counts and cap state are written out as soon as it is counted (StageDay), so that
// the commit holds only their file names however many big days the file has.
Result<CommitBatch> CountBatch(CountStore& store, FileBatch& batch, IdMap& ids,
                               std::optional<Day> seal_before, int threads,
                               SourceSummary* summary, size_t memory_bytes) {
  CommitBatch commit;
  std::map<Day, std::vector<CapEntry>> history_states;
  const bool history = IsHistoryKind(batch.kind);
  if (store.CountsPlays()) {
    // The store keeps the plays and applies the cap where they are (the ClickHouse store):
    // hand it each day's records as they are.
    // A personal history is counted here, as for a local store (against the history's own
    // earlier streams of each day, never late), and its counts go to the store as the day's
    // daily totals do: added to the day's counts, sealed or not; its listeners with them.
    if (history) {
      ENCORE_RETURN_IF_ERROR(
          PrepareHistories(store, &batch, &history_states, &commit.histories, summary,
                           memory_bytes));
    }
    for (auto& [day, bucket] : batch.days) {
      ENCORE_RETURN_IF_ERROR(GatherDay(&bucket, batch.spill.get()));
      if (history) {
        auto it = history_states.find(day);
        static const std::vector<CapEntry> kNone;
        DayCountResult r = CountDay(&bucket.plays, &bucket.totals, {},
                                    it == history_states.end() ? kNone : it->second,
                                    store.rules().cap, false);
        summary->counted += r.counted;
        summary->capped += r.capped;
        std::vector<TotalRec> added;
        added.reserve(r.counts.size());
        for (const CountRow& c : r.counts) {
          added.push_back({c.cell, c.streams, static_cast<uint8_t>(c.tier)});
        }
        bucket = DayBucket{};
        ENCORE_RETURN_IF_ERROR(
            store.AddRecords(day, nullptr, 0, added.data(), added.size(), seal_before));
        // (Also with none new: it tells the store these totals' users are known.)
        ENCORE_RETURN_IF_ERROR(store.AddListeners(day, r.listeners));
        continue;
      }
      ENCORE_RETURN_IF_ERROR(store.AddRecords(day, bucket.plays.data(), bucket.plays.size(),
                                              bucket.totals.data(), bucket.totals.size(),
                                              seal_before));
      bucket = DayBucket{};
    }
    ENCORE_ASSIGN_OR_RETURN(const int64_t counted, store.PendingCounted(seal_before));
    if (history) {
      FinishCommit(&commit, batch, ids, seal_before);
      return commit;
    }
    summary->counted += static_cast<uint64_t>(counted);
    // Streams before the cap (the parser's, which include the totals' streams) less those that
    // counted.
    const int64_t over = static_cast<int64_t>(summary->streams) - counted;
    summary->capped += static_cast<uint64_t>(std::max<int64_t>(over, 0));
    FinishCommit(&commit, batch, ids, seal_before);
    return commit;
  }
  if (history) {
    ENCORE_RETURN_IF_ERROR(
        PrepareHistories(store, &batch, &history_states, &commit.histories, summary,
                           memory_bytes));
  }
  const std::optional<Day> sealed = seal_before ? seal_before : store.sealed_before();
  std::vector<std::pair<Day, DayBucket*>> work;
  for (auto& [day, bucket] : batch.days) work.emplace_back(day, &bucket);
  commit.days.resize(work.size());
  std::vector<Status> errors(work.size());
  std::vector<uint64_t> counted(work.size()), capped(work.size());
  std::atomic<bool> failed{false};  // one day's error stops the others (a full disk)
  auto count_some = [&](size_t first, size_t step) {
    for (size_t i = first; i < work.size() && !failed; i += step) {
      const auto [day, bucket] = work[i];
      auto old_counts = store.ReadCounts(day);
      auto old_state = store.ReadCapState(day);
      if (!old_counts.ok() || !old_state.ok()) {
        errors[i] = old_counts.ok() ? old_state.status() : old_counts.status();
        failed = true;
        continue;
      }
      const bool open = !(sealed && day < *sealed);
      if (Status g = GatherDay(bucket, batch.spill.get()); !g.ok()) {
        errors[i] = g;
        failed = true;
        continue;
      }
      if (history) {
        // Counted against the history's own streams of the day; the day's cap state (of raw
        // play logs) is kept as it was.
        auto it = history_states.find(day);
        static const std::vector<CapEntry> kNone;
        DayCountResult r = CountDay(&bucket->plays, &bucket->totals, *old_counts,
                                    it == history_states.end() ? kNone : it->second,
                                    store.rules().cap, false);
        counted[i] = r.counted;
        capped[i] = r.capped;
        *bucket = DayBucket{};
        commit.days[i] = {day, std::move(r.counts),
                          open ? std::move(*old_state) : std::vector<CapEntry>(),
                          std::move(r.listeners), false, {}};
        errors[i] = store.StageDay(&commit.days[i]);
        if (!errors[i].ok()) failed = true;
        continue;
      }
      const bool keep_state = open;
      const bool unlisted = !bucket->totals.empty();  // daily totals: streams without users
      DayCountResult r = CountDay(&bucket->plays, &bucket->totals, *old_counts, *old_state,
                                  store.rules().cap, keep_state);
      counted[i] = r.counted + static_cast<uint64_t>(r.totals);
      capped[i] = r.capped;
      *bucket = DayBucket{};  // free the records as soon as they are counted
      // A day this commit seals keeps no cap state.
      if (seal_before && day < *seal_before) std::vector<CapEntry>().swap(r.state);
      commit.days[i] = {day, std::move(r.counts), std::move(r.state), std::move(r.listeners), unlisted, {}};
      errors[i] = store.StageDay(&commit.days[i]);
      if (!errors[i].ok()) failed = true;
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
  FinishCommit(&commit, batch, ids, seal_before);
  return commit;
}

// Raw play logs arrive in time order and seal the days behind them; daily totals and personal
// histories (which arrive years late by nature, and are never late) do not.
bool SealsDays(std::string_view kind) { return kind == "plays-csv" || kind == "plays-jsonl"; }

}  // namespace

Result<IngestReport> IngestFiles(CountStore* store, const std::vector<std::string>& files,
                                 const IngestOptions& given) {
  IngestOptions options = given;
  if (options.now_ms == 0) {
    options.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  }
  std::optional<TimeZone> zone;
  if (!options.time_zone.empty()) {
    ENCORE_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(options.time_zone));
    zone = std::move(tz);
  }
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
          if (SealsDays(known->kind) && known->summary.last_day >= 0) {
            newest_play = std::max(newest_play.value_or(known->summary.last_day),
                                   Day{known->summary.last_day});
          }
          report.files.push_back(std::move(outcome));
          continue;
        }
      }
    }
    auto ids = std::make_unique<IdMap>(*store, options.catalog);
    Result<FileBatch> batch = ReadInputFile(path, *store, ids.get(), options, zone ? &*zone : nullptr);
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
    outcome.warnings = batch->warnings;
    if (SealsDays(batch->kind) && batch->summary.last_day >= 0) {
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
    Result<CommitBatch> counted = CountBatch(*store, *batch, *ids, seal, options.threads,
                                             &outcome.source.summary, options.memory_bytes);
    if (!counted.ok() && counted.status().code() == StatusCode::kDataError && !options.strict) {
      // Refused before anything was written (a history too big to merge): this file fails.
      outcome.state = FileOutcome::State::kFailed;
      outcome.error = counted.status();
      report.files.push_back(std::move(outcome));
      continue;
    }
    if (!counted.ok()) return counted.status();
    CommitBatch commit = std::move(*counted);
    // What reading the file needed goes before the commit needs its own.
    ids.reset();
    *batch = FileBatch{};
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
