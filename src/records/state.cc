// The records kept for a store (records.sqlite): running totals, crossings and news, brought up to
// date incrementally after each ingest.
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "common/file_system.h"
#include "common/hash.h"
#include "common/sqlite.h"
#include "records/news.h"

namespace encore {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS days(day INTEGER PRIMARY KEY, version TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS crossings(
  entity TEXT NOT NULL, year INTEGER NOT NULL, threshold INTEGER NOT NULL, day INTEGER NOT NULL,
  before INTEGER NOT NULL, after INTEGER NOT NULL, PRIMARY KEY(entity, year, threshold));
CREATE TABLE IF NOT EXISTS news(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, day INTEGER NOT NULL, kind TEXT NOT NULL,
  entity TEXT NOT NULL, text TEXT NOT NULL, evidence TEXT NOT NULL, generation INTEGER NOT NULL,
  threshold INTEGER NOT NULL, year INTEGER NOT NULL);
)";

// The running totals, kept beside records.sqlite in a file of their own
// (doc/formats/records-state.md): big arrays that every update rewrites whole, which SQLite would
// also copy into its journal.
constexpr char kStateMagic[8] = {'E', 'N', 'C', 'R', 'E', 'C', 'S', '1'};
constexpr uint32_t kStateVersion = 1;

struct SavedArrays {
  uint64_t tracks = 0;  // store tracks when saved
  std::vector<int64_t> totals, year_totals;
  std::vector<Day> first_day;
};

template <typename T>
void Append(std::string* out, const T* p, size_t n) {
  out->append(reinterpret_cast<const char*>(p), n * sizeof(T));
}

Status WriteState(const std::string& path, uint64_t tracks, const RecordsState& st) {
  const uint64_t n = st.totals.size();
  std::string out;
  out.reserve(40 + n * 20);
  out.append(kStateMagic, 8);
  const uint32_t head[2] = {kStateVersion, 0};
  Append(&out, head, 2);
  const uint64_t counts[2] = {n, tracks};
  Append(&out, counts, 2);
  Append(&out, st.totals.data(), n);
  Append(&out, st.year_totals.data(), n);
  Append(&out, st.first_day.data(), n);
  const uint64_t sum = XXH3_64bits(out.data(), out.size());
  Append(&out, &sum, 1);
  return PosixFileSystem()->WriteFile(path, out, true);
}

// nullopt when the file is missing, of another version or damaged: the caller recomputes.
std::optional<SavedArrays> ReadState(const std::string& path) {
  auto data = PosixFileSystem()->ReadFile(path);
  if (!data.ok() || data->size() < 40 || std::memcmp(data->data(), kStateMagic, 8) != 0) {
    return std::nullopt;
  }
  const std::string& d = *data;
  uint32_t version = 0;
  uint64_t n = 0, sum = 0;
  SavedArrays a;
  std::memcpy(&version, d.data() + 8, 4);
  std::memcpy(&n, d.data() + 16, 8);
  std::memcpy(&a.tracks, d.data() + 24, 8);
  if (version != kStateVersion || n > (d.size() - 40) / 20 || d.size() != 40 + n * 20) {
    return std::nullopt;
  }
  std::memcpy(&sum, d.data() + d.size() - 8, 8);
  if (XXH3_64bits(d.data(), d.size() - 8) != sum) return std::nullopt;
  const char* p = d.data() + 32;
  a.totals.resize(n);
  a.year_totals.resize(n);
  a.first_day.resize(n);
  if (n > 0) {  // an empty vector's data() may be null, which memcpy may not be given
    std::memcpy(a.totals.data(), p, n * 8);
    std::memcpy(a.year_totals.data(), p + n * 8, n * 8);
    std::memcpy(a.first_day.data(), p + n * 16, n * 4);
  }
  return a;
}

// A saved array of `saved_tracks` track entries and then catalog entries, grown to `tracks`
// track entries (new store tracks: `fill`).
template <typename T>
bool Regrow(const std::vector<T>& saved, size_t saved_tracks, size_t tracks, size_t entities,
            T fill, std::vector<T>* out) {
  const size_t n = saved.size();
  if (n < saved_tracks || n - saved_tracks != entities - tracks) return false;
  out->assign(entities, fill);
  std::copy(saved.begin(), saved.begin() + static_cast<long>(saved_tracks), out->begin());
  std::copy(saved.begin() + static_cast<long>(saved_tracks), saved.end(),
            out->begin() + static_cast<long>(tracks));
  return true;
}

struct Saved {
  std::map<std::string, std::string> meta;
  std::map<Day, std::string> days;
  struct Row {
    std::string key;
    int32_t year;
    int64_t threshold;
    Day day;
    int64_t before, after;
  };
  std::vector<Row> crossings;
};

Result<Saved> ReadSaved(SqliteDb& db) {
  Saved s;
  {
    SqliteStmt st(db.get(), "SELECT key, value FROM meta");
    while (st.Step() == SQLITE_ROW) s.meta[st.Text(0)] = st.Text(1);
  }
  {
    SqliteStmt st(db.get(), "SELECT day, version FROM days");
    while (st.Step() == SQLITE_ROW) s.days[static_cast<Day>(st.Int(0))] = st.Text(1);
  }
  SqliteStmt st(db.get(), "SELECT entity, year, threshold, day, before, after FROM crossings");
  while (st.Step() == SQLITE_ROW) {
    s.crossings.push_back({st.Text(0), static_cast<int32_t>(st.Int(1)), st.Int(2),
                           static_cast<Day>(st.Int(3)), st.Int(4), st.Int(5)});
  }
  return s;
}

Status PutMeta(SqliteDb& db, const std::string& k, const std::string& v) {
  SqliteStmt st(db.get(), "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  st.Bind(1, k);
  st.Bind(2, v);
  return st.Run() ? Status::Ok() : db.Error();
}

// A scan's totals (not its crossings) into a state.
void TakeTotals(const StreamScan& scan, RecordsState* st) {
  st->totals = scan.totals();
  st->year_totals = scan.year_totals();
  st->first_day = scan.first_day();
  st->last_day = scan.last_day();
  st->year = scan.year();
}

using CrossingKey = std::tuple<std::string, int32_t, int64_t, Day>;

}  // namespace

Result<std::vector<Crossing>> CrossingsAt(const CountStore& store, const RecordsState& state,
                                          const RecordsSettings& settings, int64_t n,
                                          std::vector<Day>* first_day) {
  if (n > 0 && n % settings.step == 0) {
    if (first_day) *first_day = state.first_day;
    return state.crossings;
  }
  return CrossingsOf(store, state.universe, settings, {n}, first_day);
}

Result<RecordsState> ComputeRecords(const CountStore& store, const Catalog* catalog,
                                    const RecordsSettings& settings) {
  RecordsState s{RecordsUniverse::Build(store.tracks(), catalog, settings), {}, {}, {}, {}, {}, 0};
  StreamScan scan(s.universe, settings.step);
  ENCORE_RETURN_IF_ERROR(ScanStore(store, settings, std::nullopt, std::nullopt, &scan));
  s.crossings = std::move(scan.crossings());
  TakeTotals(scan, &s);
  return s;
}

Result<RecordsUpdate> UpdateRecords(const std::string& store_dir, const CountStore& store,
                                    const Catalog* catalog, const RecordsSettings& settings) {
  if (catalog && catalog->tracks().empty() && catalog->artists().empty()) catalog = nullptr;
  SqliteDb db;
  ENCORE_RETURN_IF_ERROR(db.Open(store_dir + "/records.sqlite", true, kSchema));
  ENCORE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto rollback = [&db](Status s) {
    (void)db.Exec("ROLLBACK");
    return s;
  };
  auto saved_or = ReadSaved(db);
  if (!saved_or.ok()) return rollback(saved_or.status());
  Saved& saved = *saved_or;
  // Under the write lock: state files the committed state does not name are left over (by a
  // crash, or replaced by the last update).
  if (auto names = PosixFileSystem()->List(store_dir); names.ok()) {
    for (const std::string& name : *names) {
      if (name.rfind("records-state-", 0) == 0 && name != saved.meta["state_file"]) {
        (void)PosixFileSystem()->Remove(store_dir + "/" + name);
      }
    }
  }

  RecordsUpdate up;
  const std::string token =
      settings.Token() + ";catalog=" + (catalog ? catalog->Digest() : std::string("none"));
  const std::vector<Day> days = store.Days();
  const size_t tracks_now = store.tracks().size();
  size_t saved_tracks = 0;
  std::optional<Day> last;
  if (saved.meta.empty()) {
    up.full = true;
    up.why = "first update";
  } else if (saved.meta["token"] != token) {
    up.full = true;
    up.why = "the catalog or the settings changed";
  } else {
    saved_tracks = static_cast<size_t>(std::stoull(saved.meta["tracks"]));
    if (!saved.meta["last_day"].empty()) last = static_cast<Day>(std::stol(saved.meta["last_day"]));
    if (saved_tracks > tracks_now) {
      up.full = true;
      up.why = "the store has fewer tracks than when last read";
    }
    for (const auto& [d, version] : saved.days) {
      if (up.full) break;
      if (store.DayVersion(d) != version) {
        up.full = true;
        up.why = "the counts of " + FormatDate(d) + " changed";
      }
    }
    for (Day d : days) {
      if (up.full || !last || d > *last) break;
      if (!saved.days.count(d)) {
        up.full = true;
        up.why = "a day before the last one read arrived (" + FormatDate(d) + ")";
      }
    }
  }

  RecordsState& st = up.state;
  st.universe = RecordsUniverse::Build(store.tracks(), catalog, settings);
  const RecordsUniverse& u = st.universe;
  StreamScan scan(u, settings.step);
  const std::string state_dir = store_dir + "/";
  if (!up.full) {
    std::vector<int64_t> totals, year_totals;
    std::vector<Day> first;
    const size_t n = u.size();
    const auto arrays = ReadState(state_dir + saved.meta["state_file"]);
    if (!arrays || arrays->tracks != saved_tracks ||
        !Regrow<int64_t>(arrays->totals, saved_tracks, tracks_now, n, 0, &totals) ||
        !Regrow<int64_t>(arrays->year_totals, saved_tracks, tracks_now, n, 0, &year_totals) ||
        !Regrow<Day>(arrays->first_day, saved_tracks, tracks_now, n, -1, &first)) {
      up.full = true;
      up.why = "the kept totals are missing or damaged";
    } else {
      scan.Restore(std::move(totals), std::move(year_totals), std::move(first),
                   static_cast<int32_t>(std::stol(saved.meta["year"])), last);
    }
  }
  std::vector<Day> read;
  for (Day d : days) {
    if (up.full || !last || d > *last) read.push_back(d);
  }
  if (Status scanned = ScanDays(store, read, settings.service, &scan); !scanned.ok()) {
    return rollback(scanned);
  }
  up.days_read = read.size();

  // Crossings: the kept ones (incremental) and the new ones; the news is the difference.
  // The kept crossings' entities now (their keys found in one pass over the entities).
  std::vector<std::optional<uint32_t>> saved_entity;
  {
    std::vector<std::string_view> keys;
    keys.reserve(saved.crossings.size());
    for (const auto& r : saved.crossings) keys.push_back(r.key);
    saved_entity = u.FindKeys(keys);
  }
  std::set<CrossingKey> before;
  for (const auto& r : saved.crossings) before.insert({r.key, r.year, r.threshold, r.day});
  std::vector<Crossing> fresh_crossings = std::move(scan.crossings());
  if (!up.full) {
    for (size_t i = 0; i < saved.crossings.size(); ++i) {
      const auto& r = saved.crossings[i];
      if (auto e = saved_entity[i]) {
        st.crossings.push_back({*e, r.year, r.threshold, r.day, r.before, r.after});
      }
    }
  }
  const size_t kept = st.crossings.size();
  st.crossings.insert(st.crossings.end(), fresh_crossings.begin(), fresh_crossings.end());
  std::vector<size_t> fresh;
  std::set<CrossingKey> now;
  for (size_t i = 0; i < st.crossings.size(); ++i) {
    const Crossing& x = st.crossings[i];
    CrossingKey k{u.Key(x.entity), x.year, x.threshold, x.day};
    if (i >= kept && !before.count(k)) fresh.push_back(i);
    if (up.full) now.insert(std::move(k));
  }
  std::vector<Withdrawn> withdrawn;
  if (up.full && !saved.meta.empty()) {
    for (size_t i = 0; i < saved.crossings.size(); ++i) {
      const auto& r = saved.crossings[i];
      if (now.count({r.key, r.year, r.threshold, r.day})) continue;
      Withdrawn w{r.key, "", r.year, r.threshold, r.day};
      if (auto e = saved_entity[i]) w.name = u.Describe(*e).name;
      withdrawn.push_back(std::move(w));
    }
  }
  TakeTotals(scan, &st);
  up.news = MakeNews(u, st.crossings, st.first_day, fresh, withdrawn, settings);
  // Release news: what the catalog says of the releases dated within the counted days, against
  // what was said. An item the catalog no longer supports (a release gone, re-dated, or its
  // context changed) is replaced by what it says now; an unchanged one is not news again.
  std::vector<int64_t> stale_news;
  if (catalog && st.last_day && !days.empty()) {
    std::map<std::string, std::pair<int64_t, std::string>> said;  // entity -> (seq, day|text)
    SqliteStmt q(db.get(), "SELECT seq, entity, day, text FROM news WHERE kind = 'release'");
    while (q.Step() == SQLITE_ROW) {
      said[q.Text(1)] = {q.Int(0), std::to_string(q.Int(2)) + "|" + q.Text(3)};
    }
    for (NewsItem& n : ReleaseNews(*catalog, {}, days.front(), *st.last_day)) {
      auto it = said.find(n.entity);
      if (it != said.end() && it->second.second == std::to_string(n.day) + "|" + n.text) {
        said.erase(it);
        continue;
      }
      up.news.push_back(std::move(n));
    }
    for (const auto& [entity, row] : said) stale_news.push_back(row.first);
  }

  // Listener news: artists' monthly-listener milestones (ListenerNews) on the days with listener
  // sets not looked at yet (up to meta listener_news_to), or on every one when the rest is
  // recomputed. A milestone said before is not news again; on a recompute, an item the days no
  // longer support is replaced, as release news is.
  const std::string listener_news_was =
      saved.meta.count("listener_news_to") ? saved.meta["listener_news_to"] : "";
  std::string listener_news_to = listener_news_was;
  if (catalog && store.KeepsListeners()) {
    auto last_set = LastListenerDay(store);
    if (!last_set.ok()) return rollback(last_set.status());
    if (*last_set) {
      const bool all = up.full || listener_news_was.empty();
      std::optional<Day> from;
      if (all) {
        auto first_set = FirstListenerDay(store);
        if (!first_set.ok()) return rollback(first_set.status());
        from = *first_set;
      } else {
        from = static_cast<Day>(std::stol(listener_news_was)) + 1;
      }
      std::map<std::pair<std::string, int64_t>, std::pair<int64_t, std::string>> said;
      SqliteStmt q(db.get(), "SELECT seq, entity, threshold, day, text FROM news WHERE kind = 'listeners'");
      while (q.Step() == SQLITE_ROW) {
        said[{q.Text(1), q.Int(2)}] = {q.Int(0), std::to_string(q.Int(3)) + "|" + q.Text(4)};
      }
      if (from && *from <= **last_set) {
        auto items = ListenerNews(store, u, *from, **last_set);
        if (!items.ok()) return rollback(items.status());
        for (NewsItem& n : *items) {
          auto it = said.find({n.entity, n.threshold});
          if (it != said.end()) {
            if (!all) continue;  // reached before: said then
            if (it->second.second == std::to_string(n.day) + "|" + n.text) {
              said.erase(it);
              continue;
            }
          }
          up.news.push_back(std::move(n));
        }
      }
      if (all) {
        for (const auto& [key, row] : said) stale_news.push_back(row.first);
      }
      listener_news_to = std::to_string(**last_set);
    }
  }

  if (read.empty() && !up.full && up.news.empty() && stale_news.empty() &&
      listener_news_to == listener_news_was) {
    ENCORE_RETURN_IF_ERROR(db.Exec("COMMIT"));
    return up;
  }
  // The totals go to a new file first; the transaction then names it, so that a crash at any
  // point leaves the last committed state whole. The next update removes the old file.
  const uint64_t generation = store.Stats().generation;
  const int64_t state_seq =
      std::stoll(saved.meta.count("state_seq") ? saved.meta["state_seq"] : std::string("0")) + 1;
  const std::string state_file = "records-state-" + std::to_string(state_seq) + ".bin";
  if (Status w = WriteState(state_dir + state_file, tracks_now, st); !w.ok()) return rollback(w);
  if (Status w = PosixFileSystem()->SyncDir(store_dir); !w.ok()) return rollback(w);
  auto write = [&]() -> Status {
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "state_file", state_file));
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "state_seq", std::to_string(state_seq)));
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "token", token));
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "tracks", std::to_string(tracks_now)));
    ENCORE_RETURN_IF_ERROR(
        PutMeta(db, "last_day", st.last_day ? std::to_string(*st.last_day) : ""));
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "year", std::to_string(st.year)));
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "generation", std::to_string(generation)));
    ENCORE_RETURN_IF_ERROR(PutMeta(db, "listener_news_to", listener_news_to));
    if (up.full) {
      ENCORE_RETURN_IF_ERROR(db.Exec("DELETE FROM days; DELETE FROM crossings;"));
    }
    {
      SqliteStmt ins(db.get(), "INSERT OR REPLACE INTO days(day, version) VALUES(?, ?)");
      for (Day d : read) {
        ins.Bind(1, static_cast<int64_t>(d));
        ins.Bind(2, store.DayVersion(d));
        if (!ins.Run()) return db.Error();
      }
    }
    {
      SqliteStmt ins(
          db.get(),
          "INSERT OR REPLACE INTO crossings(entity, year, threshold, day, before, after) "
          "VALUES(?, ?, ?, ?, ?, ?)");
      for (size_t i = up.full ? 0 : kept; i < st.crossings.size(); ++i) {
        const Crossing& x = st.crossings[i];
        ins.Bind(1, u.Key(x.entity));
        ins.Bind(2, static_cast<int64_t>(x.year));
        ins.Bind(3, x.threshold);
        ins.Bind(4, static_cast<int64_t>(x.day));
        ins.Bind(5, x.before);
        ins.Bind(6, x.after);
        if (!ins.Run()) return db.Error();
      }
    }
    {
      SqliteStmt del(db.get(), "DELETE FROM news WHERE seq = ?");
      for (const int64_t seq : stale_news) {
        del.Bind(1, seq);
        if (!del.Run()) return db.Error();
      }
    }
    SqliteStmt ins(db.get(),
                   "INSERT INTO news(day, kind, entity, text, evidence, generation, threshold, "
                   "year) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    for (NewsItem& n : up.news) {
      n.generation = generation;
      ins.Bind(1, static_cast<int64_t>(n.day));
      ins.Bind(2, n.kind);
      ins.Bind(3, n.entity);
      ins.Bind(4, n.text);
      ins.Bind(5, n.evidence);
      ins.Bind(6, static_cast<int64_t>(generation));
      ins.Bind(7, n.threshold);
      ins.Bind(8, static_cast<int64_t>(n.year));
      if (!ins.Run()) return db.Error();
      n.seq = sqlite3_last_insert_rowid(db.get());
    }
    return Status::Ok();
  };
  Status s = write();
  if (!s.ok()) {
    (void)PosixFileSystem()->Remove(state_dir + state_file);
    return rollback(s);
  }
  ENCORE_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return up;
}

Result<std::vector<NewsItem>> ReadNews(const std::string& store_dir, std::optional<Day> since) {
  std::vector<NewsItem> out;
  const std::string path = store_dir + "/records.sqlite";
  if (!std::filesystem::exists(path)) return out;
  SqliteDb db;
  ENCORE_RETURN_IF_ERROR(db.Open(path, false, kSchema));
  SqliteStmt st(
      db.get(),
      "SELECT seq, day, kind, entity, text, evidence, generation, threshold, year FROM news "
      "WHERE day >= ? ORDER BY day, seq");
  st.Bind(1, static_cast<int64_t>(since.value_or(INT32_MIN)));
  while (st.Step() == SQLITE_ROW) {
    NewsItem n;
    n.seq = st.Int(0);
    n.day = static_cast<Day>(st.Int(1));
    n.kind = st.Text(2);
    n.entity = st.Text(3);
    n.text = st.Text(4);
    n.evidence = st.Text(5);
    n.generation = static_cast<uint64_t>(st.Int(6));
    n.threshold = st.Int(7);
    n.year = static_cast<int32_t>(st.Int(8));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace encore
