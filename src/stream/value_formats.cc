#include "stream/value_formats.h"

#include <fmt/format.h>

#include "avro/avro.h"

namespace kappa::stream {

ValueFormats::ValueFormats(connect::SchemaResolver* schemas) : schemas_(schemas) {}
ValueFormats::~ValueFormats() = default;

Result<DecodedValue> ValueFormats::Classify(std::string_view value) {
  DecodedValue d;
  if (value.empty()) {
    d.json = value;
    return d;
  }
  const uint8_t first = static_cast<uint8_t>(value[0]);
  if (first >= 0x20 || first == ' ' || first == '\t' || first == '\n' || first == '\r') {
    d.json = value;  // JSON text (or not: the converter says what is wrong with it)
    return d;
  }
  ASSIGN_OR_RETURN(avro::WireFrame frame, avro::ParseWireFrame(value));
  d.schema_id = frame.schema_id;
  if (!schemas_) {
    return Status::InvalidArgument(fmt::format(
        "a Confluent wire-format value (schema id {}) but the job has no schema registry",
        frame.schema_id));
  }
  auto it = cache_.find(frame.schema_id);
  if (it == cache_.end()) {
    auto schema = schemas_->Lookup(frame.schema_id);
    if (!schema.ok()) {
      // Not cached: an id unknown now may be registered later.
      if (schema.status().IsNotFound()) {
        return Status::InvalidArgument(
            fmt::format("schema id {} is not in the schema registry", frame.schema_id));
      }
      return Status::InvalidArgument(fmt::format("schema id {}: {}", frame.schema_id,
                                                 schema.status().ToString()));
    }
    Entry e;
    e.type = schema->type;
    if (e.type == "AVRO") {
      auto codec = avro::Codec::Compile(schema->schema);
      if (codec.ok()) {
        e.codec = std::move(codec).value();
      } else {
        e.error = codec.status();
      }
    }
    it = cache_.emplace(frame.schema_id, std::move(e)).first;
  }
  const Entry& e = it->second;
  if (e.type == "JSON") {
    d.json = frame.payload;
    return d;
  }
  if (e.type != "AVRO") {
    return Status::InvalidArgument(fmt::format(
        "schema id {} is a {} schema; jobs read AVRO and JSON", frame.schema_id, e.type));
  }
  if (!e.error.ok()) return e.error.WithContext(fmt::format("schema id {}", frame.schema_id));
  d.kind = DecodedValue::Kind::kAvro;
  d.codec = e.codec.get();
  d.payload = frame.payload;
  return d;
}

}  // namespace kappa::stream
