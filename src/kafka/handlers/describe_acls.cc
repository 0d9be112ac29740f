// DescribeAcls (key 29), versions 0..3 (v2+ flexible). Lists the bindings a filter matches,
// grouped by resource pattern, as Kafka's AclAuthorizer does. Needs DESCRIBE on the cluster
// (else CLUSTER_AUTHORIZATION_FAILED); SECURITY_DISABLED without an authorizer. v0 sees
// LITERAL bindings only (it has no pattern type).
//   request  resource_type_filter, resource_name_filter, v1+ pattern_type_filter,
//            principal_filter, host_filter, operation, permission_type
//   response throttle_time_ms, error_code, error_message, resources[resource_type,
//            resource_name, v1+ pattern_type, acls[principal, host, operation,
//            permission_type]]
#include <map>
#include <tuple>

#include "kafka/handlers/acl_wire.h"

namespace kappa::kafka {

static void HandleDescribeAcls(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  security::AclFilter f = ReadAclFilter(in, v);
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DescribeAcls request");
    return;
  }
  ErrorCode e = ErrorCode::kNone;
  std::optional<std::string> msg;
  using Pattern = std::tuple<int8_t, std::string, int8_t>;  // type, name, pattern type
  std::map<Pattern, std::vector<security::AclBinding>> groups;
  security::Authorizer* acls = AclStore(ctx);
  if (acls == nullptr) {
    e = ErrorCode::kSecurityDisabled;
    msg = kNoAuthorizer;
  } else if (!ClusterAuthorized(ctx, security::AclOperation::kDescribe)) {
    e = ErrorCode::kClusterAuthorizationFailed;
  } else if (Status s = f.Validate(); !s.ok()) {
    e = ErrorCode::kInvalidRequest;
    msg = s.message();
  } else {
    for (auto& b : acls->List(f)) {
      if (!IsKafkaAcl(b)) continue;
      if (v == 0 && b.pattern_type != security::PatternType::kLiteral) continue;
      groups[{WireCode(b.resource_type), b.resource_name, WireCode(b.pattern_type)}].push_back(b);
    }
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.Error(e);
  w.NullableString(msg);
  w.ArrayLength(int32_t(groups.size()));
  for (const auto& [pattern, bindings] : groups) {
    w.Int8(std::get<0>(pattern));
    w.String(std::get<1>(pattern));
    if (v >= 1) w.Int8(std::get<2>(pattern));
    w.ArrayLength(int32_t(bindings.size()));
    for (const auto& b : bindings) WriteAclEntry(w, b);
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDescribeAclsApi = {29, "DescribeAcls", 0, 3, 2, &HandleDescribeAcls};

}  // namespace kappa::kafka
