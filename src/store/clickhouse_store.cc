// The ClickHouse store (doc/decisions/0009-clickhouse-store.md).
//
// Tables (database D; *_local on every shard, the rest on the coordinator, the URL's first host):
//   plays_local  (day, cell, user, tier, attempt)   the plays at or over the stream threshold
//   totals_local (day, cell, tier, streams, attempt) daily-totals rows and counts given whole
//   counts_local (day, cell, tier, streams, version) a day's counts made final (sealed, replaced);
//                a cell's may be in parts on several shards (each shard's seal writes its own
//                listeners' part), so every read sums a cell's rows
//   listeners_local (day, cell, user, attempt)  listeners of streams counted outside the shards
//                plays (a personal history's, given as totals; a day counted in this process):
//                a day's listener set is its plays' (cell, user) and these, distinct
//   plays, totals, counts, listeners: Distributed over them (plays and listeners by user, so a
//   listener's plays of a day are on one shard and the cap is applied there; the others by cell)
//   commits (generation, attempt, manifest): one row per commit, the commit point
//   tracks (attempt, id, name), rejects (attempt, fingerprint, frame)
//   writers (claim, host, boot, pid, beat, released): the writer's claim (one writer at a time)
// A row counts only when the commit of its attempt is in `commits`: an ingest killed at any moment
// leaves rows that no reader sees, and its re-run writes them again under a new attempt.
#include "store/clickhouse_store.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/file_system.h"
#include "common/radix_sort.h"
#include "store/clickhouse_client.h"
#include "store/codecs.h"
#include "store/column_file.h"
#include "store/store_format.h"
#include "store/manifest.h"

namespace encore {
namespace {


void PutU8(std::string* s, uint8_t v) { s->push_back(static_cast<char>(v)); }
void PutU16(std::string* s, uint16_t v) { s->append(reinterpret_cast<const char*>(&v), 2); }
void PutU32(std::string* s, uint32_t v) { s->append(reinterpret_cast<const char*>(&v), 4); }
void PutU64(std::string* s, uint64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }
void PutString(std::string* s, std::string_view v) {
  uint64_t n = v.size();
  while (n >= 0x80) {
    s->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  s->push_back(static_cast<char>(n));
  s->append(v);
}

// RowBinary reading: Strings are a varint length and bytes.
struct BinReader {
  const char* p;
  const char* end;
  bool ok = true;
  template <typename T>
  T Fixed() {
    T v{};
    if (end - p < static_cast<ptrdiff_t>(sizeof v)) {
      ok = false;
      p = end;
      return v;
    }
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  std::string String() {
    uint64_t n = 0;
    int shift = 0;
    while (p < end) {
      const uint8_t b = static_cast<uint8_t>(*p++);
      n |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
      if (shift > 63) break;
    }
    if (static_cast<uint64_t>(end - p) < n) {
      ok = false;
      p = end;
      return {};
    }
    std::string s(p, n);
    p += n;
    return s;
  }
  bool done() const { return p >= end; }
};

// Dense numbers for (service, user key) pairs, 0, 1, … in the order first asked: open
// addressing with linear probing (the keys are XXH3 hashes already). A user key has bit 0
// clear (doc/decisions/0002), so a used slot holds key | 1.
class ListenerNumbers {
 public:
  Result<uint32_t> Number(uint32_t service, uint64_t user) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    const uint64_t want = user | 1;
    for (size_t at = Slot(service, user);; at = (at + 1) & (slots_.size() - 1)) {
      Entry& e = slots_[at];
      if (e.key == 0) {
        if (count_ == UINT32_MAX) return Status::FailedPrecondition("more than 2^32 listeners");
        e = {want, service, static_cast<uint32_t>(count_++)};
        return e.number;
      }
      if (e.key == want && e.service == service) return e.number;
    }
  }

 private:
  struct Entry {
    uint64_t key = 0;  // user key | 1; 0: free
    uint32_t service = 0, number = 0;
  };
  size_t Slot(uint32_t service, uint64_t user) const {
    return static_cast<size_t>((user ^ (uint64_t{service} * 0x9E3779B97F4A7C15ULL)) >> 1) &
           (slots_.size() - 1);
  }
  void Grow() {
    std::vector<Entry> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), Entry{});
    for (const Entry& e : old) {
      if (e.key == 0) continue;
      size_t at = Slot(e.service, e.key & ~1ULL);
      while (slots_[at].key != 0) at = (at + 1) & (slots_.size() - 1);
      slots_[at] = e;
    }
  }
  std::vector<Entry> slots_;
  uint64_t count_ = 0;
};

// What the store knows of a day beyond its rows.
struct DayInfo {
  uint64_t generation = 0;  // the last commit that changed it
  uint64_t attempt = 0;     // that commit's attempt (random: unique across recreated databases)
  // The last commit that changed its counts (a seal alone does not: DayVersion).
  uint64_t counts_generation = 0, counts_attempt = 0;
  uint64_t base_version = 0;  // the attempt whose counts_local rows are the day's base; 0: none
  uint64_t base_generation = 0;  // rows of commits after this add to the base
  uint64_t first_generation = 0;  // the first commit that gave the day rows; 0: none yet
  bool plays = false;            // plays after the base
  int64_t streams = 0;
  uint64_t rows = 0;  // count rows when last measured (what a read-ahead budgets by)
  bool listeners = false;  // plays or listeners given with totals: the day has a listener set
  bool partial = false;    // the set lacks the users of some streams (DaysWithPartialListeners)
};

class ClickHouseStore final : public CountStore {
 public:
  ClickHouseStore(ClickHouseEndpoint ep, std::string side_dir, StoreOptions options)
      : ep_(std::move(ep)), side_dir_(std::move(side_dir)), options_(options) {
    for (const auto& h : ep_.hosts) hosts_.push_back(std::make_unique<ClickHouseClient>(h, ep_));
    std::random_device rd;
    rng_.seed((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(std::time(nullptr)));
    NewAttempt();
  }

  ~ClickHouseStore() override { ReleaseClaim(); }

  Status Open() {
    if (!options_.read_only && !side_dir_.empty()) {
      ENCORE_ASSIGN_OR_RETURN(lock_, PosixFileSystem()->LockFile(side_dir_ + "/LOCK"));
    }
    const std::string db = ep_.database;
    ENCORE_ASSIGN_OR_RETURN(const bool have, HasTable(Coord(), "commits"));
    if (!ep_.cluster.empty()) ENCORE_RETURN_IF_ERROR(CheckCluster());
    if (!have) {
      // The store's commits are on its coordinator, the URL's first host: another host holding
      // them means the hosts are named in another order than when the store was made.
      for (size_t h = 1; h < hosts_.size(); ++h) {
        ENCORE_ASSIGN_OR_RETURN(const bool there, HasTable(*hosts_[h], "commits"));
        if (there) {
          return Status::InvalidArgument(
              "the encore store in database " + db + " has its coordinator at " + hosts_[h]->Name() +
              ": name that host first in the URL (the coordinator keeps the commits)");
        }
      }
      if (options_.read_only || !options_.create_if_missing) {
        return Status::NotFound("no encore store in ClickHouse database " + ep_.Display());
      }
      ENCORE_RETURN_IF_ERROR(CreateSchema());
      rules_ = options_.rules;
    }
    if (!ep_.cluster.empty()) ENCORE_RETURN_IF_ERROR(CheckShards(options_.read_only));
    if (!options_.read_only) ENCORE_RETURN_IF_ERROR(Claim());
    if (have && !options_.read_only) {
      ENCORE_RETURN_IF_ERROR(CreateListenerTable());
    } else if (have) {
      ENCORE_ASSIGN_OR_RETURN(listener_table_, HasTable(Coord(), "listeners"));
    }
    return Load(have);
  }

  const CountingRules& rules() const override { return rules_; }
  std::optional<Day> sealed_before() const override { return sealed_; }
  const std::vector<std::string>& tracks() const override { return tracks_; }
  std::optional<uint32_t> FindTrack(std::string_view name) const override {
    auto it = track_ids_.find(std::string(name));
    if (it == track_ids_.end()) return std::nullopt;
    return it->second;
  }
  const std::vector<std::string>& services() const override { return services_; }

  std::vector<Day> Days() const override {
    std::vector<Day> out;
    for (const auto& [d, info] : days_) out.push_back(d);
    return out;
  }

  // Scans (charts, records, export) read days in order, so a read also fetches the days after
  // it, up to a budget of rows, in the same query; they wait in a cache that the next read
  // outside it replaces.
  Result<std::vector<CountRow>> ReadCounts(Day day) const override {
    auto it = days_.find(day);
    if (it == days_.end()) return std::vector<CountRow>();
    std::lock_guard<std::mutex> l(cache_mu_);
    auto hit = read_ahead_.find(day);
    if (hit == read_ahead_.end()) {
      read_ahead_.clear();
      ENCORE_RETURN_IF_ERROR(ReadDays(ReadAheadFrom(it), false, &read_ahead_));
      hit = read_ahead_.find(day);
    }
    std::vector<CountRow> out = std::move(hit->second);
    read_ahead_.erase(hit);
    return out;
  }

  bool RunsQueries() const override { return true; }

  // Records read a day at a time, in order: as ReadCounts, a read fetches the days after it too.
  Result<std::vector<std::pair<uint32_t, int64_t>>> DayTrackStreams(
      Day day, const std::vector<char>& services) const override {
    auto it = days_.find(day);
    const std::string list = ServiceList(services);
    if (it == days_.end() || list.empty()) return std::vector<std::pair<uint32_t, int64_t>>();
    std::lock_guard<std::mutex> l(cache_mu_);
    auto hit = totals_ahead_.find(day);
    if (totals_key_ != list || hit == totals_ahead_.end()) {
      const auto batch = ReadAheadFrom(it);
      totals_ahead_.clear();
      totals_key_ = list;
      for (const auto& d : batch) totals_ahead_[d.first];
      const std::string sql =
          "SELECT day, toUInt32(bitAnd(g, 4294967295)) AS track, sum(v) AS streams FROM ("
          "SELECT day, g, " + GlobalRuleTier("premium") + " + " + GlobalRuleTier("free") + " + " +
          GlobalRuleTier("unknown") + " AS v FROM (SELECT day, bitShiftRight(cell, 10) AS g, " +
          GlobalRuleSums(false) + " FROM (" + DaysSql(batch, false, false) +
          ") WHERE bitShiftRight(cell, 42) IN (" + list +
          ") GROUP BY day, g) WHERE v != 0) GROUP BY day, track ORDER BY day, track FORMAT RowBinary";
      ENCORE_RETURN_IF_ERROR(ReadFixedRows<2 + 4 + 8>(sql, [&](const char* row) {
        uint16_t d;
        uint32_t track;
        int64_t v;
        std::memcpy(&d, row, 2);
        std::memcpy(&track, row + 2, 4);
        std::memcpy(&v, row + 6, 8);
        auto at = totals_ahead_.find(Day{d});
        if (at == totals_ahead_.end()) return false;
        at->second.emplace_back(track, v);
        return true;
      }));
      hit = totals_ahead_.find(day);
    }
    auto out = std::move(hit->second);
    totals_ahead_.erase(hit);
    return out;
  }

  Result<std::vector<RegionTrackStreams>> PeriodChartStreams(
      const ChartStreamsQuery& q) const override {
    std::vector<RegionTrackStreams> out;
    const std::string list = ServiceList(q.services);
    // (period, its index in q.periods), in date order.
    std::vector<std::pair<std::pair<Day, Day>, size_t>> periods;
    for (size_t i = 0; i < q.periods.size(); ++i) periods.push_back({q.periods[i], i});
    if (periods.empty()) periods.push_back({{q.from, q.to}, 0});
    std::sort(periods.begin(), periods.end());
    for (size_t i = 1; i < periods.size(); ++i) {
      if (periods[i].first.first <= periods[i - 1].first.second) {
        return Status::InvalidArgument("chart periods that overlap: " +
                                       FormatDate(periods[i].first.first) + " is in two");
      }
    }
    // Each day read names its period: transform(day, [days], [their periods], none).
    std::vector<std::pair<Day, DayInfo>> days;
    std::string day_list, period_list;
    for (const auto& [period, index] : periods) {
      for (auto it = days_.lower_bound(period.first); it != days_.end() && it->first <= period.second; ++it) {
        days.emplace_back(*it);
        day_list += (day_list.empty() ? "" : ", ") + std::to_string(it->first);
        period_list += (period_list.empty() ? "" : ", ") + std::to_string(index);
      }
    }
    if (days.empty() || list.empty() || (!q.countries && !q.country && !q.global)) return out;
    const std::string country = "bitAnd(cell, 1023)";
    const std::string track = "toUInt32(bitAnd(bitShiftRight(cell, 10), 4294967295))";
    const std::string period = q.periods.size() < 2
                                   ? std::string("toUInt32(0)")
                                   : "toUInt32(transform(toUInt16(day), [" + day_list + "], [" +
                                         period_list + "], 0))";
    const std::string filtered = "(SELECT day, " + period + " AS period, cell, premium, free, unknown FROM (" +
                                 DaysSql(days, false, false) + ") WHERE bitShiftRight(cell, 42) IN (" +
                                 list + "))";
    std::vector<std::string> parts;
    if (q.countries || q.country) {
      parts.push_back("SELECT period, toUInt16(" + country + ") AS region, " + track +
                      " AS track, premium AS p, free AS f, unknown AS u FROM " + filtered +
                      " WHERE " + country +
                      (q.country ? " = " + std::to_string(*q.country) : " != 676"));
    }
    if (q.global) {
      std::string tiers;
      for (const auto& [t, alias] : {std::pair{"premium", "p"}, {"free", "f"}, {"unknown", "u"}}) {
        tiers += ", toInt64(" + GlobalRuleTier(t, q.excl_us) + ") AS " + alias;
      }
      parts.push_back("SELECT period, toUInt16(676) AS region, toUInt32(bitAnd(g, 4294967295)) AS track" +
                      tiers + " FROM (SELECT day, period, bitShiftRight(cell, 10) AS g, " +
                      GlobalRuleSums(q.excl_us) + " FROM " + filtered + " GROUP BY day, period, g)");
    }
    std::string sql = "SELECT period, region, track, sum(p) AS sp, sum(f) AS sf, sum(u) AS su FROM (";
    for (size_t i = 0; i < parts.size(); ++i) sql += (i ? " UNION ALL " : "") + parts[i];
    sql += ") GROUP BY period, region, track HAVING sp != 0 OR sf != 0 OR su != 0";
    if (q.top > 0) {
      // A region's best `top` by points then premium streams, and every row tied with the last.
      char w[3][40];
      for (int t = 0; t < 3; ++t) std::snprintf(w[t], sizeof w[t], "%.17g", q.weights[t]);
      sql = "SELECT period, region, x.1, x.2, x.3, x.4 FROM (SELECT period, region, "
            "arraySort(y -> (-y.5, -y.2), groupArray((track, sp, sf, su, pts))) AS ranked, "
            "ranked[least(" + std::to_string(q.top) + ", length(ranked))] AS last, "
            "arrayFilter(y -> y.5 > last.5 OR (y.5 = last.5 AND y.2 >= last.2), ranked) AS best "
            "FROM (SELECT period, region, track, sp, sf, su, toFloat64(sp) * " + std::string(w[0]) +
            " + toFloat64(sf) * " + w[1] + " + toFloat64(su) * " + w[2] + " AS pts FROM (" + sql +
            ")) GROUP BY period, region) ARRAY JOIN best AS x";
    }
    ENCORE_RETURN_IF_ERROR(ReadFixedRows<4 + 2 + 4 + 24>(sql + " FORMAT RowBinary", [&](const char* row) {
      RegionTrackStreams r;
      std::memcpy(&r.period, row, 4);
      std::memcpy(&r.region, row + 4, 2);
      std::memcpy(&r.track, row + 6, 4);
      std::memcpy(r.tier, row + 10, 24);
      if (r.period >= std::max<size_t>(q.periods.size(), 1)) return false;
      out.push_back(r);
      return true;
    }));
    return out;
  }

  // A year of days per query (each day with a base names its version in the SQL).
  Result<std::vector<TrackDay>> TrackSeries(uint32_t track, const std::vector<char>& services,
                                            std::optional<CountryCode> country,
                                            std::optional<Day> from,
                                            std::optional<Day> to) const override {
    std::vector<TrackDay> out;
    const std::string list = ServiceList(services);
    if (list.empty()) return out;
    std::vector<std::pair<Day, DayInfo>> days;
    for (const auto& [d, info] : days_) {
      if ((!from || d >= *from) && (!to || d <= *to)) days.emplace_back(d, info);
    }
    std::string cells = "bitAnd(bitShiftRight(cell, 10), 4294967295) = " + std::to_string(track) +
                        " AND bitShiftRight(cell, 42) IN (" + list + ")";
    if (country) cells += " AND bitAnd(cell, 1023) = " + std::to_string(*country);
    constexpr size_t kDaysPerQuery = 366;
    for (size_t i = 0; i < days.size(); i += kDaysPerQuery) {
      const std::vector<std::pair<Day, DayInfo>> some(
          days.begin() + static_cast<ptrdiff_t>(i),
          days.begin() + static_cast<ptrdiff_t>(std::min(days.size(), i + kDaysPerQuery)));
      std::string tiers;
      for (const auto& [t, alias] : {std::pair{"premium", "p"}, {"free", "f"}, {"unknown", "u"}}) {
        tiers += std::string(tiers.empty() ? "" : ", ") + "toInt64(sum(" + GlobalRuleTier(t) +
                 ")) AS " + alias;
      }
      const std::string sql =
          "SELECT day, " + tiers + " FROM (SELECT day, bitShiftRight(cell, 42) AS service, " +
          GlobalRuleSums(false) + " FROM (" + DaysSql(some, false, false, nullptr, cells) +
          ") GROUP BY day, service) GROUP BY day HAVING p != 0 OR f != 0 OR u != 0 ORDER BY day "
          "FORMAT RowBinary";
      ENCORE_RETURN_IF_ERROR(ReadFixedRows<2 + 24>(sql, [&](const char* row) {
        TrackDay t;
        uint16_t d;
        std::memcpy(&d, row, 2);
        t.day = d;
        std::memcpy(t.tier, row + 2, 24);
        out.push_back(t);
        return true;
      }));
    }
    return out;
  }

  Status ScanCounts(Day day,
                    const std::function<Status(const CountRow*, size_t)>& fn) const override {
    ENCORE_ASSIGN_OR_RETURN(auto rows, ReadCounts(day));
    constexpr size_t kBatch = 65536;
    for (size_t i = 0; i < rows.size(); i += kBatch) {
      ENCORE_RETURN_IF_ERROR(fn(rows.data() + i, std::min(kBatch, rows.size() - i)));
    }
    return Status::Ok();
  }

  std::string DayVersion(Day day) const override {
    auto it = days_.find(day);
    if (it == days_.end()) return "";
    // A seal makes a day's counts final without changing them (reads cap open days as the seal
    // does): as on the local store, the version stays.
    return "ch:" + std::to_string(it->second.counts_generation) + ":" +
           std::to_string(it->second.counts_attempt);
  }

  Result<std::vector<CapEntry>> ReadCapState(Day) const override {
    return std::vector<CapEntry>();  // the cap is applied on the cluster, from the plays
  }

  // A listener's kept history: its rows of committed attempts, on the shard of its user (a
  // cluster) or the one server. Kept until the commit, which inserts only what it adds to it.
  Result<std::vector<HistoryPlay>> ReadHistory(const ListenerKey& listener) const override {
    if (!listeners_.count(listener)) return std::vector<HistoryPlay>();
    std::vector<HistoryPlay> plays;
    ENCORE_RETURN_IF_ERROR(ReadFixedRows<8 + 8 + 4 + 2 + 1>(
        "SELECT start_ms, ident, track, country, tier FROM " + ep_.database +
            ".history WHERE service = " + std::to_string(listener.service) +
            " AND user = " + std::to_string(listener.user) + " AND attempt GLOBAL IN (" +
            Committed(0) + ") ORDER BY start_ms, ident FORMAT RowBinary",
        [&](const char* row) {
          HistoryPlay p;
          uint8_t tier;
          std::memcpy(&p.start_ms, row, 8);
          std::memcpy(&p.ident, row + 8, 8);
          std::memcpy(&p.track, row + 16, 4);
          std::memcpy(&p.country, row + 20, 2);
          std::memcpy(&tier, row + 22, 1);
          if (tier > 1 || p.track >= tracks_.size()) return false;
          p.tier = static_cast<Tier>(tier);
          plays.push_back(p);
          return true;
        }));
    if (plays.size() != listeners_.at(listener)) {
      return Status::Corruption("history of listener " + std::to_string(listener.user) + " in " +
                                ep_.Display() + ": " + std::to_string(plays.size()) +
                                " plays where the commits say " +
                                std::to_string(listeners_.at(listener)));
    }
    std::lock_guard<std::mutex> l(cache_mu_);
    kept_histories_[listener] = plays;
    return plays;
  }

  bool HasSource(std::string_view fp) const override {
    return std::any_of(sources_.begin(), sources_.end(),
                       [&](const SourceRecord& s) { return s.fingerprint == fp; });
  }
  std::vector<SourceRecord> Sources() const override { return sources_; }

  Result<std::vector<RejectRecord>> ReadRejects(const SourceRecord& source) const override {
    std::vector<RejectRecord> out;
    ENCORE_RETURN_IF_ERROR(ScanRejects(source, [&](const RejectRecord& r) {
      out.push_back(r);
      return Status::Ok();
    }));
    return out;
  }

  Status ScanRejects(const SourceRecord& source,
                     const std::function<Status(const RejectRecord&)>& fn) const override {
    ENCORE_ASSIGN_OR_RETURN(
        std::string body,
        Coord().Query("SELECT frame FROM " + ep_.database + ".rejects WHERE fingerprint = " +
                      SqlQuote(source.fingerprint) + " AND attempt GLOBAL IN (" + Committed(0) +
                      ") ORDER BY attempt LIMIT 1 FORMAT RowBinary"));
    if (body.empty()) return Status::Ok();
    BinReader r{body.data(), body.data() + body.size()};
    const std::string frame = r.String();
    if (!r.ok) return Status::Corruption("rejects of " + source.fingerprint + " in " + ep_.Display());
    return ScanRejectsFile(frame, ep_.Display() + " rejects of " + source.fingerprint, fn);
  }

  StoreStats Stats() const override {
    StoreStats s;
    s.generation = generation_;
    s.days = days_.size();
    for (const auto& [d, info] : days_) {
      if (info.plays) ++s.open_days;  // as the local store: days whose plays are not final
      s.streams += info.streams;
    }
    s.tracks = tracks_.size();
    s.sources = sources_.size();
    s.listeners = listeners_.size();
    for (const auto& [key, n] : listeners_) s.history_plays += n;
    // Listener sets are the plays' users (ReadListeners): days, no files of their own.
    for (const auto& [d, info] : days_) s.listener_days += info.listeners;
    // The database's parts on every host (rows of attempts that never committed included: they
    // take space until dropped). A host that does not answer adds nothing here.
    for (const auto& h : hosts_) {
      auto got = h->Query("SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = " +
                          SqlQuote(ep_.database));
      if (got.ok()) s.bytes += std::strtoull(got->c_str(), nullptr, 10);
    }
    return s;
  }

  bool CountsPlays() const override { return true; }
  std::string Name() const override { return ep_.Display(); }

  // Rows wait in a buffer and go to the cluster a million at a time: a day of a few thousand
  // plays is not an insert (and a part on every shard) of its own.
  //
  // A day that this file both opens and closes (new to the store, before the seal the commit
  // raises) is counted here, as the local store counts: its plays are all in this call, so the
  // cap needs no other, and its counts go to `counts` under this attempt (as MakeFinal would put
  // them), its plays nowhere. The other days' plays go to the shards, capped there later.
  Status AddRecords(Day day, const PlayRec* plays, size_t n_plays, const TotalRec* totals,
                    size_t n_totals, std::optional<Day> seal_before) override {
    if (options_.read_only) return Status::FailedPrecondition("store opened read-only");
    if (day < 0 || day > 65535) {
      return Status::InvalidArgument("day " + FormatDate(day) + " is outside ClickHouse's Date");
    }
    std::lock_guard<std::mutex> l(pending_mu_);
    if (auto have = pending_.find(day); have != pending_.end() && have->second.counted_here) {
      return Status::Internal("records of " + FormatDate(day) + " given twice to one commit");
    }
    const bool new_day = !days_.count(day) && !pending_.count(day);
    if (new_day && seal_before && day < *seal_before &&
        (!sealed_ || (*seal_before > *sealed_ && day >= *sealed_))) {
      return CountHere(day, plays, n_plays, totals, n_totals);
    }
    // A new day that stays open: its plays go to the shards (a later file may add to them), and
    // what they count is known here without asking the cluster.
    std::optional<std::pair<uint64_t, int64_t>> measured;
    if (new_day) {
      uint64_t rows = 0;
      int64_t streams = 0;
      for (const CellSums& c : CountDay(plays, n_plays, totals, n_totals)) {
        for (int t = 0; t < 3; ++t) {
          rows += c.tier[t] != 0;
          streams += c.tier[t];
        }
      }
      measured.emplace(rows, streams);
    }
    for (size_t k = 0; k < n_plays; ++k) {
      PutU16(&plays_buf_.data, static_cast<uint16_t>(day));
      PutU64(&plays_buf_.data, plays[k].cell);
      PutU64(&plays_buf_.data, plays[k].user & ~1ULL);
      PutU8(&plays_buf_.data, static_cast<uint8_t>(plays[k].user & 1));
      PutU64(&plays_buf_.data, attempt_);
      if (++plays_buf_.rows == kRowsPerInsert) ENCORE_RETURN_IF_ERROR(Flush(&plays_buf_));
    }
    ENCORE_RETURN_IF_ERROR(AddTotals(day, totals, n_totals));
    Pending& p = pending_[day];
    p.plays |= n_plays > 0;
    p.listeners |= n_plays > 0;
    p.unlisted |= n_totals > 0;
    p.plays_added += static_cast<int64_t>(n_plays);
    p.measured = measured.has_value();
    if (measured) {
      p.rows = measured->first;
      p.streams = measured->second;
    }
    return Status::Ok();
  }

  // Days of this attempt that the coming commit seals are made final now (their counts written
  // under this attempt, as StageDay writes a local store's files ahead of its commit): the cap
  // is applied once, and their streams are read from what was written.
  Result<int64_t> PendingCounted(std::optional<Day> seal_before) override {
    ENCORE_RETURN_IF_ERROR(FlushAll());
    if (seal_before) {
      std::vector<std::pair<Day, DayInfo>> closing;
      for (const auto& [day, p] : pending_) {
        const DayInfo info = PendingInfo(day);
        if (day < *seal_before && info.plays && !p.staged) closing.emplace_back(day, info);
      }
      ENCORE_RETURN_IF_ERROR(MakeFinal(closing));
      for (const auto& [day, info] : closing) {
        Pending& p = pending_.at(day);
        p.streams = 0;  // a day capped to nothing has no rows below
        p.rows = 0;
        p.staged = p.measured = true;
      }
      if (!closing.empty()) {
        ENCORE_ASSIGN_OR_RETURN(
            std::string body,
            Coord().Query("SELECT day, sum(s), count() FROM (SELECT day, cell, tier, "
                          "sum(streams) AS s FROM " + ep_.database + ".counts WHERE version = " +
                          std::to_string(attempt_) +
                          " GROUP BY day, cell, tier HAVING s != 0) GROUP BY day FORMAT RowBinary"));
        for (BinReader r{body.data(), body.data() + body.size()}; !r.done();) {
          const Day day = r.Fixed<uint16_t>();
          const int64_t streams = r.Fixed<int64_t>();
          const uint64_t rows = r.Fixed<uint64_t>();
          if (!r.ok || !pending_.count(day)) return Status::Corruption("staged counts of " + ep_.Display());
          Pending& p = pending_.at(day);
          p.streams = streams;
          p.rows = rows;
        }
      }
    }
    ENCORE_RETURN_IF_ERROR(MeasurePending());
    int64_t added = 0;
    for (const auto& [day, p] : pending_) {
      auto it = days_.find(day);
      added += p.streams - (it == days_.end() ? 0 : it->second.streams);
    }
    return added;
  }

  Status AddListeners(Day day, const std::vector<ListenerPair>& pairs) override {
    if (options_.read_only) return Status::FailedPrecondition("store opened read-only");
    if (day < 0 || day > 65535) {
      return Status::InvalidArgument("day " + FormatDate(day) + " is outside ClickHouse's Date");
    }
    std::lock_guard<std::mutex> l(pending_mu_);
    for (const ListenerPair& pair : pairs) ENCORE_RETURN_IF_ERROR(AddListenerRow(day, pair.cell, pair.user));
    Pending& p = pending_[day];
    if (!pairs.empty()) p.listeners = true;
    p.unlisted = false;  // the totals given with these came with their users
    return Status::Ok();
  }

  Status StageDay(DayUpdate*) override { return Status::Ok(); }

  // Listener sets (doc/decisions/0010-listener-sets.md, "The ClickHouse store"): a day's are the
  // distinct (cell, user) of its committed plays and of its `listeners` rows, each shard's own
  // (a listener is on one shard), numbered here. Numbers are dense and the same for every day
  // this object reads: the first read of a listener numbers it.
  bool KeepsListeners() const override { return true; }
  std::vector<Day> DaysWithListeners() const override {
    std::vector<Day> out;
    for (const auto& [d, info] : days_) {
      if (info.listeners) out.push_back(d);
    }
    return out;
  }
  std::vector<Day> DaysWithPartialListeners() const override {
    std::vector<Day> out;
    for (const auto& [d, info] : days_) {
      if (info.partial) out.push_back(d);
    }
    return out;
  }
  Result<std::optional<DayListeners>> ReadListeners(Day day, bool places = true) const override {
    auto it = days_.find(day);
    if (it == days_.end() || !it->second.listeners) return std::optional<DayListeners>();
    const std::string d = ep_.database;
    // Listener rows are distinct within an attempt already (and repeats across attempts go
    // below): only the plays are grouped.
    const std::string where = " WHERE day = '" + FormatDate(day) + "' AND attempt GLOBAL IN (" +
                              Committed(0) + ")";
    std::string sql = "SELECT cell, user FROM " + d + ".plays" + where + " GROUP BY cell, user";
    if (listener_table_) sql += " UNION ALL SELECT cell, user FROM " + d + ".listeners" + where;
    struct Row {
      uint64_t cell, user;
    };
    std::vector<Row> rows;
    ENCORE_RETURN_IF_ERROR(ReadFixedRows<16>(
        "SELECT cell, user FROM (" + sql + ") FORMAT RowBinary", [&](const char* row) {
          Row r;
          std::memcpy(&r.cell, row, 8);
          std::memcpy(&r.user, row + 8, 8);
          if (CellService(r.cell) >= services_.size() || CellTrack(r.cell) >= tracks_.size()) return false;
          rows.push_back(r);
          return true;
        }));
    // Numbered, then sorted by (number, cell) without repeats, as the local store keeps them
    // (stable radix sorts: by cell, then by number).
    struct Numbered {
      uint32_t number;
      uint64_t cell;
      bool operator==(const Numbered& o) const { return number == o.number && cell == o.cell; }
    };
    std::vector<Numbered> numbered(rows.size());
    {
      std::lock_guard<std::mutex> l(numbers_mu_);
      for (size_t i = 0; i < rows.size(); ++i) {
        ENCORE_ASSIGN_OR_RETURN(const uint32_t number,
                                listener_numbers_.Number(CellService(rows[i].cell), rows[i].user));
        numbered[i] = {number, rows[i].cell};
      }
    }
    std::vector<Row>().swap(rows);
    RadixSort<11>(&numbered, [](const Numbered& n) { return n.cell; });
    RadixSort<11>(&numbered, [](const Numbered& n) { return uint64_t{n.number}; });
    numbered.erase(std::unique(numbered.begin(), numbered.end()), numbered.end());
    DayListeners out;
    out.user.resize(numbered.size());
    out.track.resize(numbered.size());
    if (places) {
      out.country.resize(numbered.size());
      out.service.resize(numbered.size());
    }
    for (size_t i = 0; i < numbered.size(); ++i) {
      out.user[i] = numbered[i].number;
      out.track[i] = CellTrack(numbered[i].cell);
      if (places) {
        out.country[i] = CellCountry(numbered[i].cell);
        out.service[i] = static_cast<uint8_t>(CellService(numbered[i].cell));
      }
    }
    return std::optional<DayListeners>(std::move(out));
  }

  Status Apply(CommitBatch batch) override {
    if (options_.read_only) return Status::FailedPrecondition("store opened read-only");
    if (failed_) return Status::FailedPrecondition("an earlier commit failed; reopen the store");
    {
      std::lock_guard<std::mutex> l(cache_mu_);
      read_ahead_.clear();
      totals_ahead_.clear();
    }
    Status s = DoApply(std::move(batch));
    if (!s.ok()) failed_ = true;
    std::lock_guard<std::mutex> l(cache_mu_);  // what a commit read ahead is out of date now
    read_ahead_.clear();
    totals_ahead_.clear();
    return s;
  }

 private:
  // The days from `it` on that one read fetches: up to 62 days or 2M count rows.
  std::vector<std::pair<Day, DayInfo>> ReadAheadFrom(std::map<Day, DayInfo>::const_iterator it) const {
    constexpr size_t kMaxDays = 62;
    constexpr uint64_t kMaxRows = 2'000'000;
    std::vector<std::pair<Day, DayInfo>> batch;
    uint64_t rows = 0;
    for (auto j = it; j != days_.end() && batch.size() < kMaxDays; ++j) {
      if (!batch.empty() && rows + j->second.rows > kMaxRows) break;
      batch.emplace_back(j->first, j->second);
      rows += j->second.rows;
    }
    return batch;
  }

  // The numbers of a one-column TSV answer, in order.
  static std::vector<uint64_t> NumberLines(const std::string& tsv) {
    std::vector<uint64_t> out;
    for (size_t at = 0; at < tsv.size();) {
      size_t nl = tsv.find('\n', at);
      if (nl == std::string::npos) nl = tsv.size();
      if (nl > at) out.push_back(std::strtoull(tsv.substr(at, nl - at).c_str(), nullptr, 10));
      at = nl + 1;
    }
    return out;
  }

  // Service ids flagged, as an SQL list ("" when none).
  // The GLOBAL rule of QueryStreams in SQL. Over the rows (day, cell, premium, free, unknown) of
  // one group (a service and track, or a service): whether it has GLOBAL rows, and per tier the
  // GLOBAL rows' sum (g_TIER), every row's (a_TIER) and, with_us, the US rows' (u_TIER).
  static std::string GlobalRuleSums(bool with_us) {
    static const std::string us = std::to_string(*ParseCountry("US", false));
    std::string s = "max(bitAnd(cell, 1023) = 676) AS has_global";
    for (const std::string n : {"premium", "free", "unknown"}) {
      s += ", sumIf(" + n + ", bitAnd(cell, 1023) = 676) AS g_" + n + ", sum(" + n + ") AS a_" + n;
      if (with_us) s += ", sumIf(" + n + ", bitAnd(cell, 1023) = " + us + ") AS u_" + n;
    }
    return s;
  }
  // Over GlobalRuleSums: a tier's streams of the group, the GLOBAL rows where it has any, else
  // the sum over countries; excl_us: less the US's, at least 0.
  static std::string GlobalRuleTier(const std::string& tier, bool excl_us = false) {
    const std::string base = "if(has_global, g_" + tier + ", a_" + tier + ")";
    return excl_us ? "greatest(" + base + " - u_" + tier + ", 0)" : base;
  }

  static std::string ServiceList(const std::vector<char>& flags) {
    std::string list;
    for (size_t i = 0; i < flags.size(); ++i) {
      if (flags[i]) list += (list.empty() ? "" : ", ") + std::to_string(i);
    }
    return list;
  }

  // Runs a query of days' counts (DaysSql inside) whose RowBinary rows are `kRow` bytes each,
  // handing each row to `row` (false: a row out of place, kCorruption).
  template <size_t kRow>
  Status ReadFixedRows(const std::string& sql, const std::function<bool(const char*)>& row) const {
    std::string carry;
    bool bad = false;
    ENCORE_RETURN_IF_ERROR(Coord().QueryStream(
        sql, {{"distributed_group_by_no_merge", "1"}}, [&](const char* data, size_t n) {
          carry.append(data, n);
          size_t i = 0;
          for (; i + kRow <= carry.size(); i += kRow) {
            if (!row(carry.data() + i)) {
              bad = true;
              return false;
            }
          }
          carry.erase(0, i);
          return true;
        }));
    if (bad || !carry.empty()) return Status::Corruption("counts of " + ep_.Display() + " cut short or out of place");
    return Status::Ok();
  }

  // A day this attempt added records to, and (once measured) its counts with them.
  struct Pending {
    bool plays = false;
    bool measured = false;
    bool staged = false;  // made final under this attempt (PendingCounted)
    bool counted_here = false;  // counted in this process (AddRecords); also staged
    bool listeners = false;     // plays or listener rows added by this attempt
    bool unlisted = false;      // daily totals added by this attempt (streams without users)
    int64_t plays_added = 0;    // plays given to the shards by this attempt
    uint64_t rows = 0;
    int64_t streams = 0;
  };

  // The day's counts with this attempt's records, for the days not measured since their last
  // records (PendingCounted, then the commit, ask the cluster once).
  Status MeasurePending() const {
    std::vector<std::pair<Day, DayInfo>> days;
    for (const auto& [day, p] : pending_) {
      if (!p.measured) days.emplace_back(day, PendingInfo(day));
    }
    if (days.empty()) return Status::Ok();
    // Summed on the cluster: a row per day, not the day's counts.
    for (const auto& [day, info] : days) {
      Pending& p = pending_.at(day);
      p.rows = 0;
      p.streams = 0;
    }
    const std::string sql =
        "SELECT day, toInt64(sum(premium + free + unknown)), toUInt64(countIf(premium != 0) + "
        "countIf(free != 0) + countIf(unknown != 0)) FROM (" + DaysSql(days, true, false) +
        ") GROUP BY day FORMAT RowBinary";
    ENCORE_RETURN_IF_ERROR(ReadFixedRows<2 + 8 + 8>(sql, [&](const char* row) {
      uint16_t d;
      int64_t streams;
      uint64_t rows;
      std::memcpy(&d, row, 2);
      std::memcpy(&streams, row + 2, 8);
      std::memcpy(&rows, row + 10, 8);
      auto it = pending_.find(Day{d});
      if (it == pending_.end()) return false;
      it->second.streams = streams;
      it->second.rows = rows;
      return true;
    }));
    for (const auto& [day, info] : days) pending_.at(day).measured = true;
    return Status::Ok();
  }

  DayInfo PendingInfo(Day day) const {
    auto it = days_.find(day);
    DayInfo info = it == days_.end() ? DayInfo{} : it->second;
    info.plays |= pending_.at(day).plays;
    info.listeners |= pending_.at(day).listeners;
    return info;
  }

  const ClickHouseClient& Coord() const { return *hosts_.front(); }

  void NewAttempt() {
    do {
      attempt_ = rng_();
    } while (attempt_ == 0);
  }

  // The attempts of commits (after `after` and up to the generation this object has read). Of
  // two rows of one generation (two writers that the side directory's lock did not keep apart),
  // the lower attempt is the commit, here, in Load and in the read-back of DoApply.
  std::string Committed(uint64_t after) const {
    return "SELECT min(attempt) FROM " + ep_.database + ".commits WHERE generation > " +
           std::to_string(after) + " AND generation <= " + std::to_string(generation_) +
           " GROUP BY generation";
  }

  Status Insert(const std::string& table, const std::string& columns, const std::string& data) {
    return Coord()
        .Query("INSERT INTO " + ep_.database + "." + table + " (" + columns + ") FORMAT RowBinary",
               data, {{"insert_distributed_sync", "1"}})
        .status();
  }

  static constexpr size_t kRowsPerInsert = 1 << 20;
  struct InsertBuffer {
    const char* table;
    const char* columns;
    std::string data;
    size_t rows = 0;
  };
  Status Flush(InsertBuffer* b) {
    if (b->rows == 0) return Status::Ok();
    Status st = Insert(b->table, b->columns, b->data);
    b->data.clear();
    b->rows = 0;
    if (!st.ok()) failed_ = true;  // part of a file is in: this attempt must never commit
    return st;
  }
  Status FlushAll() {
    ENCORE_RETURN_IF_ERROR(Flush(&plays_buf_));
    ENCORE_RETURN_IF_ERROR(Flush(&counts_buf_));
    ENCORE_RETURN_IF_ERROR(Flush(&listeners_buf_));
    return Flush(&totals_buf_);
  }

  // Writes the counts of `days` (this attempt's rows included) to `counts` under this attempt.
  // A query caps at most 31 days, and about 4M of their streams (as last measured): the
  // listeners of a (day, cell) are grouped in memory, so big days go a few at a time; a group
  // that still outgrows 1 GB spills to the shard's disk.
  // The generation after which a day's rows beside its base may come from: its base, or the
  // commit before the first that gave it rows (a day no commit has touched yet: none). What keeps
  // the attempts a query names to the few commits of its days.
  uint64_t RowsAfter(const DayInfo& info) const {
    const uint64_t before_first = info.first_generation ? info.first_generation - 1 : generation_;
    return std::max(info.base_generation, before_first);
  }

  // The attempts of the commits after generation `after`, as an SQL list ("0" for none: no
  // attempt is 0).
  Result<std::string> CommittedList(uint64_t after) const {
    ENCORE_ASSIGN_OR_RETURN(std::string body, Coord().Query(Committed(after) + " FORMAT TSV"));
    std::string list;
    for (uint64_t attempt : NumberLines(body)) list += (list.empty() ? "" : ", ") + std::to_string(attempt);
    return list.empty() ? std::string("0") : list;
  }

  // Each shard caps its own listeners' plays of `days` and writes its part of their counts to
  // its own counts_local, all shards at once: a shard holds its listeners whole, so its sums are
  // exact parts of each cell's (readers sum the parts), and no row crosses the network.
  Status MakeFinalOnShards(const std::vector<std::pair<Day, DayInfo>>& some) {
    std::map<uint64_t, std::string> committed;
    for (const auto& [day, info] : some) {
      if (!committed.count(RowsAfter(info))) {
        ENCORE_ASSIGN_OR_RETURN(committed[RowsAfter(info)], CommittedList(RowsAfter(info)));
      }
    }
    const std::string sql =
        "INSERT INTO " + ep_.database + ".counts_local (day, cell, tier, streams, version) "
        "SELECT day, cell, tier, s, toUInt64(" + std::to_string(attempt_) + ") AS version FROM (" +
        DaysSql(some, true, false, &committed) +
        ") ARRAY JOIN [premium, free, unknown] AS s, "
        "[toUInt8(0), toUInt8(1), toUInt8(2)] AS tier WHERE s != 0";
    std::vector<Status> done(hosts_.size(), Status::Ok());
    std::vector<std::thread> threads;
    for (size_t h = 0; h < hosts_.size(); ++h) {
      threads.emplace_back([&, h] {
        done[h] = hosts_[h]->Query(sql, {}, {{"max_bytes_before_external_group_by", "1000000000"}})
                      .status();
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& st : done) ENCORE_RETURN_IF_ERROR(st);
    return Status::Ok();
  }

  Status MakeFinal(const std::vector<std::pair<Day, DayInfo>>& days) {
    constexpr size_t kDaysPerInsert = 31;
    constexpr int64_t kStreamsPerInsert = 4'000'000;
    for (size_t i = 0, j = 0; i < days.size(); i = j) {
      int64_t streams = 0;
      for (j = i; j < days.size() && j - i < kDaysPerInsert; ++j) {
        auto p = pending_.find(days[j].first);
        const int64_t day_streams =
            days[j].second.streams +
            (p == pending_.end() ? 0 : std::max(p->second.streams, p->second.plays_added));
        if (j > i && streams + day_streams > kStreamsPerInsert) break;
        streams += day_streams;
      }
      const std::vector<std::pair<Day, DayInfo>> some(days.begin() + static_cast<ptrdiff_t>(i),
                                                      days.begin() + static_cast<ptrdiff_t>(j));
      if (!ep_.cluster.empty()) {
        ENCORE_RETURN_IF_ERROR(MakeFinalOnShards(some));
        continue;
      }
      ENCORE_RETURN_IF_ERROR(
          Coord()
              .Query("INSERT INTO " + ep_.database + ".counts (day, cell, tier, streams, version) "
                     "SELECT day, cell, tier, s, toUInt64(" + std::to_string(attempt_) +
                     ") AS version FROM (" + DaysSql(some, true) +
                     ") ARRAY JOIN [premium, free, unknown] AS s, "
                     "[toUInt8(0), toUInt8(1), toUInt8(2)] AS tier WHERE s != 0",
                     {}, {{"insert_distributed_sync", "1"}, {"distributed_group_by_no_merge", "1"},
                          {"max_bytes_before_external_group_by", "1000000000"}})
              .status());
    }
    return Status::Ok();
  }

  // A day's counts from its plays and daily-totals rows alone (a day new to the store): the
  // cap, premium first, per (cell, listener), as doc/ingest.md and DaysSql; the totals added as
  // they are. Sorted by cell.
  struct CellSums {
    uint64_t cell;
    int64_t tier[3];
  };
  std::vector<CellSums> CountDay(const PlayRec* plays, size_t n_plays, const TotalRec* totals,
                                 size_t n_totals) const {
    std::vector<PlayRec> sorted(plays, plays + n_plays);
    std::sort(sorted.begin(), sorted.end(), [](const PlayRec& a, const PlayRec& b) {
      return a.cell != b.cell ? a.cell < b.cell : a.user < b.user;
    });
    std::vector<CellSums> sums;
    const int64_t cap = rules_.cap;
    for (size_t i = 0; i < sorted.size();) {
      const uint64_t cell = sorted[i].cell, user = sorted[i].user & ~1ULL;
      int64_t premium = 0, free = 0;
      for (; i < sorted.size() && sorted[i].cell == cell && (sorted[i].user & ~1ULL) == user; ++i) {
        ++((sorted[i].user & 1) ? free : premium);
      }
      const int64_t p = std::min(premium, cap);
      const int64_t f = std::min(free, cap - p);
      if (sums.empty() || sums.back().cell != cell) sums.push_back({cell, {0, 0, 0}});
      sums.back().tier[0] += p;
      sums.back().tier[1] += f;
    }
    if (n_totals == 0) return sums;
    for (size_t k = 0; k < n_totals; ++k) {
      CellSums c{totals[k].cell, {0, 0, 0}};
      c.tier[std::min<uint8_t>(totals[k].tier, 2)] = totals[k].streams;
      sums.push_back(c);
    }
    std::stable_sort(sums.begin(), sums.end(),
                     [](const CellSums& a, const CellSums& b) { return a.cell < b.cell; });
    size_t o = 0;
    for (size_t i = 0; i < sums.size(); ++i) {
      if (o && sums[o - 1].cell == sums[i].cell) {
        for (int t = 0; t < 3; ++t) sums[o - 1].tier[t] += sums[i].tier[t];
      } else {
        sums[o++] = sums[i];
      }
    }
    sums.resize(o);
    return sums;
  }

  // A day that this file opens and closes (AddRecords): its counts go to `counts` under this
  // attempt, as MakeFinal would write them, and its plays nowhere; its totals also to `totals`,
  // as for any day (the day's base, which holds them, is read without this attempt's totals).
  Status CountHere(Day day, const PlayRec* plays, size_t n_plays, const TotalRec* totals,
                   size_t n_totals) {
    for (size_t k = 0; k < n_totals; ++k) {
      if (totals[k].tier > 2) return Status::Internal("a totals row of tier " + std::to_string(totals[k].tier));
    }
    const std::vector<CellSums> sums = CountDay(plays, n_plays, totals, n_totals);
    ENCORE_RETURN_IF_ERROR(AddTotals(day, totals, n_totals));
    Pending& pending = pending_[day];
    pending.plays = pending.staged = pending.measured = pending.counted_here = true;
    // The plays are kept nowhere: their listeners go to `listeners`.
    std::vector<std::pair<uint64_t, uint64_t>> pairs(n_plays);
    for (size_t k = 0; k < n_plays; ++k) pairs[k] = {plays[k].cell, plays[k].user & ~1ULL};
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (const auto& [cell, user] : pairs) ENCORE_RETURN_IF_ERROR(AddListenerRow(day, cell, user));
    pending.listeners |= !pairs.empty();
    pending.unlisted |= n_totals > 0;
    for (const CellSums& c : sums) {
      for (uint8_t t = 0; t < 3; ++t) {
        if (c.tier[t] == 0) continue;
        PutU16(&counts_buf_.data, static_cast<uint16_t>(day));
        PutU64(&counts_buf_.data, c.cell);
        PutU8(&counts_buf_.data, t);
        PutU64(&counts_buf_.data, static_cast<uint64_t>(c.tier[t]));
        PutU64(&counts_buf_.data, attempt_);
        ++pending.rows;
        pending.streams += c.tier[t];
        if (++counts_buf_.rows == kRowsPerInsert) ENCORE_RETURN_IF_ERROR(Flush(&counts_buf_));
      }
    }
    return Status::Ok();
  }

  Status AddListenerRow(Day day, uint64_t cell, uint64_t user) {
    PutU16(&listeners_buf_.data, static_cast<uint16_t>(day));
    PutU64(&listeners_buf_.data, cell);
    PutU64(&listeners_buf_.data, user);
    PutU64(&listeners_buf_.data, attempt_);
    if (++listeners_buf_.rows == kRowsPerInsert) return Flush(&listeners_buf_);
    return Status::Ok();
  }

  Status AddTotals(Day day, const TotalRec* totals, size_t n_totals) {
    for (size_t k = 0; k < n_totals; ++k) {
      PutU16(&totals_buf_.data, static_cast<uint16_t>(day));
      PutU64(&totals_buf_.data, totals[k].cell);
      PutU8(&totals_buf_.data, totals[k].tier);
      PutU64(&totals_buf_.data, static_cast<uint64_t>(totals[k].streams));
      PutU64(&totals_buf_.data, attempt_);
      if (++totals_buf_.rows == kRowsPerInsert) ENCORE_RETURN_IF_ERROR(Flush(&totals_buf_));
    }
    return Status::Ok();
  }

  Status CheckCluster() {
    ENCORE_ASSIGN_OR_RETURN(
        std::string shards,
        Coord().Query("SELECT count(DISTINCT shard_num) FROM system.clusters WHERE cluster = " +
                      SqlQuote(ep_.cluster)));
    const long n = std::strtol(shards.c_str(), nullptr, 10);
    if (n == 0) {
      return Status::InvalidArgument("ClickHouse at " + Coord().Name() + " has no cluster '" +
                                     ep_.cluster + "' in its remote_servers");
    }
    if (static_cast<size_t>(n) != hosts_.size()) {
      return Status::InvalidArgument(
          "the cluster '" + ep_.cluster + "' has " + std::to_string(n) + " shards and the URL names " +
          std::to_string(hosts_.size()) + " hosts: name one HTTP address per shard, the coordinator first");
    }
    return Status::Ok();
  }

  // A writer sends work to each host of the URL as to one shard (a seal runs on every shard),
  // so the hosts must be the cluster's shards, each once: two spellings of one server would count
  // its part twice and miss another's. Each shard keeps a random id of its own (shard_id); the
  // ids read host by host must be distinct and be those the cluster's Distributed table sees.
  // Whether the store's database on `host` has `table`.
  Result<bool> HasTable(const ClickHouseClient& host, const std::string& table) const {
    ENCORE_ASSIGN_OR_RETURN(std::string n, host.Query("SELECT count() FROM system.tables WHERE database = " +
                                                      SqlQuote(ep_.database) + " AND name = " +
                                                      SqlQuote(table)));
    return n.rfind("1", 0) == 0;
  }

  // Each host of the URL is a shard of the cluster, and each shard is named once: each shard
  // keeps a random id (shard_id), read host by host and through a Distributed table (shard_ids).
  // A reader (read_only) makes nothing: it checks what the store's writers left (a store written
  // by them always has it), so that it reads the side data of the URL the writers used.
  Status CheckShards(bool read_only) {
    const std::string d = ep_.database;
    // A host's shard ids; none: a reader of a store that no writer has checked.
    auto ids_of = [&](const ClickHouseClient& h) -> Result<std::set<uint64_t>> {
      if (read_only) {
        ENCORE_ASSIGN_OR_RETURN(const bool have, HasTable(h, "shard_id"));
        if (!have) return std::set<uint64_t>();
      } else {
        ENCORE_RETURN_IF_ERROR(h.Query("CREATE TABLE IF NOT EXISTS " + d +
                                       ".shard_id (id UInt64) ENGINE = MergeTree() ORDER BY id")
                                   .status());
      }
      ENCORE_ASSIGN_OR_RETURN(std::string ids, h.Query("SELECT id FROM " + d + ".shard_id FORMAT TSV"));
      if (ids.empty() && !read_only) {
        uint64_t id;
        do id = rng_(); while (id == 0);
        ENCORE_RETURN_IF_ERROR(
            h.Query("INSERT INTO " + d + ".shard_id (id) VALUES (" + std::to_string(id) + ")").status());
        ids = std::to_string(id) + "\n";
      }
      const std::vector<uint64_t> numbers = NumberLines(ids);
      return std::set<uint64_t>(numbers.begin(), numbers.end());
    };
    std::vector<std::set<uint64_t>> by_host;
    for (size_t k = 0; k < hosts_.size(); ++k) {
      auto ids = ids_of(*hosts_[k]);
      if (!ids.ok() && ids.status().code() == StatusCode::kUnavailable && k > 0) {
        return Status::Unavailable("cannot reach a shard of the store, so it gives no answer rather "
                                   "than part of one: " + ids.status().message());
      }
      ENCORE_RETURN_IF_ERROR(ids.status());
      if (ids->empty()) return Status::Ok();
      for (size_t j = 0; j < by_host.size(); ++j) {
        for (uint64_t id : *ids) {
          if (by_host[j].count(id)) {
            return Status::InvalidArgument(
                "the URL names one server twice: " + hosts_[j]->Name() + " and " + hosts_[k]->Name() +
                " are the same shard of '" + ep_.cluster + "'; name each shard's HTTP address once");
          }
        }
      }
      by_host.push_back(std::move(*ids));
    }
    if (read_only) {
      ENCORE_ASSIGN_OR_RETURN(const bool have, HasTable(Coord(), "shard_ids"));
      if (!have) return Status::Ok();
    } else {
      ENCORE_RETURN_IF_ERROR(Coord()
                                 .Query("CREATE TABLE IF NOT EXISTS " + d + ".shard_ids AS " + d +
                                        ".shard_id ENGINE = Distributed(" + ep_.cluster + ", " + d +
                                        ", shard_id)")
                                 .status());
    }
    ENCORE_ASSIGN_OR_RETURN(std::string seen,
                            Coord().Query("SELECT DISTINCT id FROM " + d + ".shard_ids FORMAT TSV"));
    const std::vector<uint64_t> numbers = NumberLines(seen);
    std::set<uint64_t> cluster_ids(numbers.begin(), numbers.end()), host_ids;
    for (const auto& set : by_host) host_ids.insert(set.begin(), set.end());
    if (cluster_ids != host_ids) {
      return Status::InvalidArgument("the hosts of the URL are not the shards of the cluster '" +
                                     ep_.cluster +
                                     "': name each shard's HTTP address once, the coordinator first");
    }
    return Status::Ok();
  }

  // One writer at a time, across machines and however the URL is spelled (the side directory's
  // LOCK only covers one machine and one spelling). A writer announces a claim (a row in
  // `writers`), then reads the live claims: if any other is live it withdraws and fails, else it
  // holds the store. Announce-then-check is safe on one table (the coordinator's): of two writers
  // at least the later one sees the other. A claim is live until released, or while its heartbeat
  // (a row every kBeatSeconds, the coordinator's clock) is younger than kClaimSeconds, or, on this
  // machine, while its process runs (a writer killed with -9 holds nothing).
  static constexpr int kBeatSeconds = 20;
  static constexpr int kClaimSeconds = 90;

  static std::string MachineId() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + "/" + id;
  }

  // When process `pid` of this machine started (clock ticks after boot, /proc/PID/stat field
  // 22); 0 when it is gone, or a zombie that no one has reaped yet.
  static uint64_t ProcessStart(const std::string& pid) {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return 0;
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos) return 0;
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
      if (i == 3 && (field == "Z" || field == "X" || field == "x")) return 0;
      if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
    }
    return 0;
  }

  // Whether the writer of a claim made on this machine still runs: its pid is alive and started
  // when the claim says (so that a pid taken over by another process does not count).
  static bool WriterRuns(uint32_t pid, uint64_t started) {
    const uint64_t now = ProcessStart(std::to_string(pid));
    if (now == 0) return false;
    return started == 0 || now == started;
  }

  Status Beat(bool released) {
    const std::string d = ep_.database;
    Status st = Coord()
                    .Query("INSERT INTO " + d +
                           ".writers (claim, host, pid, started, since, beat, released) SELECT " +
                           std::to_string(claim_) + ", " + SqlQuote(MachineId()) + ", " +
                           std::to_string(getpid()) + ", " + std::to_string(ProcessStart("self")) +
                           ", toDateTime(" + std::to_string(claim_since_) + "), now(), " +
                           (released ? "1" : "0"))
                    .status();
    if (st.ok() && !released) last_beat_ = std::chrono::steady_clock::now().time_since_epoch().count();
    return st;
  }

  // Live claims other than this one.
  struct OtherClaim {
    uint64_t claim;
    std::string host;
    uint32_t pid;
    uint64_t started;
    uint32_t since;
  };
  Result<std::vector<OtherClaim>> OtherClaims() {
    const std::string d = ep_.database;
    ENCORE_ASSIGN_OR_RETURN(
        std::string body,
        Coord().Query("SELECT claim, any(host), any(pid), any(started), toUInt32(min(since)) FROM " + d +
                      ".writers GROUP BY claim HAVING max(released) = 0 AND max(beat) > now() - " +
                      std::to_string(kClaimSeconds) + " AND claim != " + std::to_string(claim_) +
                      " FORMAT RowBinary"));
    std::vector<OtherClaim> out;
    const std::string me = MachineId();
    for (BinReader r{body.data(), body.data() + body.size()}; !r.done();) {
      OtherClaim c;
      c.claim = r.Fixed<uint64_t>();
      c.host = r.String();
      c.pid = r.Fixed<uint32_t>();
      c.started = r.Fixed<uint64_t>();
      c.since = r.Fixed<uint32_t>();
      if (!r.ok) return Status::Corruption("writers of " + ep_.Display());
      if (c.host == me && !WriterRuns(c.pid, c.started)) {
        // Its process is gone (killed): withdraw it for it.
        ENCORE_RETURN_IF_ERROR(
            Coord()
                .Query("INSERT INTO " + d + ".writers (claim, host, pid, started, since, beat, released) "
                       "SELECT " + std::to_string(c.claim) + ", " + SqlQuote(c.host) + ", " +
                       std::to_string(c.pid) + ", " + std::to_string(c.started) + ", toDateTime(" +
                       std::to_string(c.since) + "), now(), 1")
                .status());
        continue;
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  // Seconds since this writer's heartbeat last reached the cluster.
  double SinceLastBeat() const {
    const auto last = std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_beat_.load()));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - last).count();
  }

  Status Claim() {
    const std::string d = ep_.database;
    ENCORE_RETURN_IF_ERROR(
        Coord()
            .Query("CREATE TABLE IF NOT EXISTS " + d +
                   ".writers (claim UInt64, host String, pid UInt32, started UInt64, since DateTime, "
                   "beat DateTime, released UInt8) ENGINE = MergeTree() ORDER BY claim")
            .status());
    do claim_ = rng_(); while (claim_ == 0);
    claim_since_ = static_cast<uint64_t>(std::time(nullptr));
    ENCORE_RETURN_IF_ERROR(Beat(false));
    auto others = OtherClaims();
    if (!others.ok() || !others->empty()) {
      (void)Beat(true);
      claim_ = 0;
      if (!others.ok()) return others.status();
      const OtherClaim& o = others->front();
      return Status::FailedPrecondition(
          "the store " + ep_.Display() + " is in use by another encore process (" + o.host.substr(0, o.host.find('/')) +
          ", pid " + std::to_string(o.pid) + ", since " + FormatTimestamp(static_cast<int64_t>(o.since)) +
          "): one writer at a time; try again when it ends (a claim without a heartbeat lapses after " +
          std::to_string(kClaimSeconds) + " s)");
    }
    beating_ = std::thread([this] {
      std::unique_lock<std::mutex> l(beat_mu_);
      while (!beat_cv_.wait_for(l, std::chrono::seconds(kBeatSeconds), [this] { return stop_beat_; })) {
        // A heartbeat late enough that the claim may have lapsed (this process was stopped, the
        // cluster was out of reach) does not revive it: another writer may have held the store.
        if (SinceLastBeat() > kClaimSeconds - kBeatSeconds) {
          claim_lost_ = true;
          break;
        }
        l.unlock();
        (void)Beat(false);
        l.lock();
      }
    });
    return Status::Ok();
  }

  // Before a commit: this writer still holds the store (its heartbeat reached the cluster, and no
  // other claim is live).
  Status CheckClaim() {
    if (claim_ == 0) return Status::FailedPrecondition("the store is not held for writing");
    if (claim_lost_ || SinceLastBeat() > kClaimSeconds - kBeatSeconds) {
      claim_lost_ = true;
      return Status::FailedPrecondition(
          "this process's claim on " + ep_.Display() + " may have lapsed (no heartbeat for " +
          std::to_string(kClaimSeconds - kBeatSeconds) +
          " s: stopped, or out of reach), so another writer may have written since: this commit "
          "does not count: run the command again");
    }
    ENCORE_ASSIGN_OR_RETURN(
        std::string mine,
        Coord().Query("SELECT max(released) FROM " + ep_.database + ".writers WHERE claim = " +
                      std::to_string(claim_)));
    if (mine.rfind("0", 0) != 0) {
      claim_lost_ = true;
      return Status::FailedPrecondition("this process's claim on " + ep_.Display() +
                                        " was withdrawn by another process: this commit does not "
                                        "count: run the command again");
    }
    ENCORE_ASSIGN_OR_RETURN(auto others, OtherClaims());
    if (!others.empty()) {
      return Status::FailedPrecondition("another encore process claimed " + ep_.Display() +
                                        " while this one held it (pid " +
                                        std::to_string(others.front().pid) +
                                        "): this commit does not count: run the command again");
    }
    return Status::Ok();
  }

  void ReleaseClaim() {
    if (beating_.joinable()) {
      {
        std::lock_guard<std::mutex> l(beat_mu_);
        stop_beat_ = true;
      }
      beat_cv_.notify_all();
      beating_.join();
    }
    if (claim_ != 0) (void)Beat(true);
    claim_ = 0;
  }

  Status CreateSchema() {
    const std::string& d = ep_.database;
    const bool cluster = !ep_.cluster.empty();
    const std::string local = cluster ? "_local" : "";
    for (const auto& h : hosts_) {
      ENCORE_RETURN_IF_ERROR(h->Query("CREATE DATABASE IF NOT EXISTS " + d).status());
      ENCORE_RETURN_IF_ERROR(
          h->Query("CREATE TABLE IF NOT EXISTS " + d + ".plays" + local +
                   " (day Date, cell UInt64, user UInt64, tier UInt8, attempt UInt64)"
                   " ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (day, cell, user)")
              .status());
      ENCORE_RETURN_IF_ERROR(
          h->Query("CREATE TABLE IF NOT EXISTS " + d + ".totals" + local +
                   " (day Date, cell UInt64, tier UInt8, streams Int64, attempt UInt64)"
                   " ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (day, cell)")
              .status());
      ENCORE_RETURN_IF_ERROR(
          h->Query("CREATE TABLE IF NOT EXISTS " + d + ".counts" + local +
                   " (day Date, cell UInt64, tier UInt8, streams Int64, version UInt64)"
                   " ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (day, cell)")
              .status());
    }
    ENCORE_RETURN_IF_ERROR(CreateListenerTable());
    if (cluster) {
      const std::string c = ep_.cluster;
      for (const auto& [t, key] : std::vector<std::pair<std::string, std::string>>{
               {"plays", "intHash64(user)"}, {"totals", "intHash64(cell)"}, {"counts", "intHash64(cell)"}}) {
        ENCORE_RETURN_IF_ERROR(Coord()
                                   .Query("CREATE TABLE IF NOT EXISTS " + d + "." + t + " AS " + d +
                                          "." + t + "_local ENGINE = Distributed(" + c + ", " + d +
                                          ", " + t + "_local, " + key + ")")
                                   .status());
      }
    }
    ENCORE_RETURN_IF_ERROR(
        Coord()
            .Query("CREATE TABLE IF NOT EXISTS " + d +
                   ".tracks (attempt UInt64, id UInt32, name String) ENGINE = MergeTree() ORDER BY id")
            .status());
    ENCORE_RETURN_IF_ERROR(Coord()
                               .Query("CREATE TABLE IF NOT EXISTS " + d +
                                      ".rejects (attempt UInt64, fingerprint String, frame String)"
                                      " ENGINE = MergeTree() ORDER BY fingerprint")
                               .status());
    // Last: its presence is what says a store is here.
    return Coord()
        .Query("CREATE TABLE IF NOT EXISTS " + d +
               ".commits (generation UInt64, attempt UInt64, manifest String)"
               " ENGINE = MergeTree() ORDER BY generation")
        .status();
  }

  // Reads the committed state: every commit's manifest in order, then the tracks they added.
  Status Load(bool existing) {
    generation_ = 0;
    days_.clear();
    sources_.clear();
    listeners_.clear();
    tracks_.clear();
    track_ids_.clear();
    rules_ = options_.rules;  // a store without commits yet takes the rules it is opened with
    if (!existing) return Status::Ok();
    ENCORE_ASSIGN_OR_RETURN(
        std::string body,
        Coord().Query("SELECT generation, attempt, manifest FROM " + ep_.database +
                      ".commits ORDER BY generation, attempt "
                      "FORMAT RowBinary"));
    BinReader r{body.data(), body.data() + body.size()};
    bool first = true;
    while (!r.done()) {
      const uint64_t gen = r.Fixed<uint64_t>();
      const uint64_t attempt = r.Fixed<uint64_t>();
      const std::string text = r.String();
      if (!r.ok) return Status::Corruption("commits of " + ep_.Display() + " cut short");
      if (gen == generation_ && gen != 0) continue;  // a lost race: the lower attempt is the commit
      if (gen != generation_ + 1) {
        return Status::Corruption("commits of " + ep_.Display() + ": generation " +
                                  std::to_string(gen) + " after " + std::to_string(generation_));
      }
      ENCORE_ASSIGN_OR_RETURN(Manifest m, DecodeManifest(text, ep_.Display() + " commit " +
                                                                   std::to_string(gen)));
      if (first) rules_ = m.rules;
      first = false;
      generation_ = gen;
      if (m.sealed_before) sealed_ = m.sealed_before;
      services_ = m.services;
      for (auto& s : m.sources) sources_.push_back(std::move(s.record));
      for (const auto& [key, h] : m.histories) listeners_[key] = h.plays;
      for (const auto& [day, md] : m.days) {
        DayInfo& info = days_[day];
        if (!info.first_generation) info.first_generation = gen;
        info.generation = gen;
        info.attempt = attempt;
        if (md.state != "sealed") {
          info.counts_generation = gen;
          info.counts_attempt = attempt;
        }
        info.streams = md.streams;
        info.rows = md.rows;
        if (md.segment == "base") {
          info.base_version = attempt;
          info.base_generation = gen;
          info.plays = false;
        }
        if (md.state == "plays") info.plays = true;
        if (!md.listeners.empty()) info.listeners = true;
        if (md.listeners_partial) info.partial = true;
      }
    }
    ENCORE_ASSIGN_OR_RETURN(
        std::string names,
        Coord().Query("SELECT id, name FROM " + ep_.database + ".tracks WHERE attempt IN (" + Committed(0) +
                      ") ORDER BY id FORMAT RowBinary"));
    BinReader t{names.data(), names.data() + names.size()};
    while (!t.done()) {
      const uint32_t id = t.Fixed<uint32_t>();
      std::string name = t.String();
      if (!t.ok || id != tracks_.size()) {
        return Status::Corruption("tracks of " + ep_.Display() + ": id " + std::to_string(id) +
                                  " where " + std::to_string(tracks_.size()) + " was next");
      }
      track_ids_.emplace(name, id);
      tracks_.push_back(std::move(name));
    }
    return Status::Ok();
  }

  // The SQL of days' counts, one row per day and cell with the streams of each tier (day, cell,
  // premium, free, unknown), sorted: each day's base, its totals and its plays capped on the
  // shards; rows of commits after the day's base only (with_pending: and this attempt's). Days
  // that share a base generation share their parts.
  //
  // The cap, premium first (doc/ingest.md): a listener's counted streams of a cell are
  // min(p, cap) premium and min(f, cap - min(p, cap)) free, i.e. p and f less the excess of
  // listeners with more than `cap` plays. So the plays part is every cell's p and f (a plain
  // GROUP BY), and a correction from the few (day, cell, user) groups over the cap, found on each
  // shard, which holds its listeners whole (distributed_group_by_no_merge): no per-listener row
  // leaves a shard unless it is over the cap.
  //
  // on_shard: the SQL one shard runs over its own tables (*_local), with the committed attempts
  // after each base given as literal lists (`committed`, by base generation: a shard has no
  // `commits` table); its sums are that shard's part of each cell.
  //
  // cell_filter: a condition on `cell` added to every part (a track's rows only): the cap is per
  // cell, so the rows left are exact.
  std::string DaysSql(const std::vector<std::pair<Day, DayInfo>>& days, bool with_pending,
                      bool ordered = true,
                      const std::map<uint64_t, std::string>* committed = nullptr,
                      const std::string& cell_filter = "") const {
    const std::string and_cells = cell_filter.empty() ? "" : " AND (" + cell_filter + ")";
    const std::string d = ep_.database;
    const std::string local = committed && !ep_.cluster.empty() ? "_local" : "";
    const std::string cap = std::to_string(rules_.cap);
    std::map<uint64_t, std::vector<const std::pair<Day, DayInfo>*>> by_base;
    for (const auto& day : days) by_base[RowsAfter(day.second)].push_back(&day);
    std::vector<std::string> parts;
    auto join = [](const std::vector<std::string>& v, const char* sep) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
      return s;
    };
    const std::string by_tier =
        "if(tier = 0, streams, 0) AS p, if(tier = 1, streams, 0) AS f, if(tier = 2, streams, 0) AS u";
    for (const auto& [base, group] : by_base) {
      std::string attempts = committed ? "attempt IN (" + committed->at(base) + ")"
                                       : "attempt GLOBAL IN (" + Committed(base) + ")";
      if (with_pending) attempts = "(" + attempts + " OR attempt = " + std::to_string(attempt_) + ")";
      std::vector<std::string> all, with_plays, bases;
      std::map<uint64_t, std::vector<std::string>> by_version;  // days by the version of their base
      for (const auto* day : group) {
        std::string date(1, '\'');
        date += FormatDate(day->first);
        date += '\'';
        all.push_back(date);
        if (day->second.plays) with_plays.push_back(date);
        if (day->second.base_version) by_version[day->second.base_version].push_back(date);
      }
      // One term per commit that made bases (a commit seals many days), not one per day: a
      // condition of a thousand ORs is tested on every row.
      for (const auto& [version, dates] : by_version) {
        bases.push_back("(version = " + std::to_string(version) + " AND day IN (" + join(dates, ", ") + "))");
      }
      if (!bases.empty()) {
        parts.push_back("SELECT day, cell, " + by_tier + " FROM " + d + ".counts" + local + " WHERE " +
                        "(" + join(bases, " OR ") + ")" + and_cells);
      }
      parts.push_back("SELECT day, cell, " + by_tier + " FROM " + d + ".totals" + local + " WHERE day IN (" +
                      join(all, ", ") + ") AND " + attempts + and_cells);
      if (!with_plays.empty()) {
        const std::string where = " FROM " + d + ".plays" + local + " WHERE day IN (" + join(with_plays, ", ") +
                                  ") AND " + attempts + and_cells;
        parts.push_back("SELECT day, cell, toInt64(countIf(tier = 0)) AS p, "
                        "toInt64(countIf(tier = 1)) AS f, toInt64(0) AS u" + where +
                        " GROUP BY day, cell");
        parts.push_back("SELECT day, cell, -sum(greatest(up - " + cap + ", 0)) AS p, "
                        "-sum(greatest(uf - (" + cap + " - least(up, " + cap + ")), 0)) AS f, "
                        "toInt64(0) AS u "
                        "FROM (SELECT day, cell, user, toInt64(countIf(tier = 0)) AS up, "
                        "toInt64(countIf(tier = 1)) AS uf" + where +
                        " GROUP BY day, cell, user HAVING up + uf > " + cap + ") GROUP BY day, cell");
      }
    }
    return "SELECT day, cell, sum(p) AS premium, sum(f) AS free, sum(u) AS unknown FROM (" +
           join(parts, " UNION ALL ") +
           ") GROUP BY day, cell HAVING premium != 0 OR free != 0 OR unknown != 0" +
           (ordered ? " ORDER BY day, cell" : "");
  }

  // Reads DaysSql's rows into `out`, a (possibly empty) vector for every day asked.
  Status ReadDays(const std::vector<std::pair<Day, DayInfo>>& days, bool with_pending,
                  std::map<Day, std::vector<CountRow>>* out) const {
    for (const auto& [day, info] : days) (*out)[day];
    return ReadFixedRows<2 + 8 + 3 * 8>(
        DaysSql(days, with_pending) + " FORMAT RowBinary", [&](const char* row) {
          uint16_t day;
          uint64_t cell;
          int64_t tiers[3];
          std::memcpy(&day, row, 2);
          std::memcpy(&cell, row + 2, 8);
          std::memcpy(tiers, row + 10, 24);
          auto it = out->find(Day{day});
          if (it == out->end()) return false;  // a day not asked for
          for (uint8_t t = 0; t < 3; ++t) {
            if (tiers[t] != 0) it->second.push_back({cell, static_cast<Tier>(t), tiers[t]});
          }
          return true;
        });
  }

  // Personal histories (doc/ingest.md): each listener's plays that the commit adds to what is
  // kept (its whole history after the commit less what ReadHistory read), under this attempt;
  // the commit's manifest names each listener with its plays after the commit.
  Status AddHistories(const std::vector<HistoryUpdate>& updates, size_t services, Manifest* m) {
    if (updates.empty()) return Status::Ok();
    ENCORE_RETURN_IF_ERROR(CreateHistoryTable());
    auto before = [](const HistoryPlay& a, const HistoryPlay& b) {
      return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.ident < b.ident;
    };
    std::string buf;
    for (const HistoryUpdate& u : updates) {
      if (u.listener.service >= services) {
        return Status::InvalidArgument("a history names service id " +
                                       std::to_string(u.listener.service) + " of " +
                                       std::to_string(services));
      }
      std::vector<HistoryPlay> kept;
      {
        std::unique_lock<std::mutex> l(cache_mu_);
        auto it = kept_histories_.find(u.listener);
        if (it != kept_histories_.end()) {
          kept = it->second;
        } else {
          l.unlock();
          ENCORE_ASSIGN_OR_RETURN(kept, ReadHistory(u.listener));
        }
      }
      std::vector<HistoryPlay> added;
      std::set_difference(u.plays.begin(), u.plays.end(), kept.begin(), kept.end(),
                          std::back_inserter(added), before);
      if (kept.size() + added.size() != u.plays.size()) {
        return Status::Internal("a history update that drops kept plays");
      }
      for (const HistoryPlay& p : added) {
        PutU64(&buf, attempt_);
        PutU32(&buf, u.listener.service);
        PutU64(&buf, u.listener.user);
        PutU64(&buf, static_cast<uint64_t>(p.start_ms));
        PutU64(&buf, p.ident);
        PutU32(&buf, p.track);
        PutU16(&buf, p.country);
        PutU8(&buf, static_cast<uint8_t>(p.tier));
      }
      m->histories[u.listener] = {"", u.plays.size()};
    }
    if (buf.empty()) return Status::Ok();
    return Insert("history", "attempt, service, user, start_ms, ident, track, country, tier", buf);
  }

  // A table of rows kept by user, made later than the schema: `name` on the one server, or
  // `name`_local on every shard and a Distributed `name` over them by intHash64(user).
  // `definition`: its columns and engine.
  Status CreateUserTable(const std::string& name, const std::string& definition) {
    const std::string& d = ep_.database;
    const bool cluster = !ep_.cluster.empty();
    const std::string table = d + "." + name + (cluster ? "_local" : "");
    for (const auto& h : hosts_) {
      ENCORE_RETURN_IF_ERROR(h->Query("CREATE TABLE IF NOT EXISTS " + table + " " + definition).status());
      if (!cluster) break;
    }
    if (!cluster) return Status::Ok();
    return Coord()
        .Query("CREATE TABLE IF NOT EXISTS " + d + "." + name + " AS " + table + " ENGINE = Distributed(" +
               ep_.cluster + ", " + d + ", " + name + "_local, intHash64(user))")
        .status();
  }

  // Made with the schema, or by the first writer of a store made before listener sets.
  Status CreateListenerTable() {
    ENCORE_RETURN_IF_ERROR(CreateUserTable(
        "listeners", "(day Date, cell UInt64, user UInt64, attempt UInt64) ENGINE = MergeTree() "
                     "PARTITION BY toYYYYMM(day) ORDER BY (day, user, cell)"));
    listener_table_ = true;
    return Status::Ok();
  }

  // Made with the first history (stores made before histories were kept have none).
  Status CreateHistoryTable() {
    return CreateUserTable("history",
                           "(attempt UInt64, service UInt32, user UInt64, start_ms Int64, ident UInt64,"
                           " track UInt32, country UInt16, tier UInt8)"
                           " ENGINE = MergeTree() ORDER BY (service, user, start_ms)");
  }

  Status DoApply(CommitBatch batch) {
    const std::string& d = ep_.database;
    ENCORE_RETURN_IF_ERROR(FlushAll());
    Manifest m;
    m.generation = generation_ + 1;
    m.rules = rules_;
    m.sealed_before = sealed_;
    if (batch.seal_before && (!sealed_ || *batch.seal_before > *sealed_)) {
      m.sealed_before = batch.seal_before;
    }
    std::vector<std::string> services = services_;
    for (auto& s : batch.new_services) services.push_back(std::move(s));
    m.services = services;
    ENCORE_RETURN_IF_ERROR(AddHistories(batch.histories, services.size(), &m));
    // New tracks, under this attempt.
    if (!batch.new_tracks.empty()) {
      std::string buf;
      uint32_t id = static_cast<uint32_t>(tracks_.size());
      for (const auto& name : batch.new_tracks) {
        PutU64(&buf, attempt_);
        PutU32(&buf, id++);
        PutString(&buf, name);
      }
      ENCORE_RETURN_IF_ERROR(Insert("tracks", "attempt, id, name", buf));
    }
    if (batch.source && batch.rejects.count > 0) {
      std::string buf;
      PutU64(&buf, attempt_);
      PutString(&buf, batch.source->fingerprint);
      PutString(&buf, EncodeBlobFileFromFrame(store_format::kRejectsMagic, batch.rejects.count,
                                            batch.rejects.frame));
      ENCORE_RETURN_IF_ERROR(Insert("rejects", "attempt, fingerprint, frame", buf));
    }
    // Days given whole (chart streams): their counts become the day's base.
    std::map<Day, DayInfo> changed;
    std::set<Day> seal_only;  // days this commit seals and changes nothing else of (DayVersion)
    for (auto& u : batch.days) {
      if (u.staged) {
        return Status::Internal("a staged day given to the ClickHouse store");
      }
      if (pending_.count(u.day)) {
        return Status::Internal("counts given whole for " + FormatDate(u.day) +
                                ", a day this commit also gives records");
      }
      if (auto have = days_.find(u.day); have != days_.end() && have->second.plays) {
        // A day whose plays are open: they are capped together until the seal, so the day
        // cannot take a new base. What the whole day changes goes in as daily totals do (the
        // difference, per cell and tier, from what it holds now), and its plays stay open.
        ENCORE_ASSIGN_OR_RETURN(std::vector<CountRow> now, ReadCounts(u.day));
        std::map<std::pair<uint64_t, uint8_t>, int64_t> diff;
        for (const auto& r : u.counts) diff[{r.cell, static_cast<uint8_t>(r.tier)}] += r.streams;
        for (const auto& r : now) diff[{r.cell, static_cast<uint8_t>(r.tier)}] -= r.streams;
        std::vector<TotalRec> rows;
        for (const auto& [key, streams] : diff) {
          if (streams != 0) rows.push_back({key.first, streams, key.second});
        }
        ENCORE_RETURN_IF_ERROR(AddRecords(u.day, nullptr, 0, rows.data(), rows.size(), std::nullopt));
        pending_.at(u.day).unlisted = u.unlisted_streams;  // chart streams: not the users' streams
        continue;
      }
      std::string buf;
      int64_t streams = 0;
      for (const auto& r : u.counts) {
        PutU16(&buf, static_cast<uint16_t>(u.day));
        PutU64(&buf, r.cell);
        PutU8(&buf, static_cast<uint8_t>(r.tier));
        PutU64(&buf, static_cast<uint64_t>(r.streams));
        PutU64(&buf, attempt_);
        streams += r.streams;
      }
      if (!buf.empty()) ENCORE_RETURN_IF_ERROR(Insert("counts", "day, cell, tier, streams, version", buf));
      DayInfo info;
      info.rows = u.counts.size();
      info.base_version = attempt_;
      info.base_generation = m.generation;
      info.streams = streams;
      changed[u.day] = info;
      m.days[u.day] = {"base", "", u.counts.size(), streams, "", 0};
    }
    // Days of this attempt's records: their streams after the cap.
    ENCORE_RETURN_IF_ERROR(FlushAll());
    ENCORE_RETURN_IF_ERROR(MeasurePending());
    for (const auto& [day, p] : pending_) {
      if (changed.count(day)) continue;
      DayInfo info = PendingInfo(day);
      info.streams = p.streams;
      info.rows = p.rows;
      changed[day] = info;
      m.days[day] = {"", info.plays ? "plays" : "", p.rows, info.streams, "", 0};
    }
    // Days the seal closes: their counts made final where the plays are (capped once, read
    // after from counts), as this commit's base.
    if (m.sealed_before && (!sealed_ || *m.sealed_before > *sealed_)) {
      std::map<Day, DayInfo> all = days_;
      for (const auto& [day, info] : changed) all[day] = info;
      std::vector<std::pair<Day, DayInfo>> closing;
      for (const auto& [day, info] : all) {
        if (day < *m.sealed_before && info.plays) closing.emplace_back(day, info);
      }
      std::vector<std::pair<Day, DayInfo>> unstaged;
      for (const auto& c : closing) {
        auto p = pending_.find(c.first);
        if (p == pending_.end() || !p->second.staged) unstaged.push_back(c);
      }
      ENCORE_RETURN_IF_ERROR(MakeFinal(unstaged));
      for (auto [day, info] : closing) {
        info.base_version = attempt_;
        info.base_generation = m.generation;
        info.plays = false;
        // Sealed only (no records of this commit): its counts stay as they read.
        const bool sealed_only = !changed.count(day);
        m.days[day] = {"base", sealed_only ? "sealed" : "", info.rows, info.streams, "", 0};
        if (sealed_only) seal_only.insert(day);
        changed[day] = info;
      }
    }
    // A day made final ahead of this commit must be one the commit seals: its counts are its base.
    for (const auto& [day, p] : pending_) {
      auto c = changed.find(day);
      if (p.staged && (c == changed.end() || c->second.base_version != attempt_)) {
        return Status::Internal("the counts of " + FormatDate(day) +
                                " were made final for a seal this commit does not raise");
      }
    }
    std::vector<SourceRecord> new_sources;
    const std::string now = FormatTimestamp(std::time(nullptr));
    auto add_source = [&](SourceRecord s) {
      s.generation = m.generation;
      s.ingested_at = now;
      ManifestSource ms;
      ms.record = s;
      m.sources.push_back(ms);
      new_sources.push_back(std::move(s));
    };
    if (batch.source) add_source(*batch.source);
    for (auto& s : batch.more_sources) add_source(std::move(s));
    // Each day's listener set, in the manifest as the local store's: "cluster" (where it is).
    for (auto& [day, md] : m.days) {
      auto c = changed.find(day);
      auto had = days_.find(day);
      const bool listeners = (c != changed.end() && c->second.listeners) ||
                             (had != days_.end() && had->second.listeners);
      // Partial: as the local store's (streams without users, or counted before sets).
      auto p = pending_.find(day);
      const bool known = had != days_.end();
      const bool partial = PartialListenerSet(listeners, p != pending_.end() && p->second.unlisted,
                                              known && had->second.partial, known && had->second.listeners,
                                              known ? had->second.streams : 0);
      if (c != changed.end()) {
        c->second.listeners = listeners;
        c->second.partial = partial;
      }
      if (listeners) md.listeners = "cluster";
      md.listeners_partial = partial;
    }
    // The commit point: one row.
    ENCORE_RETURN_IF_ERROR(CheckClaim());
    std::string buf;
    PutU64(&buf, m.generation);
    PutU64(&buf, attempt_);
    PutString(&buf, EncodeManifest(m));
    ENCORE_RETURN_IF_ERROR(Insert("commits", "generation, attempt, manifest", buf));
    ENCORE_ASSIGN_OR_RETURN(
        std::string winner,
        Coord().Query("SELECT min(attempt) FROM " + d + ".commits WHERE generation = " +
                      std::to_string(m.generation)));
    if (std::strtoull(winner.c_str(), nullptr, 10) != attempt_) {
      return Status::FailedPrecondition(
          "another writer committed generation " + std::to_string(m.generation) + " of " +
          ep_.Display() + " at the same time; this commit does not count: run the command again");
    }
    // Now the state this object answers from.
    generation_ = m.generation;
    sealed_ = m.sealed_before;
    services_ = std::move(services);
    for (auto& name : batch.new_tracks) {
      track_ids_.emplace(name, static_cast<uint32_t>(tracks_.size()));
      tracks_.push_back(std::move(name));
    }
    for (auto& [day, info] : changed) {
      info.generation = generation_;
      info.attempt = attempt_;
      if (!seal_only.count(day)) {
        info.counts_generation = generation_;
        info.counts_attempt = attempt_;
      }
      if (!info.first_generation) info.first_generation = generation_;
      days_[day] = info;
    }
    for (auto& s : new_sources) sources_.push_back(std::move(s));
    for (const auto& [key, h] : m.histories) listeners_[key] = h.plays;
    {
      std::lock_guard<std::mutex> l(cache_mu_);
      kept_histories_.clear();
    }
    pending_.clear();
    NewAttempt();
    return Status::Ok();
  }

  ClickHouseEndpoint ep_;
  std::string side_dir_;
  StoreOptions options_;
  std::vector<std::unique_ptr<ClickHouseClient>> hosts_;
  std::unique_ptr<FileLock> lock_;
  uint64_t claim_ = 0;  // this writer's claim in `writers`; 0: none
  uint64_t claim_since_ = 0;
  std::thread beating_;
  std::mutex beat_mu_;
  std::condition_variable beat_cv_;
  bool stop_beat_ = false;
  std::atomic<bool> claim_lost_{false};
  std::atomic<int64_t> last_beat_{0};  // steady_clock ticks of the last heartbeat that went in
  std::mt19937_64 rng_;
  uint64_t attempt_ = 0;
  bool failed_ = false;
  uint64_t generation_ = 0;
  CountingRules rules_;
  std::optional<Day> sealed_;
  std::vector<std::string> tracks_;
  std::unordered_map<std::string, uint32_t> track_ids_;
  std::vector<std::string> services_;
  std::map<Day, DayInfo> days_;
  std::vector<SourceRecord> sources_;
  std::map<ListenerKey, uint64_t> listeners_;  // personal histories kept: plays of each
  std::mutex pending_mu_;
  mutable std::mutex cache_mu_;
  mutable std::map<Day, std::vector<CountRow>> read_ahead_;  // days read ahead (ReadCounts)
  // Histories read (ReadHistory) since the last commit: what its histories add to.
  mutable std::map<ListenerKey, std::vector<HistoryPlay>> kept_histories_;
  // Days read ahead by DayTrackStreams, for the services listed in totals_key_.
  mutable std::map<Day, std::vector<std::pair<uint32_t, int64_t>>> totals_ahead_;
  mutable std::string totals_key_;
  mutable std::map<Day, Pending> pending_;  // measured lazily (MeasurePending)
  InsertBuffer plays_buf_{"plays", "day, cell, user, tier, attempt", {}, 0};
  InsertBuffer totals_buf_{"totals", "day, cell, tier, streams, attempt", {}, 0};
  InsertBuffer counts_buf_{"counts", "day, cell, tier, streams, version", {}, 0};
  InsertBuffer listeners_buf_{"listeners", "day, cell, user, attempt", {}, 0};
  bool listener_table_ = false;  // the database has `listeners` (stores made before: not)
  // Listener numbers (ReadListeners): each (service, user key)'s, in the order first read.
  mutable std::mutex numbers_mu_;
  mutable ListenerNumbers listener_numbers_;
};

}  // namespace

Result<std::unique_ptr<CountStore>> OpenClickHouseStoreIn(const std::string& url,
                                                          const std::string& side_dir,
                                                          const StoreOptions& options) {
  ENCORE_ASSIGN_OR_RETURN(ClickHouseEndpoint ep, ParseClickHouseUrl(url));
  if (options.rules.every_play_listens) {
    // Its listeners are the distinct users of the plays it keeps, and it keeps counted streams.
    return Status::InvalidArgument(
        "a ClickHouse store counts as listeners the users with a counted stream; listeners of "
        "every play (--listeners plays) are a local store's rule");
  }
  auto store = std::make_unique<ClickHouseStore>(std::move(ep), side_dir, options);
  ENCORE_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<CountStore>(std::move(store));
}

Result<std::unique_ptr<CountStore>> OpenClickHouseStore(const std::string& url,
                                                        const StoreOptions& options) {
  return OpenClickHouseStoreIn(url, "", options);
}

}  // namespace encore
