// Schemas as CQL text: the one renderer of CREATE KEYSPACE / CREATE TABLE statements, in the
// layout of Cassandra 4.0's DESCRIBE (cqlsh prints what the server sends), so that the text
// can be fed back to Cassandra or to kappa.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "store/schema.h"

namespace kappa::store {
namespace {

// Cassandra 4.0's reserved keywords (ReservedKeywords.java): an identifier spelled like one
// must be quoted.
bool IsReservedWord(std::string_view w) {
  static const char* kReserved[] = {
      "add",     "allow",    "alter",    "and",         "apply",        "asc",
      "authorize", "batch",  "begin",    "by",          "columnfamily", "create",
      "default", "delete",   "desc",     "describe",    "drop",         "entries",
      "execute", "for",      "from",     "full",        "grant",        "if",
      "in",      "index",    "infinity", "insert",      "into",         "is",
      "keyspace", "limit",   "materialized", "mbean",   "mbeans",       "modify",
      "nan",     "norecursive", "not",   "null",        "of",           "on",
      "or",      "order",    "primary",  "rename",      "replace",      "restrict",
      "revoke",  "schema",   "select",   "set",         "table",        "to",
      "token",   "truncate", "unlogged", "unrestrict",  "unset",        "update",
      "use",     "using",    "view",     "where",       "with"};
  for (const char* r : kReserved) {
    if (w == r) return true;
  }
  return false;
}

// How an option's value is written: a string literal, a bare number/boolean, or a map.
enum class OptionKind { kString, kBare, kMap };

struct KnownOption {
  const char* name;
  OptionKind kind;
  const char* default_literal;  // as DESCRIBE prints Cassandra 4.0's default
};

// Every table option Cassandra 4.0 prints in DESCRIBE, sorted by name, with its default.
// The defaults are also what system_schema.tables reports for a table that sets none.
constexpr KnownOption kKnownOptions[] = {
    {"additional_write_policy", OptionKind::kString, "'99p'"},
    {"bloom_filter_fp_chance", OptionKind::kBare, "0.01"},
    {"caching", OptionKind::kMap, "{'keys': 'ALL', 'rows_per_partition': 'NONE'}"},
    {"cdc", OptionKind::kBare, "false"},
    {"comment", OptionKind::kString, "''"},
    {"compaction", OptionKind::kMap,
     "{'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', "
     "'max_threshold': '32', 'min_threshold': '4'}"},
    {"compression", OptionKind::kMap,
     "{'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}"},
    {"crc_check_chance", OptionKind::kBare, "1.0"},
    {"default_time_to_live", OptionKind::kBare, "0"},
    {"extensions", OptionKind::kMap, "{}"},
    {"gc_grace_seconds", OptionKind::kBare, "864000"},
    {"max_index_interval", OptionKind::kBare, "2048"},
    {"memtable_flush_period_in_ms", OptionKind::kBare, "0"},
    {"min_index_interval", OptionKind::kBare, "128"},
    {"read_repair", OptionKind::kString, "'BLOCKING'"},
    {"speculative_retry", OptionKind::kString, "'99p'"},
};

// A bare option value must look like a number or a boolean; anything else is quoted so that
// the statement still parses.
bool LooksBare(std::string_view v) {
  if (v == "true" || v == "false") return true;
  if (v.empty()) return false;
  size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
  if (i == v.size()) return false;
  bool digit = false;
  for (; i < v.size(); ++i) {
    char c = v[i];
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') return false;
  }
  return digit;
}

// The option's value as kept by the parser (strings unquoted, maps as "{'k': 'v', ...}"),
// as a CQL literal of its kind.
std::string OptionLiteral(OptionKind kind, const std::string& v) {
  switch (kind) {
    case OptionKind::kString: return QuoteCqlString(v);
    case OptionKind::kMap: return v.starts_with("{") ? v : "{}";
    case OptionKind::kBare: {
      std::string lower = v;
      for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
      return LooksBare(lower) ? lower : QuoteCqlString(v);
    }
  }
  return QuoteCqlString(v);
}

}  // namespace

std::string QuoteCqlIdentifier(std::string_view name) {
  bool bare = !name.empty() && name[0] >= 'a' && name[0] <= 'z' && !IsReservedWord(name) &&
              std::all_of(name.begin(), name.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
              });
  if (bare) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteCqlString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::vector<std::pair<std::string, std::string>> TableSchema::CqlOptions(bool all) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const KnownOption& o : kKnownOptions) {
    auto it = options.find(o.name);
    if (it != options.end()) {
      out.emplace_back(o.name, OptionLiteral(o.kind, it->second));
    } else if (all) {
      out.emplace_back(o.name, o.default_literal);
    }
  }
  // Options Cassandra does not know (kappa keeps what CREATE TABLE gave) are not rendered:
  // Cassandra would refuse the statement.
  return out;
}

std::string TableSchema::ToCql(const CqlFormat& f) const {
  const std::string& ks = f.keyspace.empty() ? keyspace : f.keyspace;
  std::string s = "CREATE TABLE ";
  if (f.if_not_exists) s += "IF NOT EXISTS ";
  s += QuoteCqlIdentifier(ks) + "." + QuoteCqlIdentifier(name) + " (\n";
  // Cassandra's column order: partition key, clustering, then static and regular columns,
  // each group by name.
  std::vector<const ColumnSchema*> rest;
  for (const ColumnSchema& c : columns) {
    if (c.kind == ColumnKind::kStatic || c.kind == ColumnKind::kRegular) rest.push_back(&c);
  }
  std::stable_sort(rest.begin(), rest.end(), [](const ColumnSchema* a, const ColumnSchema* b) {
    bool sa = a->kind == ColumnKind::kStatic, sb = b->kind == ColumnKind::kStatic;
    if (sa != sb) return sa;
    return a->name < b->name;
  });
  const bool inline_key = num_partition_key_ == 1 && num_clustering_ == 0;
  auto column_line = [&](const ColumnSchema& c) {
    s += "    " + QuoteCqlIdentifier(c.name) + " " + c.type.ToString();
    if (c.kind == ColumnKind::kStatic) s += " static";
    if (inline_key && c.kind == ColumnKind::kPartitionKey) s += " PRIMARY KEY";
  };
  for (size_t i = 0; i < num_partition_key_ + num_clustering_; ++i) {
    column_line(columns[i]);
    s += (i + 1 < columns.size() || !inline_key) ? ",\n" : "\n";
  }
  for (size_t i = 0; i < rest.size(); ++i) {
    column_line(*rest[i]);
    s += (i + 1 < rest.size() || !inline_key) ? ",\n" : "\n";
  }
  if (!inline_key) {
    std::string pk;
    for (size_t i = 0; i < num_partition_key_; ++i) {
      pk += (i ? ", " : "") + QuoteCqlIdentifier(columns[i].name);
    }
    s += "    PRIMARY KEY (" + (num_partition_key_ > 1 ? "(" + pk + ")" : pk);
    for (size_t i = 0; i < num_clustering_; ++i) {
      s += ", " + QuoteCqlIdentifier(columns[num_partition_key_ + i].name);
    }
    s += ")\n";
  }
  s += ")";
  std::vector<std::string> with;
  if (num_clustering_ > 0) {
    std::string order = "CLUSTERING ORDER BY (";
    for (size_t i = 0; i < num_clustering_; ++i) {
      const ColumnSchema& c = columns[num_partition_key_ + i];
      order += (i ? ", " : "") + QuoteCqlIdentifier(c.name) +
               (c.order == ClusteringOrder::kDesc ? " DESC" : " ASC");
    }
    with.push_back(order + ")");
  }
  if (f.options != CqlFormat::Options::kNone) {
    for (auto& [k, v] : CqlOptions(f.options == CqlFormat::Options::kAll)) {
      with.push_back(k + " = " + v);
    }
  }
  for (size_t i = 0; i < with.size(); ++i) s += (i ? "\n    AND " : " WITH ") + with[i];
  return s + ";";
}

std::string KeyspaceSchema::ToCql(bool if_not_exists) const {
  std::string s = "CREATE KEYSPACE ";
  if (if_not_exists) s += "IF NOT EXISTS ";
  s += QuoteCqlIdentifier(name) + " WITH replication = {";
  bool first = true;
  // 'class' first, as Cassandra prints it; the rest by name (std::map order).
  auto add = [&](const std::string& k, const std::string& v) {
    s += (first ? "" : ", ") + QuoteCqlString(k) + ": " + QuoteCqlString(v);
    first = false;
  };
  auto cls = replication.find("class");
  if (cls != replication.end()) add(cls->first, cls->second);
  for (const auto& [k, v] : replication) {
    if (k != "class") add(k, v);
  }
  s += "}  AND durable_writes = ";
  s += durable_writes ? "true" : "false";
  return s + ";";
}

}  // namespace kappa::store
