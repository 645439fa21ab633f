// The write endpoints (only with a token): an uploaded input file ingested as `encore ingest`
// does, and a catalog import. Uploads are kept under STORE/uploads/, so that every rejected line
// can be found again in the file it came from.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "views/views.h"
#include "encore/ingest.h"
#include "encore/sales.h"
#include "server/api.h"

namespace encore::server {

namespace {

using nlohmann::json;

// A file name fit to keep: its last component, of letters, digits, '.', '-' and '_'.
Result<std::string> SafeName(const std::string& name) {
  const std::string base = std::filesystem::path(name).filename().string();
  if (base.empty() || base.size() > 100 || base[0] == '.')
    return Status::InvalidArgument("name must be a file name such as plays-2024-01-02.csv.zst");
  for (char c : base) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      return Status::InvalidArgument("name may hold letters, digits, '.', '-' and '_' only");
  }
  return base;
}

// STORE/uploads/<UTC time>-<n>-<name>: a new path for each upload, holding `body`, or the file
// the server streamed it to (renamed: the same file system).
Result<std::string> KeepUpload(const std::string& dir, const std::string& name,
                               const std::string& body, const std::string& body_file = "") {
  static std::atomic<uint64_t> counter{0};
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "uploads", ec);
  if (ec) return Status::IoError("cannot create " + dir + "/uploads: " + ec.message());
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  std::string stamp = FormatTimestamp(secs);  // 2024-01-02T03:04:05Z
  std::erase(stamp, ':');
  const std::string path =
      (fs::path(dir) / "uploads" / (stamp + "-" + std::to_string(counter++) + "-" + name)).string();
  if (!body_file.empty()) {
    fs::rename(body_file, path, ec);
    if (ec) return Status::IoError("cannot keep the upload: " + ec.message());
    return path;
  }
  std::ofstream out(path, std::ios::binary);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return path;
}

json SummaryJson(const SourceSummary& s) {
  json skipped = json::object();
  for (size_t i = 0; i < kSkipKindCount; ++i) {
    if (s.skipped_by[i]) skipped[std::string(SkipKindName(static_cast<SkipKind>(i)))] = s.skipped_by[i];
  }
  return {{"lines", s.lines},       {"plays", s.plays},
          {"counted", s.counted},   {"capped", s.capped},
          {"short", s.short_plays}, {"rejected", s.rejected},
          {"skipped", skipped},     {"duplicates", s.duplicates},
          {"tracks", s.tracks},     {"unmatched_tracks", s.unmatched_tracks}};
}

// Messages about an upload name the file as it was sent, never where the server keeps it (nor the
// store's directory).
std::string Scrub(std::string m, const std::string& dir, const std::string& name) {
  const std::string kept = dir + "/uploads/";
  for (size_t at; (at = m.find(kept)) != std::string::npos;) {
    const size_t end = name.empty() ? std::string::npos : m.find(name, at + kept.size());
    m.replace(at, end == std::string::npos ? kept.size() : end + name.size() - at, name);
  }
  for (size_t at; (at = m.find(dir)) != std::string::npos;) m.replace(at, dir.size(), "STORE");
  return m;
}

Result<ApiReply> IngestUpload(const std::string& dir, const ApiRequest& r, std::string* name_out);

}  // namespace

Result<ApiReply> HandleIngest(const std::string& dir, const ApiRequest& r) {
  std::string name;
  Result<ApiReply> reply = IngestUpload(dir, r, &name);
  if (!reply.ok()) return Status(reply.status().code(), Scrub(reply.status().message(), dir, name));
  if (auto w = reply->body.find("warnings"); w != reply->body.end()) {
    for (auto& item : *w)
      if (item.is_string()) item = Scrub(item.get<std::string>(), dir, name);
  }
  return reply;
}

namespace {

Result<ApiReply> IngestUpload(const std::string& dir, const ApiRequest& r, std::string* name_out) {
  auto it = r.params.find("name");
  if (it == r.params.end())
    return Status::InvalidArgument("give the file's name: POST /api/v1/ingest?name=plays.csv");
  ENCORE_ASSIGN_OR_RETURN(const std::string name, SafeName(it->second));
  *name_out = name;
  IngestOptions o;
  for (const auto& [k, v] : r.params) {
    if (k == "user") {
      o.history_user = v;
    } else if (k == "timezone") {
      o.time_zone = v;
    } else if (k == "tier") {
      if (v != "premium" && v != "free") return Status::InvalidArgument("tier is premium or free");
      o.history_tier = v == "free" ? Tier::kFree : Tier::kPremium;
    } else if (k != "name") {
      return Status::InvalidArgument("unknown parameter '" + k + "' (name, user, tier, timezone)");
    }
  }
  std::error_code ec;
  if (r.body_file.empty() ? r.body.empty() : std::filesystem::file_size(r.body_file, ec) == 0)
    return Status::InvalidArgument("the request body (the file) is empty");
  ENCORE_ASSIGN_OR_RETURN(const std::string path, KeepUpload(dir, name, r.body, r.body_file));
  // Kept only when its lines were taken in (the rejects name it); a refused file or one ingested
  // before is removed.
  struct Unkept {
    const std::string& path;
    bool keep = false;
    ~Unkept() {
      std::error_code e;
      if (!keep) std::filesystem::remove(path, e);
    }
  } unkept{path};
  ApiReply reply;
  reply.body = {{"file", name}, {"kept_as", std::filesystem::path(path).filename().string()}};
  // Sales and airplay go to their own table (spec §2, §3); the rest are plays or daily totals.
  auto extra = DetectExtraInput(path);
  if (extra.ok() && *extra) {
    ENCORE_ASSIGN_OR_RETURN(const ExtraInputReport x, IngestExtraInput(dir, path, false));
    unkept.keep = !x.already_ingested;
    if (!unkept.keep) reply.body["kept_as"] = nullptr;
    reply.body["kind"] = x.kind == ExtraInput::kSales ? "sales" : "airplay";
    reply.body["state"] = x.already_ingested ? "already_ingested" : "ingested";
    reply.body["lines"] = x.lines;
    reply.body["rows"] = x.rows;
    reply.body["rejected"] = x.rejects.size();
    return reply;
  }
  ENCORE_ASSIGN_OR_RETURN(auto store, OpenStore(dir, StoreOptions{}));
  ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, LoadStoredCatalog(dir));
  o.catalog = &catalog;
  o.spill_dir = dir;
  ENCORE_ASSIGN_OR_RETURN(const IngestReport report, IngestFiles(store.get(), {path}, o));
  const FileOutcome& f = report.files.at(0);
  reply.body["kind"] = f.source.kind;
  reply.body["summary"] = SummaryJson(f.source.summary);
  if (!f.warnings.empty()) reply.body["warnings"] = f.warnings;
  reply.body["sealed_before"] =
      report.sealed_before ? json(FormatDate(*report.sealed_before)) : json();
  switch (f.state) {
    case FileOutcome::State::kIngested: {
      unkept.keep = true;
      reply.body["state"] = "ingested";
      ENCORE_ASSIGN_OR_RETURN(RecordsUpdate up,
                              UpdateRecords(dir, *store, &catalog, RecordsSettings{}));
      json news = json::array();
      for (const auto& n : up.news) news.push_back(views::NewsJson(n));
      reply.body["records"] = {{"days_read", up.days_read}, {"full", up.full}, {"news", news}};
      break;
    }
    case FileOutcome::State::kAlreadyIngested:
      reply.body["state"] = "already_ingested";
      reply.body["kept_as"] = nullptr;
      break;
    case FileOutcome::State::kFailed:
      return Status::DataError(f.error.message());
  }
  return reply;
}

}  // namespace

Result<ApiReply> HandleCatalog(const std::string& dir, const ApiRequest& r) {
  const json body = json::parse(r.body, nullptr, false);
  const char* kShape =
      "{\"artists\": \"artist_id,name,kind,country\\n…\", \"releases\": \"…\", "
      "\"tracks\": \"…\"} (the catalog files' text, doc/catalog.md)";
  if (!body.is_object())
    return Status::InvalidArgument(std::string("the body is not a JSON object: send ") + kShape);
  if (!body.contains("artists") || !body["artists"].is_string()) {
    return Status::InvalidArgument(std::string("the body has no \"artists\" text: send ") +
                                   kShape);
  }
  for (const auto& [k, v] : body.items()) {
    if (k != "artists" && k != "releases" && k != "tracks")
      return Status::InvalidArgument("unknown catalog file '" + k +
                                     "' (artists, releases, tracks)");
    if (!v.is_string()) return Status::InvalidArgument(k + " must be the file's text");
  }
  namespace fs = std::filesystem;
  ENCORE_ASSIGN_OR_RETURN(const std::string marker, KeepUpload(dir, "catalog", ""));
  const fs::path folder = marker + ".d";
  std::error_code ec;
  fs::create_directories(folder, ec);
  fs::remove(marker, ec);
  for (const auto& [k, v] : body.items()) {
    std::ofstream out(folder / (k + ".csv"), std::ios::binary);
    out << v.get<std::string>();
    out.close();
    if (!out) {
      fs::remove_all(folder, ec);
      return Status::IoError("cannot write the uploaded catalog");
    }
  }
  std::vector<CatalogIssue> issues;
  auto report = ImportCatalog(folder.string(), dir, &issues);
  if (!report.ok()) fs::remove_all(folder, ec);  // a refused catalog is not kept
  if (!report.ok()) {
    ApiReply reply;
    reply.status = 422;
    json list = json::array();
    // The first 1,000 problems (the message counts them all).
    for (size_t i = 0; i < issues.size() && i < 1000; ++i) list.push_back(issues[i].ToString());
    // The problems name the files, not where the server keeps them.
    reply.body = ErrorBody(422, "the catalog was not imported: " + std::to_string(issues.size()) +
                                    (issues.size() == 1 ? " problem" : " problems"));
    reply.body["error"]["details"] = list;
    reply.cacheable = false;
    return reply;
  }
  auto changes = [](const CatalogChanges& c) {
    return json{
        {"total", c.total}, {"added", c.added}, {"changed", c.changed}, {"removed", c.removed}};
  };
  ApiReply reply;
  reply.body = {{"artists", changes(report->artists)},
                {"releases", changes(report->releases)},
                {"tracks", changes(report->tracks)}};
  return reply;
}

}  // namespace encore::server
