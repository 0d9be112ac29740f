#include "store/row_codec.h"

#include <algorithm>

#include "common/coding.h"
#include "store/key_codec.h"

namespace kappa::store {
namespace {

constexpr int64_t kMaxTtlSeconds = 20 * 365 * 86400;  // Cassandra's limit (20 years)

// Calls fn(column index, cell) for each live cell of `s` that belongs to a column of `t`.
template <typename Fn>
void ForEachLiveCell(const TableSchema& t, const RowState& s, uint32_t now_s, int64_t shadow_ts,
                     Fn&& fn) {
  const int64_t shadow = std::max(shadow_ts, s.tombstone_ts);
  // Cells are sorted by id and so are the table's columns (ids grow in column order), so
  // one merge-like pass matches them; ids of dropped columns are skipped.
  size_t ci = t.primary_key_size();
  for (const CellState& c : s.cells) {
    while (ci < t.columns.size() && t.columns[ci].id < c.column_id) ++ci;
    size_t idx = ci;
    if (idx >= t.columns.size() || t.columns[idx].id != c.column_id) {
      // Out-of-order ids (never produced today) fall back to a search.
      idx = t.columns.size();
      for (size_t j = t.primary_key_size(); j < t.columns.size(); ++j) {
        if (t.columns[j].id == c.column_id) idx = j;
      }
      if (idx == t.columns.size()) continue;  // a dropped column
    }
    if (c.timestamp <= shadow || !c.LiveAt(now_s)) continue;
    fn(idx, c);
  }
}

Status KeyValueOk(const ColumnSchema& c, const Value& v) {
  if (!v.is_set()) {
    return Status::InvalidArgument("primary key column '" + c.name + "' must have a value");
  }
  Status s = CheckValue(c.type, v);
  if (!s.ok()) return s.WithContext("column '" + c.name + "'");
  return Status::OK();
}

// Sets and maps are kept sorted (in CQL order of their elements/keys) and without
// duplicates; later duplicates win for maps, as in a CQL map literal.
Value NormalizeCollection(const Type& t, const Value& v) {
  if (t.kind != TypeKind::kSet && t.kind != TypeKind::kMap) return v;
  if (!keys::IsKeyType(t.params[0])) return v;
  const auto& e = v.as_elements();
  const size_t step = t.kind == TypeKind::kMap ? 2 : 1;
  std::vector<std::pair<std::string, size_t>> order;
  for (size_t i = 0; i < e.size(); i += step) {
    std::string k;
    keys::AppendComponent(t.params[0], e[i], ClusteringOrder::kAsc, &k);
    order.emplace_back(std::move(k), i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Value> out;
  out.reserve(e.size());
  for (size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && order[i + 1].first == order[i].first) continue;  // last wins
    for (size_t j = 0; j < step; ++j) out.push_back(e[order[i].second + j]);
  }
  return Value::Collection(t.kind, std::move(out));
}

}  // namespace

Status AppendPartitionPrefix(const TableSchema& t, std::span<const Value> pk, std::string* out) {
  const size_t n = t.partition_key_size();
  if (pk.size() < n) {
    return Status::InvalidArgument("table " + t.keyspace + "." + t.name + " needs " +
                                   std::to_string(n) + " partition key value(s), got " +
                                   std::to_string(pk.size()));
  }
  for (size_t i = 0; i < n; ++i) RETURN_IF_ERROR(KeyValueOk(t.columns[i], pk[i]));
  keys::AppendTableId(t.storage_id, out);
  keys::AppendToken(TokenOf(pk.subspan(0, n)), out);
  for (size_t i = 0; i < n; ++i) {
    keys::AppendComponent(t.columns[i].type, pk[i], ClusteringOrder::kAsc, out);
  }
  return Status::OK();
}

Status AppendClustering(const TableSchema& t, std::span<const Value> ck, std::string* out) {
  if (ck.size() > t.clustering_size()) {
    return Status::InvalidArgument("too many clustering values for " + t.keyspace + "." + t.name);
  }
  const size_t base = t.partition_key_size();
  for (size_t i = 0; i < ck.size(); ++i) {
    const ColumnSchema& c = t.columns[base + i];
    RETURN_IF_ERROR(KeyValueOk(c, ck[i]));
    keys::AppendComponent(c.type, ck[i], c.order, out);
  }
  return Status::OK();
}

Status RowKey(const TableSchema& t, std::span<const Value> primary_key, std::string* out) {
  if (primary_key.size() < t.primary_key_size()) {
    return Status::InvalidArgument("table " + t.keyspace + "." + t.name + " needs " +
                                   std::to_string(t.primary_key_size()) +
                                   " primary key value(s), got " +
                                   std::to_string(primary_key.size()));
  }
  RETURN_IF_ERROR(AppendPartitionPrefix(t, primary_key, out));
  out->push_back(keys::kRowRecord);
  return AppendClustering(
      t, primary_key.subspan(t.partition_key_size(), t.clustering_size()), out);
}

Status PartitionRecordKey(const TableSchema& t, std::span<const Value> pk, std::string* out) {
  RETURN_IF_ERROR(AppendPartitionPrefix(t, pk, out));
  out->push_back(keys::kPartitionRecord);
  return Status::OK();
}

namespace {

// The row state an upsert starts from (row marker if asked, no cells) and its cells' expiry
// and TTL: shared by EncodeUpsert and EncodeUpsertNative.
Status BeginUpsert(const TableSchema& t, const WriteOptions& w, const WriteTime& when,
                   RowState* s, uint32_t* expiry, uint32_t* ttl_out) {
  int64_t ttl = w.ttl_seconds == WriteOptions::kTableDefaultTtl ? t.default_ttl_seconds()
                                                                 : w.ttl_seconds;
  if (ttl < 0 || ttl > kMaxTtlSeconds) {
    return Status::InvalidArgument("ttl must be between 0 and " + std::to_string(kMaxTtlSeconds) +
                                   " seconds, got " + std::to_string(w.ttl_seconds));
  }
  if (when.timestamp_us == kNoTimestamp) {
    return Status::InvalidArgument("write timestamp out of range");
  }
  *expiry = ttl > 0 ? uint32_t(std::min<int64_t>(when.now_s + ttl, UINT32_MAX)) : 0;
  *ttl_out = *expiry ? uint32_t(ttl) : 0;
  s->cells.clear();
  s->has_marker = false;
  s->marker_ts = kNoTimestamp;
  s->marker_expiry = s->marker_ttl = 0;
  s->tombstone_ts = kNoTimestamp;
  s->tombstone_time = 0;
  if (w.row_marker) {
    s->has_marker = true;
    s->marker_ts = when.timestamp_us;
    s->marker_expiry = *expiry;
    s->marker_ttl = *ttl_out;
  }
  return Status::OK();
}

void FinishUpsert(RowState* s, std::string* value) {
  auto by_id = [](const CellState& a, const CellState& b) { return a.column_id < b.column_id; };
  if (!std::is_sorted(s->cells.begin(), s->cells.end(), by_id)) {
    std::sort(s->cells.begin(), s->cells.end(), by_id);
  }
  value->clear();
  EncodeRowState(*s, value);
}

}  // namespace

Status EncodeUpsert(const TableSchema& t, const Row& row, const WriteOptions& w,
                    const WriteTime& when, std::string* key, std::string* value,
                    UpsertPart part) {
  if (row.size() != t.columns.size()) {
    return Status::InvalidArgument("row for " + t.keyspace + "." + t.name + " has " +
                                   std::to_string(row.size()) + " values, the table has " +
                                   std::to_string(t.columns.size()) + " columns");
  }
  // Per-thread scratch keeps the hot insert path free of allocations once warmed up.
  thread_local std::string scratch;
  thread_local RowState s;
  thread_local std::vector<std::pair<size_t, size_t>> spans;
  uint32_t expiry = 0, ttl = 0;
  if (part == UpsertPart::kStatic) {
    // The row marker of an INSERT goes to the static part only when there is no row.
    WriteOptions ws = w;
    ws.row_marker = w.row_marker && !row[t.partition_key_size()].is_set();
    RETURN_IF_ERROR(BeginUpsert(t, ws, when, &s, &expiry, &ttl));
    key->clear();
    RETURN_IF_ERROR(PartitionRecordKey(t, row, key));
  } else {
    RETURN_IF_ERROR(BeginUpsert(t, w, when, &s, &expiry, &ttl));
    key->clear();
    RETURN_IF_ERROR(RowKey(t, row, key));
  }

  // Serialize the values first (cells point into `scratch`), then encode the state.
  scratch.clear();
  spans.clear();
  for (size_t i = t.primary_key_size(); i < t.columns.size(); ++i) {
    const ColumnSchema& c = t.columns[i];
    const Value& v = row[i];
    if (v.is_unset()) continue;
    if (part != UpsertPart::kAll && (c.kind == ColumnKind::kStatic) != (part == UpsertPart::kStatic)) {
      continue;
    }
    CellState cell;
    cell.column_id = c.id;
    cell.timestamp = when.timestamp_us;
    size_t start = scratch.size();
    if (v.is_null()) {
      cell.tombstone = true;
      cell.expiry = std::max<uint32_t>(when.now_s, 1);  // deletion time
    } else if (c.type.kind == TypeKind::kCounter) {
      // An increment; counters never expire (CQL rejects TTLs on counter updates).
      if (v.kind() != TypeKind::kCounter && v.kind() != TypeKind::kBigint) {
        return Status::InvalidArgument("column '" + c.name + "' is a counter: its value is an "
                                       "increment of type counter or bigint");
      }
      cell.counter = true;
      cell.delta = v.as_int();
    } else {
      Status st = CheckValue(c.type, v);
      if (!st.ok()) return st.WithContext("column '" + c.name + "'");
      if (c.type.kind == TypeKind::kSet || c.type.kind == TypeKind::kMap) {
        SerializeNative(NormalizeCollection(c.type, v), &scratch);
      } else {
        SerializeNative(v, &scratch);
      }
      cell.expiry = expiry;
      cell.ttl = ttl;
    }
    spans.emplace_back(start, scratch.size() - start);
    s.cells.push_back(cell);
  }
  for (size_t i = 0; i < s.cells.size(); ++i) {
    if (!s.cells[i].tombstone && !s.cells[i].counter) s.cells[i].value = std::string_view(scratch).substr(spans[i].first, spans[i].second);
  }
  FinishUpsert(&s, value);
  return Status::OK();
}

Status EncodeUpsertNative(const TableSchema& t, std::span<const Value> primary_key,
                          std::span<const NativeCell> regular, const WriteOptions& w,
                          const WriteTime& when, std::string* key, std::string* value) {
  const size_t npk = t.primary_key_size();
  if (regular.size() != t.columns.size() - npk) {
    return Status::InvalidArgument("row for " + t.keyspace + "." + t.name + " has " +
                                   std::to_string(regular.size()) + " regular cells, the table has " +
                                   std::to_string(t.columns.size() - npk) + " regular columns");
  }
  thread_local RowState s;
  uint32_t expiry = 0, ttl = 0;
  RETURN_IF_ERROR(BeginUpsert(t, w, when, &s, &expiry, &ttl));
  key->clear();
  RETURN_IF_ERROR(RowKey(t, primary_key, key));
  for (size_t i = 0; i < regular.size(); ++i) {
    const NativeCell& in = regular[i];
    if (in.state == NativeCell::State::kUnset) continue;
    const ColumnSchema& c = t.columns[npk + i];
    if (!StoresNativeAsIs(c.type.kind)) {
      return Status::InvalidArgument("column '" + c.name + "' of type " + c.type.ToString() +
                                     " cannot be written from native bytes as they are");
    }
    CellState cell;
    cell.column_id = c.id;
    cell.timestamp = when.timestamp_us;
    if (in.state == NativeCell::State::kNull) {
      cell.tombstone = true;
      cell.expiry = std::max<uint32_t>(when.now_s, 1);  // deletion time
    } else {
      cell.value = in.bytes;
      cell.expiry = expiry;
      cell.ttl = ttl;
    }
    s.cells.push_back(cell);
  }
  FinishUpsert(&s, value);
  return Status::OK();
}

std::string EncodeTombstone(const WriteTime& when) {
  RowState s;
  s.tombstone_ts = when.timestamp_us;
  s.tombstone_time = when.now_s;
  std::string out;
  EncodeRowState(s, &out);
  return out;
}

Result<size_t> PartitionPrefixLength(const TableSchema& t, std::string_view key) {
  if (key.size() < 12) return Status::Corruption("row key too short");
  std::string_view in = key.substr(12);
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    RETURN_IF_ERROR(keys::SkipComponent(t.columns[i].type, ClusteringOrder::kAsc, &in));
  }
  return key.size() - in.size();
}

Result<bool> RowIsLive(std::string_view value, uint32_t now_s, int64_t shadow_ts) {
  thread_local RowState s;
  if (!DecodeRowState(value, &s)) return Status::Corruption("undecodable row value");
  return s.LiveAt(now_s, shadow_ts);
}

Result<bool> DecodeRow(const TableSchema& t, std::string_view key, std::string_view value,
                       uint32_t now_s, int64_t shadow_ts, Row* row, bool cell_metadata) {
  thread_local RowState s;
  if (!DecodeRowState(value, &s)) return Status::Corruption("undecodable row value");
  if (!s.LiveAt(now_s, shadow_ts)) return false;
  const size_t n = t.columns.size();
  row->assign(cell_metadata ? 3 * n : n, Value());
  if (key.size() < 12) return Status::Corruption("row key too short");
  std::string_view in = key.substr(12);
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    ASSIGN_OR_RETURN((*row)[i], keys::DecodeComponent(t.columns[i].type, ClusteringOrder::kAsc, &in));
  }
  if (in.empty() || in[0] != keys::kRowRecord) return Status::Corruption("not a row key");
  in.remove_prefix(1);
  for (size_t i = t.partition_key_size(); i < t.primary_key_size(); ++i) {
    ASSIGN_OR_RETURN((*row)[i], keys::DecodeComponent(t.columns[i].type, t.columns[i].order, &in));
  }
  Status st = Status::OK();
  ForEachLiveCell(t, s, now_s, shadow_ts, [&](size_t idx, const CellState& c) {
    if (!st.ok()) return;
    if (cell_metadata) {
      (*row)[n + idx] = Value::Bigint(c.timestamp);
      if (c.expiry) (*row)[2 * n + idx] = Value::Int32(int32_t(c.expiry - now_s));
    }
    if (c.counter) {
      (*row)[idx] = Value::Int(TypeKind::kCounter, c.delta);
      return;
    }
    auto v = DeserializeNative(t.columns[idx].type, c.value);
    if (!v.ok()) {
      st = Status::Corruption("stored cell of column '" + t.columns[idx].name +
                              "': " + v.status().message());
      return;
    }
    (*row)[idx] = std::move(*v);
  });
  RETURN_IF_ERROR(st);
  return true;
}

void StaticCells::ApplyTo(const TableSchema& t, Row* row) const {
  const size_t n = t.columns.size();
  const bool metadata = cell_metadata && row->size() == 3 * n;
  for (size_t i : indexes) {
    (*row)[i] = this->row[i];
    if (metadata) {
      (*row)[n + i] = this->row[n + i];
      (*row)[2 * n + i] = this->row[2 * n + i];
    }
  }
}

Status DecodeStatics(const TableSchema& t, std::string_view record_key, std::string_view value,
                     uint32_t now_s, StaticCells* out) {
  const bool cell_metadata = out->cell_metadata;
  const size_t n = t.columns.size();
  out->indexes.clear();
  for (size_t i = t.primary_key_size(); i < n; ++i) {
    if (t.columns[i].kind == ColumnKind::kStatic) out->indexes.push_back(i);
  }
  out->row.assign(cell_metadata ? 3 * n : n, Value());
  out->live = false;
  if (value.empty()) return Status::OK();
  thread_local RowState s;
  if (!DecodeRowState(value, &s)) return Status::Corruption("undecodable partition record");
  if (!s.LiveAt(now_s)) return Status::OK();
  if (record_key.size() < 12) return Status::Corruption("row key too short");
  std::string_view in = record_key.substr(12);
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    ASSIGN_OR_RETURN(out->row[i], keys::DecodeComponent(t.columns[i].type, ClusteringOrder::kAsc, &in));
  }
  // Live by its marker (an INSERT of static columns alone) or by a live static cell.
  out->live = s.has_marker && s.marker_ts > s.tombstone_ts &&
              (s.marker_expiry == 0 || now_s < s.marker_expiry);
  Status st = Status::OK();
  ForEachLiveCell(t, s, now_s, kNoTimestamp, [&](size_t idx, const CellState& c) {
    if (!st.ok() || t.columns[idx].kind != ColumnKind::kStatic) return;
    out->live = true;
    if (cell_metadata) {
      out->row[n + idx] = Value::Bigint(c.timestamp);
      if (c.expiry) out->row[2 * n + idx] = Value::Int32(int32_t(c.expiry - now_s));
    }
    auto v = DeserializeNative(t.columns[idx].type, c.value);
    if (!v.ok()) {
      st = Status::Corruption("stored cell of column '" + t.columns[idx].name + "': " +
                              v.status().message());
      return;
    }
    out->row[idx] = std::move(*v);
  });
  return st;
}

Status DecodeStaticsNative(const TableSchema& t, std::string_view value, uint32_t now_s,
                           std::vector<std::optional<std::string_view>>* cells,
                           std::vector<std::string>* scratch) {
  (void)scratch;  // static columns are never counters
  if (value.empty()) return Status::OK();
  thread_local RowState s;
  if (!DecodeRowState(value, &s)) return Status::Corruption("undecodable partition record");
  ForEachLiveCell(t, s, now_s, kNoTimestamp, [&](size_t idx, const CellState& c) {
    if (t.columns[idx].kind == ColumnKind::kStatic) (*cells)[idx] = c.value;
  });
  return Status::OK();
}

Result<bool> DecodeRowNative(const TableSchema& t, std::string_view value, uint32_t now_s,
                             int64_t shadow_ts, std::vector<std::optional<std::string_view>>* cells,
                             std::vector<std::string>* scratch) {
  thread_local RowState s;
  if (!DecodeRowState(value, &s)) return Status::Corruption("undecodable row value");
  if (!s.LiveAt(now_s, shadow_ts)) return false;
  cells->assign(t.columns.size(), std::nullopt);
  scratch->resize(t.columns.size());
  ForEachLiveCell(t, s, now_s, shadow_ts, [&](size_t idx, const CellState& c) {
    if (c.counter) {  // a counter cell holds its delta, not bytes
      std::string& b = (*scratch)[idx];
      b.clear();
      SerializeNative(Value::Int(TypeKind::kCounter, c.delta), &b);
      (*cells)[idx] = b;
    } else {
      (*cells)[idx] = c.value;
    }
  });
  return true;
}

}  // namespace kappa::store
