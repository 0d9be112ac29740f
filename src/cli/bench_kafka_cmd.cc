// `kappa bench kafka`: librdkafka producer and consumer against an in-process kappa broker
// over loopback (durable log in a temp dir), and in the same run the same workload against
// librdkafka's in-memory mock cluster and Redis Streams (redis-benchmark XADD) as peers.
// With --tls the in-process broker also serves SSL and SASL_SSL (SCRAM-SHA-512) listeners
// with a throwaway certificate, and every case runs over each of the three side by side.
// Results: docs/benchmarks/kafka.md.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"
#include "kafka/kafka.h"
#include "log/log.h"
#include "security/security.h"

namespace kappa::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct KafkaBenchArgs {
  int64_t records = 2'000'000;
  std::vector<int> sizes = {100, 1024};
  bool peers = true;
  bool json = false;
  int latency_rate = 10'000;
  int latency_seconds = 3;
  std::string bootstrap;          // measure this broker instead of an in-process kappa
  std::string flush = "interval"; // flush policy of the in-process kappa broker
  std::string only;               // "", "throughput" or "latency"
  bool tls = false;               // also over SSL and SASL_SSL listeners of the same broker
  int rounds = 1;                 // throughput passes over the targets, in ABBA order
};

// One broker endpoint as the clients reach it: its bootstrap and the client settings it
// needs (security.protocol, the CA, the SASL login), and the prefix of its topics.
struct BenchTarget {
  std::string name;
  std::string bootstrap;
  std::vector<std::pair<std::string, std::string>> conf;
  std::string topic_prefix = "bench-";
};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void ReportKafka(const KafkaBenchArgs& a, const std::string& target, const std::string& kase, int size,
            double records_per_s, double extra = -1, const char* extra_name = nullptr) {
  if (a.json) {
    std::printf("{\"target\":\"%s\",\"case\":\"%s\",\"record_bytes\":%d,\"records_per_s\":%.0f,"
                "\"mb_per_s\":%.1f", target.c_str(), kase.c_str(), size, records_per_s,
                records_per_s * size / 1e6);
    if (extra_name) std::printf(",\"%s\":%.3f", extra_name, extra);
    std::printf("}\n");
  } else {
    std::printf("%-8s %-18s %5d B  %12.0f rec/s  %8.1f MB/s", target.c_str(), kase.c_str(), size,
                records_per_s, records_per_s * size / 1e6);
    if (extra_name) std::printf("  %s %.3f", extra_name, extra);
    std::printf("\n");
  }
  std::fflush(stdout);
}

void Set(const rdkafka::ConfPtr& c, const char* k, const char* v) {
  Status st = rdkafka::SetProperty(c.get(), k, v);
  if (!st.ok()) Fail(st.message());
}

// The CLI's client configuration (kafka_client.h) with the target's security settings; the
// caller hands it to NewClient.
rdkafka::ConfPtr BaseConf(const BenchTarget& t) {
  rdkafka::ConfPtr c = NewKafkaConf(t.bootstrap);
  for (const auto& [k, v] : t.conf) Set(c, k.c_str(), v.c_str());
  return c;
}

struct DeliveryStats {
  std::atomic<int64_t> ok{0}, failed{0};
  std::vector<double>* latencies_ms = nullptr;  // per-message latency (latency case only)
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* s = static_cast<DeliveryStats*>(opaque);
  if (m->err) {
    s->failed++;
  } else {
    s->ok++;
  }
  if (s->latencies_ms && m->_private) {
    auto sent = reinterpret_cast<intptr_t>(m->_private);
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                   Clock::now().time_since_epoch()).count();
    s->latencies_ms->push_back((now - sent) / 1000.0);
  }
}

rd_kafka_t* NewProducer(const BenchTarget& t, DeliveryStats* stats, bool low_latency) {
  rdkafka::ConfPtr c = BaseConf(t);
  Set(c, "acks", "all");
  Set(c, "linger.ms", low_latency ? "0" : "5");
  Set(c, "batch.size", "1000000");
  Set(c, "batch.num.messages", "100000");
  Set(c, "queue.buffering.max.messages", "2000000");
  Set(c, "queue.buffering.max.kbytes", "2097151");
  rd_kafka_conf_set_dr_msg_cb(c.get(), OnDelivery);
  rd_kafka_conf_set_opaque(c.get(), stats);
  return NewKafkaClient(RD_KAFKA_PRODUCER, std::move(c)).release();
}

// Produces n records of `size` bytes to topic partition 0; returns records/s (acked).
double ProduceRun(const BenchTarget& t, const std::string& topic, int64_t n, int size) {
  DeliveryStats stats;
  rd_kafka_t* rk = NewProducer(t, &stats, false);
  std::string payload(size_t(size), 'x');
  auto t0 = Clock::now();
  for (int64_t i = 0; i < n; ++i) {
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
          RD_KAFKA_V_VALUE(payload.data(), payload.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) Fail(std::string("produce: ") + rd_kafka_err2str(e));
      rd_kafka_poll(rk, 1);
    }
    if ((i & 0xffff) == 0) {
      rd_kafka_poll(rk, 0);
      std::fprintf(stderr, "\r  produce %s: %lld/%lld", topic.c_str(), (long long)i,
                   (long long)n);
    }
  }
  rd_kafka_flush(rk, 120'000);
  auto t1 = Clock::now();
  std::fprintf(stderr, "\r%60s\r", "");
  rd_kafka_destroy(rk);
  if (stats.failed > 0 || stats.ok != n) {
    Fail("produce: " + std::to_string(stats.failed.load()) + " deliveries failed");
  }
  return double(n) / Seconds(t0, t1);
}

// Consumes n records from partition 0 of topic from the beginning; returns records/s.
double ConsumeRun(const BenchTarget& t, const std::string& topic, int64_t n) {
  const std::string& bootstrap = t.bootstrap;
  rdkafka::ConfPtr c = BaseConf(t);
  Set(c, "group.id", "kappa-bench");
  Set(c, "enable.auto.commit", "false");
  Set(c, "fetch.max.bytes", "16777216");
  Set(c, "max.partition.fetch.bytes", "8388608");
  Set(c, "queued.max.messages.kbytes", "1048576");
  Set(c, "fetch.wait.max.ms", "100");
  rd_kafka_t* rk = NewKafkaClient(RD_KAFKA_CONSUMER, std::move(c)).release();
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> batch(10000);
  int64_t got = 0;
  Clock::time_point t0{};
  // Give up after 10 s without a record (the mock cluster of librdkafka 2.0.2 stalls).
  auto last_progress = Clock::now();
  while (got < n && Clock::now() - last_progress < std::chrono::seconds(10)) {
    ssize_t k = rd_kafka_consume_batch_queue(q, 1000, batch.data(), batch.size());
    if (k > 0) last_progress = Clock::now();
    for (ssize_t i = 0; i < k; ++i) {
      if (!batch[i]->err) {
        if (got == 0) t0 = Clock::now();  // clock starts at the first record
        ++got;
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  auto t1 = Clock::now();
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (got < n) {
    std::fprintf(stderr, "consume from %s: stalled after %lld of %lld records (10 s without one)\n",
                 bootstrap.c_str(), (long long)got, (long long)n);
    return -1;
  }
  return double(n) / Seconds(t0, t1);
}

// Produces at `rate` rec/s for `seconds` with linger 0; returns {p50, p99} ack latency ms.
std::pair<double, double> LatencyRun(const BenchTarget& t, const std::string& topic,
                                     int rate, int seconds) {
  const std::string& bootstrap = t.bootstrap;
  std::vector<double> lat;
  lat.reserve(size_t(rate) * seconds);
  DeliveryStats stats;
  stats.latencies_ms = &lat;
  rd_kafka_t* rk = NewProducer(t, &stats, true);
  std::string payload(100, 'x');
  int64_t total = int64_t(rate) * seconds;
  auto start = Clock::now();
  for (int64_t i = 0; i < total; ++i) {
    auto due = start + std::chrono::nanoseconds(int64_t(1e9 * double(i) / rate));
    // Wait for the send time inside rd_kafka_poll, which serves delivery reports as they
    // arrive; spinning here would take a core from the broker on a 2-core machine.
    for (auto now = Clock::now(); now < due; now = Clock::now()) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
      if (ms >= 1) {
        rd_kafka_poll(rk, int(ms));
      } else {
        rd_kafka_poll(rk, 0);
        std::this_thread::sleep_until(due);
      }
    }
    intptr_t sent = std::chrono::duration_cast<std::chrono::microseconds>(
                        Clock::now().time_since_epoch()).count();
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                      RD_KAFKA_V_VALUE(payload.data(), payload.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(sent)), RD_KAFKA_V_END);
  }
  rd_kafka_flush(rk, 60'000);
  rd_kafka_destroy(rk);
  if (lat.empty()) return {0, 0};
  std::sort(lat.begin(), lat.end());
  auto at = [&](double q) { return lat[std::min(lat.size() - 1, size_t(double(lat.size()) * q))]; };
  std::fprintf(stderr, "  latency %s: p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f ms (%zu acks)\n",
               bootstrap.c_str(), at(0.5), at(0.9), at(0.99), at(0.999), lat.back(), lat.size());
  return {lat[lat.size() / 2], lat[std::min(lat.size() - 1, lat.size() * 99 / 100)]};
}

// Runs each case over every target in turn (size by size), so targets sharing a broker are
// compared within the same minutes. With `rounds` > 1 the order alternates (A B C, C B A,
// ...): a target measured right after another pays for what that one left behind (the log's
// writeback, a warm or cold cache), so one order alone favours some targets. Each round
// writes topics of its own; the means per target and their ratios to the first target follow.
void RunTargets(const KafkaBenchArgs& a, const std::vector<BenchTarget>& targets) {
  struct Sums {
    double produce = 0, consume = 0;
    int n = 0;
  };
  for (int size : a.sizes) {
    if (a.only == "latency") break;
    std::map<std::string, Sums> sums;
    for (int round = 0; round < a.rounds; ++round) {
      std::vector<const BenchTarget*> order;
      for (const BenchTarget& t : targets) order.push_back(&t);
      if (round % 2 == 1) std::reverse(order.begin(), order.end());
      for (const BenchTarget* t : order) {
        std::string topic = t->topic_prefix + std::to_string(size);
        if (round > 0) topic += "-r" + std::to_string(round + 1);
        double p = ProduceRun(*t, topic, a.records, size);
        ReportKafka(a, t->name, "produce acks=all", size, p);
        double c = ConsumeRun(*t, topic, a.records);
        if (c > 0) ReportKafka(a, t->name, "consume", size, c);
        Sums& sum = sums[t->name];
        sum.produce += p;
        sum.consume += c;
        ++sum.n;
      }
    }
    if (a.rounds < 2 || a.json) continue;
    const Sums& base = sums[targets.front().name];
    for (const BenchTarget& t : targets) {
      const Sums& m = sums[t.name];
      std::printf("%-8s mean of %d rounds %5d B  produce %10.0f rec/s (%.2fx %s)  consume "
                  "%10.0f rec/s (%.2fx)\n",
                  t.name.c_str(), m.n, size, m.produce / m.n, m.produce / base.produce,
                  targets.front().name.c_str(), m.consume / m.n,
                  base.consume > 0 ? m.consume / base.consume : 0.0);
    }
    std::fflush(stdout);
  }
  if (a.only == "throughput") return;
  for (const BenchTarget& t : targets) {
    auto [p50, p99] =
        LatencyRun(t, t.topic_prefix + "latency", a.latency_rate, a.latency_seconds);
    ReportKafka(a, t.name, "latency p50 ms", 100, a.latency_rate, p50, "p50_ms");
    ReportKafka(a, t.name, "latency p99 ms", 100, a.latency_rate, p99, "p99_ms");
  }
}

void RunRedis(const KafkaBenchArgs& a, const std::string& tmp) {
  for (int size : a.sizes) {
    int port = 20000 + int(::getpid() % 20000) + size % 7;  // unlikely to be taken
    std::string dir = tmp + "/redis-" + std::to_string(size);
    std::filesystem::create_directories(dir);
    pid_t pid = ::fork();
    if (pid == 0) {
      if (FILE* devnull = std::fopen("/dev/null", "w")) {
        ::dup2(::fileno(devnull), 1);
        ::dup2(::fileno(devnull), 2);
      }
      ::execlp("redis-server", "redis-server", "--port", std::to_string(port).c_str(), "--dir",
               dir.c_str(), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
               "--loglevel", "warning", (char*)nullptr);
      _exit(127);
    }
    // Wait until it answers PING (it refuses commands while starting).
    std::string ping = "redis-cli -p " + std::to_string(port) + " ping 2>/dev/null | grep -q PONG";
    for (int i = 0; i < 100 && std::system(ping.c_str()) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string value(size_t(size), 'x');
    std::string cmd = "redis-benchmark -p " + std::to_string(port) + " -P 64 -n " +
                      std::to_string(std::min<int64_t>(a.records, 1'000'000)) +
                      " -q XADD s '*' f " + value + " 2>/dev/null";
    FILE* f = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (f && std::fgets(buf, sizeof(buf), f)) out += buf;
    if (f) ::pclose(f);
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    // "XADD s * f xxx: 812345.67 requests per second, p50=..."
    double rps = 0;
    if (size_t at = out.rfind(": "); at != std::string::npos) rps = std::atof(out.c_str() + at + 2);
    if (!(rps > 0)) {
      std::fprintf(stderr, "redis-benchmark gave no figure (is redis-server installed?)\n");
      return;
    }
    ReportKafka(a, "redis", "XADD -P 64", size, rps);
  }
}

void RunKafkaBench(const KafkaBenchArgs& a) {
  auto tmp = std::filesystem::temp_directory_path() /
             ("kappa-bench-kafka-" + std::to_string(::getpid()));
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp);
  if (!a.bootstrap.empty()) {
    RunTargets(a, {BenchTarget{"external", a.bootstrap}});
  } else {
    log::LogOptions lo;
    lo.dir = (tmp / "log").string();
    auto flush = log::ParseFlushPolicy(a.flush);
    if (!flush) Fail("--flush must be every-append, interval or os");
    lo.flush = *flush;
    auto log = log::Log::Open(lo);
    if (!log.ok()) Fail(log.status());
    kafka::KafkaServerOptions so;
    so.listen_port = 0;
    so.listeners = {{kafka::SecurityProtocol::kPlaintext, "127.0.0.1", 0}};
    security::TlsOptions tls;
    const std::string kUser = "bench", kPassword = "bench-password";
    if (a.tls) {
      auto cert = security::WriteSelfSignedCertificate((tmp / "tls").string());
      if (!cert.ok()) Fail(cert.status());
      tls = *cert;
      auto ctx = security::MakeServerTlsContext(tls);
      if (!ctx.ok()) Fail(ctx.status());
      so.tls = *ctx;
      auto users = security::UserStore::Open((tmp / "security").string());
      if (!users.ok()) Fail(users.status());
      Check((*users)->Put(kUser, kPassword));
      so.sasl.users = *users;
      so.listeners.push_back({kafka::SecurityProtocol::kSsl, "127.0.0.1", 0});
      so.listeners.push_back({kafka::SecurityProtocol::kSaslSsl, "127.0.0.1", 0});
    }
    auto server = kafka::KafkaServer::Start(log->get(), so);
    if (!server.ok()) Fail(server.status());
    auto at = [&](size_t i) { return "127.0.0.1:" + std::to_string((*server)->listener_port(i)); };
    std::fprintf(stderr, "kappa broker (durable log, flush=%s) at %s\n", a.flush.c_str(),
                 at(0).c_str());
    std::vector<BenchTarget> targets = {BenchTarget{"kappa", at(0)}};
    if (a.tls) {
      std::fprintf(stderr, "  SSL at %s, SASL_SSL (SCRAM-SHA-512) at %s\n", at(1).c_str(),
                   at(2).c_str());
      targets.push_back({"kappa-tls", at(1),
                         {{"security.protocol", "ssl"}, {"ssl.ca.location", tls.cert_file}},
                         "bench-tls-"});
      targets.push_back({"kappa-sasl-tls", at(2),
                         {{"security.protocol", "sasl_ssl"},
                          {"ssl.ca.location", tls.cert_file},
                          {"sasl.mechanisms", "SCRAM-SHA-512"},
                          {"sasl.username", kUser},
                          {"sasl.password", kPassword}},
                         "bench-sasl-tls-"});
    }
    RunTargets(a, targets);
    (*server)->Stop();
    (void)(*log)->Close();
  }
  if (a.peers) {
    char err[512];
    rd_kafka_conf_t* c = rd_kafka_conf_new();
    rd_kafka_t* holder = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err));
    rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(holder, 1);
    std::string bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
    for (int size : a.sizes) {
      rd_kafka_mock_topic_create(mc, ("bench-" + std::to_string(size)).c_str(), 1, 1);
    }
    rd_kafka_mock_topic_create(mc, "bench-latency", 1, 1);
    std::fprintf(stderr, "librdkafka mock cluster (in memory) at %s\n", bootstrap.c_str());
    RunTargets(a, {BenchTarget{"mock", bootstrap}});
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(holder);
    RunRedis(a, tmp.string());
  }
  std::filesystem::remove_all(tmp);
}

}  // namespace

void RegisterBenchKafkaCommand(CLI::App& app, const Groups& g) {
  auto args = std::make_shared<KafkaBenchArgs>();
  CLI::App* cmd = g.bench->add_subcommand(
      "kafka",
      "librdkafka producer (acks=all) and consumer against an in-process kappa broker over\n"
      "loopback, then the same against librdkafka's mock cluster and Redis Streams XADD.");
  cmd->add_option("--records", args->records, "Records per produce/consume case")
      ->capture_default_str();
  cmd->add_option("--sizes", args->sizes, "Record value sizes in bytes")->capture_default_str();
  cmd->add_option("--latency-rate", args->latency_rate, "Records/s for the latency case")
      ->capture_default_str();
  cmd->add_option("--latency-seconds", args->latency_seconds, "Duration of the latency case")
      ->capture_default_str();
  cmd->add_flag("!--no-peers", args->peers, "Skip the mock cluster and Redis peers");
  CheckHostPortList(cmd->add_option("--bootstrap", args->bootstrap,
                                    "Measure this broker (host:port; kappa broker, Kafka, ...) "
                                    "instead of an in-process kappa; the topics bench-<size> "
                                    "and bench-latency must be auto-created or exist with "
                                    "partition 0"));
  cmd->add_option("--flush", args->flush,
                  "Flush policy of the in-process kappa broker: every-append, interval, os")
      ->capture_default_str();
  cmd->add_option("--only", args->only, "Run only the throughput or the latency cases")
      ->check(CLI::IsMember({"throughput", "latency"}));
  cmd->add_flag("--json", args->json, "One JSON object per result line");
  cmd->add_option("--rounds", args->rounds,
                  "Throughput passes over the targets, the order alternating (A B C, C B A); "
                  "the means and their ratios to plaintext follow")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd->add_flag("--tls", args->tls,
                "Also measure the in-process broker over TLS (SSL) and over SASL_SSL with "
                "SCRAM-SHA-512 (a throwaway certificate), side by side with plaintext");
  cmd->callback([args] {
    if (args->tls && !args->bootstrap.empty()) Fail("--tls measures the in-process broker only", 2);
    RunKafkaBench(*args);
  });
}

}  // namespace kappa::cli
