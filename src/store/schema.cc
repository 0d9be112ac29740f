// TableSchema validation and text forms.
#include <algorithm>
#include <charconv>
#include <set>

#include "store/key_codec.h"
#include "store/schema.h"

namespace kappa::store {

std::string_view ColumnKindName(ColumnKind k) {
  switch (k) {
    case ColumnKind::kPartitionKey: return "partition_key";
    case ColumnKind::kClustering: return "clustering";
    case ColumnKind::kRegular: return "regular";
    case ColumnKind::kStatic: return "static";
  }
  return "unknown";
}

int TableSchema::FindColumn(std::string_view n) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == n) return int(i);
  }
  return -1;
}

bool TableSchema::is_counter_table() const {
  return std::any_of(columns.begin(), columns.end(),
                     [](const ColumnSchema& c) { return c.type.kind == TypeKind::kCounter; });
}

int32_t TableSchema::default_ttl_seconds() const {
  auto it = options.find("default_time_to_live");
  if (it == options.end()) return 0;
  int32_t v = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return v > 0 ? v : 0;
}

bool IsValidName(std::string_view n) {
  if (n.empty() || n.size() > 48) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status TableSchema::Finish() {
  const std::string what = keyspace + "." + name;
  if (!IsValidName(keyspace) || !IsValidName(name)) {
    return Status::InvalidArgument("bad table name '" + what +
                                   "': names are 1-48 letters, digits or underscores");
  }
  std::set<std::string> seen;
  std::vector<ColumnSchema> pk, ck, rest;
  for (const ColumnSchema& c : columns) {
    if (!IsValidName(c.name)) {
      return Status::InvalidArgument("bad column name '" + c.name + "' in " + what);
    }
    if (!seen.insert(c.name).second) {
      return Status::InvalidArgument("column '" + c.name + "' appears twice in " + what);
    }
    if (c.type.kind == TypeKind::kCustom) {
      return Status::InvalidArgument("column '" + c.name + "' has an unsupported type");
    }
    for (const Type& p : c.type.params) {
      if (p.kind == TypeKind::kCounter) {
        return Status::InvalidArgument("counters are not allowed inside collections (column '" +
                                       c.name + "')");
      }
    }
    switch (c.kind) {
      case ColumnKind::kPartitionKey: pk.push_back(c); break;
      case ColumnKind::kClustering: ck.push_back(c); break;
      default: rest.push_back(c); rest.back().position = -1; break;
    }
    if ((c.kind == ColumnKind::kPartitionKey || c.kind == ColumnKind::kClustering) &&
        !keys::IsKeyType(c.type)) {
      return Status::InvalidArgument("column '" + c.name + "' of type " + c.type.ToString() +
                                     " cannot be part of the primary key");
    }
  }
  if (pk.empty()) return Status::InvalidArgument(what + " needs at least one partition key column");
  // Counter tables: only counters besides the primary key (Cassandra's rule; their cells
  // merge by addition, which no other column type does).
  size_t counters = std::count_if(rest.begin(), rest.end(), [](const ColumnSchema& c) {
    return c.type.kind == TypeKind::kCounter;
  });
  if (counters > 0 && counters != rest.size()) {
    return Status::InvalidArgument("Cannot mix counter and non counter columns in the same table (" +
                                   what + ")");
  }
  if (counters > 0 && default_ttl_seconds() > 0) {
    return Status::InvalidArgument("Cannot set default_time_to_live on a table with counters (" +
                                   what + ")");
  }
  auto by_pos = [](const ColumnSchema& a, const ColumnSchema& b) { return a.position < b.position; };
  std::stable_sort(pk.begin(), pk.end(), by_pos);
  std::stable_sort(ck.begin(), ck.end(), by_pos);
  for (size_t i = 0; i < pk.size(); ++i) {
    if (pk[i].position != int(i)) {
      return Status::InvalidArgument("partition key positions of " + what + " must be 0.." +
                                     std::to_string(pk.size() - 1));
    }
  }
  for (size_t i = 0; i < ck.size(); ++i) {
    if (ck[i].position != int(i)) {
      return Status::InvalidArgument("clustering positions of " + what + " must be 0.." +
                                     std::to_string(ck.size() - 1));
    }
  }
  bool has_static = std::any_of(rest.begin(), rest.end(),
                                [](const ColumnSchema& c) { return c.kind == ColumnKind::kStatic; });
  if (has_static && ck.empty()) {
    // Cassandra's message.
    return Status::InvalidArgument(
        "Static columns are only useful (and thus allowed) if the table has at least one "
        "clustering column");
  }
  has_static_ = has_static;
  num_partition_key_ = pk.size();
  num_clustering_ = ck.size();
  columns.clear();
  for (auto* v : {&pk, &ck, &rest}) columns.insert(columns.end(), v->begin(), v->end());
  return Status::OK();
}

}  // namespace kappa::store
