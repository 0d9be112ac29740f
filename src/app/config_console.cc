// `console:` of kappa.yaml: the web console's users (docs/formats/config.md, "console").
// The console's address is listeners.console (config_listeners.cc).
#include <fmt/format.h>

#include <set>

#include "app/config_section.h"
#include "console/console.h"

namespace kappa::app {

Status LoadConsole(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.CheckKeys(n, {"users"}, "console"));
  c->positions["console"] = r_.Where(n);
  if (const YAML::Node& users = n["users"]) {
    RETURN_IF_ERROR(r_.ExpectSeq(users, "console.users"));
    std::set<std::string> names;
    for (size_t i = 0; i < users.size(); ++i) {
      const YAML::Node& u = users[i];
      std::string where = fmt::format("console.users[{}]", i);
      if (u.IsMap() && u["password"]) {
        return r_.Error(u["password"], where + ": give password_hash, never the password; make "
                                               "it with `kappa console hash-password`");
      }
      RETURN_IF_ERROR(r_.CheckKeys(u, {"name", "password_hash"}, where));
      if (!u["name"] || !u["password_hash"]) {
        return r_.Error(u, where + " needs a name and a password_hash");
      }
      ConsoleConfig::User user;
      ASSIGN_OR_RETURN(user.name, r_.String(u["name"], where + ".name"));
      ASSIGN_OR_RETURN(user.password_hash, r_.String(u["password_hash"], where + ".password_hash"));
      if (user.name.empty()) return r_.Error(u["name"], where + ".name is empty");
      Status st = console::CheckPasswordHash(user.password_hash);
      if (!st.ok()) return r_.Error(u["password_hash"], where + ".password_hash: " + st.message());
      if (!names.insert(user.name).second) {
        return r_.Error(u["name"], fmt::format("{}: user '{}' is listed twice", where, user.name));
      }
      c->console.users.push_back(std::move(user));
    }
    c->positions["console.users"] = r_.Where(users);
  }
  return Status::OK();
}

}  // namespace kappa::app
