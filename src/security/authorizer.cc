// Authorizer (security.h): Kafka's AclAuthorizer decisions over the bindings of
// DATA_DIR/security/acls, re-read when another process changes the file. A user of the
// UserStore also holds the bindings of every role granted to it (CQL's GRANT role TO user):
// the store hands over the expanded set, so a check costs a binary search per binding,
// never a walk of the grants.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "common/env.h"
#include "common/file_modes.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "security/acl_file.h"
#include "security/security.h"

namespace kappa::security {
namespace {

// What identifies one version of the file: a rewrite is a rename, so the inode changes even
// when the mtime's granularity hides it.
struct FileStamp {
  bool exists = false;
  ino_t ino = 0;
  int64_t mtime_ns = 0;
  off_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp Stamp(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {true, st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
          st.st_size};
}

// The operations whose ALLOW also allows `op` (Kafka's AclAuthorizer: DESCRIBE is implied by
// READ, WRITE, DELETE and ALTER; DESCRIBE_CONFIGS by ALTER_CONFIGS). ALL allows everything.
bool AllowCovers(AclOperation granted, AclOperation op) {
  if (granted == op || granted == AclOperation::kAll) return true;
  if (op == AclOperation::kDescribe) {
    return granted == AclOperation::kRead || granted == AclOperation::kWrite ||
           granted == AclOperation::kDelete || granted == AclOperation::kAlter;
  }
  if (op == AclOperation::kDescribeConfigs) return granted == AclOperation::kAlterConfigs;
  return false;
}

// An flock on DATA_DIR/security/acls.lock for one read-modify-write of the file, so two
// processes (kappa up and `kappa acls`, or two brokers on one directory) never lose each
// other's change. Released on destruction.
class WriteLock {
 public:
  static Result<WriteLock> Take(const std::string& dir) {
    RETURN_IF_ERROR(CreateDirsOwnerOnly(dir));
    std::string path = dir + "/acls.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kFileMode);
    if (fd < 0) return Status::IOError(fmt::format("open {}: {}", path, std::strerror(errno)));
    if (::flock(fd, LOCK_EX) != 0) {
      int e = errno;
      ::close(fd);
      return Status::IOError(fmt::format("flock {}: {}", path, std::strerror(e)));
    }
    return WriteLock(fd);
  }
  WriteLock(WriteLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  WriteLock(const WriteLock&) = delete;
  ~WriteLock() {
    if (fd_ >= 0) ::close(fd_);  // closing drops the flock
  }

 private:
  explicit WriteLock(int fd) : fd_(fd) {}
  int fd_;
};

class FileAuthorizer final : public Authorizer {
 public:
  FileAuthorizer(std::string dir, AuthorizerOptions o, std::shared_ptr<const UserStore> users)
      : dir_(std::move(dir)), path_(dir_ + "/acls"), options_(std::move(o)), users_(std::move(users)) {
    for (auto& s : options_.super_users) {
      if (s.find(':') == std::string::npos) s = "User:" + s;
    }
  }

  Status Load() {
    MutexLock l(mu_);
    return ReloadLocked();
  }

  bool enabled() const override { return options_.enabled; }

  bool IsSuperUser(const Principal& p) const override { return IsSuper(Who(p)); }

  bool Authorize(const Principal& p, std::string_view host, AclOperation op, ResourceType type,
                 std::string_view name) const override {
    if (!options_.enabled) return true;
    const Subject who = Who(p);
    if (IsSuper(who)) return true;
    MutexLock l(mu_);
    MaybeReloadLocked();
    AclFilter on_resource;
    on_resource.resource_type = type;
    on_resource.resource_name = std::string(name);
    on_resource.pattern_type = PatternType::kMatch;
    bool any_for_resource = false, allowed = false;
    for (const auto& b : acls_) {
      if (!on_resource.Matches(b)) continue;
      any_for_resource = true;
      if (!who.Named(b.principal)) continue;
      if (b.host != "*" && b.host != host) continue;
      if (b.permission == AclPermission::kDeny &&
          (b.operation == op || b.operation == AclOperation::kAll)) {
        return false;  // DENY wins over any ALLOW
      }
      if (b.permission == AclPermission::kAllow && AllowCovers(b.operation, op)) allowed = true;
    }
    return allowed || (!any_for_resource && options_.allow_if_no_acl);
  }

  bool AuthorizeAny(const Principal& p, std::string_view host, AclOperation op,
                    ResourceType type) const override {
    if (!options_.enabled) return true;
    const Subject who = Who(p);
    if (IsSuper(who)) return true;
    MutexLock l(mu_);
    MaybeReloadLocked();
    auto applies = [&](const AclBinding& b) {
      return b.resource_type == type && who.Named(b.principal) &&
             (b.host == "*" || b.host == host);
    };
    bool any_of_type = false;
    for (const auto& b : acls_) any_of_type |= b.resource_type == type;
    if (!any_of_type) return options_.allow_if_no_acl;
    for (const auto& allow : acls_) {
      if (!applies(allow) || allow.permission != AclPermission::kAllow ||
          !AllowCovers(allow.operation, op)) {
        continue;
      }
      bool cancelled = false;
      for (const auto& deny : acls_) {
        if (!applies(deny) || deny.permission != AclPermission::kDeny ||
            (deny.operation != op && deny.operation != AclOperation::kAll)) {
          continue;
        }
        bool covers = (deny.pattern_type == PatternType::kLiteral &&
                       (deny.resource_name == "*" || (deny.resource_name == allow.resource_name &&
                                                      allow.pattern_type == PatternType::kLiteral))) ||
                      (deny.pattern_type == PatternType::kPrefixed &&
                       allow.resource_name.starts_with(deny.resource_name));
        if (covers) {
          cancelled = true;
          break;
        }
      }
      if (!cancelled) return true;
    }
    return false;
  }

  Status Add(const std::vector<AclBinding>& bindings) override {
    for (const auto& b : bindings) RETURN_IF_ERROR(ValidateAcl(b));
    MutexLock l(mu_);
    ASSIGN_OR_RETURN(WriteLock lock, WriteLock::Take(dir_));
    RETURN_IF_ERROR(ReloadLocked());  // another process's changes are kept
    std::vector<AclBinding> next = acls_;
    for (const auto& b : bindings) {
      if (std::find(next.begin(), next.end(), b) == next.end()) next.push_back(b);
    }
    return WriteLocked(std::move(next));
  }

  Result<std::vector<AclBinding>> Remove(const AclFilter& f) override {
    RETURN_IF_ERROR(f.Validate());
    MutexLock l(mu_);
    ASSIGN_OR_RETURN(WriteLock lock, WriteLock::Take(dir_));
    RETURN_IF_ERROR(ReloadLocked());
    std::vector<AclBinding> kept, removed;
    for (auto& b : acls_) (f.Matches(b) ? removed : kept).push_back(b);
    if (!removed.empty()) RETURN_IF_ERROR(WriteLocked(std::move(kept)));
    return removed;
  }

  std::vector<AclBinding> List(const AclFilter& f) const override {
    MutexLock l(mu_);
    MaybeReloadLocked();
    std::vector<AclBinding> out;
    for (const auto& b : acls_) {
      if (f.Matches(b)) out.push_back(b);
    }
    return out;
  }

 private:
  // Whom a request acts as: the principal, and for a user of the store every role it holds
  // (itself included), sorted.
  struct Subject {
    std::string principal;                 // "User:alice"
    std::shared_ptr<const RoleSet> roles;  // null: not a user of the store
    bool superuser = false;                // a role it holds has SUPERUSER

    // Whether a binding's principal names this subject: itself, "User:*", or "User:R" for
    // a role R it holds.
    bool Named(std::string_view bound) const {
      if (bound == principal || bound == "User:*") return true;
      constexpr std::string_view kUser = "User:";
      return roles && bound.starts_with(kUser) &&
             std::binary_search(roles->begin(), roles->end(), bound.substr(kUser.size()),
                                std::less<>());
    }
  };

  Subject Who(const Principal& p) const {
    Subject s{p.KafkaName(), nullptr, false};
    if (users_ && p.authenticated) {
      s.roles = users_->HeldRoles(p.user);
      s.superuser = s.roles && users_->IsSuperUser(p.user);
    }
    return s;
  }

  // A super user: named in options.super_users, directly or through a role it holds, or
  // holding a role with SUPERUSER.
  bool IsSuper(const Subject& who) const {
    if (who.superuser) return true;
    return std::any_of(options_.super_users.begin(), options_.super_users.end(),
                       [&](const std::string& s) { return who.Named(s) && s != "User:*"; });
  }

  // At most one stat() a second on the request path; a file that changed is re-read. A
  // file another process broke keeps the ACLs last read (and says so in the log) rather
  // than dropping every permission or every denial at once.
  void MaybeReloadLocked() const REQUIRES(mu_) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_check_ < std::chrono::seconds(1)) return;
    last_check_ = now;
    if (Stamp(path_) == stamp_) return;
    Status s = ReloadLocked();
    if (!s.ok()) KLOG_WARN("acls: keeping the ACLs read before: {}", s.ToString());
  }

  Status ReloadLocked() const REQUIRES(mu_) {
    FileStamp st = Stamp(path_);
    last_check_ = std::chrono::steady_clock::now();
    if (!st.exists) {
      acls_.clear();
      stamp_ = st;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(std::string text, Env::Default()->ReadFile(path_));
    ASSIGN_OR_RETURN(auto acls, DecodeAcls(text, path_));
    acls_ = std::move(acls);
    stamp_ = st;
    return Status::OK();
  }

  Status WriteLocked(std::vector<AclBinding> next) REQUIRES(mu_) {
    RETURN_IF_ERROR(CreateDirsOwnerOnly(dir_));
    RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(path_, EncodeAcls(next)));
    acls_ = std::move(next);
    stamp_ = Stamp(path_);
    return Status::OK();
  }

  const std::string dir_, path_;
  AuthorizerOptions options_;
  const std::shared_ptr<const UserStore> users_;  // super users by role flag; may be null
  mutable Mutex mu_;
  // The cache of the file: mutable because a const check may refresh it.
  mutable std::vector<AclBinding> acls_ GUARDED_BY(mu_);
  mutable FileStamp stamp_ GUARDED_BY(mu_);
  mutable std::chrono::steady_clock::time_point last_check_ GUARDED_BY(mu_);
};

}  // namespace

Result<std::shared_ptr<Authorizer>> Authorizer::Open(const std::string& dir,
                                                     AuthorizerOptions options,
                                                     std::shared_ptr<const UserStore> users) {
  auto a = std::make_shared<FileAuthorizer>(dir, std::move(options), std::move(users));
  RETURN_IF_ERROR(a->Load());
  return std::shared_ptr<Authorizer>(std::move(a));
}

}  // namespace kappa::security
