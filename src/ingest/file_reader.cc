#include "ingest/file_reader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <thread>
#include <unordered_set>

#include "catalog/names.h"
#include "common/csv_scanner.h"
#include "common/file_system.h"
#include "common/hash.h"
#include "common/strings.h"
#include "ingest/chunk_parser.h"
#include "ingest/input_format.h"
#include "ingest/json_splitter.h"

namespace encore {
namespace {

constexpr size_t kPad = simdjson::SIMDJSON_PADDING;

std::string DefaultSpillDir() {
  std::error_code ec;
  const std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  return ec ? std::string("/tmp") : tmp.string();
}

// A parser that lives for the whole file: the tracks and services its interner has met are mapped
// to store ids once, not again in every block; what it produced is drained at each merge. (A
// parser that has met very many tracks is replaced, so that the interner stays small.)
struct Parser {
  explicit Parser(const ParseRules& r) : rules(r), chunk(std::make_unique<ChunkParser>(r)) {}
  const ParseRules& rules;
  std::unique_ptr<ChunkParser> chunk;
  std::vector<uint32_t> track_map, service_map;  // chunk ids → store ids, for the names so far
};
constexpr size_t kMaxInterned = size_t{1} << 18;

// Moves a chunk's records into the batch, mapping chunk-local ids to store ids.
class BatchBuilder {
 public:
  BatchBuilder(FileBatch* batch, IdMap* ids, const Catalog* catalog, size_t budget,
               std::string spill_dir)
      : batch_(batch),
        ids_(ids),
        catalog_(catalog),
        budget_(budget),
        spill_dir_(std::move(spill_dir)) {}

  // `line_shift`: what the chunk's line numbers lack (a second half numbers from 0).
  Status Merge(Parser& p, uint64_t line_shift = 0) {
    ChunkParser& chunk = *p.chunk;
    DayBuckets& days = chunk.days();  // (first: the parser's last tracks are looked up)
    const auto& names = chunk.tracks().names();
    for (size_t i = p.track_map.size(); i < names.size(); ++i) {
      const uint32_t id = ids_->HistoryTrack(names[i]);
      p.track_map.push_back(id);
      if (seen_.insert(id).second) batch_->track_ids.push_back(id);
    }
    // Names of plays and totals new to the file since the last merge: each id goes into the file's
    // track table once (when both parsers met a name, the second finds it there).
    const auto& pending = chunk.pending().names();
    pending_map_.resize(pending.size());
    for (size_t i = 0; i < pending.size(); ++i) {
      bool first = false;
      pending_map_[i] = ids_->Track(pending[i], &first);
      if (first) batch_->track_ids.push_back(pending_map_[i]);
    }
    const auto& services = chunk.services().names();
    for (size_t i = p.service_map.size(); i < services.size(); ++i) {
      ENCORE_ASSIGN_OR_RETURN(uint32_t id, ids_->Service(services[i]));
      p.service_map.push_back(id);
    }
    const std::vector<uint32_t>& track_map = p.track_map;
    const std::vector<uint32_t>& service_map = p.service_map;
    const std::vector<uint32_t>& pending_map = pending_map_;
    auto remap = [&](uint64_t cell) {
      const uint32_t track = CellTrack(cell);
      return MakeCell(service_map[CellService(cell & ~(kPendingTrack | kListenOnly))],
                      (cell & kPendingTrack) ? pending_map[track] : track, CellCountry(cell)) |
             (cell & kListenOnly);
    };
    for (auto& [day, bucket] : days) {
      DayBucket& dst = batch_->days[day];
      for (auto& r : bucket.plays) r.cell = remap(r.cell);
      for (auto& r : bucket.totals) r.cell = remap(r.cell);
      if (!bucket.plays.empty()) {
        held_ += bucket.plays.capacity() * sizeof(PlayRec);
        dst.play_runs.push_back(std::move(bucket.plays));
      }
      if (!bucket.totals.empty()) {
        held_ += bucket.totals.capacity() * sizeof(TotalRec);
        dst.total_runs.push_back(std::move(bucket.totals));
      }
    }
    if (held_ > budget_) ENCORE_RETURN_IF_ERROR(Spill());
    const size_t at = batch_->history.size();
    // A personal history's streams are held until the file is read (each is checked against
    // its listener's kept ones): bounded by --memory, never spilled (doc/ingest.md, "Bounded
    // memory"). Past it the file fails whole; nothing of it is recorded.
    // Its distinct tracks too: each costs about kHistoryTrackBytes (its name, key and ids).
    constexpr size_t kHistoryTrackBytes = 512;
    if ((at + chunk.history().size()) * sizeof(HistoryRec) + seen_.size() * kHistoryTrackBytes >
        budget_) {
      return Status::DataError(
          "a personal history of " + std::to_string(at + chunk.history().size()) +
          " streams and " + std::to_string(seen_.size()) + " tracks so far is more than --memory " +
          std::to_string(budget_ >> 20) + " MiB holds while it is read (" +
          std::to_string(sizeof(HistoryRec)) + " bytes a stream, about " +
          std::to_string(kHistoryTrackBytes) +
          " a track): give more --memory, or split the file (each part is counted exactly "
          "once, in any order)");
    }
    batch_->history.insert(batch_->history.end(), chunk.history().begin(), chunk.history().end());
    for (auto it = batch_->history.begin() + static_cast<long>(at); it != batch_->history.end();
         ++it) {
      it->track = track_map[it->track];
      it->service = static_cast<uint8_t>(service_map[it->service]);
    }
    batch_->rejects.Append(chunk.rejects(), line_shift);
    batch_->summary.Add(chunk.summary());
    chunk.ResetOutputs();
    if (names.size() > kMaxInterned) {
      p.chunk = std::make_unique<ChunkParser>(p.rules);
      p.track_map.clear();
      p.service_map.clear();
    }
    return Status::Ok();
  }

  // After the whole file: how many of its tracks the catalog does not know.
  void CountUnmatched(const CountStore& store) {
    for (uint32_t id : batch_->track_ids) {
      const std::string& name = id < store.tracks().size()
                                    ? store.tracks()[id]
                                    : ids_->new_tracks[id - store.tracks().size()];
      if (!catalog_ || !catalog_->TrackById(name)) ++batch_->unmatched_tracks;
    }
  }

 private:
  FileBatch* batch_;
  IdMap* ids_;
  const Catalog* catalog_;
  // Every run held goes to the spill file; memory then holds only where they are. A spill that
  // fails (a full disk) stops the whole run, not only this file (kFailedPrecondition, as a
  // store-wide limit does): later files would seal days this one still has to count.
  Status Spill() {
    Status s = SpillRuns();
    if (s.ok()) return s;
    return Status::FailedPrecondition(s.message() + "; the run stops (free space there, or give "
                                                    "--memory more)");
  }
  Status SpillRuns() {
    if (!batch_->spill) {
      ENCORE_ASSIGN_OR_RETURN(batch_->spill, SpillFile::Create(spill_dir_));
    }
    for (auto& [day, b] : batch_->days) {
      ENCORE_RETURN_IF_ERROR(SpillRunsOf(&b.play_runs, &b.spilled_plays));
      ENCORE_RETURN_IF_ERROR(SpillRunsOf(&b.total_runs, &b.spilled_totals));
    }
    held_ = 0;
    return Status::Ok();
  }

  template <typename T>
  Status SpillRunsOf(std::vector<std::vector<T>>* runs, std::vector<SpilledRun>* spilled) {
    for (const auto& run : *runs) {
      ENCORE_ASSIGN_OR_RETURN(uint64_t at, batch_->spill->Append(run.data(), run.size() * sizeof(T)));
      spilled->push_back({at, run.size()});
    }
    std::vector<std::vector<T>>().swap(*runs);
    return Status::Ok();
  }

  std::unordered_set<uint32_t> seen_;  // store ids of history tracks met
  size_t budget_;                      // bytes of runs held before they are spilled
  std::string spill_dir_;
  size_t held_ = 0;
  std::vector<uint32_t> pending_map_;  // a chunk's pending names → store ids
};

Status StrictCheck(const std::string& path, const RejectBuffer& rejects, uint64_t line_shift) {
  const std::optional<RejectRecord> r = rejects.First();
  if (!r) return Status::Ok();
  return Status::DataError(path + ":" + std::to_string(r->line + line_shift) + ": " +
                           std::string(RejectReasonName(r->reason)) + " (strict mode)");
}

// Whether the file so far has entries and none could be read (ChunkParser::NothingRead).
bool Unreadable(const SourceSummary& s) {
  const uint64_t readable = s.rejected_by[static_cast<size_t>(RejectReason::kLate)] +
                            s.rejected_by[static_cast<size_t>(RejectReason::kImplausibleTime)];
  return s.plays + s.skipped == 0 && s.rejected > readable;
}

// The bytes of a file as the parsers see them: fingerprinted as they come (before anything is
// changed), lone CR line ends read as LF, never more than the buffer holds.
class Input {
 public:
  Input(ByteSource* src, Fingerprinter* fp, const IngestOptions& o, const std::string& path)
      : src_(src), fp_(fp), options_(o), path_(path) {}

  // Appends up to n bytes at buf; 0 at the end.
  Result<size_t> Read(char* buf, size_t n) {
    ENCORE_ASSIGN_OR_RETURN(size_t got, src_->Read(buf, n));
    if (got == 0) {
      eof_ = true;
      return got;
    }
    fp_->Update(std::string_view(buf, got));
    last_byte_ = buf[got - 1];
    if (cr_only_) std::replace(buf, buf + got, '\r', '\n');
    if (options_.progress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_progress_ > std::chrono::milliseconds(100)) {
        last_progress_ = now;
        options_.progress(path_, src_->consumed(), src_->file_size());
      }
    }
    return got;
  }
  bool eof() const { return eof_; }
  void set_cr_only() { cr_only_ = true; }
  // Whether the last byte read is a line end (the last line of a file need not have one).
  bool ends_in_newline() const { return last_byte_ == '\n' || (cr_only_ && last_byte_ == '\r'); }

 private:
  ByteSource* src_;
  Fingerprinter* fp_;
  const IngestOptions& options_;
  const std::string& path_;
  bool eof_ = false;
  bool cr_only_ = false;
  char last_byte_ = 0;
  std::chrono::steady_clock::time_point last_progress_{};
};

// A buffer of input: bytes [start, have) are read and not consumed yet; kPad readable bytes always
// follow `have`.
struct Buffer {
  std::vector<char> bytes;
  size_t start = 0, have = 0;
  std::string_view rest() const { return {bytes.data() + start, have - start}; }
  size_t capacity() const { return bytes.size() - kPad; }
  void Compact() {
    if (start == 0) return;
    std::memmove(bytes.data(), bytes.data() + start, have - start);
    have -= start;
    start = 0;
  }
  // Reads until full or at the end of the input.
  Status Fill(Input* in) {
    while (!in->eof() && have < capacity()) {
      ENCORE_ASSIGN_OR_RETURN(size_t got, in->Read(bytes.data() + have, capacity() - have));
      have += got;
    }
    std::memset(bytes.data() + have, ' ', kPad);  // simdjson reads past the end; keep it tame
    return Status::Ok();
  }
};

// Parses work on two threads when it splits: parse(parser, 0) the first part, parse(parser, 1)
// the second; then fixup(first, second) (line numbers), strict mode's check, and the merge, the
// second's rejects after the first's.
// No entry of the file has been parsed yet.
bool AtFileStart(const SourceSummary& s) { return s.plays + s.skipped + s.rejected == 0; }

// The first part parsed of a file may give up on it (ChunkParser::set_may_give_up); then the file
// fails here, before anything of it is merged. `shift(first, second)` says how far the second
// part's line numbers are behind (a CSV or JSON Lines half numbers its lines from 0).
template <typename Parse, typename Shift>
Status ParseInHalves(bool split, bool file_start, const IngestOptions& options,
                     const std::string& path, BatchBuilder* builder, Parser* a, Parser* b,
                     Parse parse, Shift shift_of) {
  ChunkParser& first = *a->chunk;
  ChunkParser& second = *b->chunk;
  first.set_may_give_up(file_start);
  const bool two = split && options.threads > 1;
  if (two) {
    // A parse that throws (out of memory) must not leave the thread unjoined.
    std::exception_ptr error;
    std::thread t([&] {
      try {
        parse(second, 1);
      } catch (...) {
        error = std::current_exception();
      }
    });
    try {
      parse(first, 0);
    } catch (...) {
      t.join();
      throw;
    }
    t.join();
    if (error) std::rethrow_exception(error);
  } else if (split) {
    parse(first, 0);
    parse(second, 1);
  } else {
    parse(first, -1);
  }
  const uint64_t shift = shift_of(first, second);
  second.ShiftMissingUserLine(shift);
  first.set_may_give_up(false);
  if (first.gave_up()) {
    const RejectRecord r = *first.rejects().First();
    return Status::DataError(path + ":" + std::to_string(r.line) + ": none of the first " +
                             std::to_string(first.summary().rejected) +
                             " entries could be read (the first: " +
                             std::string(RejectReasonName(r.reason)) + "); not read further");
  }
  if (options.strict) {
    ENCORE_RETURN_IF_ERROR(StrictCheck(path, first.rejects(), 0));
    ENCORE_RETURN_IF_ERROR(StrictCheck(path, second.rejects(), shift));
  }
  for (ChunkParser* p : {&first, &second}) {
    if (p->missing_user_line()) {
      return Status::DataError(path + ":" + std::to_string(p->missing_user_line()) +
                               ": this history does not say whose it is: give --user ID");
    }
  }
  ENCORE_RETURN_IF_ERROR(builder->Merge(*a));
  return builder->Merge(*b, shift);
}

// CSV and JSON Lines: records end at line ends (CSV: outside quotes). Read in blocks, split each
// block at a record boundary, parse the halves in parallel. A record longer than the limit with
// no line end in a whole block is rejected with its first kMaxRecordBytes, and the rest of it is
// read past without being kept.
Status ReadLines(const std::string& path, const InputShape& shape, Input* in, Buffer* buf,
                 const ParseRules& rules, const IngestOptions& options, FileBatch* batch,
                 BatchBuilder* builder) {
  const bool csv = shape.framing == Framing::kCsv;
  Parser first_parser(rules), second_parser(rules);
  uint64_t line = 1;
  if (csv && shape.csv.header) {  // the sniffer saw the whole header line in the first block
    const size_t nl = buf->rest().find('\n');
    buf->start = nl == std::string_view::npos ? buf->have : buf->start + nl + 1;
    ++line;
    ++batch->summary.lines;
  }
  for (;;) {
    ENCORE_RETURN_IF_ERROR(buf->Fill(in));
    const std::string_view body = buf->rest();
    if (body.empty() && in->eof()) break;
    const Boundaries b = FindBoundaries(body, csv);
    const size_t end = in->eof() ? body.size() : b.last;
    if (end == 0) {
      if (buf->start > 0) {  // room to read the rest of the record
        buf->Compact();
        continue;
      }
      if (buf->capacity() <= shape.entry_limit) {  // a small block: room up to the limit
        buf->bytes.resize(std::min(2 * buf->capacity(), shape.entry_limit + (size_t{64} << 10)) +
                          kPad);
        continue;
      }
      // A whole block and not one record end: the record is over the limit. Keep its first
      // bytes as the reject, then read past it to its line end without keeping anything.
      Parser p(rules);
      p.chunk->summary().lines =
          static_cast<uint64_t>(std::count(body.begin(), body.end(), '\n')) + 1;
      p.chunk->Reject(RejectReason::kRecordTooLong, line, body.substr(0, kMaxRecordBytes));
      line += p.chunk->summary().lines;
      ENCORE_RETURN_IF_ERROR(builder->Merge(p));
      if (options.strict) {
        return Status::DataError(path + ":" + std::to_string(line - p.chunk->summary().lines) +
                                 ": record_too_long (strict mode)");
      }
      buf->start = buf->have = 0;
      for (;;) {
        ENCORE_ASSIGN_OR_RETURN(size_t got, in->Read(buf->bytes.data(), buf->capacity()));
        if (got == 0) break;
        const void* nl = std::memchr(buf->bytes.data(), '\n', got);
        if (nl != nullptr) {
          buf->start = static_cast<size_t>(static_cast<const char*>(nl) - buf->bytes.data()) + 1;
          buf->have = got;
          break;
        }
      }
      continue;
    }
    const std::string_view work = body.substr(0, end);
    const size_t mid = in->eof() ? FindBoundaries(work, csv).mid : b.mid;
    const bool split = mid > 0 && mid < work.size();
    auto parse = [&](ChunkParser& p, int part) {
      // The second half numbers its lines from 0 until the first half has counted its own.
      const std::string_view text =
          part < 0 ? work : (part == 0 ? work.substr(0, mid) : work.substr(mid));
      const uint64_t first_line = part <= 0 ? line : 0;
      if (csv) {
        p.ParseCsv(text, first_line, shape.csv);
      } else {
        p.ParseJsonLines(text, first_line);
      }
    };
    auto fixup = [&](ChunkParser& first, ChunkParser& second) {
      const uint64_t shift = line + first.summary().lines;
      line += first.summary().lines + second.summary().lines;
      return shift;
    };
    ENCORE_RETURN_IF_ERROR(ParseInHalves(split, AtFileStart(batch->summary), options, path, builder,
                                         &first_parser, &second_parser, parse, fixup));
    buf->start += end;
  }
  return Status::Ok();
}

constexpr size_t kMaxEntriesAtOnce = size_t{1} << 16;

// A JSON document: its entries found by JsonEntrySplitter as the bytes stream past, each parsed
// on its own. Only the entry being read is kept across blocks; one over the limit is rejected
// with its first bytes and read past.
Status ReadJsonDocument(const std::string& path, const InputShape& shape, Input* in, Buffer* buf,
                        const ParseRules& rules, const IngestOptions& options, FileBatch* batch,
                        BatchBuilder* builder) {
  JsonEntrySplitter splitter;
  Parser first_parser(rules), second_parser(rules);
  uint64_t base = 0;     // absolute offset of buf->bytes[0]
  uint64_t scanned = 0;  // absolute offset up to which the splitter has looked
  std::string too_long;  // the first bytes of the entry being read past
  bool skipping = false;
  std::vector<JsonEntrySplitter::Entry> entries;
  const size_t limit = shape.entry_limit;
  base = 0;
  scanned = buf->start;  // after a byte-order mark
  for (;;) {
    // Full of the entry being read, which is not over the limit yet: room for the rest of it
    // (never more than the limit and a little).
    if (buf->have == buf->capacity() && buf->capacity() <= limit) {
      buf->bytes.resize(std::min(2 * buf->capacity(), limit + (size_t{64} << 10)) + kPad);
    }
    ENCORE_RETURN_IF_ERROR(buf->Fill(in));
    // What was read, kMaxEntriesAtOnce entries at a time: the list of entries and a chunk's
    // rejects stay small however many tiny entries a block holds.
    do {
      const size_t from = static_cast<size_t>(scanned - base);
      entries.clear();
      scanned += splitter.Scan(buf->bytes.data() + from, buf->have - from, scanned, &entries,
                               kMaxEntriesAtOnce);
      std::optional<JsonEntrySplitter::Tail> tail;
      if (in->eof() && scanned == base + buf->have) tail = splitter.Finish(scanned);
      // An entry read past, or cut off by the end of the file, is rejected; the rest are parsed.
      Parser special(rules);
      size_t first = 0;
      if (!entries.empty() && entries[0].begin < base) {
        special.chunk->Reject(RejectReason::kRecordTooLong, entries[0].line, too_long);
        too_long.clear();
        skipping = false;
        first = 1;
      }
      auto text = [&](const JsonEntrySplitter::Entry& e) {
        return std::string_view(buf->bytes.data() + (e.begin - base), e.end - e.begin);
      };
      size_t bytes = 0;
      for (size_t i = first; i < entries.size(); ++i) bytes += entries[i].end - entries[i].begin;
      size_t split = first, acc = 0;
      while (split < entries.size() && acc < bytes / 2) {
        acc += entries[split].end - entries[split].begin;
        ++split;
      }
      auto parse = [&](ChunkParser& p, int part) {
        const size_t lo = part <= 0 ? first : split, hi = part == 0 ? split : entries.size();
        for (size_t i = lo; i < hi && !p.gave_up(); ++i) {
          const std::string_view t = text(entries[i]);
          if (t.size() > limit) {
            p.Reject(RejectReason::kRecordTooLong, entries[i].line, t.substr(0, limit));
          } else {
            p.ParseJsonEntry(t, entries[i].line);
          }
        }
      };
      ENCORE_RETURN_IF_ERROR(builder->Merge(special));
      ENCORE_RETURN_IF_ERROR(ParseInHalves(split > first && split < entries.size(),
                                           AtFileStart(batch->summary), options, path, builder,
                                           &first_parser, &second_parser, parse,
                                           [](ChunkParser&, ChunkParser&) { return uint64_t{0}; }));
      if (tail) {
        Parser tail_parser(rules);
        ChunkParser& p = *tail_parser.chunk;
        const JsonEntrySplitter::Entry& e = tail->entry;
        if (e.begin < base || e.end - e.begin > limit) {
          p.Reject(RejectReason::kRecordTooLong, e.line,
                   e.begin < base ? too_long : text(e).substr(0, limit));
        } else if (tail->complete) {
          p.ParseJsonEntry(text(e), e.line);
        } else {  // the file ends inside it: truncated
          p.Reject(RejectReason::kBadJson, e.line, text(e));
        }
        ENCORE_RETURN_IF_ERROR(builder->Merge(tail_parser));
      }
    } while (scanned < base + buf->have);
    if (in->eof()) break;
    // Keep only the entry being read, unless it is over the limit: then its first bytes are kept
    // aside and the rest is read past.
    const std::optional<uint64_t> open = splitter.open_entry();
    uint64_t keep = scanned;
    if (open && !skipping) {
      if (scanned - *open > limit) {
        too_long.assign(buf->bytes.data() + (*open - base), limit);
        skipping = true;
      } else {
        keep = *open;
      }
    }
    buf->start = static_cast<size_t>(keep - base);
    buf->Compact();
    base = keep;
  }
  // Lines of the file: the splitter counts line ends; a last line without one counts too.
  batch->summary.lines = splitter.line() - (in->ends_in_newline() ? 1 : 0);
  if (splitter.array_open()) {
    // The array never closes: the file was cut short (after a whole entry, or the entry it cut
    // is rejected above). Said, so that a truncated download is not taken for the whole history.
    batch->warnings.push_back(
        "the JSON array is not closed at the end of the file: was it cut "
        "short? (a later, whole export adds what is missing)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ProbeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IoError("cannot stat " + path);
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  constexpr size_t kEdge = 64 << 10;
  std::string head(std::min<uint64_t>(kEdge, size), '\0'),
      tail(std::min<uint64_t>(kEdge, size), '\0');
  const bool ok = ::pread(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()) &&
                  ::pread(fd, tail.data(), tail.size(), static_cast<off_t>(size - tail.size())) ==
                      static_cast<ssize_t>(tail.size());
  ::close(fd);
  if (!ok) return Status::IoError("cannot read " + path);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%llu-%016llx-%016llx", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(Hash64(head)),
                static_cast<unsigned long long>(Hash64(tail)));
  return std::string(buf);
}

Result<std::string> FingerprintFile(const std::string& path) {
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  Fingerprinter fp;
  std::vector<char> buf(4 << 20);
  for (;;) {
    ENCORE_ASSIGN_OR_RETURN(size_t got, src->Read(buf.data(), buf.size()));
    if (got == 0) break;
    fp.Update(std::string_view(buf.data(), got));
  }
  return fp.Hex();
}

IdMap::IdMap(const CountStore& store, const Catalog* catalog)
    : store_(store), catalog_(catalog), store_tracks_(store.tracks().size()) {
  for (uint32_t i = 0; i < store.services().size(); ++i) services_.emplace(store.services()[i], i);
}

uint32_t IdMap::StoreId(std::string_view name) {
  const uint64_t hash = Hash64(name);
  uint32_t id = table_.Find(name, hash);
  if (id != TrackTable::kNone) return id;
  if (auto known = store_.FindTrack(name)) {
    id = *known;
  } else {
    id = static_cast<uint32_t>(store_tracks_ + new_tracks.size());
    new_tracks.emplace_back(name);
  }
  table_.Insert(name, hash, id);
  return id;
}

uint32_t IdMap::Track(std::string_view name, bool* first) {
  const size_t before = table_.size();
  const uint32_t id = StoreId(name);
  if (first != nullptr) *first = table_.size() != before;
  return id;
}

uint32_t IdMap::HistoryTrack(std::string_view key) {
  const uint32_t index = history_keys_.Intern(key);
  if (index < history_ids_.size()) return history_ids_[index];
  const HistoryTrackParts parts = SplitHistoryTrackKey(key);
  std::string name;
  if (catalog_ && !parts.id.empty() && catalog_->TrackById(parts.id)) name.assign(parts.id);
  if (name.empty() && catalog_ && !catalog_->tracks().empty() && !parts.title.empty()) {
    const Resolution r =
        Resolve(*catalog_, std::string(parts.artist) + " - " + std::string(parts.title));
    if (r.match) name = r.match->id;
  }
  if (name.empty()) name.assign(parts.id);
  if (name.empty()) {
    // Unknown to the catalog and named by no id: its song key, which every spelling and version
    // of the song shares (kept within the 64 bytes of a track id).
    name = "song:" + SongKey(parts.artist, parts.title);
    if (name.size() == 5 || name[5] == '|') {
      // A title of punctuation only keys to nothing: the names themselves, hashed, keep such
      // songs apart.
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016llx",
                    static_cast<unsigned long long>(Hash64(std::string(parts.artist) + "\x1f" +
                                                           std::string(parts.title))));
      name = "song:~" + std::string(hash);
    }
    if (name.size() > 64) {
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(Hash64(name)));
      size_t cut = 46;  // not inside a UTF-8 sequence
      while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) --cut;
      name = name.substr(0, cut) + "~" + hash;
    }
  }
  const uint32_t id = StoreId(name);
  history_ids_.push_back(id);
  return id;
}

Result<uint32_t> IdMap::Service(std::string_view name) {
  auto [it, inserted] =
      services_.emplace(std::string(name), static_cast<uint32_t>(services_.size()));
  if (inserted) {
    if (services_.size() > kMaxServices) {
      services_.erase(it);
      return Status::FailedPrecondition("a store holds at most 32 services; '" + std::string(name) +
                                        "' would be one more");
    }
    new_services.emplace_back(name);
  }
  return it->second;
}

Result<FileBatch> ReadInput(ByteSource* src, const std::string& path, const CountStore& store,
                            IdMap* ids, const IngestOptions& options, const TimeZone* zone) {
  FileBatch batch;
  Fingerprinter fp;
  Input in(src, &fp, options, path);
  Buffer buf;
  buf.bytes.resize(std::max<size_t>(options.block_bytes, size_t{64} << 10) +
                   kPad);  // Default: 32 MiB
  ENCORE_RETURN_IF_ERROR(buf.Fill(&in));
  ENCORE_ASSIGN_OR_RETURN(const InputShape shape, SniffInput(buf.rest(), in.eof(), path));
  if (shape.cr_only) {
    std::replace(buf.bytes.begin(), buf.bytes.begin() + static_cast<long>(buf.have), '\r', '\n');
    in.set_cr_only();
  }
  buf.start = shape.bom;
  batch.kind = std::string(FormatKind(shape.format));
  if (IsHistory(shape.format) && options.history_tier == Tier::kUnknown) {
    return Status::InvalidArgument("--tier is premium or free");
  }
  ParseRules rules;
  rules.min_ms = store.rules().min_ms;
  rules.short_plays_listen = store.rules().every_play_listens;
  rules.sealed_before = store.sealed_before();
  rules.default_service = options.default_service;
  rules.earliest_ms = int64_t{options.earliest_day} * 86400000;
  rules.latest_ms = options.now_ms + options.max_future_ms;
  rules.format = shape.format;
  rules.history_user = options.history_user;
  rules.history_tier = options.history_tier;
  rules.zone = zone;
  rules.tracks = &ids->table();
  BatchBuilder builder(&batch, ids, options.catalog, options.memory_bytes,
                       options.spill_dir.empty() ? DefaultSpillDir() : options.spill_dir);
  if (shape.framing == Framing::kJsonDocument) {
    ENCORE_RETURN_IF_ERROR(
        ReadJsonDocument(path, shape, &in, &buf, rules, options, &batch, &builder));
  } else {
    ENCORE_RETURN_IF_ERROR(ReadLines(path, shape, &in, &buf, rules, options, &batch, &builder));
  }
  if (options.progress) options.progress(path, src->consumed(), src->file_size());
  // Nothing is recorded as ingested that was not: a file none of whose entries could be read
  // fails, and so does one with no entries at all.
  const SourceSummary& s = batch.summary;
  if (Unreadable(s)) {
    const RejectRecord& r = *batch.rejects.first();
    return Status::DataError(path + ":" + std::to_string(r.line) + ": no entry could be read (" +
                             Thousands(static_cast<int64_t>(s.rejected)) +
                             " rejected; the first: " + std::string(RejectReasonName(r.reason)) +
                             ")");
  }
  if (s.plays + s.skipped + s.rejected == 0) {
    return Status::DataError(path + ": no entries (nothing to ingest)");
  }
  if (shape.format == InputFormat::kSpotifyAccount && zone == nullptr) {
    batch.warnings.push_back(
        "Spotify account data gives local times: taken as UTC. Give --timezone ZONE (such as "
        "Europe/Berlin or +09:00) the first time an account's files are ingested: a file taken "
        "in is not read again");
  }
  batch.fingerprint = fp.Hex();
  builder.CountUnmatched(store);
  batch.summary.tracks = batch.track_ids.size();
  batch.summary.unmatched_tracks = batch.unmatched_tracks;
  for (const auto& [day, bucket] : batch.days) {
    if (bucket.empty()) continue;
    if (batch.summary.first_day < 0) batch.summary.first_day = day;
    batch.summary.last_day = day;
  }
  for (const HistoryRec& r : batch.history) {
    const Day day = DayOfEpochMillis(r.start_ms);
    if (batch.summary.first_day < 0 || day < batch.summary.first_day) batch.summary.first_day = day;
    batch.summary.last_day = std::max(batch.summary.last_day, day);
  }
  return batch;
}

namespace {

template <typename T>
Status GatherRuns(std::vector<T>* out, std::vector<std::vector<T>>* runs,
                  std::vector<SpilledRun>* spilled, const SpillFile* spill) {
  size_t n = out->size();
  for (const auto& r : *runs) n += r.size();
  for (const auto& r : *spilled) n += r.count;
  if (n == out->size()) return Status::Ok();
  out->reserve(n);
  for (const SpilledRun& r : *spilled) {
    const size_t at = out->size();
    out->resize(at + r.count);
    ENCORE_RETURN_IF_ERROR(spill->ReadAt(r.offset, out->data() + at, r.count * sizeof(T)));
  }
  for (const auto& r : *runs) out->insert(out->end(), r.begin(), r.end());
  std::vector<std::vector<T>>().swap(*runs);
  std::vector<SpilledRun>().swap(*spilled);
  return Status::Ok();
}

}  // namespace

Status GatherDay(DayBucket* b, const SpillFile* spill) {
  ENCORE_RETURN_IF_ERROR(GatherRuns(&b->plays, &b->play_runs, &b->spilled_plays, spill));
  return GatherRuns(&b->totals, &b->total_runs, &b->spilled_totals, spill);
}

Result<FileBatch> ReadInputFile(const std::string& path, const CountStore& store, IdMap* ids,
                                const IngestOptions& options, const TimeZone* zone) {
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  return ReadInput(src.get(), path, store, ids, options, zone);
}

}  // namespace encore
