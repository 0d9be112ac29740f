// UserStore over DATA_DIR/security/users.json (docs/formats/security.md): per user, a SCRAM
// credential for SHA-256 and one for SHA-512, never the password.
//
// Writers (`kappa users`, and a kappa up changing roles) take an flock on users.lock, re-read
// the file, change it and replace it atomically (Env::WriteFileAtomic: temp file, fsync,
// rename, fsync of the directory; mode 0600), so two writers never lose each other's change.
// Readers keep the parsed file in memory and look at the file's identity (inode, size,
// mtime) at most once a second, so a running server sees a CLI change within a second
// without a stat per login.
//
// Role membership (GRANT role TO role) is each user's "member_of" list; what a role holds
// through it is expanded (role_graph.h) whenever the users change, so a permission check
// looks up one precomputed set instead of walking the grants.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "common/env.h"
#include "common/file_modes.h"
#include "common/mutex.h"
#include "security/role_graph.h"
#include "security/scram.h"

namespace kappa::security {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct UserEntry {
  bool has_password = false;  // the credentials below are set
  ScramCredential sha256, sha512;
  bool login = true;
  bool superuser = false;
  std::vector<std::string> member_of;  // roles granted to it directly, sorted
};
using UserMap = std::map<std::string, UserEntry, std::less<>>;

struct FileId {
  ino_t ino = 0;
  off_t size = -1;
  int64_t mtime_ns = 0;
  bool operator==(const FileId&) const = default;
};

FileId Identify(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_ino, st.st_size, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

json CredentialJson(const ScramCredential& c) {
  return {{"salt", scram::Base64Encode(c.salt)},
          {"iterations", c.iterations},
          {"stored_key", scram::Base64Encode(c.stored_key)},
          {"server_key", scram::Base64Encode(c.server_key)}};
}

Result<ScramCredential> CredentialFrom(const json& j, ScramMechanism m, const std::string& where) {
  auto bad = [&](const std::string& why) {
    return Status::Corruption(where + ": " + scram::MechanismName(m) + ": " + why);
  };
  if (!j.is_object()) return bad("not an object");
  ScramCredential c;
  try {
    c.iterations = j.at("iterations").get<int>();
    ASSIGN_OR_RETURN(c.salt, scram::Base64Decode(j.at("salt").get<std::string>()));
    ASSIGN_OR_RETURN(c.stored_key, scram::Base64Decode(j.at("stored_key").get<std::string>()));
    ASSIGN_OR_RETURN(c.server_key, scram::Base64Decode(j.at("server_key").get<std::string>()));
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  if (c.iterations < scram::kMinIterations) return bad("fewer than 4096 iterations");
  if (c.stored_key.size() != scram::DigestSize(m) || c.server_key.size() != scram::DigestSize(m)) {
    return bad("key of the wrong size");
  }
  return c;
}

Result<UserMap> Parse(const std::string& text, const std::string& path) {
  UserMap out;
  if (text.empty()) return out;
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("users") ||
      !doc["users"].is_object()) {
    return Status::Corruption(path + ": not a kappa users file");
  }
  if (doc.value("version", 0) != 1) return Status::Corruption(path + ": unknown version");
  for (const auto& [name, u] : doc["users"].items()) {
    if (!u.is_object()) return Status::Corruption(path + ": user " + name + " is not an object");
    std::string where = path + ": user " + name;
    UserEntry e;
    // A role made by CREATE ROLE without a password has no credentials.
    e.has_password = u.contains("SCRAM-SHA-256") || u.contains("SCRAM-SHA-512");
    if (e.has_password) {
      ASSIGN_OR_RETURN(e.sha256, CredentialFrom(u.value("SCRAM-SHA-256", json()),
                                                ScramMechanism::kSha256, where));
      ASSIGN_OR_RETURN(e.sha512, CredentialFrom(u.value("SCRAM-SHA-512", json()),
                                                ScramMechanism::kSha512, where));
    }
    const json login = u.value("login", json(true)), super = u.value("superuser", json(false));
    if (!login.is_boolean() || !super.is_boolean()) {
      return Status::Corruption(where + ": login and superuser must be true or false");
    }
    e.login = login.get<bool>();
    e.superuser = super.get<bool>();
    const json member_of = u.value("member_of", json::array());
    if (!member_of.is_array()) return Status::Corruption(where + ": member_of must be a list");
    for (const json& r : member_of) {
      if (!r.is_string()) return Status::Corruption(where + ": member_of must hold role names");
      e.member_of.push_back(r.get<std::string>());
    }
    std::sort(e.member_of.begin(), e.member_of.end());
    e.member_of.erase(std::unique(e.member_of.begin(), e.member_of.end()), e.member_of.end());
    out.emplace(name, std::move(e));
  }
  return out;
}

std::string Serialize(const UserMap& users) {
  json u = json::object();
  for (const auto& [name, e] : users) {
    json j = json::object();
    if (e.has_password) {
      j["SCRAM-SHA-256"] = CredentialJson(e.sha256);
      j["SCRAM-SHA-512"] = CredentialJson(e.sha512);
    }
    // Written only when not the default, so a file of `kappa users add` users is as before.
    if (!e.login) j["login"] = false;
    if (e.superuser) j["superuser"] = true;
    if (!e.member_of.empty()) j["member_of"] = e.member_of;
    u[name] = std::move(j);
  }
  return json{{"version", 1}, {"users", u}}.dump(2) + "\n";
}

Status ValidName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("a user name must not be empty");
  if (name.size() > 255) return Status::InvalidArgument("a user name is at most 255 bytes");
  for (unsigned char ch : name) {
    if (ch <= ' ' || ch == 0x7f) {
      return Status::InvalidArgument("a user name must not hold spaces or control characters");
    }
  }
  return Status::OK();
}

// flock on DATA_DIR/security/users.lock for one read-modify-write.
class WriterLock {
 public:
  static Result<WriterLock> Take(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kFileMode);
    if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX) != 0) {
      ::close(fd);
      return Status::IOError("flock " + path + ": " + std::strerror(errno));
    }
    return WriterLock(fd);
  }
  WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  ~WriterLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
  }

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

class FileUserStore final : public UserStore {
 public:
  explicit FileUserStore(std::string dir)
      : dir_(std::move(dir)), path_(JoinPath(dir_, "users.json")), lock_path_(JoinPath(dir_, "users.lock")) {}

  Status Load() {
    MutexLock l(mu_);
    return ReloadLocked();
  }

  Status Put(std::string_view name, std::string_view password) override {
    RETURN_IF_ERROR(ValidName(name));
    if (password.empty()) return Status::InvalidArgument("a password must not be empty");
    // Derive before taking the lock: PBKDF2 is the slow part.
    UserEntry e;
    SetPassword(&e, password);
    return Modify([&](UserMap& m) {
      auto [it, added] = m.try_emplace(std::string(name), e);
      if (!added) {
        it->second.has_password = true;
        it->second.sha256 = e.sha256;
        it->second.sha512 = e.sha512;
      }
      return Status::OK();
    });
  }

  Status CreateRole(std::string_view name, const RoleOptions& o) override {
    RETURN_IF_ERROR(ValidName(name));
    UserEntry e;
    e.login = o.login.value_or(false);  // Cassandra's default for CREATE ROLE
    e.superuser = o.superuser.value_or(false);
    if (o.password) {
      if (o.password->empty()) return Status::InvalidArgument("a password must not be empty");
      SetPassword(&e, *o.password);
    }
    return Modify([&](UserMap& m) {
      if (!m.try_emplace(std::string(name), e).second) {
        return Status::AlreadyExists(std::string(name) + " already exists");
      }
      return Status::OK();
    });
  }

  Status AlterRole(std::string_view name, const RoleOptions& o) override {
    UserEntry fresh;
    if (o.password) {
      if (o.password->empty()) return Status::InvalidArgument("a password must not be empty");
      SetPassword(&fresh, *o.password);
    }
    return Modify([&](UserMap& m) {
      auto it = m.find(name);
      if (it == m.end()) return Status::NotFound(std::string(name) + " doesn't exist");
      UserEntry& e = it->second;
      if (o.password) {
        e.has_password = true;
        e.sha256 = fresh.sha256;
        e.sha512 = fresh.sha512;
      }
      if (o.login) e.login = *o.login;
      if (o.superuser) e.superuser = *o.superuser;
      return Status::OK();
    });
  }

  std::optional<RoleInfo> Role(std::string_view name) const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    auto it = users_.find(name);
    if (it == users_.end()) return std::nullopt;
    return Info(it->first, it->second);
  }

  std::vector<RoleInfo> Roles() const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    std::vector<RoleInfo> out;
    for (const auto& [n, e] : users_) out.push_back(Info(n, e));
    return out;
  }

  Status Delete(std::string_view name) override {
    return Modify([&](UserMap& m) {
      auto it = m.find(name);
      if (it == m.end()) return Status::NotFound("no user named " + std::string(name));
      m.erase(it);
      for (auto& [n, e] : m) std::erase(e.member_of, name);  // its grants to others go too
      return Status::OK();
    });
  }

  Status GrantRole(std::string_view role, std::string_view grantee) override {
    return Modify([&](UserMap& m) {
      RETURN_IF_ERROR(BothExist(m, role, grantee));
      RETURN_IF_ERROR(CheckGrant(EdgesOf(m), role, grantee));
      auto& direct = m.find(grantee)->second.member_of;
      direct.insert(std::upper_bound(direct.begin(), direct.end(), role), std::string(role));
      return Status::OK();
    });
  }

  Status RevokeRole(std::string_view role, std::string_view revokee) override {
    return Modify([&](UserMap& m) {
      RETURN_IF_ERROR(BothExist(m, role, revokee));
      if (std::erase(m.find(revokee)->second.member_of, role) == 0) {
        return Status::InvalidArgument(fmt::format("{} is not a member of {}", revokee, role));
      }
      return Status::OK();
    });
  }

  std::shared_ptr<const RoleSet> HeldRoles(std::string_view name) const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    auto it = expanded_.find(name);
    return it == expanded_.end() ? nullptr : it->second.roles;
  }

  bool IsSuperUser(std::string_view name) const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    auto it = expanded_.find(name);
    return it != expanded_.end() && it->second.superuser;
  }

  std::vector<std::string> List() const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    std::vector<std::string> out;
    for (const auto& [n, e] : users_) out.push_back(n);
    return out;
  }
  bool Exists(std::string_view name) const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    return users_.count(name) > 0;
  }
  bool Empty() const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    // Roles that cannot log in (CREATE ROLE without LOGIN or a password) are no login.
    return std::none_of(users_.begin(), users_.end(),
                        [](const auto& u) { return u.second.login && u.second.has_password; });
  }

  bool CheckPassword(std::string_view name, std::string_view password) const override {
    auto c = Scram(name, ScramMechanism::kSha512);
    // An unknown user costs the same PBKDF2 as a known one (no timing oracle for names).
    ScramCredential dummy;
    if (!c) {
      dummy.salt = std::string(scram::kSaltBytes, 'x');
      dummy.iterations = scram::kDefaultIterations;
    }
    const ScramCredential& use = c ? *c : dummy;
    ScramCredential got = scram::DeriveCredential(ScramMechanism::kSha512, password, use.salt, use.iterations);
    return c.has_value() && scram::ConstantTimeEquals(got.stored_key, c->stored_key);
  }

  std::optional<ScramCredential> Scram(std::string_view name, ScramMechanism m) const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    auto it = users_.find(name);
    if (it == users_.end() || !it->second.login || !it->second.has_password) return std::nullopt;
    return m == ScramMechanism::kSha256 ? it->second.sha256 : it->second.sha512;
  }

 private:
  static void SetPassword(UserEntry* e, std::string_view password) {
    e->has_password = true;
    e->sha256 = scram::DeriveCredential(ScramMechanism::kSha256, password,
                                        scram::RandomBytes(scram::kSaltBytes),
                                        scram::kDefaultIterations);
    e->sha512 = scram::DeriveCredential(ScramMechanism::kSha512, password,
                                        scram::RandomBytes(scram::kSaltBytes),
                                        scram::kDefaultIterations);
  }
  static RoleInfo Info(const std::string& name, const UserEntry& e) {
    return {name, e.superuser, e.login, e.has_password, e.member_of};
  }
  static Status BothExist(const UserMap& m, std::string_view a, std::string_view b) {
    for (std::string_view n : {a, b}) {
      if (!m.contains(n)) return Status::NotFound(std::string(n) + " doesn't exist");
    }
    return Status::OK();
  }
  static RoleEdges EdgesOf(const UserMap& m) {
    RoleEdges edges;
    for (const auto& [n, e] : m) edges.emplace(n, e.member_of);
    return edges;
  }
  // Every change of users_ goes through here: the expanded roles never lag behind it.
  void SetUsersLocked(UserMap next) const REQUIRES(mu_) {
    users_ = std::move(next);
    std::map<std::string, bool, std::less<>> superuser;
    for (const auto& [n, e] : users_) superuser.emplace(n, e.superuser);
    expanded_ = ExpandRoles(EdgesOf(users_), superuser);
  }

  template <typename Fn>
  Status Modify(Fn fn) {
    ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Take(lock_path_));
    MutexLock l(mu_);
    RETURN_IF_ERROR(ReloadLocked());
    UserMap next = users_;
    RETURN_IF_ERROR(fn(next));
    RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(path_, Serialize(next)));
    SetUsersLocked(std::move(next));
    id_ = Identify(path_);
    return Status::OK();
  }

  Status ReloadLocked() const REQUIRES(mu_) {
    checked_ = Clock::now();
    FileId id = Identify(path_);
    if (id.size < 0) {  // no file yet: no users
      SetUsersLocked({});
      id_ = id;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(std::string text, Env::Default()->ReadFile(path_));
    ASSIGN_OR_RETURN(UserMap parsed, Parse(text, path_));
    SetUsersLocked(std::move(parsed));
    id_ = id;
    return Status::OK();
  }

  // At most once a second; a file that became unreadable keeps the last good users (the
  // error is the writer's to see: it checks its own write).
  void MaybeReloadLocked() const REQUIRES(mu_) {
    auto now = Clock::now();
    if (now - checked_ < std::chrono::seconds(1)) return;
    checked_ = now;
    if (Identify(path_) == id_) return;
    (void)ReloadLocked();
  }

  const std::string dir_, path_, lock_path_;
  mutable Mutex mu_;
  mutable UserMap users_ GUARDED_BY(mu_);
  mutable ExpandedRoles expanded_ GUARDED_BY(mu_);  // from users_ (SetUsersLocked)
  mutable FileId id_ GUARDED_BY(mu_);
  mutable Clock::time_point checked_ GUARDED_BY(mu_);
};

}  // namespace

Result<std::shared_ptr<UserStore>> UserStore::Open(const std::string& dir) {
  RETURN_IF_ERROR(CreateDirsOwnerOnly(dir));
  auto store = std::make_shared<FileUserStore>(dir);
  RETURN_IF_ERROR(store->Load());
  return std::shared_ptr<UserStore>(std::move(store));
}

}  // namespace kappa::security
