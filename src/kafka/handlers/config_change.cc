#include "kafka/handlers/config_change.h"

#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

ErrorCode ConfigAuthorizationError(const RequestContext& ctx, int8_t resource_type,
                                   const std::string& resource_name, security::AclOperation op) {
  if (resource_type == kResourceTopic) {
    return TopicAuthorized(ctx, op, resource_name) ? ErrorCode::kNone
                                                   : ErrorCode::kTopicAuthorizationFailed;
  }
  if (resource_type == kResourceBroker) {
    return ClusterAuthorized(ctx, op) ? ErrorCode::kNone : ErrorCode::kClusterAuthorizationFailed;
  }
  return ErrorCode::kNone;
}

ConfigChangeResult ChangeResourceConfig(Broker& b, int8_t resource_type,
                                        const std::string& resource_name, bool from_current,
                                        const ConfigEdit& edit, bool validate_only) {
  if (resource_type == kResourceBroker) {
    // kappa's broker settings come from its command line and config file, fixed at start.
    return {ErrorCode::kInvalidRequest,
            "broker configs cannot be changed at runtime in kappa; restart with new options"};
  }
  if (resource_type != kResourceTopic) {
    return {ErrorCode::kInvalidRequest,
            "unsupported resource type " + std::to_string(resource_type)};
  }
  auto d = b.log().DescribeTopic(resource_name);
  if (!d.ok()) {
    return {ErrorCode::kUnknownTopicOrPartition, "unknown topic " + resource_name};
  }
  log::TopicConfig config;
  if (from_current) config = ExplicitTopicConfig(d->config, b.log().options());
  if (auto err = edit(&config)) return {ErrorCode::kInvalidConfig, *err};
  if (validate_only) return {};
  Status s = b.log().AlterTopicConfig(resource_name, config);
  if (!s.ok()) {
    ErrorCode e = s.IsInvalidArgument() ? ErrorCode::kInvalidConfig
                  : s.IsNotFound()      ? ErrorCode::kUnknownTopicOrPartition
                                        : ErrorCode::kKafkaStorageError;
    return {e, s.message()};
  }
  return {};
}

void WriteResourceResult(const ConfigChangeResult& res, int8_t resource_type,
                         const std::string& resource_name, Writer* w) {
  w->Error(res.error);
  w->NullableString(res.message);
  w->Int8(resource_type);
  w->String(resource_name);
  w->EmptyTaggedFields();
}

}  // namespace kappa::kafka
