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

// The users of one data directory (DATA_DIR/security/), written by `kappa users` and, with
// ACLs on, by CQL's CREATE/ALTER/DROP ROLE; read by every listener. Thread-safe. A change
// made by another process (the CLI beside a running kappa up) is seen within a second.
class UserStore {
 public:
  virtual ~UserStore() = default;
  // Opens (creating if missing) the user file under `dir`.
  static Result<std::shared_ptr<UserStore>> Open(const std::string& dir);

  // Adds or replaces `name` with credentials for every mechanism derived from `password`.
  virtual Status Put(std::string_view name, std::string_view password) = 0;
  virtual Status Delete(std::string_view name) = 0;  // NotFound if absent
  virtual std::vector<std::string> List() const = 0;
  virtual bool Exists(std::string_view name) const = 0;
  virtual bool Empty() const = 0;
  // PLAIN, CQL PasswordAuthenticator, HTTP Basic: constant-time check against the stored
  // SCRAM-SHA-512 credential.
  virtual bool CheckPassword(std::string_view name, std::string_view password) const = 0;
  // The credential a SCRAM exchange needs; nullopt for an unknown user.
  virtual std::optional<ScramCredential> Scram(std::string_view name,
                                               ScramMechanism m) const = 0;
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
  void Failed(std::string_view peer);

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

}  // namespace kappa::security
