#include "cql/server/result.h"

namespace kappa::cql {

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
