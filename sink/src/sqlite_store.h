// The SQLite implementation of Store (schema: sink/schema.sql). Internal; use OpenStore.
#pragma once

#include <memory>
#include <string>

#include "newsflow/sink/store.h"

namespace newsflow::sink {

// Opens `path` in WAL mode with synchronous=NORMAL and a short busy timeout, creating the schema
// in an empty database. `read_only` opens without write access (every Apply is Unavailable).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, bool read_only);

}  // namespace newsflow::sink
