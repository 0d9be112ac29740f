// The Avro schema of a `format: avro` producer without a schema_file: one record named after
// the topic, a field per mapped field in mapping order, typed by the column of the same name
// in the table of the job that reads the topic (a field no column takes is a string).
//
// The types follow what the job's converter makes of them (docs/formats/config.md): uuid and
// the text types are strings (uuid with its logical type), the integer and floating types
// the Avro numbers that hold them, boolean, blob as bytes; everything the mapping writes as
// text and the job parses (timestamp, date, time, inet, decimal, varint, collections) a
// string. Key columns are required; the others ["null", T] with default null, since a mapping
// may give null.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "store/store.h"

namespace kappa::app {
namespace {

nlohmann::ordered_json AvroTypeFor(const store::Type& type) {
  using store::TypeKind;
  switch (type.kind) {
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      return {{"type", "string"}, {"logicalType", "uuid"}};
    case TypeKind::kTinyint: case TypeKind::kSmallint: case TypeKind::kInt: return "int";
    case TypeKind::kBigint: case TypeKind::kCounter: return "long";
    case TypeKind::kFloat: return "float";
    case TypeKind::kDouble: return "double";
    case TypeKind::kBoolean: return "boolean";
    case TypeKind::kBlob: return "bytes";
    default: return "string";
  }
}

// Avro names: [A-Za-z_][A-Za-z0-9_]*.
std::string AvroName(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

}  // namespace

Result<std::string> ProducerAvroSchema(const PipelineConfig& config, const ProducerConfig& p) {
  if (!p.schema_text.empty()) return p.schema_text;
  const MappingConfig* m = config.FindMapping(p.mapping);
  if (!m) return Status::InvalidArgument("producer " + p.name + ": no mapping " + p.mapping);
  const TableConfig* table = nullptr;
  for (const JobConfig& j : config.jobs) {
    if (j.topic != p.topic) continue;
    for (const KeyspaceConfig& ks : config.keyspaces) {
      for (const TableConfig& t : ks.tables) {
        if (t.FullName() == j.table) table = &t;
      }
    }
    if (table) break;
  }
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const std::string& name : m->mapping.fields()) {
    nlohmann::ordered_json type = "string";
    bool key = false;
    if (table) {
      for (const ColumnConfig& c : table->columns) {
        if (c.name != name) continue;
        auto t = store::Type::Parse(c.type);
        if (!t.ok()) return t.status().WithContext("column " + table->FullName() + "." + c.name);
        type = AvroTypeFor(*t);
      }
      for (const auto& k : table->partition_key) key |= k == name;
      for (const auto& k : table->clustering) key |= k == name;
    }
    if (AvroName(name) != name) {
      return Status::InvalidArgument(fmt::format(
          "producer {}: the mapped field '{}' is not a valid Avro field name; give the producer "
          "a schema_file", p.name, name));
    }
    nlohmann::ordered_json field = {{"name", name}};
    if (key) {
      field["type"] = type;
    } else {
      field["type"] = nlohmann::ordered_json::array({"null", type});
      field["default"] = nullptr;
    }
    fields.push_back(std::move(field));
  }
  nlohmann::ordered_json schema = {{"type", "record"},
                           {"name", AvroName(p.topic)},
                           {"namespace", "kappa"},
                           {"fields", std::move(fields)}};
  return schema.dump();
}

}  // namespace kappa::app
