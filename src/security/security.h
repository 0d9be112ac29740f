// kappa's security: who a client is (users with salted password hashes, SASL PLAIN and
// SCRAM-SHA-256/512), what it may do (ACLs), and the TLS contexts of the listeners. Public
// facade of src/security; kafka, cql, http, console and app include only this header.
// Semantics follow Kafka (SASL, ACLs, error codes), Cassandra (PasswordAuthenticator, roles,
// GRANT) and RFC 5802/7677 (SCRAM); docs/formats/security.md documents what is stored.
//
// Ownership of the parts (issue 24; each part's definitions live in the files named):
//   - Principal: principal.cc
//   - UserStore, Scram*: users.cc, scram.cc (fix/sec-kafka)
//   - TlsOptions, MakeServerTlsContext: tls_context.cc (fix/sec-tls)
//   - Acl, Authorizer: acls.cc, authorizer.cc (fix/sec-acl)
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "common/thread_annotations.h"

namespace boost::asio::ssl {
class context;
}

namespace kappa::security {

// Who sent a request. Kafka names it "User:NAME" (or "User:ANONYMOUS" on a listener without
// SASL); CQL names the logged-in role; HTTP the Basic-auth user.
struct Principal {
  std::string user;            // empty: anonymous
  bool authenticated = false;  // logged in (SASL, CQL AUTH_RESPONSE, HTTP Basic)
  // Kafka's form: "User:alice", "User:ANONYMOUS".
  std::string KafkaName() const;
  static Principal Anonymous() { return {}; }
  static Principal User(std::string name) { return {std::move(name), true}; }
};

// ---- users (fix/sec-kafka) ------------------------------------------------------------
enum class ScramMechanism { kSha256, kSha512 };

// A user's stored SCRAM credential for one mechanism (RFC 5802 section 3): never the
// password.
struct ScramCredential {
  std::string salt;        // raw bytes
  int iterations = 0;      // >= 4096
  std::string stored_key;  // H(ClientKey), raw bytes
  std::string server_key;  // HMAC(SaltedPassword, "Server Key"), raw bytes
};

// What CQL's CREATE/ALTER ROLE set (Cassandra's role options); unset fields are left as
// they are (ALTER) or take the defaults (CREATE: no password, LOGIN false, SUPERUSER false).
struct RoleOptions {
  std::optional<std::string> password;
  std::optional<bool> login;
  std::optional<bool> superuser;
};

// One user (a role, in Cassandra's words) as LIST ROLES shows it.
struct RoleInfo {
  std::string name;
  bool superuser = false;     // its own SUPERUSER flag (not what it holds through roles)
  bool login = true;          // may log in (with a password)
  bool has_password = false;  // holds SCRAM credentials
  std::vector<std::string> member_of;  // the roles granted to it directly, sorted
};

// A role and every role granted to it, directly or through other roles (GRANT r TO role):
// sorted, each once, the role itself included.
using RoleSet = std::vector<std::string>;
// The most roles one role may hold through GRANTs, directly or through other roles (itself
// not counted): a GRANT beyond it is refused, so a permission check never looks at more.
inline constexpr size_t kMaxHeldRoles = 128;

// The users of one data directory (DATA_DIR/security/), written by `kappa users` and by
// CQL's CREATE/ALTER/DROP ROLE; read by every listener. Thread-safe. A change made by
// another process (the CLI beside a running kappa up) is seen within a second.
class UserStore {
 public:
  virtual ~UserStore() = default;
  // Opens (creating if missing) the user file under `dir`.
  static Result<std::shared_ptr<UserStore>> Open(const std::string& dir);

  // Adds `name` (a login user, not a super user) or gives an existing one a new password,
  // with credentials for every mechanism derived from `password`. Its flags are kept.
  virtual Status Put(std::string_view name, std::string_view password) = 0;
  // CREATE ROLE: AlreadyExists if `name` exists. ALTER ROLE: NotFound if it does not. A
  // role with LOGIN true but no password cannot log in (as in Cassandra).
  virtual Status CreateRole(std::string_view name, const RoleOptions& o) = 0;
  virtual Status AlterRole(std::string_view name, const RoleOptions& o) = 0;
  virtual std::optional<RoleInfo> Role(std::string_view name) const = 0;
  virtual std::vector<RoleInfo> Roles() const = 0;  // sorted by name
  // NotFound if absent. Its memberships go with it both ways: the roles granted to it, and
  // its grant to every role that held it.
  virtual Status Delete(std::string_view name) = 0;
  virtual std::vector<std::string> List() const = 0;
  virtual bool Exists(std::string_view name) const = 0;
  virtual bool Empty() const = 0;  // no user that can log in
  // PLAIN, CQL PasswordAuthenticator, HTTP Basic: constant-time check against the stored
  // SCRAM-SHA-512 credential. False for a role that may not log in.
  virtual bool CheckPassword(std::string_view name, std::string_view password) const = 0;
  // The credential a SCRAM exchange needs; nullopt for an unknown user or one that may not
  // log in.
  virtual std::optional<ScramCredential> Scram(std::string_view name,
                                               ScramMechanism m) const = 0;

  // ---- role membership (Cassandra's GRANT role TO role; docs/formats/security.md) ----
  // GRANT `role` TO `grantee`: `grantee` then holds `role`'s permissions and SUPERUSER, and
  // those of every role granted to `role`. NotFound "<name> doesn't exist" for an unknown
  // role; InvalidArgument with Cassandra's messages when the grantee holds the role already
  // ("<grantee> is a member of <role>", also for GRANT r TO r) or the grant would make a
  // cycle ("<role> is a member of <grantee>"), and when the grantee or a role holding it
  // would hold more than kMaxHeldRoles roles.
  virtual Status GrantRole(std::string_view role, std::string_view grantee) = 0;
  // REVOKE `role` FROM `revokee`: NotFound for an unknown role; InvalidArgument "<revokee>
  // is not a member of <role>" unless the role was granted to it directly.
  virtual Status RevokeRole(std::string_view role, std::string_view revokee) = 0;
  // `name` and every role it holds (RoleSet); null for an unknown name. Cheap enough for
  // every request: the sets are expanded when the users or grants change (here or in the
  // file), not when asked, and shared, not copied.
  virtual std::shared_ptr<const RoleSet> HeldRoles(std::string_view name) const = 0;
  // Whether `name` or a role it holds has SUPERUSER (Cassandra's Roles.hasSuperuserStatus).
  virtual bool IsSuperUser(std::string_view name) const = 0;
};

// DATA_DIR/security: where a data directory's users (users.json) and ACLs live.
std::string SecurityDir(std::string_view data_dir);

// ---- SASL (fix/sec-kafka) -------------------------------------------------------------
// One server side of a SASL exchange (PLAIN, RFC 4616; SCRAM-SHA-256/512, RFC 5802/7677)
// for one connection. Not thread-safe (one connection's strand). Holds no password after
// Next() returned.
class SaslServer {
 public:
  struct Step {
    std::string challenge;  // the server's message to the client (may be empty)
    bool done = false;      // authenticated: user() is the principal
  };
  virtual ~SaslServer() = default;
  // Kafka's names of the mechanisms kappa implements: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512.
  static const std::vector<std::string>& Mechanisms();
  // NotSupported for another mechanism name. `users` must outlive nothing: it is shared.
  static Result<std::unique_ptr<SaslServer>> Create(std::string_view mechanism,
                                                    std::shared_ptr<const UserStore> users);
  // Feeds the client's next message. Any error ends the exchange as a failed
  // authentication; its message says why (malformed message, wrong credentials) and never
  // holds a password, so the caller may send it to the client and log it.
  virtual Result<Step> Next(std::string_view client_message) = 0;
  virtual const std::string& mechanism() const = 0;
  virtual const std::string& user() const = 0;  // the authenticated user once done
};

// ---- TLS (fix/sec-tls) -----------------------------------------------------------------
struct TlsOptions {
  std::string cert_file;  // PEM: the server's certificate chain
  std::string key_file;   // PEM: its private key
  std::string ca_file;    // PEM: CAs that sign client certificates (client_auth)
  enum class ClientAuth { kNone, kRequested, kRequired } client_auth = ClientAuth::kNone;
};

// A server context with TLS 1.2+ and Mozilla's "intermediate" ciphers, no compression or
// renegotiation, client certificates verified against ca_file per client_auth. Reads the
// files now (a later change to them needs a restart). InvalidArgument naming the file and
// what is wrong with it (missing, not PEM, encrypted key, key not matching the certificate,
// client_auth without a CA). The context is shared by every connection of a listener and
// is safe to use from several threads once made.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsOptions& o);

// The client side (kappa's CQL client: `kappa cql --tls`, `kappa bench cql --tls`): TLS
// 1.2+, the server's certificate verified against `ca_file` (empty: the system's CAs; the
// caller checks the host name), an optional client certificate for servers that require
// one. InvalidArgument naming the file and what is wrong with it.
struct ClientTlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const ClientTlsOptions& o);

// A throwaway self-signed certificate (EC P-256, valid a day, for 127.0.0.1 and localhost,
// its own CA) written as DIR/cert.pem and DIR/key.pem (owner-only dir): what `kappa bench
// kafka --tls` serves. Clients trust it with cert.pem as their CA file.
Result<TlsOptions> WriteSelfSignedCertificate(const std::string& dir);

// "none", "requested", "required" (Kafka's ssl.client.auth words); InvalidArgument else.
Result<TlsOptions::ClientAuth> ParseClientAuth(std::string_view s);

// ---- logins on CQL and HTTP (fix/sec-tls) ----------------------------------------------
// HTTP Basic (RFC 7617): the user and password of an Authorization header value
// "Basic base64(user:password)"; nullopt when it is not that (another scheme, bad base64,
// no colon, an empty user). http_basic.cc.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header);

// Failed logins per peer address (the port is ignored: "10.0.0.5:41234" counts for
// 10.0.0.5) within a minute: beyond `max_failures_per_minute` Allowed() is false until the
// minute since the first failure is over, so a password guesser gets a few tries a minute.
// Thread-safe. login_throttle.cc.
class LoginThrottle {
 public:
  explicit LoginThrottle(int max_failures_per_minute = 30,
                         std::function<int64_t()> now_ms = nullptr);
  bool Allowed(std::string_view peer);
  // Records a failure; returns the peer's failures in the current minute (1 for the first),
  // for callers that slow each failure down further (Kafka's failed-login delay).
  int Failed(std::string_view peer);

 private:
  struct Window {
    int64_t window_start_ms = 0;
    int count = 0;
  };
  const int max_;
  std::function<int64_t()> now_ms_;
  Mutex mu_;
  std::map<std::string, Window> failures_ GUARDED_BY(mu_);
};

// ---- ACLs (fix/sec-acl) ----------------------------------------------------------------
// Kafka's ACL model (KIP-11, KIP-290 prefixed patterns; Kafka's AclAuthorizer semantics).
// The enum values are Kafka's wire codes (DescribeAcls/CreateAcls/DeleteAcls carry them);
// values >= 64 are kappa's own and never leave on the Kafka wire: CQL permissions on
// keyspaces and tables (Cassandra's CassandraAuthorizer) are ACLs of resource type
// KEYSPACE, so one file and one Authorizer hold both. docs/formats/security.md, "ACLs".
enum class ResourceType : int8_t {
  kUnknown = 0,
  kAny = 1,  // filters only
  kTopic = 2,
  kGroup = 3,
  kCluster = 4,  // the one name "kafka-cluster"
  kTransactionalId = 5,
  // CQL: name "*" is ALL KEYSPACES, "k" KEYSPACE k, "k.t" TABLE k.t (LITERAL only). A
  // binding on a keyspace covers its tables; one on "*" covers every keyspace.
  kKeyspace = 64,
};
enum class PatternType : int8_t {
  kUnknown = 0,
  kAny = 1,    // filters only: any pattern type
  kMatch = 2,  // filters only: bindings that would match the filter's name
  kLiteral = 3,  // the name, or "*" for every name
  kPrefixed = 4,  // names starting with the resource name
};
enum class AclOperation : int8_t {
  kUnknown = 0,
  kAny = 1,  // filters only
  kAll = 2,
  kRead = 3,
  kWrite = 4,
  kCreate = 5,
  kDelete = 6,
  kAlter = 7,
  kDescribe = 8,
  kClusterAction = 9,
  kDescribeConfigs = 10,
  kAlterConfigs = 11,
  kIdempotentWrite = 12,
  // Cassandra's permissions (CREATE, ALTER and ALL are shared with Kafka's values).
  kSelect = 64,
  kModify = 65,
  kDrop = 66,
  kAuthorize = 67,
};
enum class AclPermission : int8_t { kUnknown = 0, kAny = 1, kDeny = 2, kAllow = 3 };

// Upper-case names as Kafka's tools print them ("TOPIC", "PREFIXED", "DESCRIBE_CONFIGS",
// "ALLOW"); Parse* accept any case and return kUnknown for an unknown name.
std::string_view Name(ResourceType t);
std::string_view Name(PatternType t);
std::string_view Name(AclOperation o);
std::string_view Name(AclPermission p);
ResourceType ParseResourceType(std::string_view s);
PatternType ParsePatternType(std::string_view s);
AclOperation ParseAclOperation(std::string_view s);
AclPermission ParseAclPermission(std::string_view s);
// Kafka's wire codes; an out-of-range code is kUnknown.
ResourceType ResourceTypeFromCode(int8_t c);
PatternType PatternTypeFromCode(int8_t c);
AclOperation AclOperationFromCode(int8_t c);
AclPermission AclPermissionFromCode(int8_t c);

inline constexpr std::string_view kClusterResourceName = "kafka-cluster";

// One ACL: `principal` from `host` is allowed/denied `operation` on the resources matched by
// (resource_type, resource_name, pattern_type).
struct AclBinding {
  ResourceType resource_type = ResourceType::kTopic;
  std::string resource_name;
  PatternType pattern_type = PatternType::kLiteral;
  std::string principal;  // "User:alice", or "User:*" for every user
  std::string host = "*";  // an IP address, or "*"
  AclOperation operation = AclOperation::kAll;
  AclPermission permission = AclPermission::kAllow;

  bool operator==(const AclBinding&) const = default;
  // "(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) on TOPIC:LITERAL:t"
  std::string ToString() const;
};

// What DescribeAcls and DeleteAcls select: kAny / nullopt match everything; PatternType
// kMatch selects the bindings that apply to resource_name (the literal name, "*", prefixes
// of it), as Kafka's MATCH does.
struct AclFilter {
  ResourceType resource_type = ResourceType::kAny;
  std::optional<std::string> resource_name;
  PatternType pattern_type = PatternType::kAny;
  std::optional<std::string> principal;
  std::optional<std::string> host;
  AclOperation operation = AclOperation::kAny;
  AclPermission permission = AclPermission::kAny;

  bool Matches(const AclBinding& b) const;
  // InvalidArgument if the filter can never match (an UNKNOWN field), as Kafka rejects it.
  Status Validate() const;
};

// Whether a binding may be stored (CreateAcls, GRANT): no ANY/UNKNOWN/MATCH values, a
// principal "TYPE:NAME", the cluster named "kafka-cluster", an operation that exists for
// the resource type. InvalidArgument with the reason otherwise.
Status ValidateAcl(const AclBinding& b);

// `security.acls` (config_security_acl.cc). Fixed for the life of a run.
struct AuthorizerOptions {
  // Off (default): every principal may do everything, as before ACLs existed.
  bool enabled = false;
  // Principals that bypass every check (Kafka's super.users; Cassandra's superuser roles),
  // as "User:NAME" or a bare NAME.
  std::vector<std::string> super_users;
  // Kafka's allow.everyone.if.no.acl.found: allow a resource nobody wrote an ACL for.
  // Default false, as in Kafka: with ACLs on, what is not allowed is denied.
  bool allow_if_no_acl = false;
};

// The ACLs of one data directory (DATA_DIR/security/acls, rewritten atomically with mode
// 0600 on every change) and the decisions made from them. Thread-safe. A change written by
// another process (`kappa acls`, another kappa up on the same directory) is picked up
// within a second: the file's mtime is checked at most once a second.
//
// Decisions follow Kafka's AclAuthorizer: a super user may do everything; else a matching
// DENY (for the operation or ALL) wins; else a matching ALLOW for the operation, ALL, or
// an operation implying it (READ, WRITE, DELETE, ALTER imply DESCRIBE; ALTER_CONFIGS
// implies DESCRIBE_CONFIGS) allows; else denied (or allowed with allow_if_no_acl when no
// binding names the resource at all). With the options' `enabled` false every check allows.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // `dir` is DATA_DIR/security (created, owner-only, at the first write). IOError or
  // Corruption (naming the file and line) if an existing file cannot be read. `users`
  // (optional): its roles with SUPERUSER true (CQL's CREATE ROLE ... SUPERUSER = true) are
  // super users too, beside options.super_users; and a user holds the ACLs of "User:R" for
  // every role R granted to it (UserStore::HeldRoles, CQL's GRANT role TO user), its
  // DENYs included, and is a super user when one of them is.
  static Result<std::shared_ptr<Authorizer>> Open(const std::string& dir,
                                                  AuthorizerOptions options,
                                                  std::shared_ptr<const UserStore> users = nullptr);

  virtual bool enabled() const = 0;
  virtual bool IsSuperUser(const Principal& p) const = 0;
  // `host` is the client's address ("" when unknown: only "*" bindings match it).
  virtual bool Authorize(const Principal& p, std::string_view host, AclOperation op,
                         ResourceType type, std::string_view name) const = 0;
  // Whether p may do `op` on at least one resource of `type` (Kafka's
  // authorizeByResourceType: an ALLOW that no DENY on "*", the same name or a covering
  // prefix cancels). InitProducerId uses it: an idempotent producer needs IDEMPOTENT_WRITE
  // on the cluster or WRITE on some topic.
  virtual bool AuthorizeAny(const Principal& p, std::string_view host, AclOperation op,
                            ResourceType type) const = 0;

  // Adds the bindings (each validated first; none is added if one is invalid). Adding a
  // binding that exists already is not an error.
  virtual Status Add(const std::vector<AclBinding>& bindings) = 0;
  // Removes every binding `f` matches; returns them.
  virtual Result<std::vector<AclBinding>> Remove(const AclFilter& f) = 0;
  virtual std::vector<AclBinding> List(const AclFilter& f) const = 0;
};

}  // namespace kappa::security
