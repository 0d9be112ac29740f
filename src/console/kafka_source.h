// Part of console/console.h (include that): what the Topics, Messages and Consumer groups
// pages read and change. Implemented by the app over the log and the Kafka server's group
// coordinator (src/app/console_kafka_source.cc). Owner: the kafka pages.
#pragma once

namespace kappa::console {

class KafkaSource {
 public:
  virtual ~KafkaSource() = default;
  // Declared by the kafka pages' part.
};

}  // namespace kappa::console
