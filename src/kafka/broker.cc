#include "kafka/broker.h"

#include "common/logging.h"

namespace kappa::kafka {

ErrorCode Broker::ReservePartitions(int32_t partitions, PartitionQuota* quota,
                                    std::string* message) {
  int32_t in_request = (quota ? quota->created : 0) + partitions;
  if (in_request > config_.max_partitions_per_request) {
    *message = "a request may create at most " + std::to_string(config_.max_partitions_per_request) +
               " partitions (this one asks for " + std::to_string(in_request) +
               "; the broker's max_partitions_per_request)";
    return ErrorCode::kPolicyViolation;
  }
  int64_t total = log_->PartitionCount();
  if (total + partitions > config_.max_partitions) {
    *message = "the broker holds " + std::to_string(total) + " partitions and may hold at most " +
               std::to_string(config_.max_partitions) + " (max_partitions); " +
               std::to_string(partitions) + " more were asked for";
    return ErrorCode::kPolicyViolation;
  }
  if (quota) quota->created = in_request;
  return ErrorCode::kNone;
}

Status Broker::MaybeAutoCreate(std::string_view topic, PartitionQuota* quota) {
  if (log_->TopicExists(topic)) return Status::OK();
  if (!config_.auto_create_topics) return Status::NotFound("unknown topic");
  RETURN_IF_ERROR(log::ValidateTopicName(topic));
  std::string why;
  if (ReservePartitions(config_.default_partitions, quota, &why) != ErrorCode::kNone) {
    if (quota == nullptr || !quota->refusal_logged) {
      KLOG_WARN("kafka: not auto-creating topic {}: {}", topic, why);
      if (quota) quota->refusal_logged = true;
    }
    return Status::Unavailable(why);
  }
  Status s = log_->CreateTopic(topic, config_.default_partitions);
  if (s.IsAlreadyExists()) return Status::OK();  // another request won the race
  if (s.ok()) KLOG_INFO("auto-created topic {} with {} partition(s)", topic,
                        config_.default_partitions);
  return s;
}

Result<log::Partition*> Broker::GetPartition(std::string_view topic, int32_t partition,
                                             bool may_create) {
  if (may_create) RETURN_IF_ERROR(MaybeAutoCreate(topic));
  return log_->GetPartition(topic, PartitionId(partition));
}

ErrorCode ToErrorCode(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return ErrorCode::kNone;
    case Status::Code::kNotFound: return ErrorCode::kUnknownTopicOrPartition;
    case Status::Code::kCorruption: return ErrorCode::kCorruptMessage;
    case Status::Code::kInvalidArgument: return ErrorCode::kInvalidRequest;
    case Status::Code::kAlreadyExists: return ErrorCode::kTopicAlreadyExists;
    case Status::Code::kOutOfRange: return ErrorCode::kOffsetOutOfRange;
    case Status::Code::kIOError: return ErrorCode::kKafkaStorageError;
    case Status::Code::kTimedOut: return ErrorCode::kRequestTimedOut;
    case Status::Code::kNotSupported: return ErrorCode::kUnsupportedVersion;
    default: return ErrorCode::kUnknownServerError;
  }
}

}  // namespace kappa::kafka
