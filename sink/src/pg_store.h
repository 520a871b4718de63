// The PostgreSQL implementation of Store (schema: sink/schema_pg.sql). Internal; use OpenStore.
#pragma once

#include <memory>
#include <string>

#include "newsflow/sink/store.h"

namespace newsflow::sink {

// Connects to `uri` ("postgresql://user@host:port/db?..." or "postgres://...") and creates the
// schema if it is missing (unless `read_only`, which also makes every Apply Unavailable).
// Unavailable when the server cannot be reached; InvalidArgument for a malformed URI, a
// read-only store without schema, or another schema version.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, bool read_only);

}  // namespace newsflow::sink
