// Private to the kafka pages' routes: each file's registration, called by AddKafkaRoutes
// (routes_topics.cc) with the state they share.
#pragma once

#include <memory>

#include "console/kafka_common.h"

namespace kappa::console::kafka_internal {

struct KafkaRouteContext {
  KafkaSource* kafka;                 // null: every route answers 503 "not configured"
  const metrics::History* history;    // may be null (charts then empty)
  std::shared_ptr<ValueDecoder> decoder;
};

using KafkaHandler = std::function<http::Response(http::Request&, KafkaSource&)>;
// The handler, or 503 when there is no KafkaSource.
http::Handler WithKafka(const std::shared_ptr<const KafkaRouteContext>& ctx, KafkaHandler fn);

void AddTopicRoutes(http::Router& router, std::shared_ptr<const KafkaRouteContext> ctx);
void AddMessageRoutes(http::Router& router, std::shared_ptr<const KafkaRouteContext> ctx);
void AddGroupRoutes(http::Router& router, std::shared_ptr<const KafkaRouteContext> ctx);

}  // namespace kappa::console::kafka_internal
