// WireDecoder: how `kappa consume --format` shows record values. Private to src/cli.
//
//   json  values as they are (the seed's format)
//   avro  every value is a Confluent wire-format Avro record: decoded to JSON
//   auto  (default) a value starting with magic byte 0 whose schema id the registry knows is
//         decoded (Avro to JSON; a JSON Schema frame's payload as it is); others as they are
//
// Schemas are fetched by id over the registry's REST API (registry/client.h; GET
// /schemas/ids/{id}) once per id; the client is created on the first framed value, so JSON
// topics never need a registry. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa::avro {
class Codec;
}
namespace kappa::registry::client {
class Client;
}

namespace kappa::cli {

class WireDecoder {
 public:
  enum class Mode { kAuto, kAvro, kJson };
  // InvalidArgument for a mode other than auto, avro, json.
  static Result<Mode> ParseMode(std::string_view mode);

  WireDecoder(Mode mode, std::string registry_url);
  ~WireDecoder();

  // True with the value's JSON text in *json (and its schema id) when it was decoded; false
  // when the value is to be shown as it is. With mode avro a value that cannot be decoded is
  // an error (the caller reports it and shows the value as it is); with auto only a framed
  // value whose schema the registry has and whose payload does not decode is.
  Result<bool> Decode(std::string_view value, std::string* json, int32_t* schema_id);

 private:
  struct Schema {
    std::string type;
    std::shared_ptr<const avro::Codec> codec;
    Status error;  // not found, or a schema the codec rejected
  };
  Result<const Schema*> Lookup(int32_t id);

  Mode mode_;
  std::string url_;
  std::unique_ptr<registry::client::Client> client_;
  std::map<int32_t, Schema> cache_;
  Status unreachable_;   // the registry did not answer (asked once per run)
  bool warned_ = false;  // auto: that was reported
};

}  // namespace kappa::cli
