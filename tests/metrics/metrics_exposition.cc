// Writes the full /metrics exposition of a process holding a Log, a Store, a Kafka server and
// a CQL server that served some traffic, for `promtool check metrics` (the CTest test
// metrics.promtool). Exits non-zero if a family the subsystems register is missing.
#include <boost/asio.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cql/cql.h"
#include "kafka/kafka.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "store/store.h"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace kappa;

namespace {

// Sends `request` and reads `reply_bytes` bytes of answer (0: none; the server may close).
void Exchange(uint16_t port, const std::string& request, size_t reply_bytes) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(s, asio::buffer(request));
  std::string reply(reply_bytes, '\0');
  boost::system::error_code ec;
  if (reply_bytes > 0) asio::read(s, asio::buffer(reply), ec);
}

std::string KafkaApiVersions(int16_t version) {
  // size, api_key 18, api_version, correlation_id 7, client_id null.
  std::string r = {0, 0, 0, 10, 0, 18, 0, char(version), 0, 0, 0, 7, char(0xff), char(0xff)};
  return r;
}

std::string CqlFrame(uint8_t opcode) {
  return std::string{4, 0, 0, 1, char(opcode), 0, 0, 0, 0};  // v4, stream 1, empty body
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: metrics_exposition OUTPUT_FILE\n";
    return 2;
  }
  std::string dir = std::filesystem::temp_directory_path() / ("kappa-metrics-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  metrics::Registry registry;
  auto process = registry.AddProcessCollector();
  metrics::History history(&registry);
  int rc = 0;
  {
    log::LogOptions lo;
    lo.dir = dir + "/log";
    lo.metrics = &registry;
    auto lg = log::Log::Open(lo);
    if (!lg.ok()) return 2;
    for (int t = 0; t < 3; ++t) {
      std::string topic = "topic-" + std::to_string(t);
      if (!(*lg)->CreateTopic(topic, 2).ok()) return 2;
      log::Partition* p = *(*lg)->GetPartition(topic, PartitionId(0));
      std::vector<log::Record> recs(3);
      for (auto& r : recs) r.value = "v";
      if (!p->Append(recs).ok() || !p->Read(Offset(0), 1 << 20).ok()) return 2;
    }
    store::StoreOptions so;
    so.data_dir = dir;
    so.metrics = &registry;
    auto st = store::Store::Open(so);
    if (!st.ok()) return 2;

    kafka::KafkaServerOptions ko;
    ko.listen_port = 0;
    ko.metrics = &registry;
    auto ks = kafka::KafkaServer::Start(lg->get(), ko);
    cql::ServerOptions co;
    co.port = 0;
    co.metrics = &registry;
    auto cs = cql::Server::Start(st->get(), co);
    if (!ks.ok() || !cs.ok()) return 2;
    Exchange((*ks)->port(), KafkaApiVersions(0), 4);   // answered
    Exchange((*ks)->port(), KafkaApiVersions(99), 4);  // UNSUPPORTED_VERSION
    Exchange((*cs)->port(), CqlFrame(0x05), 9);        // OPTIONS -> SUPPORTED
    Exchange((*cs)->port(), CqlFrame(0x07), 9);        // QUERY before STARTUP -> ERROR
    history.Tick(1'700'000'000);
    std::string text = registry.Render();
    std::ofstream(argv[1]) << text;  // a file: log lines go to the standard streams
    for (const char* family :
         {"kappa_log_appended_records_total", "kappa_log_read_bytes_total", "kappa_log_end_offset",
          "kappa_store_rows_written_total", "kappa_store_live_sst_bytes",
          "kappa_kafka_request_duration_seconds_bucket{api=\"ApiVersions\",le=\"+Inf\"} 2",
          "kappa_kafka_errors_total{error=\"UNSUPPORTED_VERSION\"} 1",
          "kappa_kafka_connections_accepted_total 2",
          "kappa_cql_request_duration_seconds_count{opcode=\"OPTIONS\"} 1",
          "kappa_cql_errors_total{error=\"PROTOCOL_ERROR\"} 1", "kappa_cql_connections_open",
          "process_resident_memory_bytes", "kappa_metrics_history_series"}) {
      if (text.find(family) == std::string::npos) {
        std::cerr << "missing from the exposition: " << family << "\n";
        rc = 1;
      }
    }
    (*cs)->Stop();
    (*ks)->Stop();
  }
  std::filesystem::remove_all(dir);
  return rc;
}
