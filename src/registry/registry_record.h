// The JSON keys and values of the `_schemas` topic, in Confluent's shape (internal to
// src/registry; docs/formats/registry-log.md is the prose page):
//   SCHEMA          {"keytype":"SCHEMA","subject":S,"version":V,"magic":1}
//                   -> {"subject","version","id","schemaType"?,"references"?,"schema","deleted"}
//   CONFIG          {"keytype":"CONFIG","subject":S|null,"magic":0} -> {"compatibilityLevel"}
//   MODE            {"keytype":"MODE","subject":S|null,"magic":0} -> {"mode"}
//   DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":S,"magic":0} -> {"subject","version"}
//   WRITER          {"keytype":"WRITER","subject":null,"magic":0} -> {"url","instance"}
// A null value (tombstone) deletes what the key names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "registry/registry.h"

namespace kappa::registry {

enum class KeyType { kSchema, kConfig, kMode, kDeleteSubject, kWriter, kNoop };

struct RecordKey {
  KeyType type = KeyType::kNoop;
  std::optional<std::string> subject;  // nullopt: global (CONFIG, MODE)
  int32_t version = 0;                 // SCHEMA only
};

struct SchemaValue {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  std::string type = "AVRO";
  std::string schema;
  std::vector<SchemaReference> references;
  bool deleted = false;
};

std::string EncodeKey(const RecordKey& key);
// InvalidArgument for anything that is not one of the keys above (unknown keytypes are
// NOOP: a newer writer's record an older reader skips).
Result<RecordKey> DecodeKey(std::string_view json);

std::string EncodeSchemaValue(const SchemaValue& v);
Result<SchemaValue> DecodeSchemaValue(std::string_view json);

std::string EncodeConfigValue(Compatibility c);
Result<Compatibility> DecodeConfigValue(std::string_view json);
std::string EncodeModeValue(Mode m);
Result<Mode> DecodeModeValue(std::string_view json);
// WRITER: the instance elected to write (kafka log) announces where it takes writes.
struct WriterValue {
  std::string url;       // its advertised REST URL, where followers forward writes
  std::string instance;  // random per process start: tells an instance its own record
  bool operator==(const WriterValue&) const = default;
};
std::string EncodeWriterValue(const WriterValue& w);
Result<WriterValue> DecodeWriterValue(std::string_view json);

// DELETE_SUBJECT: soft-deletes every version <= `version`.
std::string EncodeDeleteSubjectValue(std::string_view subject, int32_t version);
Result<int32_t> DecodeDeleteSubjectValue(std::string_view json);

}  // namespace kappa::registry
