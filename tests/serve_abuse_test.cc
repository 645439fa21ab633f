// `encore serve` tried as an attacker would, on loopback (issue 14; the limits are in
// doc/api/http.md, "Security and limits"): bodies of a gigabyte with and without a token,
// clients that send a header line every two seconds, a million headers, idle keep-alive
// clients, connection limits and whole-request deadlines. Every case is bounded in time and in
// count, and the server's memory is read from /proc after it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "served.h"
#include "test_util.h"

namespace encore::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kDemo = ENCORE_DEMO_STORE;
const std::string kToken = "an-abuse-test-token-0123";

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double P99(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * 99 / 100)];
}

// Sends `head` then up to `body_bytes` of body (as chunks when `chunked`) while another thread
// reads the answer. Returns the answer's status (0: none) and how many body bytes the server
// took before it closed the connection.
struct Flood {
  int status = 0;
  std::string body;
  uint64_t sent = 0;
  bool closed = false;  // the server stopped taking the body
};
Flood SendFlood(int port, const std::string& head, uint64_t body_bytes, bool chunked) {
  RawConn c(port);
  Flood f;
  if (!c.ok()) return f;
  std::thread reader([&] {
    auto [status, body] = c.Reply(60'000);
    f.status = status;
    f.body = body;
  });
  const auto end = Clock::now() + std::chrono::seconds(60);
  bool ok = c.Send(head);
  const std::string block(1 << 20, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", block.size());
  const std::string chunk = std::string(size_line) + block + "\r\n";
  while (ok && f.sent < body_bytes && Clock::now() < end) {
    ok = c.Send(chunked ? chunk : block);
    if (ok) f.sent += block.size();
  }
  if (ok && chunked) ok = c.Send("0\r\n\r\n");
  f.closed = !ok;
  ::shutdown(c.fd(), SHUT_WR);
  reader.join();
  std::printf("%.60s...: answered %d after %llu MiB of body sent\n", head.c_str(), f.status,
              static_cast<unsigned long long>(f.sent >> 20));
  return f;
}

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST(ServeAbuse, HugeBodiesAreRefusedBeforeAByteIsKept) {
  {
    // A read-only server: a gigabyte sent in chunks to the upload endpoint is answered 404 when
    // the headers are in, and the body is never read.
    Served s({"--store", kDemo});
    const size_t rss0 = s.RssKb();
    Flood f = SendFlood(s.port(),
                        "POST /api/v1/ingest?name=x.csv HTTP/1.1\r\nHost: localhost\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n",
                        kGiB, true);
    EXPECT_EQ(f.status, 404) << f.body;
    EXPECT_TRUE(f.closed);
    EXPECT_LT(f.sent, 64 * kMiB);  // what the sockets' buffers held, not the body
    // A read endpoint that takes a body takes one of a declared length, within 64 KiB.
    f = SendFlood(s.port(),
                  "POST /api/v1/check HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked"
                  "\r\n\r\n",
                  kGiB, true);
    EXPECT_EQ(f.status, 411) << f.body;
    EXPECT_LT(f.sent, 64 * kMiB);
    f = SendFlood(s.port(),
                  "POST /api/v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
                      std::to_string(kGiB) + "\r\n\r\n",
                  kGiB, false);
    EXPECT_EQ(f.status, 413) << f.body;
    EXPECT_LT(f.sent, 64 * kMiB);
    // A body on a request that takes none is never read either.
    f = SendFlood(s.port(),
                  "GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked"
                  "\r\n\r\n",
                  kGiB, true);
    EXPECT_EQ(f.status, 200);
    EXPECT_LT(f.sent, 64 * kMiB);
    EXPECT_LT(s.PeakRssKb(), rss0 + 32 * 1024) << "KiB at start: " << rss0;
  }
  TempDir dir("serve-abuse-upload");
  const std::string store = dir / "s";
  std::filesystem::copy(kDemo, store, std::filesystem::copy_options::recursive);
  Served s({"--store", store, "--token", kToken, "--max-upload", std::to_string(16 * kMiB)});
  const size_t rss0 = s.RssKb();
  // 300 MiB without the token: 401 before the body.
  Flood f = SendFlood(s.port(),
                      "POST /api/v1/ingest?name=x.csv HTTP/1.1\r\nHost: localhost\r\n"
                      "Content-Length: " + std::to_string(300 * kMiB) + "\r\n\r\n",
                      300 * kMiB, false);
  EXPECT_EQ(f.status, 401) << f.body;
  EXPECT_LT(f.sent, 64 * kMiB);
  // With the token, a declared length over the limit: 413 before the body.
  const std::string auth = "Authorization: Bearer " + kToken + "\r\n";
  f = SendFlood(s.port(),
                "POST /api/v1/ingest?name=x.csv HTTP/1.1\r\nHost: localhost\r\n" + auth +
                    "Content-Length: " + std::to_string(300 * kMiB) + "\r\n\r\n",
                300 * kMiB, false);
  EXPECT_EQ(f.status, 413) << f.body;
  EXPECT_LT(f.sent, 64 * kMiB);
  // With the token, a chunked upload that grows past the limit is streamed to disk and cut off
  // at the limit (no answer can be sent in the middle of a body); nothing of it stays.
  f = SendFlood(s.port(),
                "POST /api/v1/ingest?name=x.csv HTTP/1.1\r\nHost: localhost\r\n" + auth +
                    "Transfer-Encoding: chunked\r\n\r\n",
                kGiB, true);
  EXPECT_TRUE(f.closed);
  EXPECT_LT(f.sent, 16 * kMiB + 64 * kMiB);
  EXPECT_LT(s.PeakRssKb(), rss0 + 32 * 1024) << "KiB at start: " << rss0;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  size_t left = 0;
  for (const auto& e : std::filesystem::directory_iterator(store + "/uploads")) {
    ++left;
    ADD_FAILURE() << "left in uploads/: " << e.path().filename();
  }
  EXPECT_EQ(left, 0u);
}

TEST(ServeAbuse, AMillionHeadersAndOtherOversizedRequests) {
  Served s({"--store", kDemo});
  const size_t rss0 = s.RssKb();
  // A million header lines (about 12 MB), sent while the answer is read: 431 within the
  // connection's memory, not after the whole request.
  RawConn c(s.port());
  ASSERT_TRUE(c.ok());
  std::pair<int, std::string> reply;
  std::thread reader([&] { reply = c.Reply(30'000); });
  std::string lines = "GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n";
  uint64_t sent = 0;
  std::string block;
  for (int i = 0; i < 10'000; ++i) block += "X-Header-" + std::to_string(i % 10) + ": v\r\n";
  bool ok = c.Send(lines);
  for (int i = 0; ok && i < 100; ++i) {
    ok = c.Send(block);
    if (ok) sent += 10'000;
  }
  if (ok) c.Send("\r\n");
  reader.join();
  EXPECT_EQ(reply.first, 431) << reply.second;
  EXPECT_LT(sent, 1'000'000u) << "the server read every header";
  // Fewer but more than the count allowed: 431 with the envelope naming the limit.
  std::string many = "GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n";
  for (int i = 0; i < 150; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  RawConn m(s.port());
  m.Send(many + "\r\n");
  auto [status, body] = m.Reply();
  EXPECT_EQ(status, 431);
  EXPECT_NE(body.find("up to 100"), std::string::npos) << body;
  // A long URI: 414.
  RawConn u(s.port());
  u.Send("GET /api/v1/search?q=" + std::string(10'000, 'a') + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(u.Reply().first, 414);
  EXPECT_LT(s.PeakRssKb(), rss0 + 32 * 1024) << "KiB at start: " << rss0;
  // Pipelined requests: every one is answered, in order.
  RawConn p(s.port());
  p.Send(
      "GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /api/v1/tracks/no-such HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /api/v1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(p.Reply().first, 200);
  EXPECT_EQ(p.Reply().first, 404);
  EXPECT_EQ(p.Reply().first, 200);
}

// Normal requests (a cached chart, keep-alive) for `seconds`: their latencies in ms, and errors.
struct Normal {
  std::vector<double> ms;
  int errors = 0;
};
Normal NormalRequests(const Served& s, double seconds, bool new_connections) {
  Normal n;
  const std::string path = "/api/v1/charts/spotify-weekly?date=2023-07-20";
  auto c = s.Client();
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    const auto t0 = Clock::now();
    httplib::Result res = new_connections ? s.Client().Get(path) : c.Get(path);
    n.ms.push_back(Ms(Clock::now() - t0));
    if (!res || res->status != 200) ++n.errors;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return n;
}

TEST(ServeAbuse, SlowHeaderClientsLockNoOneOut) {
  Served s({"--store", kDemo});
  ASSERT_EQ(s.Get("/api/v1/charts/spotify-weekly?date=2023-07-20").first, 200);  // cached
  // 50 clients that send a header line every 2 s, reconnecting when the server closes them, for
  // 20 s. The server closes each at the whole-request deadline (10 s), whatever it sends.
  std::atomic<bool> stop{false};
  std::atomic<int> closed{0};
  std::vector<double> lifetimes;
  std::mutex mu;
  std::vector<std::thread> slow;
  for (int i = 0; i < 50; ++i) {
    slow.emplace_back([&] {
      while (!stop) {
        RawConn c(s.port());
        if (!c.ok()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          continue;
        }
        const auto t0 = Clock::now();
        bool ok = c.Send("GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n");
        while (ok && !stop) {
          bool gone = false;
          c.Recv(2000, &gone);
          if (gone) break;
          ok = c.Send("X-Slow: 1\r\n");
        }
        if (stop) break;
        ++closed;
        std::lock_guard<std::mutex> lock(mu);
        lifetimes.push_back(Ms(Clock::now() - t0));
      }
    });
  }
  const Normal n = NormalRequests(s, 20, false);
  stop = true;
  for (auto& t : slow) t.join();
  std::printf("normal requests: %zu, p99 %.2f ms, errors %d; slow clients closed %d times\n",
              n.ms.size(), P99(n.ms), n.errors, closed.load());
  EXPECT_EQ(n.errors, 0);
  EXPECT_GT(n.ms.size(), 500u);
  EXPECT_LT(P99(n.ms), 50.0) << "p99 of " << n.ms.size() << " requests";
  EXPECT_GE(closed.load(), 50);
  for (double ms : lifetimes) EXPECT_LT(ms, 13'000) << "a slow client held on past the deadline";
}

TEST(ServeAbuse, IdleKeepAliveClientsStarveNoOne) {
  Served s({"--store", kDemo, "--keep-alive-timeout", "2"});
  ASSERT_EQ(s.Get("/api/v1/charts/spotify-weekly?date=2023-07-20").first, 200);
  // 200 clients make a request each and keep their connections open, idle.
  std::vector<std::unique_ptr<RawConn>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawConn>(s.port()));
    ASSERT_TRUE(idle.back()->ok());
    idle.back()->Send("GET /api/v1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    ASSERT_EQ(idle.back()->Reply().first, 200) << i;
  }
  const Normal n = NormalRequests(s, 1.5, true);
  std::printf("normal requests beside 200 idle clients: %zu, p99 %.2f ms\n", n.ms.size(),
              P99(n.ms));
  EXPECT_EQ(n.errors, 0);
  EXPECT_LT(P99(n.ms), 50.0) << "p99 of " << n.ms.size() << " requests";
  // Then the server closes them: idle for the keep-alive time.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  int gone = 0;
  for (auto& c : idle) {
    bool closed = false;
    c->Recv(2000, &closed);
    gone += closed;
  }
  EXPECT_EQ(gone, 200);
}

TEST(ServeAbuse, ConnectionLimitsAndWholeRequestDeadlines) {
  Served s({"--store", kDemo, "--max-connections-per-client", "4", "--request-timeout", "2"});
  // Four open connections that send nothing take the client's share: a fifth is closed at once.
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<RawConn>(s.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    RawConn fifth(s.port());
    bool closed = false;
    fifth.Recv(2000, &closed);
    EXPECT_TRUE(closed) << "a fifth connection from one client was served";
  }
  // They are closed at the request deadline (2 s), not kept by the keep-alive time or activity.
  const auto t0 = Clock::now();
  for (auto& c : held) {
    bool closed = false;
    c->Recv(4000, &closed);
    EXPECT_TRUE(closed);
  }
  EXPECT_LT(Ms(Clock::now() - t0), 3500);
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(s.Get("/api/v1").first, 200);
  // A body sent a byte at a time (each within the keep-alive time): closed at the deadline.
  RawConn trickle(s.port());
  const auto t1 = Clock::now();
  bool ok = trickle.Send(
      "POST /api/v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n");
  while (ok && Ms(Clock::now() - t1) < 6000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    ok = trickle.Send("x");
    bool closed = false;
    trickle.Recv(0, &closed);
    if (closed) break;
  }
  bool closed = false;
  trickle.Recv(1000, &closed);
  EXPECT_TRUE(closed || !ok);
  EXPECT_LT(Ms(Clock::now() - t1), 4000);
}

}  // namespace
}  // namespace encore::test
