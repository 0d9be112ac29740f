// One resource's configuration change, shared by AlterConfigs (replace every setting) and
// IncrementalAlterConfigs (edit some): resolves the resource, applies the edit to the topic's
// explicit settings, validates, and unless validate_only stores it (log::AlterTopicConfig),
// so retention and segment limits change at once and the rest is kept and described.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

inline constexpr int8_t kResourceTopic = 2;
inline constexpr int8_t kResourceBroker = 4;

struct ConfigChangeResult {
  ErrorCode error = ErrorCode::kNone;
  std::optional<std::string> message;
};

// `edit` changes the topic's explicit settings (starting from them when `from_current`, else
// from all defaults) and returns an error message for INVALID_CONFIG.
using ConfigEdit = std::function<std::optional<std::string>(log::TopicConfig*)>;
ConfigChangeResult ChangeResourceConfig(Broker& b, int8_t resource_type,
                                        const std::string& resource_name, bool from_current,
                                        const ConfigEdit& edit, bool validate_only);

// Kafka's ACL check of a config resource: `op` (DESCRIBE_CONFIGS or ALTER_CONFIGS) on the
// topic (else TOPIC_AUTHORIZATION_FAILED) or the cluster for a broker resource (else
// CLUSTER_AUTHORIZATION_FAILED); kNone when allowed or for other resource types.
ErrorCode ConfigAuthorizationError(const RequestContext& ctx, int8_t resource_type,
                                   const std::string& resource_name, security::AclOperation op);

// One entry of the responses' `responses` array, which AlterConfigs and
// IncrementalAlterConfigs share field for field: error, message, resource type and name.
void WriteResourceResult(const ConfigChangeResult& res, int8_t resource_type,
                         const std::string& resource_name, Writer* w);

}  // namespace kappa::kafka
