// `encore serve`: the HTTP JSON API (doc/api/http.md) and the web dashboard (web/, built into the
// binary) over one store, with GNU libmicrohttpd (a thread per connection, within limits).
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
  int compute_slots = 2;         // uncached responses computed at once
  int compute_wait_ms = 10'000;  // how long a request waits for a slot (then 503)
  // Limits (doc/api/http.md, "Security and limits"); each binds before any body byte is kept.
  int max_connections = 1000;            // open connections in all (each has a thread)
  int max_connections_per_client = 256;  // open connections from one IP address
  int max_headers = 100;                 // header fields in a request (431 beyond)
  // A connection's memory for its request line and header fields as read and parsed (431, or 414
  // for a long request line, when they do not fit).
  size_t max_header_bytes = 32 * 1024;
  size_t max_uri = 8 * 1024;             // request target (414 beyond)
  size_t max_body = 64 * 1024;             // request body bytes of a read endpoint
  size_t max_upload = 256u * 1024 * 1024;  // body bytes of an ingest upload (with a token)
  // Body bytes of a catalog import (with a token): it is held and parsed in memory, about 45
  // bytes a byte; a larger catalog is for `encore catalog import` on the server.
  size_t max_catalog = 16u * 1024 * 1024;
  // Whole-request deadlines, not per read: the request line and headers (and a read endpoint's
  // body) within request_timeout_s of the connection's opening or of its previous answer; an
  // upload's body within upload_timeout_s of its headers; an answer sent within
  // response_timeout_s. An idle keep-alive connection is closed after keep_alive_timeout_s.
  int request_timeout_s = 10, upload_timeout_s = 300, response_timeout_s = 30;
  int keep_alive_timeout_s = 5;
  size_t cache_bytes = 64u * 1024 * 1024;  // responses kept per snapshot
  std::string web_root;  // serve the dashboard from this folder instead of the built-in files
  // Who may show the dashboard in a frame (CSP frame-ancestors): 'self' (default: pages of the
  // same origin), 'none', or origins such as https://news.example.com (ValidFrameAncestors).
  std::string frame_ancestors = "'self'";
  bool quiet = false;    // no request log on stderr
};

// kInvalidArgument unless `sources` is a CSP frame-ancestors list encore takes: 'self', 'none',
// or space-separated origins (scheme://host[:port], the host may start with *.).
Status ValidFrameAncestors(const std::string& sources);
// The X-Frame-Options header that agrees with it: DENY for 'none', SAMEORIGIN for 'self', none
// (empty) for other origins (the header cannot name them; browsers follow the CSP).
std::string FrameOptionsFor(const std::string& sources);

class Server {
 public:
  // Binds (kIoError when the address is taken, never a shared listen) and loads the store's first
  // snapshot; connections wait in the listen queue until Run.
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
