// `encore serve` in a child process for the server's tests, and a raw socket client for what an
// HTTP library would never send (repeated headers, bodies announced and not sent, a byte a
// second).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace encore::test {

// `encore serve ARGS --port 0 --quiet` in the background; stopped by the destructor.
class Served {
 public:
  explicit Served(std::vector<std::string> args) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a test that crashed
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<std::string> all = {ENCORE_BINARY, "serve", "--port", "0", "--quiet"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string out;
    char buf[512];
    while (out.find("Press Ctrl-C") == std::string::npos) {
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    const std::string mark = "dashboard is at http://127.0.0.1:";
    const auto at = out.find(mark);
    if (at == std::string::npos) {
      ADD_FAILURE() << "encore serve did not start: " << out;
      return;
    }
    port_ = std::stoi(out.substr(at + mark.size()));
  }
  ~Served() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "serve did not stop cleanly";
    }
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The server's resident memory now and at its peak, in KiB (/proc/PID/status).
  size_t RssKb() const { return StatusKb("VmRSS:"); }
  size_t PeakRssKb() const { return StatusKb("VmHWM:"); }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  // GET path: status and parsed body.
  std::pair<int, nlohmann::json> Get(const std::string& path) const {
    auto c = Client();
    auto res = c.Get(path);
    if (!res) return {0, nlohmann::json()};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
  }

 private:
  size_t StatusKb(const std::string& field) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(field, 0) == 0) return std::stoul(line.substr(field.size()));
    return 0;
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

// A TCP connection to the server on loopback (fd -1 when it could not connect).
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // False once the server closed or reset the connection.
  bool Send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  // Waits up to `ms` for bytes: what arrived ("" when the server closed, or nothing came).
  // `closed` tells the two apart.
  std::string Recv(int ms, bool* closed = nullptr) {
    pollfd p{fd_, POLLIN, 0};
    if (closed) *closed = false;
    if (::poll(&p, 1, ms) <= 0) return "";
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      return "";
    }
    return std::string(buf, static_cast<size_t>(n));
  }
  // One whole answer (status line, headers, a Content-Length body) within `ms`: its status (0 when
  // none came) and body.
  std::pair<int, std::string> Reply(int ms = 10'000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (true) {
      const size_t head = pending_.find("\r\n\r\n");
      if (head != std::string::npos) {
        size_t length = 0;
        std::string lower = pending_.substr(0, head);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
          length = std::stoul(lower.substr(at + 17));
        if (pending_.size() >= head + 4 + length) {
          const int status = std::stoi(pending_.substr(9, 3));
          std::string body = pending_.substr(head + 4, length);
          pending_.erase(0, head + 4 + length);
          return {status, body};
        }
      }
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            end - std::chrono::steady_clock::now())
                                            .count());
      if (left <= 0) return {0, ""};
      bool closed = false;
      const std::string got = Recv(left, &closed);
      if (closed) return {0, ""};
      pending_ += got;
    }
  }

 private:
  int fd_ = -1;
  std::string pending_;
};

// Sends `bytes` on a new connection and returns the answer's status line.
inline std::string RawStatusLine(int port, const std::string& bytes) {
  RawConn c(port);
  if (!c.ok()) return "no connection";
  c.Send(bytes);
  std::string got;
  for (int i = 0; i < 50 && got.find("\r\n") == std::string::npos; ++i) {
    bool closed = false;
    got += c.Recv(5000, &closed);
    if (closed) break;
  }
  return got.substr(0, got.find("\r\n"));
}

}  // namespace encore::test
