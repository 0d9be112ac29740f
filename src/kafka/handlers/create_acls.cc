// CreateAcls (key 30), versions 0..3 (v2+ flexible). Adds bindings to the broker's ACL file
// (security::Authorizer::Add), one result per creation. Needs ALTER on the cluster (else
// every result CLUSTER_AUTHORIZATION_FAILED); SECURITY_DISABLED without an authorizer; an
// invalid binding (ANY/MATCH/UNKNOWN values, a cluster not named kafka-cluster, a principal
// without "TYPE:") is INVALID_REQUEST with the reason, and the valid ones are still added.
//   request  creations[resource_type, resource_name, v1+ resource_pattern_type, principal,
//            host, operation, permission_type]
//   response throttle_time_ms, results[error_code, error_message]
#include "common/logging.h"
#include "kafka/handlers/acl_wire.h"

namespace kappa::kafka {

static void HandleCreateAcls(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  std::vector<security::AclBinding> creations;
  int32_t n = in.ArrayLength(10);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    security::AclBinding b;
    b.resource_type = security::ResourceTypeFromCode(in.Int8());
    b.resource_name = std::string(in.String());
    b.pattern_type = v >= 1 ? security::PatternTypeFromCode(in.Int8())
                            : security::PatternType::kLiteral;
    b.principal = std::string(in.String());
    b.host = std::string(in.String());
    b.operation = security::AclOperationFromCode(in.Int8());
    b.permission = security::AclPermissionFromCode(in.Int8());
    in.SkipTaggedFields();
    creations.push_back(std::move(b));
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed CreateAcls request");
    return;
  }
  struct Result {
    ErrorCode error = ErrorCode::kNone;
    std::optional<std::string> message;
  };
  std::vector<Result> results(creations.size());
  security::Authorizer* acls = AclStore(ctx);
  if (acls == nullptr) {
    for (auto& r : results) r = {ErrorCode::kSecurityDisabled, kNoAuthorizer};
  } else if (!ClusterAuthorized(ctx, security::AclOperation::kAlter)) {
    for (auto& r : results) r.error = ErrorCode::kClusterAuthorizationFailed;
  } else {
    std::vector<security::AclBinding> valid;
    std::vector<size_t> valid_at;
    for (size_t i = 0; i < creations.size(); ++i) {
      Status s = security::ValidateAcl(creations[i]);
      if (s.ok() && !IsKafkaAcl(creations[i])) {
        s = Status::InvalidArgument("not a Kafka resource type or operation");
      }
      if (!s.ok()) {
        results[i] = {ErrorCode::kInvalidRequest, s.message()};
      } else {
        valid.push_back(creations[i]);
        valid_at.push_back(i);
      }
    }
    if (!valid.empty()) {
      Status s = acls->Add(valid);
      if (!s.ok()) {
        KLOG_WARN("CreateAcls: {}", s.ToString());
        for (size_t i : valid_at) results[i] = {ErrorCode::kUnknownServerError, s.message()};
      } else {
        for (const auto& b : valid) KLOG_INFO("{} added ACL {}", ctx.principal.KafkaName(), b.ToString());
      }
    }
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(results.size()));
  for (const auto& r : results) {
    w.Error(r.error);
    w.NullableString(r.message);
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kCreateAclsApi = {30, "CreateAcls", 0, 3, 2, &HandleCreateAcls};

}  // namespace kappa::kafka
