#include "ingest/file_reader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <unordered_set>

#include "common/byte_source.h"
#include "common/csv_scanner.h"
#include "common/file_system.h"
#include "common/hash.h"
#include "common/strings.h"
#include "ingest/chunk_parser.h"

namespace encore {
namespace {

enum class Format { kCsv, kJsonLines, kStreamingHistory };

Format FormatOf(const std::string& path) {
  const std::string base = StripCompressionExtension(path);
  if (EndsWith(base, ".jsonl") || EndsWith(base, ".ndjson")) return Format::kJsonLines;
  if (EndsWith(base, ".json")) return Format::kStreamingHistory;
  return Format::kCsv;
}

// Moves a chunk's records into the batch, mapping chunk-local ids to store ids.
class BatchBuilder {
 public:
  BatchBuilder(FileBatch* batch, IdMap* ids, const Catalog* catalog)
      : batch_(batch), ids_(ids), catalog_(catalog) {}

  Status Merge(ChunkParser& chunk) {
    std::vector<uint32_t> track_map, service_map;
    track_map.reserve(chunk.tracks().size());
    for (const auto& name : chunk.tracks().names()) {
      const uint32_t id = ids_->Track(name);
      track_map.push_back(id);
      if (seen_.insert(id).second) {
        batch_->track_ids.push_back(id);
        if (!catalog_ || !catalog_->TrackById(name)) ++batch_->unmatched_tracks;
      }
    }
    for (const auto& name : chunk.services().names()) {
      ENCORE_ASSIGN_OR_RETURN(uint32_t id, ids_->Service(name));
      service_map.push_back(id);
    }
    auto remap = [&](uint64_t cell) {
      return MakeCell(service_map[CellService(cell)], track_map[CellTrack(cell)],
                      CellCountry(cell));
    };
    for (auto& [day, bucket] : chunk.days()) {
      DayBucket& dst = batch_->days[day];
      for (auto& r : bucket.plays) r.cell = remap(r.cell);
      for (auto& r : bucket.totals) r.cell = remap(r.cell);
      if (dst.plays.empty()) {
        dst.plays = std::move(bucket.plays);
      } else {
        dst.plays.insert(dst.plays.end(), bucket.plays.begin(), bucket.plays.end());
      }
      dst.totals.insert(dst.totals.end(), bucket.totals.begin(), bucket.totals.end());
    }
    chunk.days().clear();
    for (auto& r : chunk.rejects()) batch_->rejects.push_back(std::move(r));
    batch_->summary.Add(chunk.summary());
    return Status::Ok();
  }

 private:
  FileBatch* batch_;
  IdMap* ids_;
  const Catalog* catalog_;
  std::unordered_set<uint32_t> seen_;
};

Status StrictCheck(const std::string& path, const std::vector<RejectRecord>& rejects) {
  if (rejects.empty()) return Status::Ok();
  const auto& r = *std::min_element(rejects.begin(), rejects.end(),
                                    [](const auto& a, const auto& b) { return a.line < b.line; });
  return Status::DataError(path + ":" + std::to_string(r.line) + ": " +
                           std::string(RejectReasonName(r.reason)) + " (strict mode)");
}

// CSV and JSON Lines: read in blocks, split each block at a record boundary, parse the halves in
// parallel.
Status ReadRecords(const std::string& path, Format format, ByteSource* src, const ParseRules& rules,
                   const IngestOptions& options, Fingerprinter* fp, FileBatch* batch, IdMap* ids) {
  const bool csv = format == Format::kCsv;
  const size_t pad = simdjson::SIMDJSON_PADDING;
  std::vector<char> buf(options.block_bytes + pad);
  size_t have = 0;
  uint64_t line = 1;
  bool eof = false;
  std::optional<CsvLayout> layout;
  BatchBuilder builder(batch, ids, options.catalog);
  while (!eof || have > 0) {
    while (!eof && have + pad < buf.size()) {
      ENCORE_ASSIGN_OR_RETURN(size_t got, src->Read(buf.data() + have, buf.size() - pad - have));
      if (got == 0) {
        eof = true;
        break;
      }
      fp->Update(std::string_view(buf.data() + have, got));
      have += got;
    }
    std::string_view data(buf.data(), have);
    size_t start = 0;
    if (csv && !layout && eof && have == 0) break;  // an empty file: reported below
    if (csv && !layout) {
      const size_t nl = data.find('\n');
      if (nl == std::string_view::npos && !eof) {  // a header longer than a block
        buf.resize(buf.size() * 2 - pad);
        continue;
      }
      std::string_view header = data.substr(0, nl == std::string_view::npos ? data.size() : nl);
      if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
      std::string error;
      layout = ParseCsvHeader(header, &error);
      if (!layout) return Status::DataError(path + ":1: " + error);
      batch->kind = layout->kind == CsvLayout::Kind::kPlays ? "plays-csv" : "daily-csv";
      start = nl == std::string_view::npos ? data.size() : nl + 1;
      ++line;
      ++batch->summary.lines;
    }
    std::string_view body = data.substr(start);
    size_t end = body.size();
    Boundaries b = FindBoundaries(body, csv);
    if (!eof) {
      if (b.last == 0) {  // no complete record yet: read more into a bigger buffer
        if (start > 0) {
          std::memmove(buf.data(), buf.data() + start, body.size());
          have = body.size();
        }
        buf.resize(buf.size() * 2 - pad);
        continue;
      }
      end = b.last;
    }
    const std::string_view work = body.substr(0, end);
    const size_t mid = (!eof ? b.mid : FindBoundaries(work, csv).mid);
    const bool split = options.threads > 1 && mid > 0 && mid < work.size();
    ChunkParser first(rules), second(rules);
    auto parse = [&](ChunkParser& p, std::string_view chunk, uint64_t first_line) {
      if (csv) {
        p.ParseCsv(chunk, first_line, *layout);
      } else {
        p.ParseJsonLines(chunk, first_line);
      }
    };
    if (split) {
      // The second half numbers its lines from 0; once the first half has counted its lines, the
      // numbers are shifted into place.
      std::thread t([&] { parse(second, work.substr(mid), 0); });
      parse(first, work.substr(0, mid), line);
      t.join();
      const uint64_t shift = line + first.summary().lines;
      for (auto& r : second.rejects()) r.line += shift;
    } else {
      parse(first, work, line);
    }
    line += first.summary().lines + (split ? second.summary().lines : 0);
    if (options.strict) {
      ENCORE_RETURN_IF_ERROR(StrictCheck(path, first.rejects()));
      ENCORE_RETURN_IF_ERROR(StrictCheck(path, second.rejects()));
    }
    ENCORE_RETURN_IF_ERROR(builder.Merge(first));
    if (split) ENCORE_RETURN_IF_ERROR(builder.Merge(second));
    const size_t consumed = start + end;
    std::memmove(buf.data(), buf.data() + consumed, have - consumed);
    have -= consumed;
    if (options.progress) options.progress(path, src->consumed(), src->file_size());
  }
  if (csv && !layout) return Status::DataError(path + ": empty file (no CSV header)");
  if (!csv) batch->kind = "plays-jsonl";
  return Status::Ok();
}

// Spotify's "Extended streaming history": one JSON array of plays of one listener.
Status ReadStreamingHistory(const std::string& path, ByteSource* src, const ParseRules& rules,
                            const IngestOptions& options, Fingerprinter* fp, FileBatch* batch,
                            IdMap* ids) {
  if (options.history_user.empty()) {
    return Status::InvalidArgument(path + ": a streaming-history file needs --user ID");
  }
  std::string content;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ENCORE_ASSIGN_OR_RETURN(size_t got, src->Read(buf.data(), buf.size()));
    if (got == 0) break;
    content.append(buf.data(), got);
  }
  fp->Update(content);
  batch->kind = "streaming-history";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(content);
  if (auto err = parser.parse(padded).get(root)) {
    return Status::DataError(path + ": not a JSON document (" + simdjson::error_message(err) + ")");
  }
  simdjson::dom::array entries;
  if (root.get_array().get(entries)) {
    return Status::DataError(path + ": a streaming-history file is a JSON array of plays");
  }
  ChunkParser chunk(rules);
  const std::string tier(TierName(options.history_tier));
  uint64_t index = 0;
  for (simdjson::dom::element e : entries) {
    ++index;
    ++chunk.summary().lines;
    const std::string raw = simdjson::minify(e);
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) {
      chunk.Reject(RejectReason::kBadJson, index, raw);
      continue;
    }
    simdjson::dom::element uri;
    if (obj["spotify_track_uri"].get(uri) || uri.is_null()) {
      ++chunk.summary().skipped;  // podcast episodes and audiobooks carry no track URI
      continue;
    }
    auto str = [&](const char* key) -> std::string_view {
      std::string_view v;
      return obj[key].get_string().get(v) ? std::string_view() : v;
    };
    int64_t ms = -1;
    std::string ms_text;
    simdjson::dom::element ms_el;
    if (!obj["ms_played"].get(ms_el)) {
      ms_text = (ms_el.get_int64().get(ms) || ms < 0) ? "x" : std::to_string(ms);
    }
    PlayFields f;
    f.ts = str("ts");
    f.user = options.history_user;
    f.track = str("spotify_track_uri");
    if (f.track.empty()) f.track = "\x01";  // not a string: rejected as a bad track
    f.ms_played = ms_text;
    f.country = str("conn_country");
    f.tier = tier;
    f.service = "spotify";
    chunk.AddPlay(f, index, raw);
  }
  if (options.strict) ENCORE_RETURN_IF_ERROR(StrictCheck(path, chunk.rejects()));
  BatchBuilder builder(batch, ids, options.catalog);
  return builder.Merge(chunk);
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

IdMap::IdMap(const CountStore& store) : store_(store), store_tracks_(store.tracks().size()) {
  for (uint32_t i = 0; i < store.services().size(); ++i) services_.emplace(store.services()[i], i);
}

uint32_t IdMap::Track(std::string_view name) {
  const uint32_t index = seen_.Intern(name);
  if (index < seen_ids_.size()) return seen_ids_[index];
  uint32_t id;
  if (auto known = store_.FindTrack(name)) {
    id = *known;
  } else {
    id = static_cast<uint32_t>(store_tracks_ + new_tracks.size());
    new_tracks.emplace_back(name);
  }
  seen_ids_.push_back(id);
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

Result<FileBatch> ReadInputFile(const std::string& path, const CountStore& store, IdMap* ids,
                                const IngestOptions& options) {
  ENCORE_ASSIGN_OR_RETURN(auto src, OpenByteSource(path));
  ParseRules rules;
  rules.min_ms = store.rules().min_ms;
  rules.sealed_before = store.sealed_before();
  rules.default_service = options.default_service;
  FileBatch batch;
  Fingerprinter fp;
  const Format format = FormatOf(path);
  if (format == Format::kStreamingHistory) {
    ENCORE_RETURN_IF_ERROR(ReadStreamingHistory(path, src.get(), rules, options, &fp, &batch, ids));
  } else {
    ENCORE_RETURN_IF_ERROR(ReadRecords(path, format, src.get(), rules, options, &fp, &batch, ids));
  }
  std::sort(batch.rejects.begin(), batch.rejects.end(),
            [](const RejectRecord& a, const RejectRecord& b) { return a.line < b.line; });
  batch.fingerprint = fp.Hex();
  batch.summary.tracks = batch.track_ids.size();
  batch.summary.unmatched_tracks = batch.unmatched_tracks;
  for (const auto& [day, bucket] : batch.days) {
    if (bucket.plays.empty() && bucket.totals.empty()) continue;
    if (batch.summary.first_day < 0) batch.summary.first_day = day;
    batch.summary.last_day = day;
  }
  return batch;
}

}  // namespace encore
