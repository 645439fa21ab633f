// The HTTP side of `encore serve`: GNU libmicrohttpd (a thread per connection), the limits and
// deadlines around it, the snapshot that requests read, the response cache with ETags and the
// dashboard's files (doc/api/http.md, "Security and limits").
//
// A request passes four gates before any body byte is kept, when its headers are in (Begin):
// the header count and URI length, unambiguous framing, the Host check, and for a write endpoint
// the token and the declared size. A body is then read within its limit (an upload straight to a
// file under STORE/uploads/), and the answer is computed in the connection's thread. A reaper
// thread closes connections past their whole-request deadlines (libmicrohttpd's own timeout is
// per read, which a client sending a byte a second never reaches).
#include "server/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <unordered_set>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/hash.h"
#include "common/text.h"
#include "server/api.h"
#include "server/assets.h"
#include "store/clickhouse_client.h"

namespace encore::server {

namespace {

using nlohmann::json;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string EtagOf(const std::string& body) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(Hash64(body)));
  return buf;
}

bool IsLoopback(const std::string& bind) {
  return bind == "127.0.0.1" || bind == "localhost" || bind == "::1" || bind.rfind("127.", 0) == 0;
}

// The Host header of a request to a loopback server must name the loopback exactly: "localhost",
// an IPv4 loopback address (127.0.0.0/8, all four numbers), "[::1]", or the name the server was
// bound to, each with an optional numeric port. A page elsewhere cannot reach it through DNS
// rebinding ("127.0.0.1.evil.com" is another name).
bool LoopbackHost(const std::string& host, const std::string& bind) {
  std::string h = host, port;
  if (!h.empty() && h[0] == '[') {
    const size_t close = h.find(']');
    if (close == std::string::npos) return false;
    port = h.substr(close + 1);
    h = h.substr(0, close + 1);
    if (!port.empty() && port[0] != ':') return false;
  } else if (auto c = h.find(':'); c != std::string::npos) {
    port = h.substr(c);
    h = h.substr(0, c);
  }
  if (!port.empty()) {
    if (port.size() < 2 || port.size() > 6) return false;
    for (size_t i = 1; i < port.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(port[i]))) return false;
  }
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (h == "localhost" || h == "[::1]" || (!bind.empty() && h == bind)) return true;
  in_addr a{};
  if (h.rfind("127.", 0) != 0 || ::inet_pton(AF_INET, h.c_str(), &a) != 1) return false;
  return true;
}

bool TokenMatches(const std::string& want, const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.rfind(prefix, 0) != 0) return false;
  const std::string got = header.substr(prefix.size());
  if (got.size() != want.size()) return false;
  unsigned diff = 0;  // compared in constant time
  for (size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned char>(want[i] ^ got[i]);
  return diff == 0;
}

// At most `slots` responses computed at once: requests beyond wait, then get 503.
class Slots {
 public:
  explicit Slots(int n) : free_(n) {}
  bool Acquire(int wait_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return free_ > 0; }))
      return false;
    --free_;
    return true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

// %XX decoded; '+' is a space in a query (application/x-www-form-urlencoded), not in a path.
std::string DecodeUrl(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// What the handlers read of a request.
struct Request {
  std::string method, target, path;  // target: as sent (the cache key); path: decoded
  std::multimap<std::string, std::string> params;
  std::string host, authorization, if_none_match, content_type;
  std::string body;       // a read endpoint's body, or the catalog
  std::string body_file;  // an upload, as streamed to disk
};

// An answer: status, headers and a body held by `keep` (a cached answer is sent without a copy).
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<const void> keep;
  const char* data = nullptr;
  size_t size = 0;

  void Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  void Body(std::string body, const char* type) {
    auto owned = std::make_shared<const std::string>(std::move(body));
    data = owned->data();
    size = owned->size();
    keep = std::move(owned);
    Header("Content-Type", type);
  }
  void Cached(std::shared_ptr<const CachedResponse> c) {
    data = c->body.data();
    size = c->body.size();
    const std::string type =
        c->content_type.empty() ? "application/json; charset=utf-8" : c->content_type;
    keep = std::move(c);
    Header("Content-Type", type);
  }
  void Static(const unsigned char* bytes, size_t n, const char* type) {
    data = reinterpret_cast<const char*>(bytes);
    size = n;
    keep = nullptr;
    Header("Content-Type", type);
  }
};

// One TCP connection, between libmicrohttpd's "started" and "closed" notices. `deadline_ms`
// (steady clock; 0: none while an answer is computed) is when the reaper closes it.
struct Connection {
  int fd = -1;
  std::string client;  // its address, for the log
  std::atomic<int64_t> deadline_ms{0};
  std::atomic<int> deadline_kind{0};  // what the deadline is for (the log's reason)
  bool closed_by_reaper = false;      // under Impl::conns_mu
};

enum DeadlineKind { kRequestDeadline = 0, kUploadDeadline = 1, kResponseDeadline = 2 };

// One request, from its request line (libmicrohttpd's URI callback) to its completion notice.
struct Exchange {
  Request req;
  bool begun = false;      // its headers were seen (Begin ran)
  bool answered = false;   // an answer was queued
  size_t limit = 0;        // body bytes it may send
  size_t received = 0;     // body bytes it sent
  std::FILE* file = nullptr;  // an upload's file while it streams
  int write_errno = 0;        // the upload's file could not be written
  ~Exchange() {
    if (file) std::fclose(file);
    // An upload the write endpoint did not take over (refused before it ran, cut off, failed).
    if (!req.body_file.empty()) ::unlink(req.body_file.c_str());
  }
};

}  // namespace

Status ValidFrameAncestors(const std::string& sources) {
  std::istringstream in(sources);
  size_t n = 0;
  bool none = false;
  for (std::string s; in >> s; ++n) {
    if (s == "'self'" || s == "'none'") {
      none = none || s == "'none'";
      continue;
    }
    const size_t scheme = s.find("://");
    const std::string host = scheme == std::string::npos ? "" : s.substr(scheme + 3);
    const bool ok_scheme = scheme != std::string::npos &&
                           (s.compare(0, scheme, "https") == 0 || s.compare(0, scheme, "http") == 0);
    const bool ok_host = !host.empty() && host.find_first_not_of(
                                              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789.-:*") == std::string::npos &&
                         host.find('*', 1) == std::string::npos;
    if (!ok_scheme || !ok_host) {
      return Status::InvalidArgument("--frame-ancestors takes 'self', 'none' or origins such as "
                                     "https://news.example.com, not '" + Printable(s) + "'");
    }
  }
  if (n == 0) return Status::InvalidArgument("--frame-ancestors is empty: give 'self', 'none' or origins");
  if (none && n > 1) return Status::InvalidArgument("--frame-ancestors: 'none' stands alone");
  return Status::Ok();
}

std::string FrameOptionsFor(const std::string& sources) {
  if (sources == "'none'") return "DENY";
  if (sources == "'self'") return "SAMEORIGIN";
  return "";
}

struct Server::Impl {
  ServeOptions opt;
  std::string frame_options = "SAMEORIGIN";
  int listen_fd = -1;
  int port = 0;
  bool loopback = true;
  std::unique_ptr<Slots> slots;
  std::mutex snap_mu;
  std::shared_ptr<Snapshot> snap;
  std::mutex reload_mu, write_mu;
  std::atomic<int64_t> last_check{0};
  std::atomic<uint64_t> upload_counter{0};
  std::vector<std::string> store_names;  // the store's directory as given and as an absolute path

  // Open connections (the reaper's list).
  std::mutex conns_mu;
  std::unordered_set<Connection*> conns;

  // Run until Stop.
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;

  // The current snapshot, replaced first when the store's files changed (looked at no more than
  // every 200 ms) or when `force` is set.
  std::shared_ptr<Snapshot> Current(bool force = false) {
    const int64_t now = NowMs();
    std::shared_ptr<Snapshot> cur;
    {
      std::lock_guard<std::mutex> lock(snap_mu);
      cur = snap;
    }
    if (!force && now - last_check.load() < 200) return cur;
    last_check = now;
    if (!force && StoreStamp(opt.store_dir) == cur->stamp) return cur;
    std::unique_lock<std::mutex> reloading(reload_mu, std::defer_lock);
    if (force) {
      reloading.lock();
    } else if (!reloading.try_lock()) {
      return cur;  // another request is loading the new one; this one reads the last
    }
    {
      std::lock_guard<std::mutex> lock(snap_mu);
      if (snap != cur && !force) return snap;
    }
    auto next = LoadSnapshot(opt.store_dir);
    if (!next.ok()) {
      if (!opt.quiet)
        std::fprintf(stderr, "encore serve: keeping the last snapshot: %s\n",
                     next.status().ToString().c_str());
      return cur;
    }
    std::lock_guard<std::mutex> lock(snap_mu);
    snap = std::move(*next);
    return snap;
  }

  static void SendJson(Response& res, int status, std::shared_ptr<const CachedResponse> out,
                       const Request& req) {
    res.status = status;
    if (!out->etag.empty()) {
      res.Header("ETag", out->etag);
      res.Header("Cache-Control", out->cache_control);
      if (req.if_none_match == out->etag) {
        res.status = 304;
        return;
      }
    } else {
      res.Header("Cache-Control", "no-store");
    }
    res.Cached(std::move(out));
  }

  // An error answer; its message names the store as STORE, never by where it is on the server.
  void SendError(Response& res, int status, std::string message, const Request& req,
                 json details = json()) const {
    if (status == 503) {
      // The store's cluster cannot answer (a shard down): which shard, and ClickHouse's own
      // words, go to the server's log, not to the client.
      std::fprintf(stderr, "encore serve: %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   Printable(message).c_str());
      message = "the store cannot reach a shard of its ClickHouse cluster now (down or too slow to "
                "answer: the server's log says which); try again later";
    }
    for (const std::string& dir : store_names) {
      for (size_t at; !dir.empty() && (at = message.find(dir)) != std::string::npos;)
        message.replace(at, dir.size(), "STORE");
    }
    json body = ErrorBody(status, message);
    body["error"]["request"] = req.method + " " + req.path;
    if (!details.is_null()) body["error"]["details"] = std::move(details);
    auto out = std::make_shared<CachedResponse>();
    out->body = Dump(body);
    SendJson(res, status, std::move(out), req);
  }

  static ApiRequest ToApi(Request& req) {
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    r.target = req.target;
    r.body = std::move(req.body);
    r.body_file = req.body_file;  // the Exchange still owns it: removed unless taken over
    r.params = req.params;
    return r;
  }

  void Read(Request& req, Response& res) {
    auto s = Current();
    const bool cacheable = req.method == "GET" || req.method == "HEAD";
    if (cacheable) {
      std::shared_ptr<const CachedResponse> hit;
      {
        std::lock_guard<std::mutex> lock(s->cache_mu);
        if (auto it = s->cache.find(req.target); it != s->cache.end()) hit = it->second;
      }
      if (hit) {
        res.Header("X-Cache", "hit");
        const int status = hit->status;
        SendJson(res, status, std::move(hit), req);
        return;
      }
    }
    if (!slots->Acquire(opt.compute_wait_ms)) {
      res.Header("Retry-After", "1");
      SendError(res, 503, "the server is busy computing other responses; try again", req);
      return;
    }
    const ApiRequest api = ToApi(req);
    Result<ApiReply> reply = Status::Internal("not run");
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        reply = HandleRead(*s, api);
      } catch (const std::exception& e) {
        reply = Status::Internal(std::string("unexpected error: ") + e.what());
      }
      // A store file of this snapshot was replaced under it (a writer collected it): read the
      // store again, once.
      if (reply.ok() || (reply.status().code() != StatusCode::kIoError &&
                         reply.status().code() != StatusCode::kCorruption))
        break;
      s = Current(true);
    }
    slots->Release();
    if (!reply.ok()) {
      SendError(res, HttpStatusOf(reply.status()), reply.status().message(), req);
      return;
    }
    auto out = std::make_shared<CachedResponse>();
    out->status = reply->status;
    // A CSV answer is its text, an empty table too (never the JSON under a CSV type).
    out->body = reply->content_type.empty() ? Dump(reply->body) : std::move(reply->text);
    out->content_type = reply->content_type;
    out->etag = EtagOf(out->body);
    out->cache_control = reply->cache_control;
    if (cacheable && reply->cacheable && out->status == 200) {
      std::lock_guard<std::mutex> lock(s->cache_mu);
      const size_t bytes = out->body.size() + req.target.size() + 64;
      if (s->cache_used + bytes <= opt.cache_bytes && s->cache.emplace(req.target, out).second)
        s->cache_used += bytes;
    }
    res.Header("X-Cache", "miss");
    const int status = out->status;
    SendJson(res, status, std::move(out), req);
  }

  // The token was checked when the headers came in (Begin).
  void Write(Request& req, Response& res) {
    std::lock_guard<std::mutex> one_writer(write_mu);
    const ApiRequest api = ToApi(req);
    Result<ApiReply> reply = Status::Internal("not run");
    try {
      reply = req.path == "/api/v1/ingest" ? HandleIngest(opt.store_dir, api)
                                           : HandleCatalog(opt.store_dir, api);
    } catch (const std::exception& e) {
      reply = Status::Internal(std::string("unexpected error: ") + e.what());
    }
    Current(true);  // what was written is what the next read sees
    if (!reply.ok()) {
      SendError(res, HttpStatusOf(reply.status()), reply.status().message(), req);
      return;
    }
    if (reply->body.contains("error"))  // a refusal the endpoint built (422): the same envelope
      reply->body["error"]["request"] = req.method + " " + req.path;
    auto out = std::make_shared<CachedResponse>();
    out->body = Dump(reply->body);
    SendJson(res, reply->status, std::move(out), req);
  }

  // The dashboard's files: built in, or from --web-root (never outside it).
  void Static(const Request& req, Response& res) {
    const std::string path = req.path == "/" ? "/index.html" : req.path;
    res.Header("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "connect-src 'self'; frame-ancestors " + opt.frame_ancestors);
    if (!opt.web_root.empty()) {
      namespace fs = std::filesystem;
      std::error_code ec;
      // Both resolved to real paths, every symbolic link followed ("/a/../link" where a does not
      // exist is root/link, a link out of the root, not a file in it).
      const fs::path root = fs::canonical(opt.web_root, ec);
      fs::path file;
      if (!ec) file = fs::canonical(root / fs::path(path).relative_path(), ec);
      const std::string r = root.string() == "/" ? "/" : root.string() + "/";
      if (!ec && file.string().rfind(r, 0) == 0 && fs::is_regular_file(file, ec)) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        res.Header("Cache-Control", "no-cache");
        res.Body(ss.str(), ContentTypeOf(file.string()));
        return;
      }
    } else if (const Asset* a = FindAsset(path)) {
      const std::string etag = std::string("\"") + a->hash + "\"";
      res.Header("ETag", etag);
      res.Header("Cache-Control", "no-cache");
      if (req.if_none_match == etag) {
        res.status = 304;
        return;
      }
      res.Static(a->data, a->size, a->type);
      return;
    }
    res.status = 404;
    res.Body("not found: " + req.path + "\n", "text/plain; charset=utf-8");
  }

  static bool IsWritePath(const std::string& path) {
    return path == "/api/v1/ingest" || path == "/api/v1/catalog";
  }
  static const char* WriteMethod(const std::string& path) {
    return path == "/api/v1/ingest" ? "POST" : "PUT";
  }

  // Every request whose headers passed Begin's gates.
  void Route(Request& req, Response& res) {
    if (IsWritePath(req.path)) {
      const char* method = WriteMethod(req.path);
      if (opt.token.empty()) {
        SendError(res, 404,
                  "no such endpoint: the server is read-only (write endpoints exist when it is "
                  "started with --token)",
                  req);
      } else if (req.method != method) {
        res.Header("Allow", method);
        SendError(res, 405, std::string("use ") + method, req);
      } else {
        Write(req, res);
      }
      return;
    }
    if (req.path == "/api/v1" || req.path.rfind("/api/", 0) == 0) {
      if (req.method == "GET" || req.method == "HEAD" ||
          (req.method == "POST" && req.path == "/api/v1/check")) {
        Read(req, res);
      } else {
        res.Header("Allow", "GET, HEAD");
        SendError(res, 405, "this API is read-only here: use GET", req);
      }
      return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      res.Header("Allow", "GET, HEAD");
      SendError(res, 405, "use GET", req);
      return;
    }
    Static(req, res);
  }

  // --- libmicrohttpd's side -------------------------------------------------------------------

  static Connection* ConnectionOf(MHD_Connection* c) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? static_cast<Connection*>(info->socket_context) : nullptr;
  }

  void SetDeadline(MHD_Connection* c, int seconds, DeadlineKind kind) {
    if (Connection* conn = ConnectionOf(c)) {
      conn->deadline_kind = kind;
      conn->deadline_ms = seconds > 0 ? NowMs() + int64_t{seconds} * 1000 : 0;
    }
  }

  // Sends `res` (libmicrohttpd sends it after the handler returns; a request whose body was not
  // read has its connection closed after the answer).
  MHD_Result Queue(MHD_Connection* c, Exchange* x, Response& res) {
    auto* keep = new std::shared_ptr<const void>(std::move(res.keep));
    MHD_Response* r = MHD_create_response_from_buffer_with_free_callback_cls(
        res.size, const_cast<char*>(res.data),
        [](void* cls) { delete static_cast<std::shared_ptr<const void>*>(cls); }, keep);
    if (!r) {
      delete keep;
      return MHD_NO;
    }
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (!frame_options.empty()) MHD_add_response_header(r, "X-Frame-Options", frame_options.c_str());
    for (const auto& [k, v] : res.headers) MHD_add_response_header(r, k.c_str(), v.c_str());
    const MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(res.status), r);
    MHD_destroy_response(r);
    x->answered = true;
    SetDeadline(c, opt.response_timeout_s, kResponseDeadline);
    if (!opt.quiet) {
      std::fprintf(stderr, "%s %s %s %d %zu\n", ClientOf(c).c_str(), x->req.method.c_str(),
                   x->req.target.c_str(), res.status, res.size);
    }
    return ok;
  }

  static std::string ClientOf(MHD_Connection* c) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[NI_MAXHOST] = "?";
    if (info && info->client_addr) {
      const socklen_t len = info->client_addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6)
                                                                      : sizeof(sockaddr_in);
      ::getnameinfo(info->client_addr, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
    }
    return host;
  }

  // A refusal when the headers are in: the body, if any, is never read, and the connection is
  // closed after the answer.
  MHD_Result Refuse(MHD_Connection* c, Exchange* x, int status, const std::string& message,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    Response res;
    res.headers = std::move(headers);
    res.Header("Connection", "close");
    SendError(res, status, message, x->req);
    return Queue(c, x, res);
  }

  // The headers are in: the gates, then either the answer at once or the body's reading.
  MHD_Result Begin(MHD_Connection* c, Exchange* x, const char* method) {
    x->begun = true;
    Request& req = x->req;
    req.method = method;
    const size_t q = req.target.find('?');
    req.path = DecodeUrl(std::string_view(req.target).substr(0, q), false);
    if (q != std::string::npos) {
      std::string_view query = std::string_view(req.target).substr(q + 1);
      while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (!pair.empty()) {
          const size_t eq = pair.find('=');
          req.params.emplace(DecodeUrl(pair.substr(0, eq), true),
                             eq == std::string_view::npos ? "" : DecodeUrl(pair.substr(eq + 1), true));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
      }
    }
    struct Seen {
      Request* req = nullptr;
      int fields = 0, hosts = 0, lengths = 0, encodings = 0;
      std::string length, encoding;
      const char* malformed = nullptr;
    } seen;
    seen.req = &req;
    MHD_get_connection_values_n(
        c, MHD_HEADER_KIND,
        [](void* cls, MHD_ValueKind, const char* key, size_t key_size, const char* value,
           size_t value_size) -> MHD_Result {
          auto* s = static_cast<Seen*>(cls);
          ++s->fields;
          // A field name is a token (RFC 9110 §5.1): "Content-Length " (a space before the
          // colon) is how a request is smuggled past a proxy that reads it as Content-Length.
          // A value holds no control character but tab, and no NUL (which would cut it short).
          static constexpr std::string_view kTokenPunct = "!#$%&'*+-.^_`|~";
          bool name_ok = key_size > 0;
          for (size_t i = 0; i < key_size; ++i) {
            const unsigned char ch = static_cast<unsigned char>(key[i]);
            if (!std::isalnum(ch) && kTokenPunct.find(static_cast<char>(ch)) == std::string::npos)
              name_ok = false;
          }
          bool value_ok = true;
          for (size_t i = 0; i < value_size; ++i) {
            const unsigned char ch = static_cast<unsigned char>(value[i]);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f) value_ok = false;
          }
          if (!name_ok) s->malformed = "a header field name that is not a token";
          if (!value_ok) s->malformed = "a control character in a header field's value";
          const std::string v = value ? std::string(value, value_size) : "";
          if (strcasecmp(key, "Host") == 0) {
            if (s->hosts++ == 0) s->req->host = v;
          } else if (strcasecmp(key, "Content-Length") == 0) {
            ++s->lengths;
            s->length = v;
          } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
            ++s->encodings;
            s->encoding = v;
          } else if (strcasecmp(key, "Authorization") == 0) {
            s->req->authorization = v;
          } else if (strcasecmp(key, "If-None-Match") == 0) {
            s->req->if_none_match = v;
          } else if (strcasecmp(key, "Content-Type") == 0) {
            s->req->content_type = v;
          }
          return MHD_YES;
        },
        &seen);
    if (seen.malformed) return Refuse(c, x, 400, std::string("the request has ") + seen.malformed);
    if (seen.fields > opt.max_headers) {
      return Refuse(c, x, 431,
                    "the request has " + std::to_string(seen.fields) +
                        " header fields; this server takes up to " +
                        std::to_string(opt.max_headers));
    }
    if (req.target.size() > opt.max_uri) {
      return Refuse(c, x, 414,
                    "the request URI is " + std::to_string(req.target.size()) +
                        " bytes; this server takes up to " + std::to_string(opt.max_uri));
    }
    // Framing a proxy and this server could read two ways is how requests are smuggled
    // (RFC 9112 §6.3): refused.
    if (seen.hosts > 1) return Refuse(c, x, 400, "the request is ambiguous: more than one Host");
    if (seen.lengths > 1)
      return Refuse(c, x, 400, "the request is ambiguous: more than one Content-Length");
    if (seen.lengths && seen.encodings)
      return Refuse(c, x, 400,
                    "the request is ambiguous: both Content-Length and Transfer-Encoding");
    if (seen.encodings > 1 || (seen.encodings && strcasecmp(seen.encoding.c_str(), "chunked") != 0))
      return Refuse(c, x, 501, "the only transfer encoding taken is a single 'chunked'");
    if (loopback && !LoopbackHost(req.host, opt.bind))
      return Refuse(c, x, 403, "this server answers requests for localhost only");
    uint64_t length = 0;
    if (seen.lengths) {
      char* end = nullptr;
      errno = 0;
      length = std::strtoull(seen.length.c_str(), &end, 10);
      if (seen.length.empty() || *end || errno || !std::isdigit(static_cast<unsigned char>(seen.length[0])))
        return Refuse(c, x, 400, "the Content-Length is not a number");
    }
    const bool has_body = length > 0 || seen.encodings;
    const bool write_path = IsWritePath(req.path);
    const bool writes = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    if (write_path && writes) {
      if (opt.token.empty()) {
        return Refuse(c, x, 404,
                      "no such endpoint: the server is read-only (write endpoints exist when it "
                      "is started with --token)");
      }
      if (!TokenMatches(opt.token, req.authorization)) {
        return Refuse(c, x, 401,
                      "this endpoint needs the server's token: Authorization: Bearer TOKEN",
                      {{"WWW-Authenticate", "Bearer"}});
      }
    }
    const bool upload = write_path && req.method == WriteMethod(req.path);
    const bool takes_body = upload || (req.path == "/api/v1/check" && req.method == "POST");
    // Answered in the next call (an answer queued in this one closes the connection: it would
    // leave a body unread) ...
    if (!has_body) return MHD_YES;
    // ... unless there is a body this request has no use for: never read, the connection closed.
    if (!takes_body) return Answer(c, x);
    x->limit = !upload ? opt.max_body : req.path == "/api/v1/ingest" ? opt.max_upload : opt.max_catalog;
    if (seen.encodings && !upload)
      return Refuse(c, x, 411, "a body sent here needs a Content-Length");
    if (length > x->limit) {
      return Refuse(c, x, 413,
                    "the request body is larger than this endpoint takes: " +
                        std::to_string(length) + " bytes, up to " + std::to_string(x->limit));
    }
    if (req.path == "/api/v1/ingest") {
      if (req.content_type.rfind("multipart/", 0) == 0)
        return Refuse(c, x, 415, "send the file as the request body, not as a multipart form");
      if (!OpenUpload(x)) {
        return Refuse(c, x, 500,
                      std::string("cannot keep the upload: ") + std::strerror(x->write_errno));
      }
    }
    // An upload's body has its own deadline from here; a read endpoint's body stays within the
    // request's (from the connection's opening or its previous answer).
    if (upload) SetDeadline(c, opt.upload_timeout_s, kUploadDeadline);
    return MHD_YES;  // libmicrohttpd answers "Expect: 100-continue" and reads the body
  }

  // STORE/uploads/.incoming-PID-N: the upload as it streams (the ingest endpoint renames it).
  bool OpenUpload(Exchange* x) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path dir = fs::path(opt.store_dir) / "uploads";
    fs::create_directories(dir, ec);
    const std::string path = (dir / (".incoming-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(upload_counter++)))
                                 .string();
    x->file = std::fopen(path.c_str(), "wbx");
    if (!x->file) {
      x->write_errno = errno;
      return false;
    }
    x->req.body_file = path;
    return true;
  }

  MHD_Result Receive(Exchange* x, const char* data, size_t* size) {
    const size_t n = *size;
    *size = 0;
    if (x->received + n > x->limit) {
      // Only a chunked upload gets here (a declared length was checked): no answer can be sent
      // in the middle of a body, so the connection is closed.
      if (!opt.quiet)
        std::fprintf(stderr, "encore serve: closed an upload past %zu bytes: %s\n", x->limit,
                     x->req.target.c_str());
      return MHD_NO;
    }
    x->received += n;
    if (x->file) {
      if (!x->write_errno && std::fwrite(data, 1, n, x->file) != n) x->write_errno = errno;
    } else {
      x->req.body.append(data, n);
    }
    return MHD_YES;
  }

  // The whole request is in: compute the answer in this connection's thread and send it.
  MHD_Result Answer(MHD_Connection* c, Exchange* x) {
    SetDeadline(c, 0, kRequestDeadline);
    Response res;
    if (x->file) {
      if (std::fclose(x->file) != 0 && !x->write_errno) x->write_errno = errno;
      x->file = nullptr;
      if (x->write_errno) {
        SendError(res, 507,
                  std::string("cannot keep the upload: ") + std::strerror(x->write_errno), x->req);
        return Queue(c, x, res);
      }
    }
    try {
      Route(x->req, res);
    } catch (const std::exception& e) {
      res = Response();
      SendError(res, 500, std::string("unexpected error: ") + e.what(), x->req);
    }
    return Queue(c, x, res);
  }

  static MHD_Result OnRequest(void* cls, MHD_Connection* c, const char* /*url*/,
                              const char* method, const char* /*version*/,
                              const char* upload_data, size_t* upload_data_size, void** req_cls) {
    auto* p = static_cast<Impl*>(cls);
    auto* x = static_cast<Exchange*>(*req_cls);
    if (!x) return MHD_NO;  // the URI callback always makes one
    if (!x->begun) return p->Begin(c, x, method);
    if (*upload_data_size) return p->Receive(x, upload_data, upload_data_size);
    if (x->answered) return MHD_YES;
    return p->Answer(c, x);
  }

  static void* OnUri(void* /*cls*/, const char* uri, MHD_Connection* /*c*/) {
    auto* x = new Exchange;
    x->req.target = uri ? uri : "";
    return x;
  }

  static void OnCompleted(void* cls, MHD_Connection* c, void** req_cls,
                          MHD_RequestTerminationCode) {
    auto* p = static_cast<Impl*>(cls);
    delete static_cast<Exchange*>(*req_cls);
    *req_cls = nullptr;
    // The next request (keep-alive) must be in within the request deadline.
    p->SetDeadline(c, p->opt.request_timeout_s, kRequestDeadline);
  }

  static void OnConnection(void* cls, MHD_Connection* c, void** socket_context,
                           MHD_ConnectionNotificationCode code) {
    auto* p = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* conn = new Connection;
      if (const MHD_ConnectionInfo* info =
              MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD))
        conn->fd = info->connect_fd;
      if (!p->opt.quiet) conn->client = ClientOf(c);
      conn->deadline_ms = NowMs() + int64_t{p->opt.request_timeout_s} * 1000;
      *socket_context = conn;
      std::lock_guard<std::mutex> lock(p->conns_mu);
      p->conns.insert(conn);
    } else if (auto* conn = static_cast<Connection*>(*socket_context)) {
      // Before libmicrohttpd closes the socket: the reaper never touches a reused descriptor.
      {
        std::lock_guard<std::mutex> lock(p->conns_mu);
        p->conns.erase(conn);
      }
      delete conn;
      *socket_context = nullptr;
    }
  }

  // Every 100 ms: connections past their deadline are shut down (libmicrohttpd then closes them).
  void Reap() {
    static const char* const kWhat[] = {"no whole request", "no whole upload",
                                        "the answer not taken"};
    std::unique_lock<std::mutex> lock(stop_mu);
    while (!stop_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping; })) {
      const int64_t now = NowMs();
      std::lock_guard<std::mutex> held(conns_mu);
      for (Connection* conn : conns) {
        const int64_t d = conn->deadline_ms.load();
        if (d == 0 || now < d || conn->closed_by_reaper || conn->fd < 0) continue;
        conn->closed_by_reaper = true;
        ::shutdown(conn->fd, SHUT_RDWR);
        if (!opt.quiet) {
          std::fprintf(stderr, "encore serve: closed a connection from %s: %s in time\n",
                       conn->client.c_str(), kWhat[conn->deadline_kind.load()]);
        }
      }
    }
  }

  static void Log(void* /*cls*/, const char* fmt, va_list ap) {
    std::fputs("encore serve: ", stderr);
    std::vfprintf(stderr, fmt, ap);
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() {
  Stop();
  if (impl_ && impl_->listen_fd >= 0) ::close(impl_->listen_fd);
}

namespace {

// The listening socket, SO_REUSEADDR only: with SO_REUSEPORT a second server on a busy port
// would start and the kernel would split the requests between the two.
Result<int> Listen(const std::string& bind, int port, int* bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(bind.c_str(), service.c_str(), &hints, &found); rc != 0)
    return Status::InvalidArgument("cannot listen on '" + bind + "': " + ::gai_strerror(rc));
  std::string why = "no address";
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (a->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return Status::IoError("cannot listen on " + bind + ":" + std::to_string(port) + ": " + why +
                           " (is another server using the port? --port 0 takes any free one)");
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *bound_port = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                                 : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return fd;
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServeOptions& options) {
  auto impl = std::make_unique<Impl>();
  Impl* p = impl.get();
  p->opt = options;
  ENCORE_RETURN_IF_ERROR(ValidFrameAncestors(options.frame_ancestors));
  p->frame_options = FrameOptionsFor(options.frame_ancestors);
  p->loopback = IsLoopback(options.bind);
  p->slots = std::make_unique<Slots>(std::max(1, options.compute_slots));
  ENCORE_ASSIGN_OR_RETURN(p->snap, LoadSnapshot(options.store_dir));
  p->last_check = NowMs();
  {
    std::error_code e;
    const std::string absolute = std::filesystem::absolute(options.store_dir, e).string();
    p->store_names = {absolute};
    // A relative name says nothing of the server's file system (and a short one, "s", would
    // replace every s).
    if (!options.store_dir.empty() && options.store_dir[0] == '/' && options.store_dir != absolute)
      p->store_names.push_back(options.store_dir);
    // A ClickHouse store: its URL and its hosts are the server's business too.
    if (auto ep = ParseClickHouseUrl(p->snap->store->Name()); ep.ok()) {
      p->store_names.push_back(p->snap->store->Name());
      for (const auto& h : ep->hosts) p->store_names.push_back(h.host + ":" + std::to_string(h.port));
    }
  }
  // Uploads a previous server was receiving when it stopped.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(options.store_dir) / "uploads", ec)) {
    if (e.path().filename().string().rfind(".incoming-", 0) == 0)
      std::filesystem::remove(e.path(), ec);
  }
  ENCORE_ASSIGN_OR_RETURN(p->listen_fd, Listen(options.bind, options.port, &p->port));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::string Server::address() const {
  const std::string& b = impl_->opt.bind;
  const std::string host = b.find(':') != std::string::npos ? "[" + b + "]"
                           : b == "0.0.0.0"                 ? "127.0.0.1"
                                                            : b;
  return "http://" + host + ":" + std::to_string(impl_->port);
}

int Server::port() const { return impl_->port; }

Status Server::Run(bool signals) {
  Impl* p = impl_.get();
  std::thread waiter;
  std::atomic<bool> done{false};
  sigset_t set, old;
  if (signals) {
    // Blocked before any thread starts, so that every thread inherits the mask and the waiter
    // alone takes the signal.
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    waiter = std::thread([this, set, &done] {
      int sig = 0;
      sigwait(&set, &sig);
      if (!done) Stop();
    });
  }
  std::thread reaper([p] { p->Reap(); });
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(p->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                   MHD_USE_POLL | MHD_USE_TURBO;
  if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (!p->opt.quiet) flags |= MHD_USE_ERROR_LOG;
  const ServeOptions& o = p->opt;
  MHD_Daemon* daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Impl::OnRequest, p,  //
      MHD_OPTION_EXTERNAL_LOGGER, &Impl::Log, p,        //
      MHD_OPTION_LISTEN_SOCKET, static_cast<MHD_socket>(p->listen_fd),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(std::max(1, o.max_connections)),
      MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      static_cast<unsigned>(std::max(1, o.max_connections_per_client)),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(std::max(1, o.keep_alive_timeout_s)),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(o.max_header_bytes),
      MHD_OPTION_STRICT_FOR_CLIENT, 1,  //
      MHD_OPTION_URI_LOG_CALLBACK, &Impl::OnUri, p,  //
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::OnCompleted, p,  //
      MHD_OPTION_NOTIFY_CONNECTION, &Impl::OnConnection, p,  //
      MHD_OPTION_END);
  Status status = Status::Ok();
  if (!daemon) {
    status = Status::IoError("the HTTP server could not start");
    Stop();
  } else {
    p->listen_fd = -1;  // libmicrohttpd's now: it closes it when stopped
  }
  {
    std::unique_lock<std::mutex> lock(p->stop_mu);
    p->stop_cv.wait(lock, [p] { return p->stopping; });
  }
  if (daemon) MHD_stop_daemon(daemon);
  reaper.join();
  if (signals) {
    done = true;
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    // A second Ctrl-C or SIGTERM during the shutdown is taken here, not by the default action
    // once the mask is restored (which would end the process with 130 or 143 instead of 0).
    const timespec now{0, 0};
    while (sigtimedwait(&set, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  return status;
}

void Server::Stop() {
  if (!impl_) return;
  {
    std::lock_guard<std::mutex> lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
}

}  // namespace encore::server
