// A ClickHouse server reached over its HTTP interface (https://clickhouse.com/docs/interfaces/http):
// the endpoint a `clickhouse://` store URL names, and queries sent to it.
//
// URL: clickhouse://[USER[:PASSWORD]@]HOST:PORT[,HOST:PORT...]/DATABASE[?cluster=NAME&user=U&password=P]
// The first host is the coordinator: it holds the store's manifest tables and runs every query;
// each further host is a shard of the cluster NAME (its `remote_servers`), where encore creates the
// shard's own tables. A password may also come from $ENCORE_CLICKHOUSE_PASSWORD.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "encore/status.h"

namespace httplib {
class Client;
}

namespace encore {

struct ClickHouseHost {
  std::string host;
  int port = 8123;
};

struct ClickHouseEndpoint {
  std::vector<ClickHouseHost> hosts;  // the coordinator first, then the other shards
  std::string database;
  std::string user = "default";
  std::string password;
  std::string cluster;  // empty: one server, no Distributed tables
  // The URL without its password: what a store names itself as, in messages and files.
  std::string Display() const;
};

bool IsClickHouseUrl(std::string_view s);
// kInvalidArgument naming the part of the URL that is wrong.
Result<ClickHouseEndpoint> ParseClickHouseUrl(std::string_view url);

// One server. Thread-safe: each call opens its own connection (keep-alive is per call).
class ClickHouseClient {
 public:
  ClickHouseClient(ClickHouseHost host, const ClickHouseEndpoint& endpoint);
  ~ClickHouseClient();

  // Runs `sql`; `body` is sent after it (the data of an INSERT ... FORMAT). Settings go as URL
  // parameters. The answer's body on HTTP 200; otherwise kUnavailable (no answer: "ClickHouse at
  // HOST:PORT does not answer: ...") or kInternal with the server's exception text.
  Result<std::string> Query(std::string_view sql, std::string_view body = {},
                            const std::vector<std::pair<std::string, std::string>>& settings = {}) const;
  // The same, handing the answer to `sink` as it arrives (false from sink stops it).
  Status QueryStream(std::string_view sql,
                     const std::vector<std::pair<std::string, std::string>>& settings,
                     const std::function<bool(const char*, size_t)>& sink) const;

  const ClickHouseHost& host() const { return host_; }
  std::string Name() const { return host_.host + ":" + std::to_string(host_.port); }

 private:
  void Configure(httplib::Client* cli) const;
  ClickHouseHost host_;
  std::string user_, password_;
};

// A string as a ClickHouse SQL literal ('...' with backslash escapes).
std::string SqlQuote(std::string_view s);

}  // namespace encore
