#include "cql/server/result.h"

namespace kappa::cql {

namespace {

// The marshal class Cassandra names, for types a v3 client knows only as custom types.
const char* V3CustomClass(store::TypeKind k) {
  switch (k) {
    case store::TypeKind::kDate: return "org.apache.cassandra.db.marshal.SimpleDateType";
    case store::TypeKind::kTime: return "org.apache.cassandra.db.marshal.TimeType";
    case store::TypeKind::kSmallint: return "org.apache.cassandra.db.marshal.ShortType";
    case store::TypeKind::kTinyint: return "org.apache.cassandra.db.marshal.ByteType";
    default: return nullptr;
  }
}

}  // namespace

void EncodeTypeOption(const store::Type& t, uint8_t version, WireWriter* w) {
  if (version < 4) {
    if (const char* custom = V3CustomClass(t.kind)) {
      w->Short(uint16_t(store::TypeKind::kCustom));
      w->String(custom);
      return;
    }
  }
  w->Short(uint16_t(t.kind));
  for (const auto& p : t.params) EncodeTypeOption(p, version, w);
}

Result<store::Type> DecodeTypeOption(WireReader* r) {
  uint16_t id;
  if (!r->Short(&id)) return Status::InvalidArgument("truncated type option");
  using store::TypeKind;
  switch (id) {
    case 0x0020:
    case 0x0022: {
      ASSIGN_OR_RETURN(store::Type e, DecodeTypeOption(r));
      return id == 0x0020 ? store::Type::List(e) : store::Type::Set(e);
    }
    case 0x0021: {
      ASSIGN_OR_RETURN(store::Type k, DecodeTypeOption(r));
      ASSIGN_OR_RETURN(store::Type v, DecodeTypeOption(r));
      return store::Type::Map(k, v);
    }
    case 0x0000: {  // custom: what a v3 server sends for date, time, smallint, tinyint
      std::string_view cls;
      if (!r->String(&cls)) return Status::InvalidArgument("truncated custom type");
      for (TypeKind k :
           {TypeKind::kDate, TypeKind::kTime, TypeKind::kSmallint, TypeKind::kTinyint}) {
        if (cls == V3CustomClass(k)) return store::Type(k);
      }
      return Status::InvalidArgument("unsupported custom type " + std::string(cls));
    }
    default:
      if ((id >= 0x0001 && id <= 0x0014 && id != 0x000A)) return store::Type(TypeKind(id));
      return Status::InvalidArgument("unsupported type id " + std::to_string(id));
  }
}

void RowsResult::AppendCell(const store::Value& v) {
  if (!v.is_set()) {
    AppendNull();
    return;
  }
  size_t at = data.size();
  data.append(4, '\0');
  store::SerializeNative(v, &data);
  coding::PutBE32(data.data() + at, uint32_t(data.size() - at - 4));
}

namespace {

bool SingleTable(const std::vector<ColumnSpec>& cols) {
  if (cols.empty()) return false;
  for (const auto& c : cols) {
    if (c.keyspace != cols[0].keyspace || c.table != cols[0].table) return false;
  }
  return true;
}

void EncodeSpecs(const std::vector<ColumnSpec>& cols, bool global, uint8_t version,
                 WireWriter* w) {
  if (global) {
    w->String(cols[0].keyspace);
    w->String(cols[0].table);
  }
  for (const auto& c : cols) {
    if (!global) {
      w->String(c.keyspace);
      w->String(c.table);
    }
    w->String(c.name);
    EncodeTypeOption(c.type, version, w);
  }
}

}  // namespace

void EncodeRowsMetadata(const std::vector<ColumnSpec>& cols, int32_t column_count,
                        const std::string& paging_state, bool no_metadata, uint8_t version,
                        WireWriter* w) {
  bool global = SingleTable(cols);
  int32_t flags = 0;
  if (global && !no_metadata) flags |= 0x0001;
  if (!paging_state.empty()) flags |= 0x0002;
  if (no_metadata) flags |= 0x0004;
  w->Int(flags);
  w->Int(column_count);
  if (!paging_state.empty()) w->Bytes(paging_state);
  if (!no_metadata) EncodeSpecs(cols, global, version, w);
}

void EncodeSchemaChange(const SchemaChangeResult& c, WireWriter* w) {
  w->String(c.change_type);
  w->String(c.target);
  w->String(c.keyspace);
  if (c.target != "KEYSPACE") w->String(c.table);
}

std::string EncodeResultBody(const ResultMessage& r, uint8_t version) {
  std::string body;
  WireWriter w(&body);
  w.Int(int32_t(r.kind));
  switch (r.kind) {
    case ResultMessage::Kind::kVoid:
      break;
    case ResultMessage::Kind::kRows:
      body.reserve(64 + r.rows.data.size());
      EncodeRowsMetadata(r.rows.columns, r.rows.ColumnCount(), r.rows.paging_state,
                         r.rows.skip_metadata, version, &w);
      w.Int(r.rows.row_count);
      w.Raw(r.rows.data);
      break;
    case ResultMessage::Kind::kSetKeyspace:
      w.String(r.keyspace);
      break;
    case ResultMessage::Kind::kPrepared: {
      const auto& p = *r.prepared;
      w.ShortBytes(p.id);
      bool global = SingleTable(p.bind_columns);
      w.Int(global ? 0x0001 : 0);
      w.Int(int32_t(p.bind_columns.size()));
      if (version >= 4) {  // v4 added the partition key indexes (for token-aware routing)
        w.Int(int32_t(p.pk_indexes.size()));
        for (int16_t i : p.pk_indexes) w.Short(uint16_t(i));
      }
      EncodeSpecs(p.bind_columns, global, version, &w);
      EncodeRowsMetadata(p.result_columns, int32_t(p.result_columns.size()), "", false, version,
                         &w);
      break;
    }
    case ResultMessage::Kind::kSchemaChange:
      EncodeSchemaChange(*r.schema_change, &w);
      break;
  }
  return body;
}

}  // namespace kappa::cql
