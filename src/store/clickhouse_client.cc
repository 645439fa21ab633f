#include "store/clickhouse_client.h"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace encore {

namespace {

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int h = hex(s[i + 1]), l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return !(s[0] >= '0' && s[0] <= '9');
}

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The first line of a ClickHouse exception ("Code: 60, e.displayText() = DB::Exception: ...").
std::string ExceptionText(std::string_view body) {
  std::string_view s = body.substr(0, 2000);
  if (const size_t nl = s.find('\n'); nl != std::string_view::npos) s = s.substr(0, nl);
  if (const size_t w = s.find(", e.what() = "); w != std::string_view::npos) s = s.substr(0, w);
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return std::string(s);
}

// ClickHouse's error code in an exception text ("Code: 279, e.displayText() = ..."); -1: none.
int ExceptionCode(std::string_view text) {
  const size_t at = text.find("Code: ");
  if (at == std::string_view::npos) return -1;
  return std::atoi(std::string(text.substr(at + 6, 8)).c_str());
}

// An error of the server at `name` (`body`: its answer, `sql` what was asked). A shard that the
// coordinator cannot reach (NETWORK_ERROR 210, SOCKET_TIMEOUT 209, ALL_CONNECTION_TRIES_FAILED
// 279) is kUnavailable, without the query: the cluster cannot answer now, and nothing was wrong with
// what was asked. Anything else is kInternal with the query's start.
Status ServerError(const std::string& name, std::string_view body, int http, std::string_view sql);

std::string Head(std::string_view sql) {
  std::string s(sql.substr(0, 120));
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (sql.size() > 120) s += "...";
  return s;
}

// A server that gave no answer (refused, cut off, timed out). The query is not named: what was
// asked is no help to whoever must restart the server (ENCORE_CLICKHOUSE_TRACE shows it).
Status NoAnswer(const std::string& name, const std::string& error, std::string_view) {
  return Status::Unavailable("ClickHouse at " + name + " does not answer (" + error +
                             " error): the server is down, unreachable or too slow");
}

Status ServerError(const std::string& name, std::string_view body, int http, std::string_view sql) {
  const std::string text = ExceptionText(body);
  const int code = ExceptionCode(text);
  // (ATTEMPT_TO_READ_AFTER_EOF 32 "while receiving packet from" a shard: it died mid-answer.)
  if (code == 209 || code == 210 || code == 279 ||
      (code == 32 && text.find("while receiving packet") != std::string::npos)) {
    return Status::Unavailable("ClickHouse at " + name +
                           " cannot reach a shard of its cluster, so it gives no answer rather "
                           "than part of one (" + text.substr(0, 200) +
                           "): a shard is down or too slow to answer (scripts/clickhouse-cluster.sh "
                           "status DIR shows a local cluster's shards)");
  }
  return Status::Internal("ClickHouse at " + name + ": " + text + " (HTTP " + std::to_string(http) +
                          ", query: " + Head(sql) + ")");
}

// Settings a server's profile might relax, held to what a store needs: an unavailable shard or a
// limit reached is an error, never a shorter answer.
// max_query_size: a store's queries name its committed attempts and days, which grow with it.
constexpr std::string_view kStrict =
    "&max_query_size=67108864&skip_unavailable_shards=0&read_overflow_mode=throw&result_overflow_mode=throw"
    "&set_overflow_mode=throw&transfer_overflow_mode=throw&timeout_overflow_mode=throw";

}  // namespace

bool IsClickHouseUrl(std::string_view s) {
  constexpr std::string_view kScheme = "clickhouse://";
  if (s.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != kScheme[i]) return false;
  }
  return true;
}

std::string ClickHouseEndpoint::Display() const {
  std::string s = "clickhouse://";
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (i) s += ",";
    s += hosts[i].host + ":" + std::to_string(hosts[i].port);
  }
  s += "/" + database;
  if (!cluster.empty()) s += "?cluster=" + cluster;
  return s;
}

Result<ClickHouseEndpoint> ParseClickHouseUrl(std::string_view url) {
  if (!IsClickHouseUrl(url)) {
    return Status::InvalidArgument("a ClickHouse store URL starts with clickhouse://");
  }
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("ClickHouse store URL: " + why +
                                   " (clickhouse://HOST:PORT[,HOST:PORT...]/DATABASE?cluster=NAME)");
  };
  std::string_view rest = url.substr(13);
  ClickHouseEndpoint e;
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("no /DATABASE");
  std::string_view authority = rest.substr(0, slash);
  e.database = UrlDecode(rest.substr(slash + 1));
  if (!IsIdentifier(e.database)) {
    // Not echoed when it may hold the rest of a password with a '/' in it.
    const bool echo = e.database.find_first_of("@:") == std::string::npos;
    return bad("the database " + (echo ? "'" + e.database + "' " : std::string()) +
               "is not a name of letters, digits and _ (a password with / must be written %2F)");
  }
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      e.user = UrlDecode(userinfo.substr(0, colon));
      e.password = UrlDecode(userinfo.substr(colon + 1));
    } else {
      e.user = UrlDecode(userinfo);
    }
  }
  while (!authority.empty()) {
    const size_t comma = authority.find(',');
    std::string_view hp = authority.substr(0, comma);
    authority = comma == std::string_view::npos ? std::string_view() : authority.substr(comma + 1);
    ClickHouseHost h;
    const size_t colon = hp.rfind(':');
    if (colon == std::string_view::npos) {
      h.host = std::string(hp);
    } else {
      h.host = std::string(hp.substr(0, colon));
      const std::string port(hp.substr(colon + 1));
      char* end = nullptr;
      const long p = std::strtol(port.c_str(), &end, 10);
      if (port.empty() || *end || p < 1 || p > 65535) return bad("the port '" + port + "'");
      h.port = static_cast<int>(p);
    }
    if (h.host.empty()) return bad("a host is empty");
    e.hosts.push_back(std::move(h));
  }
  if (e.hosts.empty()) return bad("no host");
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = kv.find('=');
    const std::string key(kv.substr(0, eq));
    const std::string value = eq == std::string_view::npos ? "" : UrlDecode(kv.substr(eq + 1));
    if (key == "cluster") {
      if (!IsIdentifier(value)) return bad("the cluster '" + value + "'");
      e.cluster = value;
    } else if (key == "user") {
      e.user = value;
    } else if (key == "password") {
      e.password = value;
    } else {
      return bad("unknown parameter '" + key + "' (cluster, user, password)");
    }
  }
  if (e.password.empty()) {
    if (const char* p = std::getenv("ENCORE_CLICKHOUSE_PASSWORD")) e.password = p;
  }
  if (e.hosts.size() > 1 && e.cluster.empty()) return bad("several hosts need ?cluster=NAME");
  return e;
}

ClickHouseClient::ClickHouseClient(ClickHouseHost host, const ClickHouseEndpoint& endpoint)
    : host_(std::move(host)),
      user_(endpoint.user),
      password_(endpoint.password) {}

ClickHouseClient::~ClickHouseClient() = default;

// A connection's limits: 5 s to connect, an hour for a query's answer (a seal of a big day).
void ClickHouseClient::Configure(httplib::Client* cli) const {
  cli->set_connection_timeout(5, 0);
  cli->set_read_timeout(3600, 0);
  cli->set_write_timeout(600, 0);
  cli->set_basic_auth(user_.c_str(), password_.c_str());
}

// With $ENCORE_CLICKHOUSE_TRACE set, each query's time, bytes sent (an insert's data) and
// received, and its start go to stderr (=full: the whole query).
class Trace {
 public:
  Trace(std::string_view sql, size_t body) : on_(std::getenv("ENCORE_CLICKHOUSE_TRACE") != nullptr) {
    if (!on_) return;
    const char* how = std::getenv("ENCORE_CLICKHOUSE_TRACE");
    sql_ = std::string_view(how) == "full" ? std::string(sql) : Head(sql);
    body_ = body;
    start_ = std::chrono::steady_clock::now();
  }
  ~Trace() {
    if (!on_) return;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "[clickhouse] %8.1f ms  sent %9zu B  got %9zu B  %s\n", ms, body_,
                 got_, sql_.c_str());
  }
  void Got(size_t n) { got_ += n; }

 private:
  bool on_;
  std::string sql_;
  size_t body_ = 0, got_ = 0;
  std::chrono::steady_clock::time_point start_;
};

Status ClickHouseClient::QueryStream(
    std::string_view sql, const std::vector<std::pair<std::string, std::string>>& settings,
    const std::function<bool(const char*, size_t)>& sink) const {
  Trace trace(sql, 0);
  // Sent as the POST body so that long statements need no long URL; the answer is buffered by
  // the server until the query ends (wait_end_of_query), so that an error is an HTTP status and
  // never text in the middle of data.
  std::string path = "/?wait_end_of_query=1" + std::string(kStrict);
  for (const auto& [k, v] : settings) path += "&" + UrlEncode(k) + "=" + UrlEncode(v);
  httplib::Client cli(host_.host, host_.port);
  Configure(&cli);
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = std::string(sql);
  req.set_header("Content-Type", "text/plain; charset=utf-8");
  std::string error_body;
  int status = 0;
  bool stopped = false;
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (status != 200) {
      if (error_body.size() < 4096) error_body.append(data, std::min<size_t>(n, 4096));
      return true;
    }
    trace.Got(n);
    if (!sink(data, n)) {
      stopped = true;
      return false;
    }
    return true;
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  const bool ok = cli.send(req, res, err);
  if (stopped) return Status::Ok();
  if (!ok) {
    return NoAnswer(Name(), httplib::to_string(err), sql);
  }
  if (res.status != 200) {
    return ServerError(Name(), error_body, res.status, sql);
  }
  return Status::Ok();
}

Result<std::string> ClickHouseClient::Query(
    std::string_view sql, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& settings) const {
  if (body.empty()) {
    std::string out;
    ENCORE_RETURN_IF_ERROR(QueryStream(sql, settings, [&](const char* d, size_t n) {
      out.append(d, n);
      return true;
    }));
    return out;
  }
  // An INSERT with data: the statement goes in the URL, the data as the body.
  Trace trace(sql, body.size());
  std::string path = "/?query=" + UrlEncode(sql) + std::string(kStrict);
  for (const auto& [k, v] : settings) path += "&" + UrlEncode(k) + "=" + UrlEncode(v);
  httplib::Client cli(host_.host, host_.port);
  Configure(&cli);
  auto res = cli.Post(path, body.data(), body.size(), "application/octet-stream");
  if (!res) {
    return NoAnswer(Name(), httplib::to_string(res.error()), sql);
  }
  if (res->status != 200) {
    return ServerError(Name(), res->body, res->status, sql);
  }
  return std::move(res->body);
}

std::string SqlQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace encore
