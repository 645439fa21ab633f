// The embedded, directory-based CountStore. See include/encore/store.h for the contract and
// doc/formats/ for the files.
#pragma once

#include <memory>
#include <string>

#include "common/file_system.h"
#include "encore/store.h"

namespace encore {

// As OpenLocalStore, with the file system injected (tests fail writes through it).
Result<std::unique_ptr<CountStore>> OpenLocalStoreWith(const std::string& dir,
                                                       const StoreOptions& options, FileSystem* fs);

}  // namespace encore
