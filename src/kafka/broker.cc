#include "kafka/broker.h"

#include "common/logging.h"

namespace kappa::kafka {

Status Broker::MaybeAutoCreate(std::string_view topic) {
  if (log_->TopicExists(topic)) return Status::OK();
  if (!config_.auto_create_topics) return Status::NotFound("unknown topic");
  RETURN_IF_ERROR(log::ValidateTopicName(topic));
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
