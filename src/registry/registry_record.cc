// JSON codec of the `_schemas` records. Decoding is strict about types (a record of the wrong
// shape is reported and skipped by the replay, never half-applied) and lenient about extra
// fields (a newer writer may add some).
#include "registry/registry_record.h"

#include <nlohmann/json.hpp>

namespace kappa::registry {

namespace {

using nlohmann::json;

Result<json> ParseObject(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("registry record: not a JSON object");
  }
  return doc;
}

std::string_view KeyTypeName(KeyType t) {
  switch (t) {
    case KeyType::kSchema: return "SCHEMA";
    case KeyType::kConfig: return "CONFIG";
    case KeyType::kMode: return "MODE";
    case KeyType::kDeleteSubject: return "DELETE_SUBJECT";
    case KeyType::kWriter: return "WRITER";
    case KeyType::kNoop: return "NOOP";
  }
  return "NOOP";
}

}  // namespace

std::string EncodeKey(const RecordKey& key) {
  // Confluent's fields (nlohmann sorts them: keytype, magic, subject, version).
  json j = json::object();
  j["keytype"] = KeyTypeName(key.type);
  j["subject"] = key.subject ? json(*key.subject) : json(nullptr);
  if (key.type == KeyType::kSchema) j["version"] = key.version;
  j["magic"] = key.type == KeyType::kSchema ? 1 : 0;
  return j.dump();
}

Result<RecordKey> DecodeKey(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseObject(text));
  RecordKey k;
  auto kt = j.find("keytype");
  if (kt == j.end() || !kt->is_string()) {
    return Status::InvalidArgument("registry record key: no keytype");
  }
  std::string t = kt->get<std::string>();
  if (t == "SCHEMA") {
    k.type = KeyType::kSchema;
  } else if (t == "CONFIG") {
    k.type = KeyType::kConfig;
  } else if (t == "MODE") {
    k.type = KeyType::kMode;
  } else if (t == "DELETE_SUBJECT") {
    k.type = KeyType::kDeleteSubject;
  } else if (t == "WRITER") {
    k.type = KeyType::kWriter;
    return k;
  } else {
    k.type = KeyType::kNoop;
    return k;
  }
  auto s = j.find("subject");
  if (s != j.end() && s->is_string()) {
    k.subject = s->get<std::string>();
  } else if (s != j.end() && !s->is_null()) {
    return Status::InvalidArgument("registry record key: subject is not a string");
  }
  if (k.type == KeyType::kSchema || k.type == KeyType::kDeleteSubject) {
    if (!k.subject) return Status::InvalidArgument("registry record key: no subject");
  }
  if (k.type == KeyType::kSchema) {
    auto v = j.find("version");
    if (v == j.end() || !v->is_number_integer() || v->get<int64_t>() < 1 ||
        v->get<int64_t>() > INT32_MAX) {
      return Status::InvalidArgument("registry record key: bad version");
    }
    k.version = v->get<int32_t>();
  }
  return k;
}

std::string EncodeSchemaValue(const SchemaValue& v) {
  json j = json::object();
  j["subject"] = v.subject;
  j["version"] = v.version;
  j["id"] = v.id;
  if (v.type != "AVRO") j["schemaType"] = v.type;
  if (!v.references.empty()) {
    json refs = json::array();
    for (const auto& r : v.references) {
      refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    }
    j["references"] = std::move(refs);
  }
  j["schema"] = v.schema;
  j["deleted"] = v.deleted;
  return j.dump();
}

Result<SchemaValue> DecodeSchemaValue(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseObject(text));
  SchemaValue v;
  try {
    v.subject = j.at("subject").get<std::string>();
    v.version = j.at("version").get<int32_t>();
    v.id = j.at("id").get<int32_t>();
    v.schema = j.at("schema").get<std::string>();
    if (j.contains("schemaType") && !j["schemaType"].is_null()) {
      v.type = j["schemaType"].get<std::string>();
    }
    if (j.contains("references") && !j["references"].is_null()) {
      for (const auto& r : j["references"]) {
        v.references.push_back({r.at("name").get<std::string>(),
                                r.at("subject").get<std::string>(),
                                r.at("version").get<int32_t>()});
      }
    }
    if (j.contains("deleted")) v.deleted = j["deleted"].get<bool>();
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("registry schema record: ") + e.what());
  }
  if (v.id < 1 || v.version < 1) {
    return Status::InvalidArgument("registry schema record: id and version must be >= 1");
  }
  return v;
}

std::string EncodeConfigValue(Compatibility c) {
  return json{{"compatibilityLevel", CompatibilityName(c)}}.dump();
}

Result<Compatibility> DecodeConfigValue(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseObject(text));
  auto it = j.find("compatibilityLevel");
  if (it == j.end() || !it->is_string()) {
    return Status::InvalidArgument("registry config record: no compatibilityLevel");
  }
  auto c = ParseCompatibility(it->get<std::string>());
  if (!c) return Status::InvalidArgument("registry config record: unknown level");
  return *c;
}

std::string EncodeModeValue(Mode m) { return json{{"mode", ModeName(m)}}.dump(); }

Result<Mode> DecodeModeValue(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseObject(text));
  auto it = j.find("mode");
  if (it == j.end() || !it->is_string()) {
    return Status::InvalidArgument("registry mode record: no mode");
  }
  auto m = ParseMode(it->get<std::string>());
  if (!m) return Status::InvalidArgument("registry mode record: unknown mode");
  return *m;
}

std::string EncodeWriterValue(const WriterValue& w) {
  return json{{"url", w.url}, {"instance", w.instance}}.dump();
}

Result<WriterValue> DecodeWriterValue(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseObject(text));
  auto url = j.find("url");
  auto instance = j.find("instance");
  if (url == j.end() || !url->is_string() || instance == j.end() || !instance->is_string()) {
    return Status::InvalidArgument("registry writer record: url and instance must be strings");
  }
  return WriterValue{url->get<std::string>(), instance->get<std::string>()};
}

std::string EncodeDeleteSubjectValue(std::string_view subject, int32_t version) {
  return json{{"subject", subject}, {"version", version}}.dump();
}

Result<int32_t> DecodeDeleteSubjectValue(std::string_view text) {
  ASSIGN_OR_RETURN(json j, ParseObject(text));
  auto it = j.find("version");
  if (it == j.end() || !it->is_number_integer()) {
    return Status::InvalidArgument("registry delete-subject record: no version");
  }
  return it->get<int32_t>();
}

}  // namespace kappa::registry
