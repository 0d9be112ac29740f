// ValueFormats: how a job reads a record's value. Private to src/stream.
//
//   JSON text                    the value as it is (the seed's format)
//   Confluent wire format        magic byte 0, 4-byte big-endian schema id, payload: the id is
//                                looked up through the job's SchemaResolver (connect.h), once
//                                per id (a cache of compiled codecs); an AVRO schema's payload
//                                is Avro binary, a JSON schema's is JSON text
//
// A value starting with any other control byte is a frame with an unknown magic byte (JSON
// text never starts with one). Every failure is InvalidArgument with a message for the
// dead letter's `error` header: "unknown magic byte 0x01 ...", "schema id 7 is not in the
// schema registry", "schema id 7: Avro payload, byte 12: ...". One per partition worker; not
// thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "connect/connect.h"

namespace kappa::avro {
class Codec;
}

namespace kappa::stream {

struct DecodedValue {
  enum class Kind { kJson, kAvro } kind = Kind::kJson;
  std::string_view json;               // kJson: the JSON text (a framed value's payload)
  const avro::Codec* codec = nullptr;  // kAvro: the writer schema (kept alive by the cache)
  std::string_view payload;            // kAvro: the Avro binary
  int32_t schema_id = -1;              // framed values: the id; -1 for plain JSON
};

class ValueFormats {
 public:
  // `schemas` may be null: then framed values are dead letters ("no schema registry").
  explicit ValueFormats(connect::SchemaResolver* schemas);
  ~ValueFormats();
  Result<DecodedValue> Classify(std::string_view value);

 private:
  struct Entry {
    std::string type;
    std::shared_ptr<const avro::Codec> codec;  // AVRO
    Status error;                              // a schema the codec rejected
  };
  connect::SchemaResolver* schemas_;
  std::unordered_map<int32_t, Entry> cache_;
};

}  // namespace kappa::stream
