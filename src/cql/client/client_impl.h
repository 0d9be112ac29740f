// The CQL client's implementation class, shared by its source files: client.cc (set-up,
// queries, prepared statements and their execution) and client_hosts.cc (cluster
// discovery, host pools, token-aware routing, reconnection). Internal to src/cql.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "cql/client/client_codec.h"
#include "cql/client/client_connection.h"
#include "cql/client.h"
#include "cql/client/token_ring.h"

namespace kappa::cql::client_internal {

// Overloaded and IsBootstrapping: the host refused the request before running it, so it is
// sent again (to another live connection) within max_retries.
inline bool RetryElsewhere(std::optional<ErrorCode> code) {
  return code == ErrorCode::kOverloaded || code == ErrorCode::kIsBootstrapping;
}

// One host of the cluster and its connections.
struct HostPool {
  ClientHost info;  // immutable after Init (live_connections is computed on demand)
  mutable Mutex mu;
  std::vector<std::shared_ptr<ClientConnection>> conns GUARDED_BY(mu);  // nullptr: not open
  // Init fills a pool on one thread before anything else can see it (no lock needed there,
  // which the analysis cannot know); from then on the vector's size is fixed and only its
  // slots change, under mu. Hence these two exemptions.
  std::vector<std::shared_ptr<ClientConnection>>& conns_during_init() NO_THREAD_SAFETY_ANALYSIS {
    return conns;
  }
  size_t slots() const NO_THREAD_SAFETY_ANALYSIS { return conns.size(); }
  std::atomic<size_t> rr{0};
  // Reconnector thread only.
  std::chrono::steady_clock::time_point next_attempt{};
  std::chrono::milliseconds backoff{100};
  bool reported_down = false;

  // A live connection, trying slot `hint % size` first; nullptr when none is alive.
  std::shared_ptr<ClientConnection> Alive(size_t hint) const;
  int LiveCount() const;
};

class ClientImpl : public Client {
 public:
  explicit ClientImpl(ClientOptions o);
  ~ClientImpl() override { Close(); }

  // Connects to a contact point (negotiating the version), discovers the cluster, opens
  // the pools and starts the reconnector.
  Status Init();

  int protocol_version() const override { return version_; }
  std::vector<ClientHost> hosts() const override;
  int RouteOf(const PreparedStatement& p, const std::vector<store::Value>& values) const override;
  void Close() override;
  Result<ClientResult> Query(const std::string& cql, const std::vector<store::Value>& values,
                             int page_size, const std::string& paging_state) override;
  Result<std::shared_ptr<PreparedStatement>> Prepare(const std::string& cql) override;
  Result<ClientResult> Execute(const PreparedStatement& p, const std::vector<store::Value>& values,
                               int page_size, const std::string& paging_state) override;
  void ExecuteAsync(const std::shared_ptr<PreparedStatement>& p, std::vector<store::Value> values,
                    std::function<void(Result<ClientResult>)> done) override;
  void BatchAsync(BatchType type, std::vector<BatchStatement> statements,
                  std::function<void(Result<ClientResult>)> done) override;

 private:
  // State of one EXECUTE across retries and a re-prepare.
  struct ExecState {
    std::shared_ptr<const PreparedStatement> p;
    std::vector<store::Value> values;
    int page_size = 0;
    std::string paging_state;
    int retries = 0;
    bool may_reprepare = true;
    std::function<void(Result<ClientResult>)> done;
  };

  // State of one BATCH across retries and re-prepares.
  struct BatchState {
    BatchType type = BatchType::kLogged;
    std::vector<BatchStatement> statements;
    int retries = 0;
    int reprepares = 0;  // at most one per statement
    std::function<void(Result<ClientResult>)> done;
  };

  // -- client_hosts.cc
  Status Discover(const std::shared_ptr<ClientConnection>& control, const std::string& host,
                  uint16_t port);
  Result<std::shared_ptr<ClientConnection>> OpenConnection(const std::string& host, uint16_t port);
  // Marks the hosts outside the local data center (options_.local_datacenter, else the
  // contact point's) as remote; InvalidArgument when the local one has no host.
  Status ChooseLocalDatacenter();
  void ReconnectLoop();
  Status NoLiveHost() const;
  std::shared_ptr<ClientConnection> Pick(const PreparedStatement* p,
                                         const std::vector<store::Value>* values);

  // -- client.cc
  Result<ClientResult> QueryOn(const std::shared_ptr<ClientConnection>& c, const std::string& cql);
  Result<ClientFrame> Request(const std::shared_ptr<ClientConnection>& c, Opcode op,
                              const std::string& body);
  Result<ClientFrame> RequestWithRetry(Opcode op, const std::string& body, int attempt);
  void ExecuteImpl(std::shared_ptr<ExecState> st);
  // Prepares `query` again on `conn` (after an UNPREPARED answer there), then calls `then`
  // with OK or the error that prevented it. For EXECUTE and BATCH.
  void PrepareAgain(const std::shared_ptr<ClientConnection>& conn, const std::string& query,
                    std::function<void(Status)> then);
  // -- client_batch.cc
  void BatchImpl(std::shared_ptr<BatchState> st);

  ClientOptions options_;
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<HostPool>> hosts_;  // fixed after Init; [0] = the contact point
  TokenRing ring_;                                // fixed after Init
  std::atomic<size_t> rr_{0};
  std::atomic<bool> closed_{false};
  uint8_t version_ = 4;
  Mutex ks_mu_;
  std::string keyspace_ GUARDED_BY(ks_mu_);  // the last keyspace USE'd
  std::thread reconnector_;
  Mutex rc_mu_;
  CondVar rc_cv_;
};

}  // namespace kappa::cql::client_internal
