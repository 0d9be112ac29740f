// DescribeCluster (key 60), versions 0..1 (flexible from v0). This single node is the whole
// cluster and its controller. v1+ asks for an endpoint type: brokers (1) are answered;
// controllers (2) get UNSUPPORTED_ENDPOINT_TYPE, as a Kafka broker answers.
//   request  include_cluster_authorized_operations, v1+ endpoint_type
//   response throttle_time_ms, error_code, error_message, v1+ endpoint_type, cluster_id,
//            controller_id, brokers[broker_id, host, port, rack],
//            cluster_authorized_operations
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleDescribeCluster(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  const BrokerConfig& c = ctx.broker->config();
  const bool include_ops = in.Bool();  // include_cluster_authorized_operations
  int8_t endpoint_type = v >= 1 ? in.Int8() : 1;
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DescribeCluster request");
    return;
  }
  bool brokers = endpoint_type == 1;
  Writer w(ctx.flexible);
  w.Int32(0);
  w.Error(brokers ? ErrorCode::kNone : ErrorCode::kUnsupportedEndpointType);
  w.NullableString(brokers ? std::nullopt
                           : std::optional<std::string_view>("kappa serves only the broker "
                                                             "endpoint type"));
  if (v >= 1) w.Int8(endpoint_type);
  w.String(c.cluster_id);
  w.Int32(brokers ? c.node_id : -1);
  w.ArrayLength(brokers ? 1 : 0);
  if (brokers) {
    w.Int32(c.node_id);
    w.String(AdvertisedHost(ctx));
    w.Int32(AdvertisedPort(ctx));
    w.NullableString(std::nullopt);  // rack
    w.EmptyTaggedFields();
  }
  w.Int32(include_ops ? ClusterAuthorizedOperations(ctx) : INT32_MIN);
  w.EmptyTaggedFields();
  Finish(in, w, respond);
}

const ApiSpec kDescribeClusterApi = {60, "DescribeCluster", 0, 1, 0, &HandleDescribeCluster};

}  // namespace kappa::kafka
