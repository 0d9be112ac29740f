// DescribeConfigs (key 32), versions 0..2 (non-flexible). Topics (resource type 2) report
// their resolved log settings under Kafka's names; the broker (type 4) reports the settings
// clients and tools ask about. All configs are read-only through the protocol.
//   request  resources[resource_type, resource_name, configuration_keys (nullable)],
//            v1+ include_synonyms
//   response throttle_time_ms, results[error_code, error_message, resource_type,
//            resource_name, configs[name, value, read_only, v0 is_default,
//            v1+ config_source, is_sensitive, v1+ synonyms[name, value, source]]]
#include "kafka/handlers/handlers.h"
#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

static void HandleDescribeConfigs(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  struct Res {
    int8_t type;
    std::string name;
    std::optional<std::vector<std::string>> keys;
  };
  std::vector<Res> resources;
  int32_t n = in.ArrayLength(7);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    Res r;
    r.type = in.Int8();
    r.name = std::string(in.String());
    int32_t nk = in.ArrayLength(2);
    if (nk >= 0) {
      r.keys.emplace();
      for (int32_t k = 0; k < nk && in.ok(); ++k) r.keys->emplace_back(in.String());
    }
    resources.push_back(std::move(r));
  }
  if (v >= 1) in.Bool();
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
    std::vector<std::pair<std::string, std::string>> configs;
    int8_t source = 5;  // DEFAULT_CONFIG
    if (r.type == 2) {
      auto d = b.log().DescribeTopic(r.name);
      if (!d.ok()) {
        e = ErrorCode::kUnknownTopicOrPartition;
        msg = "unknown topic " + r.name;
      } else {
        configs = DescribeTopicConfig(d->config);
      }
    } else if (r.type == 4) {
      source = 4;  // STATIC_BROKER_CONFIG
      const auto& c = b.config();
      configs = {
          {"auto.create.topics.enable", c.auto_create_topics ? "true" : "false"},
          {"broker.id", std::to_string(c.node_id)},
          {"default.replication.factor", "1"},
          {"log.retention.ms", std::to_string(b.log().options().retention_ms)},
          {"log.segment.bytes", std::to_string(b.log().options().segment_bytes)},
          {"message.max.bytes", std::to_string(log::kMaxBatchBytes)},
          {"min.insync.replicas", "1"},
          {"num.partitions", std::to_string(c.default_partitions)},
          {"offsets.topic.replication.factor", "1"},
          {"transaction.state.log.replication.factor", "1"},
      };
    } else {
      e = ErrorCode::kInvalidRequest;
      msg = "unsupported resource type " + std::to_string(r.type);
    }
    w.Int16(Code(e));
    w.NullableString(msg);
    w.Int8(r.type);
    w.String(r.name);
    std::vector<std::pair<std::string, std::string>> shown;
    for (auto& c : configs) {
      if (!r.keys || std::find(r.keys->begin(), r.keys->end(), c.first) != r.keys->end()) {
        shown.push_back(c);
      }
    }
    w.ArrayLength(int32_t(shown.size()));
    for (const auto& [name, value] : shown) {
      w.String(name);
      w.NullableString(value);
      w.Bool(true);  // read_only
      if (v == 0) {
        w.Bool(source == 5);
      } else {
        w.Int8(source);
      }
      w.Bool(false);  // is_sensitive
      if (v >= 1) w.ArrayLength(0);  // synonyms
    }
  }
  respond.Send(w.Take());
}

const ApiSpec kDescribeConfigsApi = {32, "DescribeConfigs", 0, 2, kNeverFlexible,
                                     &HandleDescribeConfigs};

}  // namespace kappa::kafka
