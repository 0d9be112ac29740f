// IncrementalAlterConfigs (key 44), versions 0..1 (v1+ flexible). Edits some configs of a
// topic, keeping the others (KIP-339): SET (0) a value, DELETE (1) back to the default,
// APPEND (2) / SUBTRACT (3) items of a list config (cleanup.policy and the throttled-replica
// lists; INVALID_CONFIG for any other). Broker configs are static in kappa.
//   request  resources[resource_type, resource_name, configs[name, config_operation, value]],
//            validate_only
//   response throttle_time_ms, responses[error_code, error_message, resource_type,
//            resource_name]
#include <algorithm>

#include "kafka/handlers/config_change.h"
#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

namespace {

struct Op {
  std::string name;
  int8_t op;
  std::optional<std::string> value;
};

std::vector<std::string> Items(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    size_t c = s.find(',', start);
    std::string item = s.substr(start, c == std::string::npos ? std::string::npos : c - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// The current value of a list config in *c, "" if unset (the lists' defaults).
std::string CurrentList(const log::TopicConfig& c, const std::string& name) {
  auto it = c.extra.find(name);
  if (it != c.extra.end()) return it->second;
  return name == "cleanup.policy" ? "delete" : "";
}

std::optional<std::string> ApplyOp(const Op& o, log::TopicConfig* c) {
  switch (o.op) {
    case 0:
      return ApplyTopicConfig(o.name, o.value, c);
    case 1:
      return ApplyTopicConfig(o.name, std::nullopt, c);
    case 2:
    case 3: {
      if (!IsListTopicConfig(o.name)) {
        return "config " + o.name + " is not a list: APPEND and SUBTRACT do not apply";
      }
      auto items = Items(CurrentList(*c, o.name));
      for (const auto& v : Items(o.value.value_or(""))) {
        auto it = std::find(items.begin(), items.end(), v);
        if (o.op == 2 && it == items.end()) items.push_back(v);
        if (o.op == 3 && it != items.end()) items.erase(it);
      }
      return ApplyTopicConfig(o.name, Join(items), c);
    }
    default:
      return "unknown config operation " + std::to_string(o.op);
  }
}

}  // namespace

static void HandleIncrementalAlterConfigs(RequestContext& ctx, Reader& in, Responder respond) {
  struct Res {
    int8_t type;
    std::string name;
    std::vector<Op> ops;
  };
  std::vector<Res> resources;
  int32_t n = in.ArrayLength(4);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    Res r;
    r.type = in.Int8();
    r.name = std::string(in.String());
    int32_t nc = in.ArrayLength(3);
    for (int32_t c = 0; c < nc && in.ok(); ++c) {
      Op o;
      o.name = std::string(in.String());
      o.op = in.Int8();
      if (auto v = in.NullableString()) o.value = std::string(*v);
      in.SkipTaggedFields();
      r.ops.push_back(std::move(o));
    }
    in.SkipTaggedFields();
    resources.push_back(std::move(r));
  }
  bool validate_only = in.Bool();
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed IncrementalAlterConfigs request");
    return;
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(resources.size()));
  for (const auto& r : resources) {
    auto edit = [&r](log::TopicConfig* c) -> std::optional<std::string> {
      for (const auto& o : r.ops) {
        if (auto err = ApplyOp(o, c)) return err;
      }
      return std::nullopt;
    };
    ConfigChangeResult res;
    if (ErrorCode denied = ConfigAuthorizationError(ctx, r.type, r.name,
                                                    security::AclOperation::kAlterConfigs);
        denied != ErrorCode::kNone) {
      res.error = denied;  // Kafka: ALTER_CONFIGS, answered with no message
    } else {
      res = ChangeResourceConfig(*ctx.broker, r.type, r.name, /*from_current=*/true, edit,
                                 validate_only);
    }
    WriteResourceResult(res, r.type, r.name, &w);
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kIncrementalAlterConfigsApi = {44, "IncrementalAlterConfigs", 0, 1, 1,
                                             &HandleIncrementalAlterConfigs};

}  // namespace kappa::kafka
