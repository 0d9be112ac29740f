// `auth:` of kappa.yaml: who may use the network listeners of `kappa up`
// (docs/formats/config.md, "auth").
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadAuth(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
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

}  // namespace kappa::app
