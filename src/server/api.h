// The HTTP API's endpoints over a snapshot of a store, independent of the HTTP library: a request
// is a method, a path and its parameters; a reply is a status, a JSON body and how long it may be
// cached. The endpoints are documented in doc/api/http.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "encore/catalog.h"
#include "encore/charts.h"
#include "encore/compile.h"
#include "encore/records.h"
#include "encore/sales.h"
#include "encore/status.h"
#include "encore/store.h"
#include "encore/store_feeds.h"

namespace encore::server {

struct ApiRequest {
  std::string method;  // GET, HEAD, POST, PUT
  std::string path;    // decoded, without the query string
  std::multimap<std::string, std::string> params;
  std::string body;
  // An upload streamed to disk (under STORE/uploads/) instead of `body`: the write endpoint takes
  // the file over (keeps it under its own name, or removes it when the upload is refused).
  std::string body_file;
  std::string target;  // the raw path and query: the cache key
};

struct ApiReply {
  int status = 200;
  nlohmann::json body;
  // "no-cache" (revalidate with the ETag) or, for periods that can no longer change,
  // "public, max-age=86400".
  std::string cache_control = "no-cache";
  bool cacheable = true;  // may be kept in the snapshot's response cache
  // When set (format=csv), the answer's bytes and their type instead of `body`.
  std::string text, content_type;
};

// A finished response, as kept in a snapshot's cache.
struct CachedResponse {
  int status = 200;
  std::string body, etag, cache_control;
  std::string content_type;  // empty: JSON
};

// Everything a request reads, loaded once per change of the store.
struct Snapshot {
  std::string dir;
  std::string stamp;  // what the store's files looked like (StoreStamp)
  std::chrono::system_clock::time_point loaded;
  std::unique_ptr<CountStore> store;
  Catalog catalog;
  RecordsSettings settings;
  RecordsState state;
  bool records_kept = false;  // the kept records were brought up to date (else computed)
  std::vector<NewsItem> news;
  // SQLite-backed; used under sqlite_mu (null: the store has none).
  std::unique_ptr<ChartHistory> history;
  std::unique_ptr<SalesData> sales;
  std::unique_ptr<StoreFeeds> feeds;  // null: no feed snapshots imported
  mutable std::mutex sqlite_mu;

  // Compiled chart series (every chart of a methodology and region up to the latest whose period
  // is counted, with runs): compiled once, then any date of it is a lookup.
  mutable std::mutex series_mu;
  mutable std::map<std::string, std::shared_ptr<const std::vector<CompiledChart>>> series;

  // The response cache: by request target, up to a byte budget.
  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, std::shared_ptr<const CachedResponse>> cache;
  mutable size_t cache_used = 0;

  const Catalog* catalog_or_null() const { return catalog.artists().empty() ? nullptr : &catalog; }
};

// The store directory's state as far as a snapshot is concerned: its manifest's and side files'
// sizes and modification times (not the kept records', which a snapshot's loading updates).
std::string StoreStamp(const std::string& dir);
Result<std::shared_ptr<Snapshot>> LoadSnapshot(const std::string& dir);

// Answers a read request (GET or HEAD under /api/v1/). Errors are Status codes; the server turns
// them into the error envelope.
Result<ApiReply> HandleRead(const Snapshot& s, const ApiRequest& r);

// The write endpoints (the server checks the token first). They change the store directory.
Result<ApiReply> HandleIngest(const std::string& dir, const ApiRequest& r);
Result<ApiReply> HandleCatalog(const std::string& dir, const ApiRequest& r);

// The HTTP status of an error, and its envelope: {"error": {"status", "code", "message"}}.
int HttpStatusOf(const Status& s);
nlohmann::json ErrorBody(int status, const std::string& message);

}  // namespace encore::server
