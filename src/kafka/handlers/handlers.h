// The ApiSpec of every API kappa serves, one per file in this folder (each file states its
// supported version range next to its decoder). handlers/registry.cc lists them.
#pragma once

#include <initializer_list>

#include "kafka/api.h"
#include "kafka/broker.h"
#include "kafka/error_codes.h"

namespace kappa::kafka {

extern const ApiSpec kProduceApi;          // 0   produce.cc
extern const ApiSpec kFetchApi;            // 1   fetch.cc
extern const ApiSpec kListOffsetsApi;      // 2   list_offsets.cc
extern const ApiSpec kMetadataApi;         // 3   metadata.cc
extern const ApiSpec kOffsetCommitApi;     // 8   offset_commit.cc
extern const ApiSpec kOffsetFetchApi;      // 9   offset_fetch.cc
extern const ApiSpec kFindCoordinatorApi;  // 10  find_coordinator.cc
extern const ApiSpec kJoinGroupApi;        // 11  join_group.cc
extern const ApiSpec kHeartbeatApi;        // 12  heartbeat.cc
extern const ApiSpec kLeaveGroupApi;       // 13  leave_group.cc
extern const ApiSpec kSyncGroupApi;        // 14  sync_group.cc
extern const ApiSpec kDescribeGroupsApi;   // 15  describe_groups.cc
extern const ApiSpec kListGroupsApi;       // 16  list_groups.cc
extern const ApiSpec kSaslHandshakeApi;    // 17  sasl_handshake.cc
extern const ApiSpec kApiVersionsApi;      // 18  api_versions.cc
extern const ApiSpec kCreateTopicsApi;     // 19  create_topics.cc
extern const ApiSpec kDeleteTopicsApi;     // 20  delete_topics.cc
extern const ApiSpec kDeleteRecordsApi;    // 21  delete_records.cc
extern const ApiSpec kInitProducerIdApi;   // 22  init_producer_id.cc
extern const ApiSpec kDescribeAclsApi;     // 29  describe_acls.cc
extern const ApiSpec kCreateAclsApi;       // 30  create_acls.cc
extern const ApiSpec kDeleteAclsApi;       // 31  delete_acls.cc
extern const ApiSpec kDescribeConfigsApi;  // 32  describe_configs.cc
extern const ApiSpec kAlterConfigsApi;     // 33  alter_configs.cc
extern const ApiSpec kDescribeLogDirsApi;  // 35  describe_log_dirs.cc
extern const ApiSpec kSaslAuthenticateApi; // 36  sasl_authenticate.cc
extern const ApiSpec kCreatePartitionsApi; // 37  create_partitions.cc
extern const ApiSpec kDeleteGroupsApi;     // 42  delete_groups.cc
extern const ApiSpec kIncrementalAlterConfigsApi;  // 44  incremental_alter_configs.cc
extern const ApiSpec kOffsetDeleteApi;     // 47  offset_delete.cc
extern const ApiSpec kDescribeClusterApi;  // 60  describe_cluster.cc

// Most partitions one topic may have through CreateTopics/CreatePartitions: each is a
// directory with open files, so a hostile count must not exhaust the machine.
inline constexpr int32_t kMaxPartitionsPerTopic = 10000;

// The ApiVersions response body for `version` (0..3) with `error` (the server answers an
// unsupported ApiVersions version with a v0 body and UNSUPPORTED_VERSION, as Kafka does).
std::string EncodeApiVersionsResponse(int16_t version, ErrorCode error);

// Whether ctx.principal may do `op` on the resource (BrokerConfig::authorizer, from the
// client's address); true when ACLs are off. authorize.cc.
bool Authorized(const RequestContext& ctx, security::AclOperation op,
                security::ResourceType type, std::string_view name);
inline bool TopicAuthorized(const RequestContext& ctx, security::AclOperation op,
                            std::string_view topic) {
  return Authorized(ctx, op, security::ResourceType::kTopic, topic);
}
inline bool GroupAuthorized(const RequestContext& ctx, security::AclOperation op,
                            std::string_view group) {
  return Authorized(ctx, op, security::ResourceType::kGroup, group);
}
inline bool ClusterAuthorized(const RequestContext& ctx, security::AclOperation op) {
  return Authorized(ctx, op, security::ResourceType::kCluster, security::kClusterResourceName);
}

// Kafka's authorized-operations bit set (1 << AclOperation code) of the operations in
// `ops` ctx.principal may do on the resource (Metadata v8+, DescribeCluster). authorize.cc.
int32_t AuthorizedOperations(const RequestContext& ctx, security::ResourceType type,
                             std::string_view name,
                             std::initializer_list<security::AclOperation> ops);
// The cluster's: 0 without DESCRIBE on it, as Kafka answers.
int32_t ClusterAuthorizedOperations(const RequestContext& ctx);

// The broker's address as a client of this request's listener must reach it (Metadata,
// FindCoordinator, DescribeCluster): the listener's advertised address, else the broker's.
inline const std::string& AdvertisedHost(const RequestContext& ctx) {
  return ctx.advertised_host.empty() ? ctx.broker->config().host : ctx.advertised_host;
}
inline int32_t AdvertisedPort(const RequestContext& ctx) {
  return ctx.advertised_host.empty() ? ctx.broker->config().port : ctx.advertised_port;
}

// Finishes a synchronous handler: sends w's bytes if the request parsed, else closes the
// connection (a request that does not decode is a protocol violation).
inline void Finish(Reader& in, Writer& w, Responder& respond) {
  if (!in.ok()) {
    respond.Close("malformed request body");
    return;
  }
  respond.Send(w);
}

}  // namespace kappa::kafka
