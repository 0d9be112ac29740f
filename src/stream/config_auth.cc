// `auth:` and the address checks of `listeners:` (docs/formats/config.md, "auth").
#include <fmt/format.h>

#include "common/host_port.h"
#include "stream/config_sections.h"

namespace kappa::stream {

Status LoadAuthSection(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.CheckKeys(n, {"cql_users", "insecure_kafka"}, "auth"));
  c->positions["auth"] = r_.Where(n);
  if (const YAML::Node& users = n["cql_users"]) {
    RETURN_IF_ERROR(r_.ExpectSeq(users, "auth.cql_users"));
    for (size_t i = 0; i < users.size(); ++i) {
      const YAML::Node& u = users[i];
      std::string where = fmt::format("auth.cql_users[{}]", i);
      RETURN_IF_ERROR(r_.CheckKeys(u, {"name", "password"}, where));
      if (!u["name"] || !u["password"]) return r_.Error(u, where + " needs a name and a password");
      ASSIGN_OR_RETURN(std::string name, r_.String(u["name"], where + ".name"));
      ASSIGN_OR_RETURN(std::string password, r_.String(u["password"], where + ".password"));
      if (name.empty()) return r_.Error(u["name"], where + ".name is empty");
      if (password.empty()) return r_.Error(u["password"], where + ".password is empty");
      if (name == "cassandra" && password == "cassandra") {
        return r_.Error(u, where + ": the well-known cassandra/cassandra login is refused; "
                               "choose another password");
      }
      if (!c->auth.cql_users.emplace(name, password).second) {
        return r_.Error(u["name"], fmt::format("{}: user '{}' is listed twice", where, name));
      }
    }
    c->positions["auth.cql_users"] = r_.Where(users);
  }
  if (n["insecure_kafka"]) {
    ASSIGN_OR_RETURN(c->auth.insecure_kafka, r_.Bool(n["insecure_kafka"], "auth.insecure_kafka"));
  }
  return Status::OK();
}

Status CheckListenAddress(const YamlReader& r_, const YAML::Node& n, std::string_view key,
                          PipelineConfig* c) {
  ASSIGN_OR_RETURN(std::string text, r_.String(n, key));
  if (text != "off") {
    auto hp = ParseHostPort(text);
    if (!hp.ok()) {
      return r_.Error(n, fmt::format("{}: {} (or off)", key, hp.status().message()));
    }
  }
  c->positions[std::string(key)] = r_.Where(n);
  return Status::OK();
}

}  // namespace kappa::stream
