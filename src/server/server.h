// `encore serve`: the HTTP JSON API (doc/api/http.md) and the web dashboard (web/, built into the
// binary) over one store, with cpp-httplib.
//
// Requests read an immutable snapshot of the store (counts, catalog, records, news, charts); a
// snapshot is replaced when the store's files change, and each keeps its own cache of responses.
// Thread-safety: Server's methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "encore/status.h"

namespace encore::server {

struct ServeOptions {
  std::string store_dir;
  std::string bind = "127.0.0.1";  // Default: loopback only.
  int port = 8080;                 // 0: any free port.
  // Write endpoints (POST /api/v1/ingest, PUT /api/v1/catalog) exist only when a token is set,
  // and demand it as `Authorization: Bearer TOKEN`. Default: none (read-only).
  std::string token;
  int threads = 16;                        // connections served at once
  int compute_slots = 2;                   // uncached responses computed at once
  int compute_wait_ms = 10'000;            // how long a request waits for a slot (then 503)
  size_t max_body = 64 * 1024;             // request body bytes, read-only server
  size_t max_upload = 256u * 1024 * 1024;  // request body bytes with a token (uploads)
  int read_timeout_s = 5, write_timeout_s = 10;
  size_t cache_bytes = 64u * 1024 * 1024;  // responses kept per snapshot
  std::string web_root;  // serve the dashboard from this folder instead of the built-in files
  bool quiet = false;    // no request log on stderr
};

class Server {
 public:
  // Binds (kIoError when the address is taken) and loads the store's first snapshot.
  static Result<std::unique_ptr<Server>> Start(const ServeOptions& options);
  ~Server();
  // "http://127.0.0.1:8080"
  std::string address() const;
  int port() const;
  // Serves until Stop() (from another thread) or SIGINT/SIGTERM when `signals` is set.
  Status Run(bool signals);
  void Stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace encore::server
