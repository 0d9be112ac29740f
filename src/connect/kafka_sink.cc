// RecordSink over an external Kafka cluster through librdkafka (see connect.h, NewKafkaSink).
//
// Delivery: AppendBatch hands every record to librdkafka, then serves delivery reports
// (rd_kafka_flush) until each record of the batch has one. The callback runs on the calling
// thread (reports are only served from rd_kafka_poll/flush, called here), so the batch state
// needs no lock. Idempotence (enable.idempotence=true) makes librdkafka's own retries
// duplicate-free and keeps per-partition order; acks=all is implied by it and set explicitly.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <mutex>

#include "common/logging.h"
#include "connect/connect.h"
#include "rdkafka/rdkafka.h"

namespace kappa::connect {
namespace {

// The outcome of one AppendBatch, updated by delivery reports.
struct BatchState {
  size_t pending = 0;
  size_t failed = 0;
  rd_kafka_resp_err_t first_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string first_error;  // "users_created/2: Broker: Not enough in-sync replicas"
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* state = static_cast<BatchState*>(m->_private);
  if (!state) return;
  --state->pending;
  if (m->err) {
    if (state->failed++ == 0) {
      state->first_err = m->err;
      state->first_error = fmt::format("{}/{}: {}", rd_kafka_topic_name(m->rkt), m->partition,
                                       rd_kafka_err2str(m->err));
    }
  }
}

using rdkafka::ErrorStatus;

class KafkaSink final : public RecordSink {
 public:
  KafkaSink(rdkafka::ClientPtr rk, KafkaSinkOptions options)
      : client_(std::move(rk)), rk_(client_.get()), options_(std::move(options)) {}
  ~KafkaSink() override {
    // Everything AppendBatch accepted was already delivered or failed; nothing to wait for.
    rd_kafka_flush(rk_, 1000);
  }

  Status AppendBatch(std::string_view topic, std::span<const SinkRecord> records) override {
    if (records.empty()) return Status::OK();
    std::lock_guard<std::mutex> l(mu_);
    const std::string topic_name(topic);
    BatchState state;
    for (const SinkRecord& r : records) {
      rd_kafka_headers_t* headers = nullptr;
      if (!r.headers.empty()) {
        headers = rd_kafka_headers_new(r.headers.size());
        for (const SinkHeader& h : r.headers) {
          rd_kafka_header_add(headers, h.key.data(), ssize_t(h.key.size()), h.value.data(),
                              ssize_t(h.value.size()));
        }
      }
      // librdkafka's macros paste their arguments unparenthesized: plain variables only.
      // A non-null pointer with size 0 is an empty key; nullptr a null key.
      const void* key = r.key.empty() && !r.empty_key ? nullptr
                        : r.key.empty()               ? static_cast<const void*>("")
                                                      : r.key.data();
      const int32_t partition = r.partition >= 0 ? r.partition : RD_KAFKA_PARTITION_UA;
      while (true) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk_, RD_KAFKA_V_TOPIC(topic_name.c_str()), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key, r.key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
            RD_KAFKA_V_TIMESTAMP(r.timestamp_ms), RD_KAFKA_V_HEADERS(headers),
            RD_KAFKA_V_OPAQUE(&state), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          ++state.pending;
          break;
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          rd_kafka_poll(rk_, 50);  // serve delivery reports to make room
          continue;
        }
        if (headers) rd_kafka_headers_destroy(headers);  // not taken over on failure
        Status st = ErrorStatus(err, fmt::format("producing to {} on {}: {}", topic_name,
                                                 options_.bootstrap, rd_kafka_err2str(err)));
        Wait(&state);  // the records already handed over still refer to `state`
        return st;
      }
    }
    Wait(&state);
    if (state.pending > 0) {
      return Status::TimedOut(fmt::format(
          "producing to {} on {}: {} of {} records not acknowledged within {} ms", topic_name,
          options_.bootstrap, state.pending, records.size(),
          options_.delivery_timeout.count()));
    }
    if (state.failed > 0) {
      return ErrorStatus(state.first_err,
                         fmt::format("producing to {} on {}: {} of {} records failed; first: {}",
                                     topic_name, options_.bootstrap, state.failed,
                                     records.size(), state.first_error));
    }
    return Status::OK();
  }

 private:
  // Serves delivery reports until every record of `state` has one (librdkafka fails a
  // record itself after message.timeout.ms, so this ends; the slack covers its timer).
  void Wait(BatchState* state) {
    auto deadline = std::chrono::steady_clock::now() + options_.delivery_timeout +
                    std::chrono::seconds(5);
    while (state->pending > 0 && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_flush(rk_, 100);
    }
    if (state->pending > 0) {
      // Should not happen; make sure no late report touches the dead stack frame.
      rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(rk_, 1000);
    }
  }

  const rdkafka::ClientPtr client_;
  rd_kafka_t* const rk_;
  const KafkaSinkOptions options_;
  std::mutex mu_;  // one AppendBatch at a time (delivery reports refer to its state)
};

}  // namespace

Result<std::unique_ptr<RecordSink>> NewKafkaSink(const KafkaSinkOptions& options) {
  if (options.bootstrap.empty()) return Status::InvalidArgument("kafka sink: no bootstrap servers");
  rdkafka::ClientConfig client{options.bootstrap, options.client_id, options.properties};
  ASSIGN_OR_RETURN(rdkafka::ConfPtr conf,
                   rdkafka::NewConf(client, {
                                                {"enable.idempotence", "true"},
                                                {"acks", "all"},
                                                // The Java client's partitioner: keyed records
                                                // land where kappa's own log puts them.
                                                {"partitioner", "murmur2_random"},
                                                {"message.timeout.ms",
                                                 std::to_string(options.delivery_timeout.count())},
                                                {"linger.ms", std::to_string(options.linger.count())},
                                            }));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  auto rk = rdkafka::NewClient(RD_KAFKA_PRODUCER, std::move(conf));
  if (!rk.ok()) return rk.status().WithContext("kafka producer for " + options.bootstrap);
  return std::unique_ptr<RecordSink>(new KafkaSink(std::move(*rk), options));
}

}  // namespace kappa::connect
