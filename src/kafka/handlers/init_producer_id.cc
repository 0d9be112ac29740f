// InitProducerId (key 22), versions 0..1 (non-flexible). Hands out producer ids for
// idempotent producers (epoch 0). Transactions are not supported: a transactional id gets
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which clients report as a clear, fatal error.
//   request  transactional_id, transaction_timeout_ms
//   response throttle_time_ms, error_code, producer_id, producer_epoch
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static bool IdempotentWriteAuthorized(const RequestContext& ctx) {
  if (ClusterAuthorized(ctx, security::AclOperation::kIdempotentWrite)) return true;
  const auto& a = ctx.broker->config().authorizer;
  std::string_view host = ctx.client_host;
  if (host.starts_with('/')) host.remove_prefix(1);
  return a == nullptr ||
         a->AuthorizeAny(ctx.principal, host, security::AclOperation::kWrite,
                         security::ResourceType::kTopic);
}

static void HandleInitProducerId(RequestContext& ctx, Reader& in, Responder respond) {
  auto txn = in.NullableString();
  in.Int32();
  Writer w(ctx.flexible);
  w.Int32(0);
  if (txn) {
    w.Error(ErrorCode::kTransactionalIdAuthorizationFailed);
    w.Int64(-1);
    w.Int16(-1);
  } else if (!IdempotentWriteAuthorized(ctx)) {
    // Kafka: IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
    w.Error(ErrorCode::kClusterAuthorizationFailed);
    w.Int64(-1);
    w.Int16(-1);
  } else {
    w.Int16(0);
    w.Int64(ctx.broker->producers().NextProducerId());
    w.Int16(0);
  }
  Finish(in, w, respond);
}

const ApiSpec kInitProducerIdApi = {22, "InitProducerId", 0, 1, kNeverFlexible,
                                    &HandleInitProducerId};

}  // namespace kappa::kafka
