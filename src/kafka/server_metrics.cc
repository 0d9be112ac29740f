#include "kafka/server_metrics.h"

namespace kappa::kafka {

ServerMetrics::ServerMetrics(metrics::Registry* r)
    : registry_(r),
      errors_(&r->GetCounterFamily(
          "kappa_kafka_errors_total",
          "Error codes in Kafka responses (one per partition, group or resource that failed), "
          "by Kafka's error name.",
          {"error"})) {
  auto& family = r->GetHistogramFamily(
      "kappa_kafka_request_duration_seconds",
      "Kafka requests, from the whole request read to its answer ready (a Fetch's wait "
      "included), by API.",
      {"api"}, metrics::LatencyBuckets());
  for (const ApiSpec* spec : AllApis()) {
    if (size_t(spec->key) >= latency_.size()) latency_.resize(size_t(spec->key) + 1);
    latency_[size_t(spec->key)] = family.With({spec->name});
  }
}

void ServerMetrics::CountErrors(const ErrorTally& errors) const {
  // Errors are rare next to requests: the family lookup (a mutex and a map) is fine here.
  for (const auto& [code, n] : errors.counts) errors_->With({ErrorName(code)}).Add(n);
}

metrics::CollectorHandle ServerMetrics::WatchListeners(
    std::vector<const Listener*> listeners) const {
  // One series for all of the server's listeners (plain, SASL, TLS), summed.
  return registry_->AddCollector([listeners = std::move(listeners)](metrics::CollectSink& sink) {
    int64_t open = 0;
    uint64_t accepted = 0, refused = 0;
    for (const Listener* l : listeners) {
      open += l->connections();
      accepted += l->accepted();
      refused += l->refused();
    }
    sink.Gauge("kappa_kafka_connections_open", "Kafka client connections open now.", {},
               double(open));
    sink.Counter("kappa_kafka_connections_accepted_total", "Kafka client connections accepted.",
                 {}, double(accepted));
    sink.Counter("kappa_kafka_connections_refused_total",
                 "Kafka client connections closed at once because max_connections were open.",
                 {}, double(refused));
  });
}

}  // namespace kappa::kafka
