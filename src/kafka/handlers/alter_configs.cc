// AlterConfigs (key 33), versions 0..2 (v2+ flexible). Replaces every dynamic config of a
// topic with the given set (unlisted ones return to their defaults), as Kafka does; kappa
// applies segment.*/retention.* at once and keeps the other Kafka topic configs. Broker
// configs are static in kappa (INVALID_REQUEST).
//   request  resources[resource_type, resource_name, configs[name, value]], validate_only
//   response throttle_time_ms, responses[error_code, error_message, resource_type,
//            resource_name]
#include "kafka/handlers/config_change.h"
#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

static void HandleAlterConfigs(RequestContext& ctx, Reader& in, Responder respond) {
  struct Res {
    int8_t type;
    std::string name;
    std::vector<std::pair<std::string, std::optional<std::string>>> configs;
  };
  std::vector<Res> resources;
  int32_t n = in.ArrayLength(4);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    Res r;
    r.type = in.Int8();
    r.name = std::string(in.String());
    int32_t nc = in.ArrayLength(2);
    for (int32_t c = 0; c < nc && in.ok(); ++c) {
      std::string name(in.String());
      auto value = in.NullableString();
      r.configs.emplace_back(name, value ? std::optional<std::string>(*value) : std::nullopt);
      in.SkipTaggedFields();
    }
    in.SkipTaggedFields();
    resources.push_back(std::move(r));
  }
  bool validate_only = in.Bool();
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed AlterConfigs request");
    return;
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(resources.size()));
  for (const auto& r : resources) {
    auto edit = [&r](log::TopicConfig* c) -> std::optional<std::string> {
      for (const auto& [name, value] : r.configs) {
        if (auto err = ApplyTopicConfig(name, value, c)) return err;
      }
      return std::nullopt;
    };
    ConfigChangeResult res;
    if (ErrorCode denied = ConfigAuthorizationError(ctx, r.type, r.name,
                                                    security::AclOperation::kAlterConfigs);
        denied != ErrorCode::kNone) {
      res.error = denied;  // Kafka: ALTER_CONFIGS, answered with no message
    } else {
      res = ChangeResourceConfig(*ctx.broker, r.type, r.name, /*from_current=*/false, edit,
                                 validate_only);
    }
    WriteResourceResult(res, r.type, r.name, &w);
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kAlterConfigsApi = {33, "AlterConfigs", 0, 2, 2, &HandleAlterConfigs};

}  // namespace kappa::kafka
