// Choosing the one instance that writes `_schemas` when several kappa processes share one
// external Kafka cluster (`log: kafka`). Internal to src/registry.
//
// Every instance joins one Kafka consumer group (`kappa-schema-registry` by default)
// subscribed to the single-partition `_schemas` topic, as Confluent Schema Registry uses the
// group protocol to elect its leader: the group coordinator assigns partition 0 to exactly
// one member, and that member is the writer. Nothing is committed and the assigned
// partition is paused at once (the election reads nothing; the registry's own reader replays
// the topic). When the writer leaves (a clean stop leaves the group at once) or dies (its
// session times out, `session_timeout_ms`), the coordinator rebalances and another member
// gets partition 0.
//
// The group decides who writes; log order stays the safety net: a member that still
// believes it is the writer after losing the group (a network partition from the
// coordinator until its session times out) may append, and the replay's first-record-wins
// rules keep ids unique anyway (registry_state.h).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace kappa::registry {

struct WriterElectionOptions {
  std::string bootstrap;
  std::map<std::string, std::string> properties;  // the user's librdkafka properties
  std::string topic = "_schemas";
  std::string group = "kappa-schema-registry";
  int session_timeout_ms = 10000;
};

class WriterElection {
 public:
  // Called on the election's thread when this member becomes the writer (true) or stops
  // being it (false). Returning false for `true` (the announcement could not be written)
  // calls it again a second later while the member is still the writer.
  using OnChange = std::function<bool(bool is_writer)>;

  // Joins the group; the first assignment arrives asynchronously.
  static Result<std::unique_ptr<WriterElection>> Start(const WriterElectionOptions& options,
                                                       OnChange on_change);
  // Leaves the group (the coordinator hands partition 0 to another member at once).
  ~WriterElection();

  // Whether the coordinator assigned partition 0 to this member (as of the last poll).
  bool is_writer() const { return is_writer_.load(); }

  struct Client;  // the librdkafka consumer and what its rebalance callback saw

 private:
  WriterElection() = default;
  void Run();

  std::unique_ptr<Client> client_;
  OnChange on_change_;
  std::atomic<bool> is_writer_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace kappa::registry
