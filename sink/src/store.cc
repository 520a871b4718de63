// OpenStore: the store URI decides the backend. A new backend adds a branch here and its own
// file; nothing else in the sink knows which one it talks to.
#include "newsflow/sink/store.h"

#include "pg_store.h"
#include "sqlite_store.h"

namespace newsflow::sink {

Status ValidateRecord(const v1::ExtractOutput& record) {
  switch (record.record_case()) {
    case v1::ExtractOutput::kArticle:
      if (record.article().article().id().empty()) return Status::InvalidArgument("article without id");
      return Status::Ok();
    case v1::ExtractOutput::kEvent: {
      const v1::Event& e = record.event();
      if (e.id().empty()) return Status::InvalidArgument("event without id");
      if (e.fusion_key().empty()) return Status::InvalidArgument("event " + e.id() + " without fusion key");
      if (e.cameo_code().size() < 2) return Status::InvalidArgument("event " + e.id() + " without CAMEO code");
      return Status::Ok();
    }
    default:
      return Status::InvalidArgument("ExtractOutput holds neither an article nor an event");
  }
}

namespace {

Result<std::unique_ptr<Store>> Open(const std::string& uri, bool read_only) {
  if (uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0)
    return OpenPostgresStore(uri, read_only);
  std::string path = uri.rfind("sqlite:", 0) == 0 ? uri.substr(7) : uri;
  if (auto q = path.find('?'); q != std::string::npos) {
    const std::string options = path.substr(q + 1);
    path.resize(q);
    if (options == "mode=ro") read_only = true;
    else if (options != "mode=rw") return Status::InvalidArgument("unknown sqlite store option '" + options + "'");
  }
  if (path.empty()) return Status::InvalidArgument("store URI '" + uri + "' names no file");
  return OpenSqliteStore(path, read_only);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& uri) { return Open(uri, false); }

Result<std::unique_ptr<Store>> OpenStoreReadOnly(const std::string& uri) { return Open(uri, true); }

}  // namespace newsflow::sink
