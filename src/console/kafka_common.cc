// Helpers of the kafka pages' routes; see kafka_common.h.
#include "console/kafka_common.h"

#include <charconv>
#include <cmath>

#include "avro/avro.h"
#include "metrics/metrics.h"
#include "registry/registry.h"

namespace kappa::console::kafka_internal {

Result<std::optional<int64_t>> QueryInt(const http::Request& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<int64_t>();
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) {
    return Status::InvalidArgument(std::string(name) + " must be an integer, not '" +
                                   std::string(*v) + "'");
  }
  return std::optional<int64_t>(out);
}

http::Response ErrorResponse(const Status& s) {
  int code = 500;
  if (s.IsNotFound()) code = 404;
  else if (s.IsInvalidArgument() || s.IsOutOfRange()) code = 400;
  else if (s.IsAlreadyExists() || s.code() == Status::Code::kAborted) code = 409;
  else if (s.IsUnavailable()) code = 503;
  return http::Response::Error(code, s.message());
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = uint8_t(s[i]);
    size_t n;  // continuation bytes
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c >> 5) == 0x6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      auto cc = uint8_t(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

double RecentRate(const metrics::History* history, std::string_view name,
                  const std::vector<std::pair<std::string, std::string>>& labels, int seconds) {
  if (history == nullptr) return 0;
  auto ring = history->Read(name, labels);
  if (!ring || ring->values.empty()) return 0;
  const auto& v = ring->values;
  // The newest sample and the one `seconds` before it, skipping missing (NaN) ones.
  int last = int(v.size()) - 1;
  while (last >= 0 && std::isnan(v[size_t(last)])) --last;
  if (last <= 0) return 0;
  int first = std::max(0, last - seconds);
  while (first < last && std::isnan(v[size_t(first)])) ++first;
  if (first >= last) return 0;
  double d = v[size_t(last)] - v[size_t(first)];
  return d > 0 ? d / double(last - first) : 0;  // a counter reset reads as 0, not negative
}

Result<std::shared_ptr<const avro::Codec>> ValueDecoder::CodecFor(int32_t id,
                                                                  std::string* type) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(id); it != cache_.end()) {
      *type = it->second.first;
      return it->second.second;
    }
  }
  auto s = registry_->GetSchemaById(id);
  if (!s.ok()) return s.status();
  *type = s->type;
  std::shared_ptr<const avro::Codec> codec;
  if (s->type == "AVRO") {
    // With Confluent references: the referenced subjects' types written in.
    auto text = registry::SelfContainedAvroSchema(*registry_, *s);
    if (!text.ok()) return text.status();
    auto c = avro::Codec::Compile(*text);
    if (!c.ok()) return c.status();
    codec = *c;
  }
  std::lock_guard lock(mu_);
  if (cache_.size() >= 256) cache_.clear();  // ids are few; this only bounds a flood
  cache_[id] = {*type, codec};
  return codec;
}

Result<std::shared_ptr<const registry::ProtobufDecoder>> ValueDecoder::ProtobufFor(
    int32_t id) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = protobuf_.find(id); it != protobuf_.end()) return it->second;
  }
  auto s = registry_->GetSchemaById(id);
  if (!s.ok()) return s.status();
  auto d = registry::ProtobufDecoder::ForSchema(*registry_, *s);
  if (!d.ok()) return d.status();
  std::lock_guard lock(mu_);
  if (protobuf_.size() >= 256) protobuf_.clear();  // ids are few; this only bounds a flood
  protobuf_[id] = *d;
  return *d;
}

DecodedValue ValueDecoder::Decode(const std::optional<std::string>& value) const {
  DecodedValue d;
  if (!value) return d;
  const std::string& v = *value;
  if (avro::LooksFramed(v)) {
    d.format = "binary";
    auto frame = avro::ParseWireFrame(v);
    if (!frame.ok()) {
      d.error = frame.status().message();
      return d;
    }
    d.schema_id = frame->schema_id;
    if (registry_ == nullptr) {
      d.error = "framed with schema id " + std::to_string(d.schema_id) +
                ", but no schema registry is configured";
      return d;
    }
    std::string type;
    auto codec = CodecFor(frame->schema_id, &type);
    if (!codec.ok()) {
      d.error = codec.status().message();
      return d;
    }
    if (type == "AVRO") {
      std::string text;
      Status st = (*codec)->DecodeToJson(frame->payload, &text);
      if (!st.ok()) {
        d.error = "not an Avro datum of schema " + std::to_string(d.schema_id) + ": " +
                  st.message();
        return d;
      }
      auto doc = nlohmann::json::parse(text, nullptr, false);
      if (doc.is_discarded()) {
        d.error = "the decoded Avro datum is not JSON";
        return d;
      }
      d.format = "avro";
      d.json = std::move(doc);
    } else if (type == "JSON") {
      auto doc = nlohmann::json::parse(frame->payload, nullptr, false);
      if (!doc.is_discarded()) {
        d.format = "json-schema";
        d.json = std::move(doc);
      }
    } else if (type == "PROTOBUF") {
      d.format = "protobuf";
      auto decoder = ProtobufFor(frame->schema_id);
      if (!decoder.ok()) {
        d.error = decoder.status().message();
        return d;
      }
      auto text = (*decoder)->ToJson(frame->payload);
      if (!text.ok()) {
        d.error = "schema " + std::to_string(d.schema_id) + ": " + text.status().message();
        return d;
      }
      auto doc = nlohmann::json::parse(*text, nullptr, false);
      if (doc.is_discarded()) {
        d.error = "the decoded Protobuf message is not JSON";
        return d;
      }
      d.json = std::move(doc);
    }
    return d;
  }
  if (!IsValidUtf8(v)) {
    d.format = "binary";
    return d;
  }
  d.format = "text";
  size_t first = v.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (v[first] == '{' || v[first] == '[')) {
    auto doc = nlohmann::json::parse(v, nullptr, false);
    if (!doc.is_discarded()) {
      d.format = "json";
      d.json = std::move(doc);
    }
  }
  return d;
}

nlohmann::json MessageJson(const Message& m, const DecodedValue& v) {
  nlohmann::json j;
  j["partition"] = m.partition;
  j["offset"] = m.offset;
  j["timestamp"] = m.timestamp_ms;
  j["key"] = m.key ? nlohmann::json(*m.key) : nlohmann::json(nullptr);
  j["key_binary"] = m.key && !IsValidUtf8(*m.key);
  j["value"] = m.value ? nlohmann::json(*m.value) : nlohmann::json(nullptr);
  j["value_size"] = m.truncated ? m.value_size : (m.value ? m.value->size() : 0);
  if (m.truncated) j["truncated"] = true;  // key, value or a header value cut for display
  j["value_binary"] = v.format == "binary" || v.format == "protobuf" ||
                      (m.value && !IsValidUtf8(*m.value));
  j["value_format"] = v.format;
  j["value_json"] = v.json ? *v.json : nlohmann::json(nullptr);
  if (v.schema_id >= 0) j["schema_id"] = v.schema_id;
  if (!v.error.empty()) j["value_error"] = v.error;
  auto headers = nlohmann::json::array();
  for (const auto& h : m.headers) {
    headers.push_back({{"key", h.key},
                       {"value", h.value ? nlohmann::json(*h.value) : nlohmann::json(nullptr)}});
  }
  j["headers"] = std::move(headers);
  return j;
}

bool FieldEquals(const nlohmann::json& doc, std::string_view path, std::string_view want) {
  const nlohmann::json* cur = &doc;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t dot = path.find('.', pos);
    std::string part(path.substr(pos, dot == std::string_view::npos ? path.npos : dot - pos));
    if (cur->is_object()) {
      auto it = cur->find(part);
      if (it == cur->end()) return false;
      cur = &*it;
    } else if (cur->is_array()) {
      size_t idx = 0;
      auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), idx);
      if (ec != std::errc() || p != part.data() + part.size() || idx >= cur->size()) return false;
      cur = &(*cur)[idx];
    } else {
      return false;
    }
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (cur->is_string()) return cur->get_ref<const std::string&>() == want;
  return cur->dump() == want;
}

}  // namespace kappa::console::kafka_internal
