// Ingest: read play logs, daily totals and personal listening histories, validate every line,
// count streams by the counting rule and commit each input file to a CountStore exactly once (and
// each play of a personal history exactly once, whatever export it arrives in).
//
// Inputs (formats: shared spec §1 and §4, doc/ingest.md), told apart by their content: plays as
// CSV or JSON Lines; daily totals CSV; and the histories people export: Spotify (extended
// streaming history, account data), YouTube Music (Google Takeout), Apple Music (Play Activity
// CSV), Last.fm (CSV exports, API pages) and ListenBrainz (listens); each plain, .gz or .zst. A bad
// line is rejected with its line number and reason and kept in the store; it never stops the file
// unless `strict` is set. Memory is bounded whatever the input.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "encore/catalog.h"
#include "encore/keys.h"
#include "encore/source.h"
#include "encore/status.h"
#include "encore/store.h"

namespace encore {

struct IngestOptions {
  std::string default_service =
      "spotify";                       // Default: plays without a service column are Spotify's.
  // The user of personal histories. Default: the user an entry names (Spotify `username`,
  // ListenBrainz `user_name`, ...); a history that names none needs it.
  std::string history_user;
  Tier history_tier = Tier::kPremium;  // Default: personal-history plays are premium.
  // The time zone of histories that give local times (Spotify account data): an IANA name or
  // "+HH:MM". Default: empty, taken as UTC with a warning.
  std::string time_zone;
  // Plausible times: a play before this day, or after now_ms + max_future_ms, is rejected as
  // implausible_time (and so never seals anything). Defaults: 2000-01-01; the wall clock; 2 days.
  Day earliest_day = 10957;
  int64_t now_ms = 0;  // 0: the wall clock when IngestFiles starts
  int64_t max_future_ms = 2 * 86400000LL;
  bool strict = false;                 // Default: reject bad lines and go on.
  // Days more than this many days behind the newest play of the run are sealed at its end.
  // Default: 3. Negative: never seal automatically.
  int seal_lag_days = 3;
  int threads = 2;                 // Default: 2 parser threads.
  size_t block_bytes = 8u << 20;  // Default: read and parse 8 MiB at a time.
  // The parsed records of a file held in memory before they are set aside in a spill file (and
  // read back a day at a time to be counted): what bounds an ingest's memory whatever the file's
  // size, beside one day's records and the file's distinct track names. Default: 128 MiB.
  size_t memory_bytes = size_t{128} << 20;
  // Where the spill file goes (an unnamed file: nothing is left behind). Default: empty, the
  // system's temporary folder ($TMPDIR, else /tmp); the CLI and the server use the store's folder.
  std::string spill_dir;
  // The catalog to match play track ids against (a catalog track id or ISRC); tracks it does not
  // know are still counted, under their own id, and reported as unmatched. Default: none (every
  // track is unmatched).
  const Catalog* catalog = nullptr;
  // Called now and then with (path, bytes of the file consumed, file size). Default: none.
  std::function<void(const std::string&, uint64_t, uint64_t)> progress;
};

struct FileOutcome {
  enum class State { kIngested, kAlreadyIngested, kFailed };
  std::string path;
  State state = State::kFailed;
  SourceRecord source;  // fingerprint, kind and summary (also for kAlreadyIngested: this read's)
  Status error;         // for kFailed
  std::vector<std::string> warnings;  // what the user should know (a time zone assumed, ...)
};

struct IngestReport {
  std::vector<FileOutcome> files;
  std::optional<Day> sealed_before;  // the store's seal boundary after the run
};

// Ingests files in order, one commit per file. Returns an error only when the run cannot go on
// (store failure, strict-mode rejection); a file that cannot be read is reported in its outcome
// and the run goes on with the next one.
Result<IngestReport> IngestFiles(CountStore* store, const std::vector<std::string>& files,
                                 const IngestOptions& options);

// Seals every day before `before`: later plays for them are rejected as late.
Status SealBefore(CountStore* store, Day before);

}  // namespace encore
