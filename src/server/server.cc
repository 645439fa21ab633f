// The HTTP side of `encore serve`: cpp-httplib, the snapshot that requests read, the response
// cache with ETags, the dashboard's files, and the limits (doc/api/http.md, "Security").
#include "server/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

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
#include "server/api.h"
#include "server/assets.h"

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

// Headers a request may carry once: two Host or Content-Length headers, or a Content-Length with
// a Transfer-Encoding, are how requests are smuggled past a proxy; refused (RFC 9112 §6.3).
std::string AmbiguousFraming(const httplib::Request& req) {
  if (req.get_header_value_count("Host") > 1) return "more than one Host header";
  if (req.get_header_value_count("Content-Length") > 1) return "more than one Content-Length";
  if (req.has_header("Content-Length") && req.has_header("Transfer-Encoding"))
    return "both Content-Length and Transfer-Encoding";
  return "";
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

}  // namespace

struct Server::Impl {
  ServeOptions opt;
  httplib::Server http;
  int port = 0;
  bool loopback = true;
  std::unique_ptr<Slots> slots;
  std::mutex snap_mu;
  std::shared_ptr<Snapshot> snap;
  std::mutex reload_mu, write_mu;
  std::atomic<int64_t> last_check{0};

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

  void SendJson(httplib::Response& res, int status, const std::string& body,
                const std::string& etag, const std::string& cache_control,
                const httplib::Request& req) {
    res.status = status;
    if (!etag.empty()) {
      res.set_header("ETag", etag);
      res.set_header("Cache-Control", cache_control);
      if (req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return;
      }
    } else {
      res.set_header("Cache-Control", "no-store");
    }
    res.set_content(body, "application/json; charset=utf-8");
  }

  void SendError(httplib::Response& res, int status, const std::string& message,
                 const httplib::Request& req, json details = json()) {
    json body = ErrorBody(status, message);
    body["error"]["request"] = req.method + " " + req.path;
    if (!details.is_null()) body["error"]["details"] = std::move(details);
    SendJson(res, status, Dump(body), "", "", req);
  }

  static ApiRequest ToApi(const httplib::Request& req) {
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    r.target = req.target;
    r.body = req.body;
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    return r;
  }

  void Read(const httplib::Request& req, httplib::Response& res) {
    auto s = Current();
    const bool cacheable = req.method == "GET" || req.method == "HEAD";
    if (cacheable) {
      std::shared_ptr<const CachedResponse> hit;
      {
        std::lock_guard<std::mutex> lock(s->cache_mu);
        if (auto it = s->cache.find(req.target); it != s->cache.end()) hit = it->second;
      }
      if (hit) {
        res.set_header("X-Cache", "hit");
        SendJson(res, hit->status, hit->body, hit->etag, hit->cache_control, req);
        return;
      }
    }
    if (!slots->Acquire(opt.compute_wait_ms)) {
      res.set_header("Retry-After", "1");
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
    out->body = Dump(reply->body);
    out->etag = EtagOf(out->body);
    out->cache_control = reply->cache_control;
    if (cacheable && reply->cacheable && out->status == 200) {
      std::lock_guard<std::mutex> lock(s->cache_mu);
      const size_t bytes = out->body.size() + req.target.size() + 64;
      if (s->cache_used + bytes <= opt.cache_bytes && s->cache.emplace(req.target, out).second)
        s->cache_used += bytes;
    }
    res.set_header("X-Cache", "miss");
    SendJson(res, out->status, out->body, out->etag, out->cache_control, req);
  }

  void Write(const httplib::Request& req, httplib::Response& res) {
    if (!TokenMatches(opt.token, req.get_header_value("Authorization"))) {
      res.set_header("WWW-Authenticate", "Bearer");
      SendError(res, 401, "this endpoint needs the server's token: Authorization: Bearer TOKEN",
                req);
      return;
    }
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
    SendJson(res, reply->status, Dump(reply->body), "", "", req);
  }

  // The dashboard's files: built in, or from --web-root (never outside it).
  void Static(const httplib::Request& req, httplib::Response& res) {
    const std::string path = req.path == "/" ? "/index.html" : req.path;
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                   "connect-src 'self'; frame-ancestors 'none'");
    if (!opt.web_root.empty()) {
      namespace fs = std::filesystem;
      std::error_code ec;
      // Both resolved to real paths, every symbolic link followed ("/a/../link" where a does not
      // exist is root/link, a link out of the root, not a file in it).
      const fs::path root = fs::canonical(opt.web_root, ec);
      fs::path file;
      if (!ec) file = fs::canonical(root / fs::path(path).relative_path(), ec);
      const std::string r = root.string() + "/";
      if (!ec && file.string().rfind(r, 0) == 0 && fs::is_regular_file(file, ec)) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        res.set_header("Cache-Control", "no-cache");
        res.set_content(ss.str(), ContentTypeOf(file.string()));
        return;
      }
    } else if (const Asset* a = FindAsset(path)) {
      const std::string etag = std::string("\"") + a->hash + "\"";
      res.set_header("ETag", etag);
      res.set_header("Cache-Control", "no-cache");
      if (req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return;
      }
      res.set_content(reinterpret_cast<const char*>(a->data), a->size, a->type);
      return;
    }
    res.status = 404;
    res.set_content("not found: " + req.path + "\n", "text/plain; charset=utf-8");
  }

  void Route(const httplib::Request& req, httplib::Response& res) {
    if (loopback && !LoopbackHost(req.get_header_value("Host"), opt.bind)) {
      SendError(res, 403, "this server answers requests for localhost only", req);
      return;
    }
    const bool api = req.path == "/api/v1" || req.path.rfind("/api/", 0) == 0;
    const bool write_path = req.path == "/api/v1/ingest" || req.path == "/api/v1/catalog";
    if (write_path) {
      const char* method = req.path == "/api/v1/ingest" ? "POST" : "PUT";
      if (opt.token.empty()) {
        SendError(res, 404,
                  "no such endpoint: the server is read-only (write endpoints exist when it is "
                  "started with --token)",
                  req);
      } else if (req.method != method) {
        res.set_header("Allow", method);
        SendError(res, 405, std::string("use ") + method, req);
      } else {
        Write(req, res);
      }
      return;
    }
    if (api) {
      if (req.method == "GET" || req.method == "HEAD" ||
          (req.method == "POST" && req.path == "/api/v1/check")) {
        Read(req, res);
      } else {
        res.set_header("Allow", "GET, HEAD");
        SendError(res, 405, "this API is read-only here: use GET", req);
      }
      return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      SendError(res, 405, "use GET", req);
      return;
    }
    Static(req, res);
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Start(const ServeOptions& options) {
  auto impl = std::make_unique<Impl>();
  Impl* p = impl.get();
  p->opt = options;
  p->loopback = IsLoopback(options.bind);
  p->slots = std::make_unique<Slots>(std::max(1, options.compute_slots));
  ENCORE_ASSIGN_OR_RETURN(p->snap, LoadSnapshot(options.store_dir));
  p->last_check = NowMs();

  httplib::Server& h = p->http;
  const int threads = std::max(2, options.threads);
  h.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  h.set_read_timeout(options.read_timeout_s, 0);
  h.set_write_timeout(options.write_timeout_s, 0);
  h.set_keep_alive_timeout(5);
  h.set_tcp_nodelay(true);  // else Nagle and delayed ACKs hold small answers ~40 ms
  h.set_keep_alive_max_count(10000);
  h.set_payload_max_length(options.token.empty() ? options.max_body : options.max_upload);
  h.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                         {"Referrer-Policy", "no-referrer"},
                         {"X-Frame-Options", "DENY"}});
  // Before any body byte is read: framing that could be smuggled, the Host check, and the token
  // of the write endpoints. A refused request closes its connection (its body is never read).
  h.set_pre_routing_handler([p](const httplib::Request& req, httplib::Response& res) {
    auto refuse = [&](int status, const std::string& message) {
      res.set_header("Connection", "close");
      p->SendError(res, status, message, req);
      return httplib::Server::HandlerResponse::Handled;
    };
    if (const std::string why = AmbiguousFraming(req); !why.empty())
      return refuse(400, "the request is ambiguous: " + why);
    if (p->loopback && !LoopbackHost(req.get_header_value("Host"), p->opt.bind))
      return refuse(403, "this server answers requests for localhost only");
    const bool write_path = req.path == "/api/v1/ingest" || req.path == "/api/v1/catalog";
    const bool writes = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    if (write_path && writes && p->opt.token.empty()) {
      return refuse(404,
                    "no such endpoint: the server is read-only (write endpoints exist when it is "
                    "started with --token)");
    }
    if (write_path && writes &&
        !TokenMatches(p->opt.token, req.get_header_value("Authorization"))) {
      res.set_header("WWW-Authenticate", "Bearer");
      return refuse(401, "this endpoint needs the server's token: Authorization: Bearer TOKEN");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto route = [p](const httplib::Request& req, httplib::Response& res) { p->Route(req, res); };
  // An upload is its body, whatever content type the client names (curl --data-binary sends
  // application/x-www-form-urlencoded, which httplib would parse as a form and cap at 8 KiB):
  // read as it comes, within the upload limit, then routed like any request.
  h.Post("/api/v1/ingest", [p](const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) {
    if (req.is_multipart_form_data()) {
      p->SendError(res, 415, "send the file as the request body, not as a multipart form", req);
      return;
    }
    httplib::Request whole = req;
    reader([&](const char* data, size_t n) {
      whole.body.append(data, n);
      return true;
    });
    p->Route(whole, res);
  });
  const std::string any = R"(/.*)";
  h.Get(any, route);
  h.Post(any, route);
  h.Put(any, route);
  h.Delete(any, route);
  h.Patch(any, route);
  h.Options(any, route);
  h.set_error_handler([p](const httplib::Request& req, httplib::Response& res) {
    // httplib's own refusals (body too large, URI too long, bad request): the same envelope.
    if (res.body.empty() && res.status >= 400) {
      std::string msg = res.status == 413   ? "the request body is larger than this server takes"
                        : res.status == 414 ? "the request URI is too long"
                                            : "the request was refused";
      p->SendError(res, res.status, msg, req);
    }
  });
  h.set_exception_handler(
      [p](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what += std::string(": ") + e.what();
        } catch (...) {
        }
        p->SendError(res, 500, what, req);
      });
  if (!options.quiet) {
    h.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %s %d %zu\n", req.remote_addr.c_str(), req.method.c_str(),
                   req.target.c_str(), res.status, res.body.size());
    });
  }
  // SO_REUSEADDR only (httplib's default adds SO_REUSEPORT, with which a second server on a
  // busy port starts anyway and the kernel splits the requests between the two).
  h.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (options.port == 0) {
    p->port = h.bind_to_any_port(options.bind);
  } else {
    p->port = h.bind_to_port(options.bind, options.port) ? options.port : -1;
  }
  if (p->port <= 0) {
    return Status::IoError("cannot listen on " + options.bind + ":" + std::to_string(options.port) +
                           " (is another server using the port? --port 0 takes any free one)");
  }
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
  std::thread waiter;
  std::atomic<bool> done{false};
  sigset_t set, old;
  if (signals) {
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    waiter = std::thread([this, set, &done] {
      int sig = 0;
      sigwait(&set, &sig);
      if (!done) impl_->http.stop();
    });
  }
  const bool ok = impl_->http.listen_after_bind();
  if (signals) {
    done = true;
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  if (!ok) return Status::IoError("the server stopped listening");
  return Status::Ok();
}

void Server::Stop() {
  if (impl_) impl_->http.stop();
}

}  // namespace encore::server
