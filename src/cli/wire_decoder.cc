#include "cli/wire_decoder.h"

#include <fmt/format.h>

#include "avro/avro.h"
#include "registry/client.h"

namespace kappa::cli {

Result<WireDecoder::Mode> WireDecoder::ParseMode(std::string_view mode) {
  if (mode == "auto") return Mode::kAuto;
  if (mode == "avro") return Mode::kAvro;
  if (mode == "json") return Mode::kJson;
  return Status::InvalidArgument(fmt::format("--format {}: use auto, avro or json", mode));
}

WireDecoder::WireDecoder(Mode mode, std::string registry_url)
    : mode_(mode), url_(std::move(registry_url)) {}
WireDecoder::~WireDecoder() = default;

Result<const WireDecoder::Schema*> WireDecoder::Lookup(int32_t id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return &it->second;
  if (!unreachable_.ok()) return unreachable_;
  if (!client_) {
    registry::client::ClientOptions o;
    o.url = url_;
    o.request_timeout_ms = 10000;
    ASSIGN_OR_RETURN(client_, registry::client::Client::Create(o));
  }
  auto r = client_->GetById(id);
  Schema s;
  if (!r.ok()) {
    // A registry that cannot be reached is not cached (the next value asks again); an id it
    // does not have is.
    if (!r.status().IsNotFound()) {
      // Asked once per run: a topic of framed values must not wait on a dead registry each.
      unreachable_ = r.status().WithContext("schema registry " + url_);
      return unreachable_;
    }
    s.error = Status::NotFound(fmt::format("schema id {} is not in the registry at {}", id, url_));
  } else {
    s.type = r->definition.schema_type.empty() ? "AVRO" : r->definition.schema_type;
    if (s.type == "AVRO") {
      auto codec = avro::Codec::Compile(r->definition.schema);
      if (codec.ok()) {
        s.codec = std::move(codec).value();
      } else {
        s.error = codec.status().WithContext(fmt::format("schema id {}", id));
      }
    }
  }
  return &cache_.emplace(id, std::move(s)).first->second;
}

Result<bool> WireDecoder::Decode(std::string_view value, std::string* json, int32_t* schema_id) {
  if (mode_ == Mode::kJson) return false;
  if (!avro::LooksFramed(value)) {
    if (mode_ == Mode::kAvro) {
      return Status::InvalidArgument("not in the Confluent wire format (no magic byte 0)");
    }
    return false;
  }
  auto frame = avro::ParseWireFrame(value);
  if (!frame.ok()) {
    if (mode_ == Mode::kAvro) return frame.status();
    return false;
  }
  *schema_id = frame->schema_id;
  auto looked_up = Lookup(frame->schema_id);
  if (!looked_up.ok()) {
    if (mode_ == Mode::kAvro) return looked_up.status();
    if (!warned_) {  // auto: shown as they are, said once
      warned_ = true;
      return looked_up.status().WithContext("values starting with byte 0 are shown as they are");
    }
    return false;
  }
  const Schema* s = *looked_up;
  if (!s->error.ok()) {
    if (mode_ == Mode::kAuto && s->error.IsNotFound()) return false;  // not a frame after all
    return s->error;
  }
  if (s->type == "JSON" && mode_ == Mode::kAuto) {
    json->assign(frame->payload);
    return true;
  }
  if (s->type != "AVRO") {
    return Status::InvalidArgument(fmt::format("schema id {} is a {} schema, not AVRO",
                                               frame->schema_id, s->type));
  }
  json->clear();
  Status st = s->codec->DecodeToJson(frame->payload, json);
  if (!st.ok()) return st.WithContext(fmt::format("schema id {}", frame->schema_id));
  return true;
}

}  // namespace kappa::cli
