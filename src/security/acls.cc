// The ACL model (security.h, "ACLs"): names and wire codes, filters and validation, as
// Kafka's org.apache.kafka.common.acl / resource packages define them.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "security/security.h"

namespace kappa::security {
namespace {

template <typename E>
struct Named {
  E value;
  std::string_view name;
};

constexpr std::array<Named<ResourceType>, 7> kResourceTypes{{
    {ResourceType::kUnknown, "UNKNOWN"},
    {ResourceType::kAny, "ANY"},
    {ResourceType::kTopic, "TOPIC"},
    {ResourceType::kGroup, "GROUP"},
    {ResourceType::kCluster, "CLUSTER"},
    {ResourceType::kTransactionalId, "TRANSACTIONAL_ID"},
    {ResourceType::kKeyspace, "KEYSPACE"},
}};
constexpr std::array<Named<PatternType>, 5> kPatternTypes{{
    {PatternType::kUnknown, "UNKNOWN"},
    {PatternType::kAny, "ANY"},
    {PatternType::kMatch, "MATCH"},
    {PatternType::kLiteral, "LITERAL"},
    {PatternType::kPrefixed, "PREFIXED"},
}};
constexpr std::array<Named<AclOperation>, 17> kOperations{{
    {AclOperation::kUnknown, "UNKNOWN"},
    {AclOperation::kAny, "ANY"},
    {AclOperation::kAll, "ALL"},
    {AclOperation::kRead, "READ"},
    {AclOperation::kWrite, "WRITE"},
    {AclOperation::kCreate, "CREATE"},
    {AclOperation::kDelete, "DELETE"},
    {AclOperation::kAlter, "ALTER"},
    {AclOperation::kDescribe, "DESCRIBE"},
    {AclOperation::kClusterAction, "CLUSTER_ACTION"},
    {AclOperation::kDescribeConfigs, "DESCRIBE_CONFIGS"},
    {AclOperation::kAlterConfigs, "ALTER_CONFIGS"},
    {AclOperation::kIdempotentWrite, "IDEMPOTENT_WRITE"},
    {AclOperation::kSelect, "SELECT"},
    {AclOperation::kModify, "MODIFY"},
    {AclOperation::kDrop, "DROP"},
    {AclOperation::kAuthorize, "AUTHORIZE"},
}};
constexpr std::array<Named<AclPermission>, 4> kPermissions{{
    {AclPermission::kUnknown, "UNKNOWN"},
    {AclPermission::kAny, "ANY"},
    {AclPermission::kDeny, "DENY"},
    {AclPermission::kAllow, "ALLOW"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<Named<E>, N>& table, E v) {
  for (const auto& e : table) {
    if (e.value == v) return e.name;
  }
  return "UNKNOWN";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

template <typename E, size_t N>
E ParseOf(const std::array<Named<E>, N>& table, std::string_view s) {
  for (const auto& e : table) {
    if (EqualsIgnoreCase(e.name, s)) return e.value;
  }
  return E::kUnknown;
}

// Wire codes: Kafka's are 0..N; kappa's own (>= 64) are not Kafka codes.
template <typename E, size_t N>
E FromCode(const std::array<Named<E>, N>& table, int8_t c) {
  if (c < 0 || c >= 64) return E::kUnknown;
  for (const auto& e : table) {
    if (static_cast<int8_t>(e.value) == c) return e.value;
  }
  return E::kUnknown;
}

bool IsCqlOperation(AclOperation o) {
  switch (o) {
    case AclOperation::kAll:
    case AclOperation::kSelect:
    case AclOperation::kModify:
    case AclOperation::kCreate:
    case AclOperation::kDrop:
    case AclOperation::kAlter:
    case AclOperation::kAuthorize:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view Name(ResourceType t) { return NameOf(kResourceTypes, t); }
std::string_view Name(PatternType t) { return NameOf(kPatternTypes, t); }
std::string_view Name(AclOperation o) { return NameOf(kOperations, o); }
std::string_view Name(AclPermission p) { return NameOf(kPermissions, p); }
ResourceType ParseResourceType(std::string_view s) { return ParseOf(kResourceTypes, s); }
PatternType ParsePatternType(std::string_view s) { return ParseOf(kPatternTypes, s); }
AclOperation ParseAclOperation(std::string_view s) { return ParseOf(kOperations, s); }
AclPermission ParseAclPermission(std::string_view s) { return ParseOf(kPermissions, s); }
ResourceType ResourceTypeFromCode(int8_t c) { return FromCode(kResourceTypes, c); }
PatternType PatternTypeFromCode(int8_t c) { return FromCode(kPatternTypes, c); }
AclOperation AclOperationFromCode(int8_t c) { return FromCode(kOperations, c); }
AclPermission AclPermissionFromCode(int8_t c) { return FromCode(kPermissions, c); }

std::string AclBinding::ToString() const {
  return fmt::format("(principal={}, host={}, operation={}, permissionType={}) on {}:{}:{}",
                     principal, host, Name(operation), Name(permission), Name(resource_type),
                     Name(pattern_type), resource_name);
}

// Kafka's ResourcePatternFilter.matches with MATCH: the literal name, the wildcard, or a
// prefix of it. For keyspaces the hierarchy plays the prefix's part: "*" and "k" apply to
// "k.t".
static bool PatternApplies(const AclBinding& b, std::string_view name) {
  if (b.resource_type == ResourceType::kKeyspace) {
    if (b.resource_name == "*" || b.resource_name == name) return true;
    auto dot = name.find('.');
    return dot != std::string_view::npos && b.resource_name == name.substr(0, dot);
  }
  switch (b.pattern_type) {
    case PatternType::kLiteral:
      return b.resource_name == name || b.resource_name == "*";
    case PatternType::kPrefixed:
      return name.starts_with(b.resource_name);
    default:
      return false;
  }
}

bool AclFilter::Matches(const AclBinding& b) const {
  if (resource_type != ResourceType::kAny && resource_type != b.resource_type) return false;
  if (pattern_type == PatternType::kMatch) {
    if (resource_name && !PatternApplies(b, *resource_name)) return false;
  } else {
    if (pattern_type != PatternType::kAny && pattern_type != b.pattern_type) return false;
    if (resource_name && *resource_name != b.resource_name) return false;
  }
  if (principal && *principal != b.principal) return false;
  if (host && *host != b.host) return false;
  if (operation != AclOperation::kAny && operation != b.operation) return false;
  if (permission != AclPermission::kAny && permission != b.permission) return false;
  return true;
}

Status AclFilter::Validate() const {
  if (resource_type == ResourceType::kUnknown) {
    return Status::InvalidArgument("Resource type UNKNOWN is not valid in a filter");
  }
  if (pattern_type == PatternType::kUnknown) {
    return Status::InvalidArgument("Pattern type UNKNOWN is not valid in a filter");
  }
  if (operation == AclOperation::kUnknown) {
    return Status::InvalidArgument("Operation UNKNOWN is not valid in a filter");
  }
  if (permission == AclPermission::kUnknown) {
    return Status::InvalidArgument("Permission type UNKNOWN is not valid in a filter");
  }
  return Status::OK();
}

Status ValidateAcl(const AclBinding& b) {
  switch (b.resource_type) {
    case ResourceType::kTopic:
    case ResourceType::kGroup:
    case ResourceType::kCluster:
    case ResourceType::kTransactionalId:
    case ResourceType::kKeyspace:
      break;
    default:
      return Status::InvalidArgument(
          fmt::format("Invalid resource type {} for an ACL", Name(b.resource_type)));
  }
  if (b.pattern_type != PatternType::kLiteral && b.pattern_type != PatternType::kPrefixed) {
    return Status::InvalidArgument(
        fmt::format("Invalid pattern type {} for an ACL", Name(b.pattern_type)));
  }
  if (b.resource_name.empty()) return Status::InvalidArgument("Resource name must not be empty");
  if (b.resource_type == ResourceType::kCluster && b.resource_name != kClusterResourceName) {
    return Status::InvalidArgument("The only valid name for the CLUSTER resource is kafka-cluster");
  }
  if (b.resource_type == ResourceType::kKeyspace && b.pattern_type != PatternType::kLiteral) {
    return Status::InvalidArgument("Keyspace permissions are LITERAL only");
  }
  auto colon = b.principal.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == b.principal.size()) {
    return Status::InvalidArgument(
        fmt::format("Could not parse principal from `{}` (no colon is found between "
                    "principalType and name)",
                    b.principal));
  }
  if (b.host.empty()) return Status::InvalidArgument("Host must not be empty (use *)");
  bool cql_op = IsCqlOperation(b.operation);
  bool kafka_op = static_cast<int8_t>(b.operation) >= 2 && static_cast<int8_t>(b.operation) < 64;
  if (b.resource_type == ResourceType::kKeyspace ? !cql_op : !kafka_op) {
    return Status::InvalidArgument(fmt::format("Operation {} is not valid for resource type {}",
                                               Name(b.operation), Name(b.resource_type)));
  }
  if (b.permission != AclPermission::kAllow && b.permission != AclPermission::kDeny) {
    return Status::InvalidArgument(
        fmt::format("Invalid permission type {} for an ACL", Name(b.permission)));
  }
  return Status::OK();
}

}  // namespace kappa::security
