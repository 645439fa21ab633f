// The ClickHouse store: CountStore on a ClickHouse server or cluster (doc/decisions/0009).
#pragma once

#include <memory>
#include <string>

#include "encore/store.h"

namespace encore {

// Opens (or creates, with options.create_if_missing) the store that `url` names
// (store/clickhouse_client.h gives the URL's shape). kNotFound when the database holds no store
// and creation is not allowed; kUnavailable when a server does not answer; kInvalidArgument for a bad
// URL or a cluster whose shards the URL does not list.
Result<std::unique_ptr<CountStore>> OpenClickHouseStore(const std::string& url,
                                                        const StoreOptions& options);
// The same, keeping the writer's lock in `side_dir` (the store's local directory, OpenStore).
Result<std::unique_ptr<CountStore>> OpenClickHouseStoreIn(const std::string& url,
                                                          const std::string& side_dir,
                                                          const StoreOptions& options);

}  // namespace encore
