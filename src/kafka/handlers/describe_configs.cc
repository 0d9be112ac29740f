// DescribeConfigs (key 32), versions 0..4 (v4+ flexible). Topics (resource type 2) report
// every Kafka topic config with its value: the ones set on the topic as
// DYNAMIC_TOPIC_CONFIG, the rest as DEFAULT_CONFIG, all changeable (AlterConfigs). The broker
// (type 4) reports the settings clients and tools ask about, read-only
// (STATIC_BROKER_CONFIG).
//   request  resources[resource_type, resource_name, configuration_keys (nullable)],
//            v1+ include_synonyms, v3+ include_documentation
//   response throttle_time_ms, results[error_code, error_message, resource_type,
//            resource_name, configs[name, value, read_only, v0 is_default,
//            v1+ config_source, is_sensitive, v1+ synonyms[name, value, source],
//            v3+ config_type, v3+ documentation]]
#include "kafka/handlers/config_change.h"
#include "kafka/handlers/handlers.h"
#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

namespace {
constexpr int8_t kDynamicTopicConfig = 1;
constexpr int8_t kStaticBrokerConfig = 4;
constexpr int8_t kDefaultConfig = 5;

struct Entry {
  std::string name;
  std::string value;
  bool read_only;
  int8_t source;
};
}  // namespace

static void HandleDescribeConfigs(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  struct Res {
    int8_t type;
    std::string name;
    std::optional<std::vector<std::string>> keys;
  };
  std::vector<Res> resources;
  int32_t n = in.ArrayLength(4);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    Res r;
    r.type = in.Int8();
    r.name = std::string(in.String());
    int32_t nk = in.ArrayLength(1);
    if (nk >= 0) {
      r.keys.emplace();
      for (int32_t k = 0; k < nk && in.ok(); ++k) r.keys->emplace_back(in.String());
    }
    in.SkipTaggedFields();
    resources.push_back(std::move(r));
  }
  if (v >= 1) in.Bool();  // include_synonyms: kappa has no synonyms to report
  if (v >= 3) in.Bool();  // include_documentation: none is sent
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DescribeConfigs request");
    return;
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(resources.size()));
  for (const auto& r : resources) {
    ErrorCode e = ErrorCode::kNone;
    std::optional<std::string> msg;
    std::vector<Entry> configs;
    if (ErrorCode denied = ConfigAuthorizationError(ctx, r.type, r.name,
                                                    security::AclOperation::kDescribeConfigs);
        denied != ErrorCode::kNone) {
      e = denied;  // Kafka: DESCRIBE_CONFIGS, answered with no message and no configs
    } else if (r.type == 2) {
      auto d = b.log().DescribeTopic(r.name);
      if (!d.ok()) {
        e = ErrorCode::kUnknownTopicOrPartition;
        msg = "unknown topic " + r.name;
      } else {
        for (auto& c : DescribeTopicConfig(d->config, b.log().options())) {
          configs.push_back({c.name, c.value, false,
                             c.is_default ? kDefaultConfig : kDynamicTopicConfig});
        }
      }
    } else if (r.type == 4) {
      const auto& c = b.config();
      std::vector<std::pair<std::string, std::string>> broker = {
          {"auto.create.topics.enable", c.auto_create_topics ? "true" : "false"},
          {"broker.id", std::to_string(c.node_id)},
          {"default.replication.factor", "1"},
          {"group.initial.rebalance.delay.ms", std::to_string(c.group_initial_rebalance_delay_ms)},
          {"log.retention.ms", std::to_string(b.log().options().retention_ms)},
          {"log.segment.bytes", std::to_string(b.log().options().segment_bytes)},
          {"message.max.bytes", std::to_string(log::kMaxBatchBytes)},
          {"min.insync.replicas", "1"},
          {"num.partitions", std::to_string(c.default_partitions)},
          {"offsets.topic.replication.factor", "1"},
          {"transaction.state.log.replication.factor", "1"},
      };
      for (auto& [name, value] : broker) configs.push_back({name, value, true, kStaticBrokerConfig});
    } else {
      e = ErrorCode::kInvalidRequest;
      msg = "unsupported resource type " + std::to_string(r.type);
    }
    w.Error(e);
    w.NullableString(msg);
    w.Int8(r.type);
    w.String(r.name);
    std::vector<const Entry*> shown;
    for (const auto& c : configs) {
      if (!r.keys || std::find(r.keys->begin(), r.keys->end(), c.name) != r.keys->end()) {
        shown.push_back(&c);
      }
    }
    w.ArrayLength(int32_t(shown.size()));
    for (const Entry* c : shown) {
      w.String(c->name);
      w.NullableString(c->value);
      w.Bool(c->read_only);
      if (v == 0) {
        w.Bool(c->source == kDefaultConfig);
      } else {
        w.Int8(c->source);
      }
      w.Bool(false);  // is_sensitive
      if (v >= 1) w.ArrayLength(0);  // synonyms
      if (v >= 3) {
        w.Int8(0);                       // config_type: UNKNOWN (Kafka's default)
        w.NullableString(std::nullopt);  // documentation
      }
      w.EmptyTaggedFields();
    }
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDescribeConfigsApi = {32, "DescribeConfigs", 0, 4, 4, &HandleDescribeConfigs};

}  // namespace kappa::kafka
