#include "cql/server/exec/exec.h"
#include "cql/server/exec/schema_change.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {

Outcome<ResultMessage> ExecCreateKeyspace(const CreateKeyspaceStmt& s, ExecContext& ctx) {
  if (IsSystemKeyspace(s.name)) {
    return CqlError{ErrorCode::kAlreadyExists, "Cannot add existing keyspace \"" + s.name + "\"",
                    s.name};
  }
  store::KeyspaceSchema ks;
  ks.name = s.name;
  ks.durable_writes = s.durable_writes;
  ks.replication = s.replication;
  auto cls = ks.replication.find("class");
  if (cls == ks.replication.end()) {
    return CqlError{ErrorCode::kConfigError, "Missing mandatory option 'class'"};
  }
  // Cassandra stores the fully qualified strategy class.
  if (cls->second.find('.') == std::string::npos) {
    if (cls->second != "SimpleStrategy" && cls->second != "NetworkTopologyStrategy" &&
        cls->second != "LocalStrategy") {
      return CqlError{ErrorCode::kConfigError,
                      "Unable to find replication strategy class '" + cls->second + "'"};
    }
    cls->second = "org.apache.cassandra.locator." + cls->second;
  }
  bool existed = ctx.store->GetKeyspace(s.name).ok();
  if (existed && s.if_not_exists) return ResultMessage::Void();
  Status st = ctx.store->CreateKeyspace(ks, s.if_not_exists);
  if (st.IsAlreadyExists() || (st.ok() && existed)) {
    if (s.if_not_exists) return ResultMessage::Void();
    return CqlError{ErrorCode::kAlreadyExists, "Cannot add existing keyspace \"" + s.name + "\"",
                    s.name};
  }
  CQL_RETURN_IF_ERROR(st);
  return SchemaChanged("CREATED", s.name);
}

}  // namespace kappa::cql
