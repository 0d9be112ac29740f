// The ACL check every handler makes (handlers.h, Authorized).
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

bool Authorized(const RequestContext& ctx, security::AclOperation op, security::ResourceType type,
                std::string_view name) {
  const auto& a = ctx.broker->config().authorizer;
  if (a == nullptr || !a->enabled()) return true;
  // client_host is Kafka's "/ADDRESS" form (DescribeGroups); ACL hosts are bare addresses.
  std::string_view host = ctx.client_host;
  if (host.starts_with('/')) host.remove_prefix(1);
  return a->Authorize(ctx.principal, host, op, type, name);
}

int32_t AuthorizedOperations(const RequestContext& ctx, security::ResourceType type,
                             std::string_view name,
                             std::initializer_list<security::AclOperation> ops) {
  int32_t bits = 0;
  for (auto op : ops) {
    if (Authorized(ctx, op, type, name)) bits |= int32_t(1) << static_cast<int>(op);
  }
  return bits;
}

int32_t ClusterAuthorizedOperations(const RequestContext& ctx) {
  using security::AclOperation;
  if (!ClusterAuthorized(ctx, AclOperation::kDescribe)) return 0;
  return AuthorizedOperations(
      ctx, security::ResourceType::kCluster, security::kClusterResourceName,
      {AclOperation::kCreate, AclOperation::kAlter, AclOperation::kDescribe,
       AclOperation::kClusterAction, AclOperation::kDescribeConfigs, AclOperation::kAlterConfigs,
       AclOperation::kIdempotentWrite});
}

}  // namespace kappa::kafka
