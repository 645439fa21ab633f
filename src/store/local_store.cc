#include "store/local_store.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <set>
#include <unordered_map>

#include "common/hash.h"
#include "common/radix_sort.h"
#include "common/track_table.h"
#include "store/clickhouse_client.h"
#include "store/clickhouse_store.h"
#include "store/codecs.h"
#include "store/column_file.h"
#include "store/store_format.h"
#include "store/manifest.h"

namespace encore {
namespace {

// Asks the kernel for transparent huge pages over the whole 2 MiB pages inside [p, p + n).
void AdviseHugePages(void* p, size_t n) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

constexpr char kManifest[] = "MANIFEST";
constexpr char kManifestTmp[] = "MANIFEST.tmp";
constexpr char kDataDir[] = "data";
constexpr char kRejectsDir[] = "rejects";

class LocalStore final : public CountStore {
 public:
  LocalStore(std::string dir, StoreOptions options, FileSystem* fs)
      : dir_(std::move(dir)), options_(options), fs_(fs) {}

  Status Open() {
    bool empty_store = false;  // a store of charts, a catalog or sales only: no counts yet
    if (!fs_->Exists(dir_ + "/" + kManifest)) {
      // The store's SQLite side files (doc/formats/sqlite.md) and their journals may have come
      // before any count: a directory holding only them is a store with no counts.
      static constexpr std::string_view kSideFiles[] = {"catalog.sqlite", "charts.sqlite",
                                                        "sales.sqlite", "records.sqlite", "feeds.sqlite",
                                                        "records-state-"};
      auto listed = fs_->List(dir_);
      if (!listed.ok() && listed.status().code() != StatusCode::kNotFound) return listed.status();
      bool others = false, sides = false;
      if (listed.ok()) {
        for (const auto& f : *listed) {
          const bool side = std::any_of(std::begin(kSideFiles), std::end(kSideFiles),
                                        [&](std::string_view n) { return f.rfind(n, 0) == 0; });
          sides |= side;
          others |= f != "LOCK" && f != kManifestTmp && !side;
        }
      }
      if (!sides && (options_.read_only || !options_.create_if_missing)) {
        return Status::NotFound("no encore store at " + dir_);
      }
      // Never scatter a store into a directory that holds something else.
      if (others) {
        return Status::FailedPrecondition(dir_ + " is not empty and is not an encore store");
      }
      empty_store = options_.read_only;
    }
    if (!options_.read_only) {
      ENCORE_RETURN_IF_ERROR(fs_->MakeDirs(dir_ + "/" + kDataDir));
      ENCORE_RETURN_IF_ERROR(fs_->MakeDirs(dir_ + "/" + kRejectsDir));
      ENCORE_ASSIGN_OR_RETURN(lock_, fs_->LockFile(dir_ + "/LOCK"));
    }
    if (empty_store) {
      m_ = Manifest{};
      m_.rules = options_.rules;
      return Status::Ok();
    }
    auto data = fs_->ReadFile(dir_ + "/" + kManifest);
    if (data.ok()) {
      ENCORE_ASSIGN_OR_RETURN(m_, DecodeManifest(*data, dir_ + "/" + kManifest));
    } else if (data.status().code() == StatusCode::kNotFound) {
      m_ = Manifest{};
      m_.rules = options_.rules;
      ENCORE_RETURN_IF_ERROR(WriteManifest(m_));
    } else {
      return data.status();
    }
    if (!m_.tracks_file.empty()) {
      ENCORE_ASSIGN_OR_RETURN(std::string dict, fs_->ReadFile(DataPath(m_.tracks_file)));
      ENCORE_RETURN_IF_ERROR(DecodeDictionary(dict, DataPath(m_.tracks_file), &tracks_));
      if (tracks_.size() != m_.track_count) {
        return Status::Corruption(DataPath(m_.tracks_file) +
                                  ": track count disagrees with manifest");
      }
    }
    for (size_t i = 0; i < m_.sources.size(); ++i)
      source_index_.emplace(m_.sources[i].record.fingerprint, i);
    if (!options_.read_only) ENCORE_RETURN_IF_ERROR(RemoveUnreferencedFiles());
    return Status::Ok();
  }

  const CountingRules& rules() const override { return m_.rules; }
  std::optional<Day> sealed_before() const override { return m_.sealed_before; }
  const std::vector<std::string>& tracks() const override { return tracks_; }
  std::optional<uint32_t> FindTrack(std::string_view name) const override {
    EnsureTrackIndex();
    const uint32_t id = track_index_.Find(name, Hash64(name));
    if (id == TrackTable::kNone) return std::nullopt;
    return id;
  }
  const std::vector<std::string>& services() const override { return m_.services; }

  std::vector<Day> Days() const override {
    std::vector<Day> days;
    days.reserve(m_.days.size());
    for (const auto& kv : m_.days) days.push_back(kv.first);
    return days;
  }

  Result<std::vector<CountRow>> ReadCounts(Day day) const override {
    std::vector<CountRow> rows;
    auto it = m_.days.find(day);
    if (it == m_.days.end()) return rows;
    const std::string path = DataPath(it->second.segment);
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    ENCORE_RETURN_IF_ERROR(DecodeSegment(data, path, day, &rows));
    return rows;
  }

  Status ScanCounts(Day day,
                    const std::function<Status(const CountRow*, size_t)>& fn) const override {
    auto it = m_.days.find(day);
    if (it == m_.days.end()) return Status::Ok();
    const std::string path = DataPath(it->second.segment);
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    return ScanSegment(data, path, day, fn);
  }

  std::string DayVersion(Day day) const override {
    auto it = m_.days.find(day);
    return it == m_.days.end() ? std::string() : it->second.segment;
  }

  Result<std::vector<CapEntry>> ReadCapState(Day day) const override {
    std::vector<CapEntry> entries;
    auto it = m_.days.find(day);
    if (it == m_.days.end() || it->second.state.empty()) return entries;
    const std::string path = DataPath(it->second.state);
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    ENCORE_RETURN_IF_ERROR(DecodeCapState(data, path, day, &entries));
    return entries;
  }

  bool KeepsListeners() const override { return true; }
  std::vector<Day> DaysWithListeners() const override {
    std::vector<Day> days;
    for (const auto& [day, d] : m_.days) {
      if (!d.listeners.empty()) days.push_back(day);
    }
    return days;
  }
  std::vector<Day> DaysWithPartialListeners() const override {
    std::vector<Day> days;
    for (const auto& [day, d] : m_.days) {
      if (d.listeners_partial) days.push_back(day);
    }
    return days;
  }

  Result<std::optional<DayListeners>> ReadListeners(Day day, bool places = true) const override {
    auto it = m_.days.find(day);
    if (it == m_.days.end() || it->second.listeners.empty()) return std::optional<DayListeners>();
    const std::string path = DataPath(it->second.listeners);
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    ENCORE_ASSIGN_OR_RETURN(const HomeCountries* home, ReaderHomes());
    DayListeners l;
    ENCORE_RETURN_IF_ERROR(DecodeListeners(data, path, day, *home, &l, places));
    if (l.size() != it->second.listener_entries) {
      return Status::Corruption(path + ": entry count disagrees with manifest");
    }
    return std::optional<DayListeners>(std::move(l));
  }

  Result<std::vector<HistoryPlay>> ReadHistory(const ListenerKey& listener) const override {
    std::vector<HistoryPlay> plays;
    auto it = m_.histories.find(listener);
    if (it == m_.histories.end()) return plays;
    const std::string path = DataPath(it->second.file);
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    ENCORE_RETURN_IF_ERROR(DecodeHistory(data, path, listener, &plays));
    if (plays.size() != it->second.plays) {
      return Status::Corruption(path + ": play count disagrees with manifest");
    }
    return plays;
  }

  bool HasSource(std::string_view fingerprint) const override {
    return source_index_.count(std::string(fingerprint)) > 0;
  }

  std::vector<SourceRecord> Sources() const override {
    std::vector<SourceRecord> out;
    out.reserve(m_.sources.size());
    for (const auto& s : m_.sources) out.push_back(s.record);
    return out;
  }

  Status ScanRejects(const SourceRecord& source,
                     const std::function<Status(const RejectRecord&)>& fn) const override {
    auto it = source_index_.find(source.fingerprint);
    if (it == source_index_.end()) return Status::NotFound("no source " + source.fingerprint);
    const std::string& file = m_.sources[it->second].rejects;
    if (file.empty()) return Status::Ok();
    const std::string path = dir_ + "/" + kRejectsDir + "/" + file;
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    return ScanRejectsFile(data, path, fn);
  }

  Result<std::vector<RejectRecord>> ReadRejects(const SourceRecord& source) const override {
    std::vector<RejectRecord> rejects;
    auto it = source_index_.find(source.fingerprint);
    if (it == source_index_.end()) return Status::NotFound("no source " + source.fingerprint);
    const std::string& file = m_.sources[it->second].rejects;
    if (file.empty()) return rejects;
    const std::string path = dir_ + "/" + kRejectsDir + "/" + file;
    ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
    ENCORE_RETURN_IF_ERROR(DecodeRejects(data, path, &rejects));
    return rejects;
  }

  StoreStats Stats() const override {
    StoreStats s;
    s.generation = m_.generation;
    s.days = m_.days.size();
    s.tracks = tracks_.size();
    s.sources = m_.sources.size();
    s.listeners = m_.histories.size();
    for (const auto& [key, h] : m_.histories) {
      s.history_plays += h.plays;
      if (auto size = fs_->FileSize(DataPath(h.file)); size.ok()) s.bytes += *size;
    }
    s.users = m_.user_count;
    if (!m_.users_file.empty()) {
      if (auto size = fs_->FileSize(DataPath(m_.users_file)); size.ok()) s.listener_bytes += *size;
    }
    for (const auto& [day, d] : m_.days) {
      s.streams += d.streams;
      if (!d.state.empty()) ++s.open_days;
      for (const std::string* f : {&d.segment, &d.state}) {
        if (f->empty()) continue;
        if (auto size = fs_->FileSize(DataPath(*f)); size.ok()) s.bytes += *size;
      }
      if (!d.listeners.empty()) {
        ++s.listener_days;
        s.listener_entries += d.listener_entries;
        if (auto size = fs_->FileSize(DataPath(d.listeners)); size.ok()) s.listener_bytes += *size;
      }
    }
    s.bytes += s.listener_bytes;
    return s;
  }

  Status Apply(CommitBatch batch) override {
    if (options_.read_only) return Status::FailedPrecondition("store opened read-only");
    if (failed_) {
      return Status::FailedPrecondition(
          "an earlier commit failed; reopen the store to see what it holds");
    }
    Status s = ApplyOnce(std::move(batch));
    failed_ = !s.ok();
    return s;
  }

  Status StageDay(DayUpdate* u) override {
    if (options_.read_only) return Status::FailedPrecondition(dir_ + " is open read-only");
    StagedDay st;
    const std::string stem = FormatDate(u->day) + "." + std::to_string(m_.generation + 1);
    st.segment = stem + ".seg";
    st.rows = u->counts.size();
    for (const auto& r : u->counts) st.streams += r.streams;
    const std::string segment = EncodeSegment(u->day, u->counts);
    std::string state;
    if (!u->state.empty()) {
      st.state = stem + ".cap";
      state = EncodeCapState(u->day, u->state);
    }
    std::string listeners;
    if (!u->listeners.empty()) {
      st.listeners = stem + ".lis";
      ENCORE_ASSIGN_OR_RETURN(listeners, MergeListeners(u->day, &u->listeners, &st.listener_entries));
    }
    {
      std::lock_guard<std::mutex> lock(stage_mu_);  // the file system need not be thread-safe
      ENCORE_RETURN_IF_ERROR(fs_->WriteFile(DataPath(st.segment), segment, false));
      if (!st.state.empty()) ENCORE_RETURN_IF_ERROR(fs_->WriteFile(DataPath(st.state), state, false));
      if (!st.listeners.empty()) {
        ENCORE_RETURN_IF_ERROR(fs_->WriteFile(DataPath(st.listeners), listeners, false));
      }
    }
    // Written: the update keeps only their names (on a failure it is left as it was).
    std::vector<CountRow>().swap(u->counts);  // (`= {}` would keep the capacity)
    std::vector<CapEntry>().swap(u->state);
    std::vector<ListenerPair>().swap(u->listeners);
    u->staged = std::move(st);
    return Status::Ok();
  }

 private:
  // A listener's id in the numbering table: the user key mixed with its service (decision 0010:
  // one person's ids on two services are two listeners); never 0, the empty slot.
  static uint64_t ListenerId(uint32_t service, uint64_t user) {
    const uint64_t id = user ^ (uint64_t{service} * 0x9E3779B97F4A7C15ULL);
    return id == 0 ? 1 : id;
  }
  size_t SlotOf(uint64_t id) const {
    return static_cast<size_t>((id * 0xff51afd7ed558ccdULL) >> slot_shift_);
  }
  // The number of a listener id, given now if it has none (under users_mu_, the users loaded).
  uint32_t NumberOf(uint64_t id, uint8_t service, CountryCode country) {
    if ((user_services_.size() + 1) * 4 > slots_.size() * 3) {  // under 3/4 full
      std::vector<IdSlot> old(std::max<size_t>(1 << 16, slots_.size() * 2));
      // Lookups land anywhere in the table: huge pages spare a page walk on most of them.
      AdviseHugePages(old.data(), old.size() * sizeof old[0]);
      old.swap(slots_);
      slot_shift_ = 64 - std::countr_zero(slots_.size());
      for (const IdSlot& o : old) {
        if (o.id == 0) continue;
        size_t i = SlotOf(o.id);
        while (slots_[i].id != 0) i = (i + 1) & (slots_.size() - 1);
        slots_[i] = o;
      }
    }
    size_t i = SlotOf(id);
    for (; slots_[i].id != 0; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].id == id) return slots_[i].number;
    }
    const auto n = static_cast<uint32_t>(user_services_.size());
    slots_[i] = IdSlot{id, n};
    user_services_.push_back(service);
    home_.push_back(country);
    return n;
  }

  // Loads the numbered listeners into the table (under users_mu_), once.
  Status LoadUsers() {
    if (users_loaded_) return Status::Ok();
    if (!m_.users_file.empty()) {
      const std::string path = DataPath(m_.users_file);
      ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
      std::vector<uint64_t> keys;
      std::vector<uint8_t> services;
      HomeCountries home;
      ENCORE_RETURN_IF_ERROR(DecodeUsers(data, path, &keys, &services, &home));
      if (keys.size() != m_.user_count) {
        return Status::Corruption(path + ": user count disagrees with manifest");
      }
      user_services_.reserve(keys.size());
      for (size_t n = 0; n < keys.size(); ++n) {
        if (NumberOf(ListenerId(services[n], keys[n]), services[n], home[n]) + 1 !=
            user_services_.size()) {
          return Status::Corruption(path + ": a listener numbered twice");
        }
      }
    }
    users_loaded_ = true;
    return Status::Ok();
  }

  // The numbered listeners' user keys, by number (for the users file).
  std::vector<uint64_t> UserKeys() const {
    std::vector<uint64_t> keys(user_services_.size());
    for (const IdSlot& slot : slots_) {
      if (slot.id == 0) continue;
      const uint32_t n = slot.number;
      uint64_t key = slot.id ^ (uint64_t{user_services_[n]} * 0x9E3779B97F4A7C15ULL);
      // Keys have bit 0 clear: an odd one here is the id 0 that ListenerId made 1.
      if (slot.id == 1 && (key & 1)) key = uint64_t{user_services_[n]} * 0x9E3779B97F4A7C15ULL;
      keys[n] = key;
    }
    return keys;
  }

  // The day's listener set with `pairs` added: the file's bytes, and its entries. `pairs` is
  // consumed (its users become listener numbers in place, then it is freed).
  Result<std::string> MergeListeners(Day day, std::vector<ListenerPair>* pairs, uint64_t* entries) {
    std::vector<ListenerPair>& add = *pairs;
    auto id_of = [](const ListenerPair& p) { return ListenerId(CellService(p.cell), p.user); };
    std::vector<uint32_t> misses;
    {
      std::unique_lock<std::shared_mutex> lock(users_mu_);
      ENCORE_RETURN_IF_ERROR(LoadUsers());
    }
    {
      // Listeners numbered before: looked up by every thread at once (the table changes only
      // under the exclusive lock). Random lookups in a big table: the slots of a few pairs ahead
      // are fetched meanwhile.
      std::shared_lock<std::shared_mutex> lock(users_mu_);
      constexpr size_t kAhead = 32;
      const size_t mask = slots_.size() - 1;
      for (size_t k = 0; k < add.size(); ++k) {
        if (k + kAhead < add.size() && !slots_.empty()) {
          __builtin_prefetch(&slots_[SlotOf(id_of(add[k + kAhead]))]);
        }
        ListenerPair& p = add[k];
        const uint64_t id = id_of(p);
        bool found = false;
        if (!slots_.empty()) {
          for (size_t i = SlotOf(id); slots_[i].id != 0; i = (i + 1) & mask) {
            if (slots_[i].id == id) {
              p.user = slots_[i].number;
              found = true;
              break;
            }
          }
        }
        if (!found) {
          p.user = id;  // the id, for the second pass
          misses.push_back(static_cast<uint32_t>(k));
        }
      }
    }
    if (!misses.empty()) {  // new listeners (or numbered by another thread meanwhile)
      std::unique_lock<std::shared_mutex> lock(users_mu_);
      for (const uint32_t k : misses) {
        ListenerPair& p = add[k];
        p.user = NumberOf(p.user, static_cast<uint8_t>(CellService(p.cell)), CellCountry(p.cell));
      }
    }
    std::vector<uint32_t>().swap(misses);
    // By number, each listener's cells in the order they came (by cell): stable.
    RadixSort<11>(&add, [](const ListenerPair& p) { return p.user; });
    DayListeners old;
    if (auto it = m_.days.find(day); it != m_.days.end() && !it->second.listeners.empty()) {
      const std::string path = DataPath(it->second.listeners);
      ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
      ENCORE_RETURN_IF_ERROR(DecodeListeners(data, path, day, home_, &old));
    }
    // Merged straight into the file's encoded columns.
    ListenerColumns out;
    out.Reserve(old.size() + add.size());
    size_t a = 0, b = 0;
    while (a < old.size() || b < add.size()) {
      const uint64_t old_cell = a < old.size() ? MakeCell(old.service[a], old.track[a], old.country[a]) : 0;
      if (b >= add.size() ||
          (a < old.size() && (old.user[a] < add[b].user ||
                              (old.user[a] == add[b].user && old_cell <= add[b].cell)))) {
        out.Push(old.user[a], old_cell, home_);
        ++a;
      } else {
        out.Push(static_cast<uint32_t>(add[b].user), add[b].cell, home_);
        ++b;
      }
    }
    std::vector<ListenerPair>().swap(add);
    *entries = out.rows;
    return out.Finish(day);
  }

  Status ApplyOnce(CommitBatch batch) {
    Manifest next = m_;
    next.generation = m_.generation + 1;
    const std::string gen = std::to_string(next.generation);
    std::vector<std::string> written;  // paths under dir_, to sync
    std::vector<std::string> obsolete;

    if (batch.seal_before && (!next.sealed_before || *batch.seal_before > *next.sealed_before)) {
      next.sealed_before = batch.seal_before;
    }
    for (const auto& s : batch.new_services) next.services.push_back(s);
    if (next.services.size() > kMaxServices) {
      return Status::FailedPrecondition("a store holds at most 32 services");
    }
    if (!batch.new_tracks.empty()) {
      next.tracks_file = "tracks." + gen + ".dict";
      next.track_count = tracks_.size() + batch.new_tracks.size();
      ENCORE_RETURN_IF_ERROR(Write(DataPath(next.tracks_file),
                                   EncodeDictionary(tracks_, batch.new_tracks), &written));
      if (!m_.tracks_file.empty()) obsolete.push_back(DataPath(m_.tracks_file));
    }
    for (auto& u : batch.days) {
      const bool sealed = next.sealed_before && u.day < *next.sealed_before;
      ManifestDay md;
      // An update given whole that adds listeners is staged first: one path writes the sets.
      if (!u.staged && !u.listeners.empty()) ENCORE_RETURN_IF_ERROR(StageDay(&u));
      const bool new_set = u.staged && !u.staged->listeners.empty();
      std::optional<ManifestDay> before;
      if (auto old = next.days.find(u.day); old != next.days.end()) before = old->second;
      // A set is partial once the day holds streams whose users it lacks: daily totals, or
      // streams counted before it had a set (a store made before sets).
      auto mark_partial = [&](ManifestDay* d) {
        d->listeners_partial = PartialListenerSet(
            !d->listeners.empty(), u.unlisted_streams, before && before->listeners_partial,
            before && !before->listeners.empty(), before ? before->streams : 0);
      };
      if (auto old = next.days.find(u.day); old != next.days.end()) {
        obsolete.push_back(DataPath(old->second.segment));
        if (!old->second.state.empty()) obsolete.push_back(DataPath(old->second.state));
        if (!old->second.listeners.empty()) {
          if (new_set) {
            obsolete.push_back(DataPath(old->second.listeners));
          } else {  // the update added no listener: the day keeps its set
            md.listeners = old->second.listeners;
            md.listener_entries = old->second.listener_entries;
          }
        }
      }
      if (new_set) {
        md.listeners = u.staged->listeners;
        md.listener_entries = u.staged->listener_entries;
      }
      auto erase_day = [&] {
        if (!md.listeners.empty()) obsolete.push_back(DataPath(md.listeners));
        next.days.erase(u.day);
      };
      if (u.staged) {
        const StagedDay& st = *u.staged;
        const bool keep_state = !sealed && !st.state.empty();
        if (!st.state.empty() && !keep_state) obsolete.push_back(DataPath(st.state));
        // A day with no streams left is dropped, unless it holds listeners (short plays only,
        // under CountingRules::every_play_listens).
        if (st.rows == 0 && !keep_state && md.listeners.empty()) {
          obsolete.push_back(DataPath(st.segment));
          erase_day();
          continue;
        }
        written.push_back(DataPath(st.segment));
        if (new_set) written.push_back(DataPath(md.listeners));
        md.segment = st.segment;
        md.rows = st.rows;
        md.streams = st.streams;
        if (keep_state) {
          written.push_back(DataPath(st.state));
          md.state = st.state;
        }
        mark_partial(&md);
        next.days[u.day] = md;
        continue;
      }
      if (u.counts.empty() && (sealed || u.state.empty()) && md.listeners.empty()) {
        erase_day();
        continue;
      }
      const std::string date = FormatDate(u.day);
      md.segment = date + "." + gen + ".seg";
      ENCORE_RETURN_IF_ERROR(Write(DataPath(md.segment), EncodeSegment(u.day, u.counts), &written));
      for (const auto& r : u.counts) md.streams += r.streams;
      md.rows = u.counts.size();
      if (!sealed && !u.state.empty()) {
        md.state = date + "." + gen + ".cap";
        ENCORE_RETURN_IF_ERROR(Write(DataPath(md.state), EncodeCapState(u.day, u.state), &written));
      }
      mark_partial(&md);
      next.days[u.day] = md;
    }
    if (user_services_.size() > m_.user_count) {  // listeners numbered by this commit's days
      next.users_file = "users." + gen + ".dict";
      next.user_count = user_services_.size();
      ENCORE_RETURN_IF_ERROR(Write(DataPath(next.users_file),
                                   EncodeUsers(UserKeys(), user_services_, home_), &written));
      if (!m_.users_file.empty()) obsolete.push_back(DataPath(m_.users_file));
    }
    if (next.sealed_before) {  // sealing drops the cap state of every day it closes
      for (auto it = next.days.begin(); it != next.days.end() && it->first < *next.sealed_before;
           ++it) {
        if (!it->second.state.empty()) {
          if (m_.days.count(it->first) && m_.days.at(it->first).state == it->second.state) {
            obsolete.push_back(DataPath(it->second.state));
          }
          it->second.state.clear();
        }
      }
    }
    for (const auto& h : batch.histories) {
      if (h.listener.service >= next.services.size()) {
        return Status::InvalidArgument("a history names service id " +
                                       std::to_string(h.listener.service) + ", not in the store");
      }
      if (auto old = next.histories.find(h.listener); old != next.histories.end()) {
        obsolete.push_back(DataPath(old->second.file));
      }
      char user[17];
      std::snprintf(user, sizeof user, "%016llx", static_cast<unsigned long long>(h.listener.user));
      ManifestHistory mh;
      mh.file = next.services[h.listener.service] + "-" + user + "." + gen + ".his";
      mh.plays = h.plays.size();
      ENCORE_RETURN_IF_ERROR(
          Write(DataPath(mh.file), EncodeHistory(h.listener, h.plays), &written));
      next.histories[h.listener] = mh;
    }
    if (batch.source) {
      ManifestSource ms;
      ms.record = std::move(*batch.source);
      ms.record.generation = next.generation;
      ms.record.ingested_at = FormatTimestamp(std::time(nullptr));
      if (batch.rejects.count > 0) {
        ms.rejects = ms.record.fingerprint + ".rej";
        ENCORE_RETURN_IF_ERROR(Write(dir_ + "/" + kRejectsDir + "/" + ms.rejects,
                                     EncodeBlobFileFromFrame(store_format::kRejectsMagic,
                                                             batch.rejects.count,
                                                             batch.rejects.frame),
                                     &written));
      }
      next.sources.push_back(std::move(ms));
    }
    for (auto& more : batch.more_sources) {
      ManifestSource ms;
      ms.record = std::move(more);
      ms.record.generation = next.generation;
      ms.record.ingested_at = FormatTimestamp(std::time(nullptr));
      next.sources.push_back(std::move(ms));
    }
    if (options_.sync && !written.empty()) {
      ENCORE_RETURN_IF_ERROR(fs_->SyncFiles(written));
      ENCORE_RETURN_IF_ERROR(fs_->SyncDir(dir_ + "/" + kDataDir));
      ENCORE_RETURN_IF_ERROR(fs_->SyncDir(dir_ + "/" + kRejectsDir));
    }
    ENCORE_RETURN_IF_ERROR(WriteManifest(next));

    // Committed. What follows only tidies up; a crash here leaves files that the next writer
    // removes.
    m_ = std::move(next);
    if (!batch.new_tracks.empty()) {
      EnsureTrackIndex();  // (the writer is the only thread here)
      tracks_.reserve(tracks_.size() + batch.new_tracks.size());
      for (auto& t : batch.new_tracks) {
        track_index_.Insert(t, Hash64(t), static_cast<uint32_t>(tracks_.size()));
        tracks_.push_back(std::move(t));
      }
    }
    for (size_t i = source_index_.size(); i < m_.sources.size(); ++i) {
      source_index_.emplace(m_.sources[i].record.fingerprint, i);
    }
    for (const auto& path : obsolete) (void)fs_->Remove(path);
    return Status::Ok();
  }

  // The name index, built on first use: most commands never look a name up, and a big
  // dictionary's index would cost every one of them.
  void EnsureTrackIndex() const {
    std::call_once(track_index_built_, [this] {
      track_index_.Reserve(tracks_.size());
      for (uint32_t i = 0; i < tracks_.size(); ++i)
        track_index_.Insert(tracks_[i], Hash64(tracks_[i]), i);
    });
  }

  std::string DataPath(const std::string& name) const { return dir_ + "/" + kDataDir + "/" + name; }

  // Written now, made durable together (SyncFiles) before the manifest names them.
  Status Write(const std::string& path, const std::string& bytes,
               std::vector<std::string>* written) {
    ENCORE_RETURN_IF_ERROR(fs_->WriteFile(path, bytes, false));
    written->push_back(path);
    return Status::Ok();
  }

  Status WriteManifest(const Manifest& m) {
    ENCORE_RETURN_IF_ERROR(
        fs_->WriteFile(dir_ + "/" + kManifestTmp, EncodeManifest(m), options_.sync));
    ENCORE_RETURN_IF_ERROR(fs_->Rename(dir_ + "/" + kManifestTmp, dir_ + "/" + kManifest));
    if (options_.sync) ENCORE_RETURN_IF_ERROR(fs_->SyncDir(dir_));
    return Status::Ok();
  }

  // Files a crashed commit wrote but never made live.
  Status RemoveUnreferencedFiles() {
    std::set<std::string> live;
    if (!m_.tracks_file.empty()) live.insert(m_.tracks_file);
    if (!m_.users_file.empty()) live.insert(m_.users_file);
    for (const auto& [day, d] : m_.days) {
      live.insert(d.segment);
      if (!d.state.empty()) live.insert(d.state);
      if (!d.listeners.empty()) live.insert(d.listeners);
    }
    for (const auto& [key, h] : m_.histories) live.insert(h.file);
    std::set<std::string> live_rejects;
    for (const auto& s : m_.sources) {
      if (!s.rejects.empty()) live_rejects.insert(s.rejects);
    }
    ENCORE_ASSIGN_OR_RETURN(auto data, fs_->List(dir_ + "/" + kDataDir));
    for (const auto& f : data) {
      if (!live.count(f)) ENCORE_RETURN_IF_ERROR(fs_->Remove(DataPath(f)));
    }
    ENCORE_ASSIGN_OR_RETURN(auto rej, fs_->List(dir_ + "/" + kRejectsDir));
    for (const auto& f : rej) {
      if (!live_rejects.count(f))
        ENCORE_RETURN_IF_ERROR(fs_->Remove(dir_ + "/" + kRejectsDir + "/" + f));
    }
    return fs_->Remove(dir_ + "/" + kManifestTmp);
  }

  std::string dir_;
  StoreOptions options_;
  FileSystem* fs_;
  std::unique_ptr<FileLock> lock_;
  bool failed_ = false;  // after a failed commit the in-memory view may be stale
  Manifest m_;
  std::vector<std::string> tracks_;
  mutable TrackTable track_index_;  // name → id, see FindTrack
  mutable std::once_flag track_index_built_;
  std::unordered_map<std::string, size_t> source_index_;
  std::mutex stage_mu_;
  // Listener numbers (MergeListeners): every numbered listener, the committed ones first, and a
  // table of number + 1 by hash; loaded on the first day that adds listeners.
  std::shared_mutex users_mu_;
  bool users_loaded_ = false;
  // The numbering table: open addressing, one 16-byte slot (one cache line) a lookup.
  struct IdSlot {
    uint64_t id = 0;  // ListenerId; 0: empty
    uint32_t number = 0;
  };
  std::vector<IdSlot> slots_;
  int slot_shift_ = 64;
  std::vector<uint8_t> user_services_;  // per number: the service id
  HomeCountries home_;                  // per number: the country of its first counted stream
  // A reader's home countries (ReadListeners), loaded on first use and again after a commit
  // that numbered more listeners. The pointer stays valid until the next commit.
  Result<const HomeCountries*> ReaderHomes() const {
    std::lock_guard<std::mutex> lock(reader_home_mu_);
    if (reader_home_.size() != m_.user_count || !reader_home_loaded_) {
      reader_home_.clear();
      if (!m_.users_file.empty()) {
        const std::string path = DataPath(m_.users_file);
        ENCORE_ASSIGN_OR_RETURN(std::string data, fs_->ReadFile(path));
        ENCORE_RETURN_IF_ERROR(DecodeUsers(data, path, nullptr, nullptr, &reader_home_));
        if (reader_home_.size() != m_.user_count) {
          return Status::Corruption(path + ": user count disagrees with manifest");
        }
      }
      reader_home_loaded_ = true;
    }
    return &reader_home_;
  }
  mutable std::mutex reader_home_mu_;
  mutable bool reader_home_loaded_ = false;
  mutable HomeCountries reader_home_;
};

}  // namespace

Result<std::unique_ptr<CountStore>> OpenLocalStoreWith(const std::string& dir,
                                                       const StoreOptions& options,
                                                       FileSystem* fs) {
  auto store = std::make_unique<LocalStore>(dir, options, fs);
  ENCORE_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<CountStore>(std::move(store));
}

Result<std::unique_ptr<CountStore>> OpenLocalStore(const std::string& dir,
                                                   const StoreOptions& options) {
  return OpenLocalStoreWith(dir, options, PosixFileSystem());
}

Status CountStore::AddRecords(Day, const PlayRec*, size_t, const TotalRec*, size_t,
                              std::optional<Day>) {
  return Status::FailedPrecondition("this store counts plays itself: AddRecords is not for it");
}

Status CountStore::AddListeners(Day, const std::vector<ListenerPair>&) {
  return Status::FailedPrecondition("this store counts plays itself: AddListeners is not for it");
}

Result<std::optional<DayListeners>> CountStore::ReadListeners(Day, bool) const {
  return Status::FailedPrecondition("this store keeps no listener sets");
}

Result<std::vector<std::pair<uint32_t, int64_t>>> CountStore::DayTrackStreams(
    Day, const std::vector<char>&) const {
  return Status::FailedPrecondition("this store does not run queries: scan its counts");
}

Result<std::vector<RegionTrackStreams>> CountStore::PeriodChartStreams(
    const ChartStreamsQuery&) const {
  return Status::FailedPrecondition("this store does not run queries: scan its counts");
}

Result<std::vector<CountStore::TrackDay>> CountStore::TrackSeries(uint32_t, const std::vector<char>&,
                                                                  std::optional<CountryCode>,
                                                                  std::optional<Day>,
                                                                  std::optional<Day>) const {
  return Status::FailedPrecondition("this store does not run queries: scan its counts");
}

Result<int64_t> CountStore::PendingCounted(std::optional<Day>) {
  return Status::FailedPrecondition("this store counts plays itself: PendingCounted is not for it");
}

namespace {

constexpr char kClickHouseUrlFile[] = "CLICKHOUSE_URL";

// A ClickHouse store's side directory: one per server, shards and database.
std::string ClickHouseSideDir(const std::string& url) {
  std::string base;
  if (const char* s = std::getenv("ENCORE_STATE_DIR"); s && *s) {
    base = s;
  } else if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) {
    base = std::string(x) + "/encore";
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    base = std::string(h) + "/.local/state/encore";
  } else {
    base = ".encore-state";
  }
  // HOST_PORT+HOST_PORT+DATABASE: '+' is in no host and no database name, so two stores never
  // share a directory. A URL that does not parse gets one of its own by hash.
  auto clean = [](std::string v) {
    for (char& c : v) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-'))
        c = '_';
    }
    return v;
  };
  // A host by its address where it resolves (localhost and 127.0.0.1, a name and its address, in
  // any case, are one server and one side directory), else by its name in lower case.
  auto address = [](const std::string& host) {
    std::string lower = host;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(lower.c_str(), nullptr, &hints, &found) != 0 || !found) return lower;
    const addrinfo* pick = found;
    for (const addrinfo* a = found; a; a = a->ai_next) {
      if (a->ai_family == AF_INET) {
        pick = a;
        break;
      }
    }
    char text[NI_MAXHOST] = {};
    const bool ok = getnameinfo(pick->ai_addr, pick->ai_addrlen, text, sizeof text, nullptr, 0,
                                NI_NUMERICHOST) == 0;
    freeaddrinfo(found);
    return ok ? std::string(text) : lower;
  };
  std::string name;
  auto ep = ParseClickHouseUrl(url);
  if (ep.ok()) {
    for (const auto& h : ep->hosts) name += clean(address(h.host)) + "_" + std::to_string(h.port) + "+";
    name += ep->database;
  } else {
    Fingerprinter f;
    f.Update(url);
    name = "invalid-" + f.Hex().substr(0, 16);
  }
  return base + "/clickhouse/" + name;
}

}  // namespace

namespace {

// The side directories this process named for a URL: what OpenStore opens them as, whether or
// not their CLICKHOUSE_URL file could be written.
std::mutex g_side_dirs_mu;
// Side directories this process made (RemoveUnusedSideDirs).
std::vector<std::string>& NewSideDirs() {
  static auto* dirs = new std::vector<std::string>;
  return *dirs;
}

std::map<std::string, std::string>& SideDirUrls() {
  static std::map<std::string, std::string> urls;
  return urls;
}

// Writes the URL of a store that opened into its side directory, so that a later command may
// name the directory itself. Created 0600 (the URL may hold a password); a failure only costs
// that.
void RememberUrl(const std::string& dir, const std::string& url) {
  FileSystem* fs = PosixFileSystem();
  auto have = fs->ReadFile(dir + "/" + kClickHouseUrlFile);
  if (have.ok() && *have == url + "\n") return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string tmp = dir + "/" + kClickHouseUrlFile + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::string text = url + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (::close(fd) == 0 && ok) {
    std::rename(tmp.c_str(), (dir + "/" + kClickHouseUrlFile).c_str());
  } else {
    std::remove(tmp.c_str());
  }
}

}  // namespace

std::string DefaultStoreDir(const std::string& flag) {
  std::string s = flag;
  if (s.empty()) {
    if (const char* env = std::getenv("ENCORE_STORE"); env && *env) s = env;
  }
  if (s.empty()) return "encore-data";
  if (!IsClickHouseUrl(s)) return s;
  const std::string dir = ClickHouseSideDir(s);
  {
    std::lock_guard<std::mutex> l(g_side_dirs_mu);
    SideDirUrls()[dir] = s;
  }
  // Commands keep side files there (catalog, charts) even before the store opens.
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    std::lock_guard<std::mutex> l(g_side_dirs_mu);
    NewSideDirs().push_back(dir);
  }
  return dir;
}

void RemoveUnusedSideDirs() {
  std::vector<std::string> dirs;
  {
    std::lock_guard<std::mutex> l(g_side_dirs_mu);
    dirs.swap(NewSideDirs());
  }
  for (const auto& dir : dirs) {
    // Made by this process, and holding nothing but the lock a failed open took.
    std::error_code ec;
    bool unused = true;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      unused = unused && e.path().filename() == "LOCK";
    }
    if (ec || !unused) continue;
    // Not a lock another process took meanwhile.
    const std::string lock = dir + "/LOCK";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
      if (free) std::filesystem::remove(lock, ec);
      ::close(fd);
      if (!free) continue;
    }
    std::filesystem::remove(dir, ec);
  }
}

namespace {

// The URL a side directory names: what this process named it for, or its CLICKHOUSE_URL file.
std::optional<std::string> UrlOfSideDir(const std::string& dir) {
  {
    std::lock_guard<std::mutex> l(g_side_dirs_mu);
    auto it = SideDirUrls().find(dir);
    if (it != SideDirUrls().end()) return it->second;
  }
  auto text = PosixFileSystem()->ReadFile(dir + "/" + kClickHouseUrlFile);
  if (!text.ok()) return std::nullopt;
  std::string url = *text;
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  return url;
}

}  // namespace

std::string RemoteCommitStamp(const std::string& dir) {
  const std::optional<std::string> url = UrlOfSideDir(dir);
  if (!url) return "";
  auto ep = ParseClickHouseUrl(*url);
  if (!ep.ok()) return "invalid";
  ClickHouseClient coordinator(ep->hosts.front(), *ep);
  auto r = coordinator.Query("SELECT count(), max(generation) FROM " + ep->database + ".commits");
  return r.ok() ? *r : "unreachable";
}

Result<std::unique_ptr<CountStore>> OpenStore(const std::string& dir, const StoreOptions& options) {
  if (const std::optional<std::string> url = UrlOfSideDir(dir)) {
    ENCORE_ASSIGN_OR_RETURN(auto store, OpenClickHouseStoreIn(*url, dir, options));
    RememberUrl(dir, *url);
    return store;
  }
  return OpenLocalStore(dir, options);
}

}  // namespace encore
