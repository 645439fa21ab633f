// The manifest names the committed state of a local store: every live file and the facts that
// are not in them. It is replaced atomically (write, fsync, rename, fsync the directory) at each
// commit. Format: doc/formats/manifest.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "encore/store.h"

namespace encore {

struct ManifestDay {
  std::string segment;  // file name under data/
  std::string state;    // cap state file under data/, empty when none (sealed or no plays)
  uint64_t rows = 0;
  int64_t streams = 0;
  std::string listeners;  // listener set under data/, empty when the day holds none
  uint64_t listener_entries = 0;
  // The set lacks the users of some of the day's streams (daily totals added to a day of plays,
  // or streams counted before the store kept sets): its counts are "at least".
  bool listeners_partial = false;
};

// Whether a day's listener set is partial after a commit (both stores' rule): the day ends with
// a set, and the commit adds streams of no known users, or the set was partial, or the day held
// streams before it held a set (a store made before sets; daily totals first).
inline bool PartialListenerSet(bool has_set, bool adds_unlisted, bool was_partial, bool had_set,
                               int64_t streams_before) {
  return has_set && (adds_unlisted || was_partial || (!had_set && streams_before != 0));
}

struct ManifestSource {
  SourceRecord record;
  std::string rejects;  // file name under rejects/, empty when the source rejected nothing
};

// A listener's personal history (HistoryPlay rows), under data/.
struct ManifestHistory {
  std::string file;
  uint64_t plays = 0;
};

struct Manifest {
  uint64_t generation = 0;
  CountingRules rules;
  std::optional<Day> sealed_before;
  std::vector<std::string> services;
  std::string tracks_file;  // under data/, empty when no tracks yet
  uint64_t track_count = 0;
  std::string users_file;  // the numbered listeners under data/, empty when none yet
  uint64_t user_count = 0;
  std::map<Day, ManifestDay> days;
  std::vector<ManifestSource> sources;
  std::map<ListenerKey, ManifestHistory> histories;
};

std::string EncodeManifest(const Manifest& m);
Result<Manifest> DecodeManifest(const std::string& data, const std::string& name);

}  // namespace encore
