// Client configuration, client creation and the error mapping (see rdkafka.h).
#include <fmt/format.h>

#include "common/logging.h"
#include "rdkafka/rdkafka.h"

namespace kappa::rdkafka {
namespace {

// librdkafka calls this from its own threads (spdlog is thread-safe). Levels follow syslog:
// 0-3 are errors and reach kappa's log as warnings; warnings and notices (librdkafka's
// reconnect chatter) only at debug.
void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  if (level <= 3) {
    KLOG_WARN("{}: {}: {}", rd_kafka_name(rk), facility, message);
  } else {
    KLOG_DEBUG("{}: {}: {}", rd_kafka_name(rk), facility, message);
  }
}

}  // namespace

Status ErrorStatus(rd_kafka_resp_err_t err, std::string_view message) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::OK();
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_GROUP:
    case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
      return Status::NotFound(message);
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return Status::TimedOut(message);
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return Status::AlreadyExists(message);
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__BAD_MSG:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
      return Status::InvalidArgument(message);
    default:
      // The cluster cannot be reached, is not ready, or refuses (authorization, fencing,
      // rebalancing, not enough replicas): a later attempt may succeed.
      return Status::Unavailable(message);
  }
}

Status ToStatus(rd_kafka_resp_err_t err, std::string_view context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  return ErrorStatus(err, fmt::format("{}: {}", context, rd_kafka_err2str(err)));
}

Status SetProperty(rd_kafka_conf_t* conf, std::string_view key, std::string_view value) {
  char err[512];
  const std::string k(key), v(value);
  if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    return Status::InvalidArgument(fmt::format("kafka property {}={}: {}", k, v, err));
  }
  return Status::OK();
}

Result<ConfPtr> NewConf(const ClientConfig& config, const Properties& defaults) {
  if (config.bootstrap.empty()) return Status::InvalidArgument("no kafka bootstrap servers");
  ConfPtr conf(rd_kafka_conf_new());
  RETURN_IF_ERROR(SetProperty(conf.get(), "bootstrap.servers", config.bootstrap));
  if (!config.client_id.empty()) {
    RETURN_IF_ERROR(SetProperty(conf.get(), "client.id", config.client_id));
  }
  RETURN_IF_ERROR(SetProperty(conf.get(), "log_level", std::to_string(config.log_level)));
  for (const auto& [k, v] : defaults) RETURN_IF_ERROR(SetProperty(conf.get(), k, v));
  for (const auto& [k, v] : config.properties) RETURN_IF_ERROR(SetProperty(conf.get(), k, v));
  rd_kafka_conf_set_log_cb(conf.get(), OnLog);
  return conf;
}

Result<ClientPtr> NewClient(rd_kafka_type_t type, ConfPtr conf) {
  char err[512];
  // rd_kafka_new takes the configuration over only when it succeeds.
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof(err));
  if (rk == nullptr) return Status::InvalidArgument(fmt::format("librdkafka: {}", err));
  (void)conf.release();
  return ClientPtr(rk);
}

Result<ClientPtr> NewClient(rd_kafka_type_t type, const ClientConfig& config,
                            const Properties& defaults) {
  ASSIGN_OR_RETURN(ConfPtr conf, NewConf(config, defaults));
  return NewClient(type, std::move(conf));
}

}  // namespace kappa::rdkafka
