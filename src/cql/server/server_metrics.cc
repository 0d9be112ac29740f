#include "cql/server/server_metrics.h"

#include "common/coding.h"

namespace kappa::cql {

std::string_view CqlErrorName(int32_t code) {
  // doc/native_protocol_v4.spec, section 9.
  switch (code) {
    case 0x0000: return "SERVER_ERROR";
    case 0x000A: return "PROTOCOL_ERROR";
    case 0x0100: return "BAD_CREDENTIALS";
    case 0x1000: return "UNAVAILABLE";
    case 0x1001: return "OVERLOADED";
    case 0x1002: return "IS_BOOTSTRAPPING";
    case 0x1003: return "TRUNCATE_ERROR";
    case 0x1100: return "WRITE_TIMEOUT";
    case 0x1200: return "READ_TIMEOUT";
    case 0x1300: return "READ_FAILURE";
    case 0x1400: return "FUNCTION_FAILURE";
    case 0x1500: return "WRITE_FAILURE";
    case 0x2000: return "SYNTAX_ERROR";
    case 0x2100: return "UNAUTHORIZED";
    case 0x2200: return "INVALID";
    case 0x2300: return "CONFIG_ERROR";
    case 0x2400: return "ALREADY_EXISTS";
    case 0x2500: return "UNPREPARED";
  }
  return "UNKNOWN";
}

ServerMetrics::ServerMetrics(metrics::Registry* r)
    : registry_(r),
      errors_(&r->GetCounterFamily("kappa_cql_errors_total",
                                   "CQL ERROR responses, by the protocol's error name.",
                                   {"error"})) {
  auto& family = r->GetHistogramFamily(
      "kappa_cql_request_duration_seconds",
      "CQL requests, from the whole frame read to its answer queued (pipelined statements "
      "wait for their burst's commit), by opcode.",
      {"opcode"}, metrics::LatencyBuckets());
  for (Opcode op : {Opcode::kStartup, Opcode::kOptions, Opcode::kQuery, Opcode::kPrepare,
                    Opcode::kExecute, Opcode::kRegister, Opcode::kBatch,
                    Opcode::kAuthResponse}) {
    latency_[uint8_t(op) & 0x1f] = family.With({OpcodeName(op)});
  }
}

void ServerMetrics::CountError(std::string_view body) const {
  if (body.size() < 4) return;
  // Errors are rare next to requests: the family lookup (a mutex and a map) is fine here.
  errors_->With({CqlErrorName(int32_t(coding::GetBE32(body.data())))}).Add();
}

metrics::CollectorHandle ServerMetrics::WatchListener(const Listener* listener) const {
  return registry_->AddCollector([listener](metrics::CollectSink& sink) {
    sink.Gauge("kappa_cql_connections_open", "CQL client connections open now.", {},
               listener->connections());
    sink.Counter("kappa_cql_connections_accepted_total", "CQL client connections accepted.", {},
                 double(listener->accepted()));
    sink.Counter("kappa_cql_connections_refused_total",
                 "CQL client connections closed at once because max_connections were open.", {},
                 double(listener->refused()));
  });
}

}  // namespace kappa::cql
