// kappa console: the seed's Control Center (and Airflow's grid) on listeners.console
// (default 127.0.0.1:9021): pages served by the kappa binary itself (assets embedded at
// build, src/console/web), each backed by a JSON API under /api/console/... (documented in
// docs/formats/console-api.md), live charts over server-sent events read from the metrics
// History (the same series as /metrics). Public header of src/console.
//
// The console does not reach into the log, the store or the jobs itself: it is given
// Sources, interfaces the app implements over the running `kappa up` (src/app/console_*.cc)
// and tests implement with fakes. The parts' interfaces are in the headers included below,
// folded into this one public header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/host_port.h"
#include "common/status.h"
#include "console/kafka_source.h"     // topics, messages, consumer groups
#include "console/pipeline_source.h"  // jobs, tables

namespace boost::asio::ssl {
class context;
}
namespace kappa::security {
class UserStore;
}

namespace kappa::metrics {
class History;
}
namespace kappa::registry {
class Registry;
}
namespace kappa::orchestrator {
class Orchestrator;
}
namespace kappa::http {
class Router;
struct RequestRecord;
}

namespace kappa::console {

// What the overview shows besides metrics series.
struct Facts {
  std::string version;
  int64_t started_unix_ms = 0;
  // ("kafka", "127.0.0.1:9092"), ("cql", ...), ("http", ...): the other listeners of the
  // process. The overview adds the console's own ("console", HOST:PORT) once it is bound.
  std::vector<std::pair<std::string, std::string>> listeners;
  // Bytes on disk, computed on demand (may be null).
  std::function<int64_t()> log_bytes;
  std::function<int64_t()> store_bytes;
  // The console's own HOST:PORT, empty until bound (set by Console::Start).
  std::function<std::string()> console_address;
  // The jobs' dead-letter topics: what is appended there is dead-lettered, not produced.
  std::vector<std::string> dead_letter_topics;
};

// What the console reads and changes. Every pointer may be null: that feature's page then
// says it is not configured. All must outlive the Console; the sources are called from HTTP
// handler threads and must be thread-safe.
struct Sources {
  Facts facts;
  metrics::History* history = nullptr;  // the overview's and every page's charts
  KafkaSource* kafka = nullptr;
  PipelineSource* pipeline = nullptr;
  registry::Registry* registry = nullptr;
  orchestrator::Orchestrator* orchestrator = nullptr;
};

// A console login (`console.users`): the password is kept only as a salted hash (see
// HashPassword).
struct User {
  std::string name;
  std::string password_hash;
};

// Password hashes: "pbkdf2-sha512$ITERATIONS$SALT_HEX$HASH_HEX", PBKDF2-HMAC-SHA512 (OpenSSL's
// PKCS5_PBKDF2_HMAC) over a 16-byte random salt, 64-byte key; OWASP's 2023 figure of 210,000
// iterations by default. `kappa console hash-password` prints one.
inline constexpr int kDefaultPasswordIterations = 210'000;
Result<std::string> HashPassword(std::string_view password,
                                 int iterations = kDefaultPasswordIterations);
// True when `password` matches `hash` (constant-time compare); false for a malformed hash.
bool VerifyPassword(std::string_view password, std::string_view hash);
// OK, or InvalidArgument saying what is wrong with the hash's text (for config loading).
Status CheckPasswordHash(std::string_view hash);
// True when `hash` is the hash of a well-known default password (admin, password, kappa,
// changeme, ... or the user's own name): Start refuses such a user off loopback, as the CQL
// server refuses cassandra/cassandra. Costs one hash per candidate.
bool IsWellKnownPassword(std::string_view user, std::string_view hash);
// The same check on a password in clear (`kappa console hash-password` refuses these).
bool IsWellKnownPlainPassword(std::string_view user, std::string_view password);

struct ConsoleOptions {
  HostPort listen{"127.0.0.1", 9021};
  // listeners.console "https://HOST:PORT" and lists: `listen` speaks HTTPS when
  // `listen_tls`; `also_listen` are further addresses serving the same console (each plain
  // or TLS). Every TLS address uses `tls` (security::MakeServerTlsContext), required then.
  // Over TLS the session cookie is marked Secure.
  bool listen_tls = false;
  std::vector<ListenAddress> also_listen;
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Required when `listen` is not a loopback address (Start refuses otherwise); when any
  // are given, every page and API needs a login.
  std::vector<User> users;
  // The data directory's users (`kappa users add`; security::UserStore) may log in too,
  // with their own passwords; they count as users for the rules above (checked at each
  // login, so a user added while the console runs turns logins on). Null: none.
  std::shared_ptr<const security::UserStore> user_store;
  // Called once per answered request (the app counts them in kappa_http_requests_total
  // with listener="console"); may be empty.
  std::function<void(const http::RequestRecord&)> observer;
};

// The console's HTTP listener and its routes. Stop (or the destructor) closes it.
class Console {
 public:
  virtual ~Console() = default;
  // Binds and serves until Stop. InvalidArgument off loopback without users, with a
  // malformed hash or with a well-known default password; the http server's error if the
  // address is taken.
  static Result<std::unique_ptr<Console>> Start(const Sources& sources,
                                                const ConsoleOptions& options);
  virtual uint16_t port() const = 0;
  virtual void Stop() = 0;
};

// The console's routes alone (pages, assets, /api/console/...), for tests and the HTTP
// fuzzer. `sources` must outlive the router.
std::shared_ptr<http::Router> ConsoleRoutes(const Sources& sources,
                                            const ConsoleOptions& options);

}  // namespace kappa::console
