// Private to the kafka pages' routes (routes_topics.cc, routes_messages.cc,
// routes_groups.cc): request parameters, errors, text safety, metric history and value
// decoding (JSON, and Avro or JSON Schema values framed with a schema id, through the
// schema registry).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "console/console.h"
#include "http/http.h"

namespace kappa::avro {
class Codec;
}

namespace kappa::registry {
class ProtobufDecoder;
}

namespace kappa::console::kafka_internal {

// An integer query parameter (nullopt if absent); InvalidArgument if not an integer.
Result<std::optional<int64_t>> QueryInt(const http::Request& req, std::string_view name);

// The console's error answer for a Status: NotFound 404, InvalidArgument/OutOfRange 400,
// AlreadyExists/Aborted 409, others 500 (the message is the Status's).
http::Response ErrorResponse(const Status& s);

// Whether `bytes` is valid UTF-8 (the JSON answer replaces invalid bytes with U+FFFD, so
// the page marks such a value as binary).
bool IsValidUtf8(std::string_view bytes);

// Per-second rate of one counter series over its last `seconds` in the history (0 if
// unknown): one ring read, cheap enough for every row of a list (the charts use
// CounterRate and GaugeSeries of routes.h).
double RecentRate(const metrics::History* history, std::string_view name,
                  const std::vector<std::pair<std::string, std::string>>& labels,
                  int seconds = 10);

// A value as the message browser shows it.
struct DecodedValue {
  std::string format = "null";  // null | text | binary | json | avro | json-schema | protobuf
  std::optional<nlohmann::json> json;  // json, avro, json-schema: the document
  int32_t schema_id = -1;              // framed values
  std::string error;                   // why a framed value could not be decoded
};

// Decodes values; framed ones (magic byte 0 + schema id) through the registry, caching each
// schema's compiled codec. Thread-safe.
class ValueDecoder {
 public:
  explicit ValueDecoder(registry::Registry* registry) : registry_(registry) {}
  DecodedValue Decode(const std::optional<std::string>& value) const;

 private:
  Result<std::shared_ptr<const avro::Codec>> CodecFor(int32_t id, std::string* type) const;
  registry::Registry* registry_;
  mutable std::mutex mu_;
  // id -> (schema type, codec: null for non-Avro types); bounded (cleared when full).
  mutable std::map<int32_t, std::pair<std::string, std::shared_ptr<const avro::Codec>>> cache_;
  // id -> the Protobuf decoder of that schema (PROTOBUF ids only); bounded the same way.
  Result<std::shared_ptr<const registry::ProtobufDecoder>> ProtobufFor(int32_t id) const;
  mutable std::map<int32_t, std::shared_ptr<const registry::ProtobufDecoder>> protobuf_;
};

// The message as JSON for the browser: partition, offset, timestamp, key, value (text),
// *_binary flags, value_format, value_json (the decoded document), schema_id, headers.
nlohmann::json MessageJson(const Message& m, const DecodedValue& v);

// The field at a dotted path ("user.address.city", "items.0.id") of a document; null if
// absent. Compared with a filter value: a string field by its text, others by their JSON.
bool FieldEquals(const nlohmann::json& doc, std::string_view path, std::string_view want);

}  // namespace kappa::console::kafka_internal
