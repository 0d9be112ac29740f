// What DescribeAcls, CreateAcls and DeleteAcls share on the wire: a binding filter, the
// check that an authorizer is there, and the fields of one binding. Private to handlers/.
// Field layout: Kafka's DescribeAclsRequest.json and friends (pattern types from v1,
// flexible from v2, v3 identical to v2).
#pragma once

#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

// resource_type, resource_name (nullable), v1+ pattern_type (v0: LITERAL), principal
// (nullable), host (nullable), operation, permission_type.
inline security::AclFilter ReadAclFilter(Reader& in, int16_t v) {
  security::AclFilter f;
  f.resource_type = security::ResourceTypeFromCode(in.Int8());
  if (auto n = in.NullableString()) f.resource_name = std::string(*n);
  f.pattern_type = v >= 1 ? security::PatternTypeFromCode(in.Int8()) : security::PatternType::kLiteral;
  if (auto p = in.NullableString()) f.principal = std::string(*p);
  if (auto h = in.NullableString()) f.host = std::string(*h);
  f.operation = security::AclOperationFromCode(in.Int8());
  f.permission = security::AclPermissionFromCode(in.Int8());
  return f;
}

// The ACLs of this broker, or nullptr: then Kafka answers SECURITY_DISABLED ("No
// Authorizer is configured on the broker").
inline security::Authorizer* AclStore(const RequestContext& ctx) {
  return ctx.broker->config().authorizer.get();
}
inline constexpr const char* kNoAuthorizer = "No Authorizer is configured on the broker";

inline int8_t WireCode(security::ResourceType t) { return static_cast<int8_t>(t); }
inline int8_t WireCode(security::PatternType t) { return static_cast<int8_t>(t); }
inline int8_t WireCode(security::AclOperation o) { return static_cast<int8_t>(o); }
inline int8_t WireCode(security::AclPermission p) { return static_cast<int8_t>(p); }

// principal, host, operation, permission_type and the entry's tagged fields: how DescribeAcls
// and DeleteAcls end each ACL of their responses.
inline void WriteAclEntry(Writer& w, const security::AclBinding& b) {
  w.String(b.principal);
  w.String(b.host);
  w.Int8(WireCode(b.operation));
  w.Int8(WireCode(b.permission));
  w.EmptyTaggedFields();
}

// Kafka's ACL APIs carry Kafka's resource types only; CQL's keyspace permissions stay out.
inline bool IsKafkaAcl(const security::AclBinding& b) {
  return static_cast<int8_t>(b.resource_type) < 64 && static_cast<int8_t>(b.operation) < 64;
}

}  // namespace kappa::kafka
