// The console's KafkaSource (console/kafka_source.h) over `kappa up`'s log and, when the
// Kafka listener runs, its server's administration (kafka::KafkaAdmin: live group members,
// the CreateTopics and admin-commit rules). Private to src/app (up_servers.cc creates it).
#pragma once

#include <memory>

#include "console/console.h"

namespace kappa::log {
class Log;
}
namespace kappa::kafka {
class KafkaAdmin;
}

namespace kappa::app {

// `log` must outlive the source; `admin` may be null (Kafka listener off: groups are the
// ones with committed offsets, and topics are created without Kafka topic configs). Both
// must outlive it.
std::unique_ptr<console::KafkaSource> NewConsoleKafkaSource(log::Log* log,
                                                            kafka::KafkaAdmin* admin);

}  // namespace kappa::app
