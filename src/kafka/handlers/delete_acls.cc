// DeleteAcls (key 31), versions 0..3 (v2+ flexible). Removes the bindings each filter
// matches and returns them, one filter result per filter. Needs ALTER on the cluster (else
// CLUSTER_AUTHORIZATION_FAILED per filter); SECURITY_DISABLED without an authorizer; a filter
// with an UNKNOWN field is INVALID_REQUEST.
//   request  filters[resource_type_filter, resource_name_filter, v1+ pattern_type_filter,
//            principal_filter, host_filter, operation, permission_type]
//   response throttle_time_ms, filter_results[error_code, error_message, matching_acls[
//            error_code, error_message, resource_type, resource_name, v1+ pattern_type,
//            principal, host, operation, permission_type]]
#include "common/logging.h"
#include "kafka/handlers/acl_wire.h"

namespace kappa::kafka {

static void HandleDeleteAcls(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  std::vector<security::AclFilter> filters;
  int32_t n = in.ArrayLength(10);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    filters.push_back(ReadAclFilter(in, v));
    in.SkipTaggedFields();
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DeleteAcls request");
    return;
  }
  struct FilterResult {
    ErrorCode error = ErrorCode::kNone;
    std::optional<std::string> message;
    std::vector<security::AclBinding> removed;
  };
  std::vector<FilterResult> results(filters.size());
  security::Authorizer* acls = AclStore(ctx);
  bool may_alter = acls != nullptr && ClusterAuthorized(ctx, security::AclOperation::kAlter);
  for (size_t i = 0; i < filters.size(); ++i) {
    auto& r = results[i];
    if (acls == nullptr) {
      r = {ErrorCode::kSecurityDisabled, kNoAuthorizer, {}};
      continue;
    }
    if (!may_alter) {
      r.error = ErrorCode::kClusterAuthorizationFailed;
      continue;
    }
    if (Status s = filters[i].Validate(); !s.ok()) {
      r = {ErrorCode::kInvalidRequest, s.message(), {}};
      continue;
    }
    // Kafka's ACL APIs never touch CQL's keyspace permissions, even with an ANY filter.
    security::AclFilter f = filters[i];
    if (f.resource_type == security::ResourceType::kAny) {
      std::vector<security::AclBinding> all;
      for (auto t : {security::ResourceType::kTopic, security::ResourceType::kGroup,
                     security::ResourceType::kCluster, security::ResourceType::kTransactionalId}) {
        f.resource_type = t;
        auto removed = acls->Remove(f);
        if (!removed.ok()) {
          r = {ErrorCode::kUnknownServerError, removed.status().message(), {}};
          break;
        }
        all.insert(all.end(), removed->begin(), removed->end());
      }
      if (r.error == ErrorCode::kNone) r.removed = std::move(all);
    } else {
      auto removed = acls->Remove(f);
      if (removed.ok()) {
        r.removed = std::move(*removed);
      } else {
        r = {ErrorCode::kUnknownServerError, removed.status().message(), {}};
      }
    }
    for (const auto& b : r.removed) {
      KLOG_INFO("{} removed ACL {}", ctx.principal.KafkaName(), b.ToString());
    }
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(results.size()));
  for (const auto& r : results) {
    w.Error(r.error);
    w.NullableString(r.message);
    w.ArrayLength(int32_t(r.removed.size()));
    for (const auto& b : r.removed) {
      w.Int16(0);
      w.NullableString(std::nullopt);
      w.Int8(WireCode(b.resource_type));
      w.String(b.resource_name);
      if (v >= 1) w.Int8(WireCode(b.pattern_type));
      WriteAclEntry(w, b);
    }
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDeleteAclsApi = {31, "DeleteAcls", 0, 3, 2, &HandleDeleteAcls};

}  // namespace kappa::kafka
