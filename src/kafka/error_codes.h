// Kafka protocol error codes that kappa returns (the subset of Kafka's `Errors` enum it uses).
// Status -> error code translation happens only at the protocol edge (the handlers).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace kappa::kafka {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,
  kRequestTimedOut = 7,
  kMessageTooLarge = 10,
  kOffsetMetadataTooLarge = 12,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kInvalidTopicException = 17,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kTopicAuthorizationFailed = 29,
  kGroupAuthorizationFailed = 30,
  kClusterAuthorizationFailed = 31,
  kUnsupportedSaslMechanism = 33,
  kIllegalSaslState = 34,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidReplicaAssignment = 39,
  kInvalidConfig = 40,
  kInvalidRequest = 42,
  kUnsupportedForMessageFormat = 43,
  kPolicyViolation = 44,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kInvalidTransactionTimeout = 50,
  kTransactionalIdAuthorizationFailed = 53,
  kSecurityDisabled = 54,
  kKafkaStorageError = 56,
  kSaslAuthenticationFailed = 58,
  kUnknownProducerId = 59,
  kNonEmptyGroup = 68,
  kGroupIdNotFound = 69,
  kMemberIdRequired = 79,
  kGroupMaxSizeReached = 81,
  kFencedInstanceId = 82,
  kGroupSubscribedToTopic = 86,
  kInvalidRecord = 87,
  kUnsupportedEndpointType = 115,
};

inline int16_t Code(ErrorCode e) { return static_cast<int16_t>(e); }

// Kafka's name of an error code ("UNKNOWN_TOPIC_OR_PARTITION"), for the errors metric;
// "UNKNOWN_SERVER_ERROR" for a code not in the enum.
const char* ErrorName(ErrorCode e);

// The non-zero error codes a response carries, counted while it is encoded (Writer::Error),
// so the server adds them to kappa_kafka_errors_total once the answer is sent.
struct ErrorTally {
  std::vector<std::pair<ErrorCode, uint32_t>> counts;
  void Add(ErrorCode e) {
    if (e == ErrorCode::kNone) return;
    for (auto& [code, n] : counts) {
      if (code == e) {
        ++n;
        return;
      }
    }
    counts.emplace_back(e, 1);
  }
};

}  // namespace kappa::kafka
