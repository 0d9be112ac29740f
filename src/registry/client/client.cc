// The REST calls of registry/client.h over CurlTransport, with Confluent's JSON shapes.
#include "registry/client.h"

#include <nlohmann/json.hpp>

#include "registry/client/curl_transport.h"
#include "registry/client/error_mapping.h"

namespace kappa::registry::client {
namespace {

using nlohmann::json;

// "?name=true" when on (built by appends: GCC 12 warns falsely (-Wrestrict) on "?" + string).
std::string Flag(std::string_view name, bool on) {
  std::string q;
  if (on) q.append("?").append(name).append("=true");
  return q;
}

json DefinitionJson(const SchemaDefinition& d) {
  json j = {{"schema", d.schema}};
  // AVRO is the default: not sending it keeps requests valid for registries before 5.5.
  if (!d.schema_type.empty() && d.schema_type != "AVRO") j["schemaType"] = d.schema_type;
  if (!d.references.empty()) {
    json refs = json::array();
    for (const auto& r : d.references) {
      refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    }
    j["references"] = std::move(refs);
  }
  return j;
}

// A registry answer that parses but has not the shape asked for.
Status BadAnswer(std::string_view what, std::string_view body) {
  return Status::Corruption("unexpected answer from the registry for " + std::string(what) +
                            ": " + std::string(body.substr(0, 200)));
}

Result<json> ParseJson(std::string_view what, const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return BadAnswer(what, body);
  return j;
}

Result<RegisteredSchema> SchemaFromJson(std::string_view what, const std::string& body) {
  ASSIGN_OR_RETURN(json j, ParseJson(what, body));
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string()) {
    return BadAnswer(what, body);
  }
  RegisteredSchema s;
  s.subject = j.value("subject", "");
  s.version = j.value("version", 0);
  s.id = j.value("id", 0);
  s.definition.schema = j["schema"].get<std::string>();
  s.definition.schema_type = j.value("schemaType", "AVRO");
  if (auto it = j.find("references"); it != j.end() && it->is_array()) {
    for (const auto& r : *it) {
      if (!r.is_object()) return BadAnswer(what, body);
      s.definition.references.push_back(
          {r.value("name", ""), r.value("subject", ""), r.value("version", 0)});
    }
  }
  return s;
}

template <typename T>
Result<std::vector<T>> ArrayFromJson(std::string_view what, const std::string& body) {
  ASSIGN_OR_RETURN(json j, ParseJson(what, body));
  if (!j.is_array()) return BadAnswer(what, body);
  std::vector<T> out;
  for (const auto& e : j) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!e.is_string()) return BadAnswer(what, body);
    } else {
      if (!e.is_number_integer()) return BadAnswer(what, body);
    }
    out.push_back(e.get<T>());
  }
  return out;
}

Result<std::string> FieldFromJson(std::string_view what, const std::string& body,
                                  std::initializer_list<const char*> names) {
  ASSIGN_OR_RETURN(json j, ParseJson(what, body));
  if (j.is_object()) {
    for (const char* n : names) {
      if (auto it = j.find(n); it != j.end() && it->is_string()) return it->get<std::string>();
    }
  }
  return BadAnswer(what, body);
}

class ClientImpl final : public Client {
 public:
  explicit ClientImpl(ClientOptions o)
      : options_(std::move(o)),
        transport_(options_.connect_timeout_ms, options_.request_timeout_ms, options_.basic_auth,
                   options_.authorization, options_.ca_file) {
    while (!options_.url.empty() && options_.url.back() == '/') options_.url.pop_back();
  }

  const ClientOptions& options() const override { return options_; }

  Result<std::string> Call(std::string_view method, std::string_view path,
                           std::string_view body) override {
    ASSIGN_OR_RETURN(HttpAnswer a, transport_.Send(method, options_.url + std::string(path), body));
    if (a.status >= 200 && a.status < 300) return std::move(a.body);
    return ErrorFromAnswer(method, path, int(a.status), a.body);
  }

  Result<std::vector<std::string>> Subjects(bool deleted) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", "/subjects" + Flag("deleted", deleted), {}));
    return ArrayFromJson<std::string>("GET /subjects", b);
  }

  Result<std::vector<int32_t>> Versions(std::string_view subject, bool deleted) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", Subject(subject) + "/versions" + Flag("deleted", deleted), {}));
    return ArrayFromJson<int32_t>("GET versions", b);
  }

  Result<RegisteredSchema> GetVersion(std::string_view subject, std::string_view version,
                                      bool deleted) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", Subject(subject) + "/versions/" +
                                                    EncodePathSegment(version) + Flag("deleted", deleted),
                                         {}));
    return SchemaFromJson("GET version", b);
  }

  Result<RegisteredSchema> GetById(int32_t id) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", "/schemas/ids/" + std::to_string(id), {}));
    ASSIGN_OR_RETURN(RegisteredSchema s, SchemaFromJson("GET /schemas/ids", b));
    s.id = id;
    return s;
  }

  Result<std::vector<std::string>> SubjectsOfId(int32_t id) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", "/schemas/ids/" + std::to_string(id) + "/subjects", {}));
    return ArrayFromJson<std::string>("GET /schemas/ids/{id}/subjects", b);
  }

  Result<std::vector<std::string>> SchemaTypes() override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", "/schemas/types", {}));
    return ArrayFromJson<std::string>("GET /schemas/types", b);
  }

  Result<int32_t> Register(std::string_view subject, const SchemaDefinition& schema,
                           bool normalize) override {
    ASSIGN_OR_RETURN(std::string b, Call("POST", Subject(subject) + "/versions" + Flag("normalize", normalize),
                                         DefinitionJson(schema).dump()));
    ASSIGN_OR_RETURN(json j, ParseJson("register", b));
    if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer()) {
      return BadAnswer("register", b);
    }
    return j["id"].get<int32_t>();
  }

  Result<RegisteredSchema> Lookup(std::string_view subject, const SchemaDefinition& schema,
                                  bool deleted) override {
    ASSIGN_OR_RETURN(std::string b, Call("POST", Subject(subject) + Flag("deleted", deleted),
                                         DefinitionJson(schema).dump()));
    return SchemaFromJson("lookup", b);
  }

  Result<CompatibilityResult> CheckCompatibility(std::string_view subject, std::string_view version,
                                                 const SchemaDefinition& schema) override {
    ASSIGN_OR_RETURN(std::string b,
                     Call("POST", "/compatibility" + Subject(subject) + "/versions/" +
                                      EncodePathSegment(version) + "?verbose=true",
                          DefinitionJson(schema).dump()));
    ASSIGN_OR_RETURN(json j, ParseJson("compatibility", b));
    if (!j.is_object() || !j.contains("is_compatible") || !j["is_compatible"].is_boolean()) {
      return BadAnswer("compatibility", b);
    }
    CompatibilityResult r;
    r.compatible = j["is_compatible"].get<bool>();
    if (auto it = j.find("messages"); it != j.end() && it->is_array()) {
      for (const auto& m : *it) r.messages.push_back(m.is_string() ? m.get<std::string>() : m.dump());
    }
    return r;
  }

  Result<std::string> GetCompatibility(std::string_view subject, bool default_to_global) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", Config(subject) + Flag("defaultToGlobal", default_to_global), {}));
    return FieldFromJson("GET config", b, {"compatibilityLevel", "compatibility"});
  }

  Result<std::string> SetCompatibility(std::string_view subject, std::string_view level) override {
    ASSIGN_OR_RETURN(std::string b, Call("PUT", Config(subject), json{{"compatibility", level}}.dump()));
    return FieldFromJson("PUT config", b, {"compatibility", "compatibilityLevel"});
  }

  Result<std::string> DeleteCompatibility(std::string_view subject) override {
    ASSIGN_OR_RETURN(std::string b, Call("DELETE", Config(subject), {}));
    return FieldFromJson("DELETE config", b, {"compatibilityLevel", "compatibility"});
  }

  Result<std::string> GetMode(std::string_view subject) override {
    ASSIGN_OR_RETURN(std::string b, Call("GET", Mode(subject), {}));
    return FieldFromJson("GET mode", b, {"mode"});
  }

  Result<std::string> SetMode(std::string_view subject, std::string_view mode) override {
    ASSIGN_OR_RETURN(std::string b, Call("PUT", Mode(subject), json{{"mode", mode}}.dump()));
    return FieldFromJson("PUT mode", b, {"mode"});
  }

  Result<std::vector<int32_t>> DeleteSubject(std::string_view subject, bool permanent) override {
    ASSIGN_OR_RETURN(std::string b, Call("DELETE", Subject(subject) + Flag("permanent", permanent), {}));
    return ArrayFromJson<int32_t>("DELETE subject", b);
  }

  Result<int32_t> DeleteVersion(std::string_view subject, std::string_view version,
                                bool permanent) override {
    ASSIGN_OR_RETURN(std::string b, Call("DELETE", Subject(subject) + "/versions/" +
                                                       EncodePathSegment(version) + Flag("permanent", permanent),
                                         {}));
    ASSIGN_OR_RETURN(json j, ParseJson("DELETE version", b));
    if (!j.is_number_integer()) return BadAnswer("DELETE version", b);
    return j.get<int32_t>();
  }

 private:
  static std::string Subject(std::string_view s) { return "/subjects/" + EncodePathSegment(s); }
  static std::string Config(std::string_view s) {
    return s.empty() ? "/config" : "/config/" + EncodePathSegment(s);
  }
  static std::string Mode(std::string_view s) {
    return s.empty() ? "/mode" : "/mode/" + EncodePathSegment(s);
  }

  ClientOptions options_;
  CurlTransport transport_;
};

}  // namespace

std::string EncodePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (unsigned char ch : segment) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(char(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("registry URL '" + options.url +
                                   "' must start with http:// or https:// (e.g. http://127.0.0.1:8081)");
  }
  return std::unique_ptr<Client>(new ClientImpl(std::move(options)));
}

}  // namespace kappa::registry::client
