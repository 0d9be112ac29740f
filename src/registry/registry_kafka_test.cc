// The registry over an external Kafka cluster (librdkafka's in-process mock cluster): two
// instances on one `_schemas` topic register concurrently; every acknowledged id names one
// schema, and a third instance replaying the topic agrees with both.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>  // before rdkafka_mock.h (mock_kafka_cluster.h)

#include <map>
#include <thread>

#include "metrics/metrics.h"
#include "registry/fake_schema_type.h"
#include "registry/registry_impl.h"
#include "registry/schema_log.h"
#include "testutil/mock_kafka_cluster.h"

namespace kappa::registry {
namespace {

std::unique_ptr<Registry> OpenOn(const std::string& bootstrap, metrics::Registry* m,
                                 bool elect = false) {
  auto sl = OpenKafkaSchemaLog(bootstrap, {}, "_schemas");
  EXPECT_TRUE(sl.ok()) << sl.status().ToString();
  if (!sl.ok()) return nullptr;
  RegistryOptions o;
  o.metrics = m;
  if (elect) {
    o.kafka_bootstrap = bootstrap;
    o.writer_session_timeout_ms = 3000;
  }
  auto types = [](std::string_view n) -> const SchemaType* {
    return n == "AVRO" ? &FakeSchemaType(n) : nullptr;
  };
  auto r = OpenRegistry(std::move(*sl), types, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

TEST(RegistryKafkaTest, TwoProcessesOnOneClusterNeverShareAnId) {
  testutil::MockKafkaCluster cluster(1);
  ASSERT_EQ(cluster.CreateTopic("_schemas", 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  metrics::Registry m;
  auto a = OpenOn(cluster.bootstrap(), &m);
  auto b = OpenOn(cluster.bootstrap(), &m);
  ASSERT_TRUE(a && b);
  std::vector<std::vector<RegisteredSchema>> got(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      Registry* r = i == 0 ? a.get() : b.get();
      for (int k = 0; k < 5; ++k) {
        std::string schema =
            fmt::format(R"({{"fields":[{{"name":"f{}_{}","default":0}}]}})", i, k);
        auto res = r->Register(fmt::format("s{}", k % 2), schema);
        ASSERT_TRUE(res.ok()) << res.status().ToString();
        got[i].push_back(*res);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto c = OpenOn(cluster.bootstrap(), &m);  // replays from the cluster
  ASSERT_TRUE(c);
  ASSERT_TRUE(a->CatchUp().ok());
  ASSERT_TRUE(b->CatchUp().ok());
  std::map<int32_t, std::string> by_id;
  for (const auto& list : got) {
    for (const auto& s : list) {
      EXPECT_TRUE(by_id.emplace(s.id, s.schema).second) << "id " << s.id << " handed out twice";
      for (Registry* r : {a.get(), b.get(), c.get()}) {
        auto byid = r->GetSchemaById(s.id);
        ASSERT_TRUE(byid.ok());
        EXPECT_EQ(byid->schema, s.schema);
        EXPECT_EQ(r->GetVersion(s.subject, s.version, false)->id, s.id);
      }
    }
  }
  EXPECT_EQ(by_id.size(), 10u);
}

// Waits until `pred` holds (polling), up to `seconds`.
template <typename Pred>
bool Eventually(Pred pred, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

// The consumer group elects exactly one writer; the other instance learns its URL from the
// WRITER record; when the writer leaves, the other takes over and announces itself.
TEST(RegistryKafkaTest, OneWriterIsElectedAndAnnounced) {
  testutil::MockKafkaCluster cluster(1);
  ASSERT_EQ(cluster.CreateTopic("_schemas", 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  metrics::Registry m;
  auto a = OpenOn(cluster.bootstrap(), &m, true);
  auto b = OpenOn(cluster.bootstrap(), &m, true);
  ASSERT_TRUE(a && b);
  // Not in the election yet: no writer known.
  EXPECT_EQ(a->Writer().kind, WriterRoute::Kind::kUnknown);
  ASSERT_TRUE(a->JoinWriterElection("http://a:1").ok());
  ASSERT_TRUE(b->JoinWriterElection("http://b:2").ok());
  EXPECT_FALSE(a->JoinWriterElection("http://a:1").ok());  // once
  auto settled = [&] {
    (void)a->CatchUp();
    (void)b->CatchUp();
    WriterRoute wa = a->Writer(), wb = b->Writer();
    return (wa.kind == WriterRoute::Kind::kLocal && wb.kind == WriterRoute::Kind::kForward &&
            wb.url == "http://a:1") ||
           (wb.kind == WriterRoute::Kind::kLocal && wa.kind == WriterRoute::Kind::kForward &&
            wa.url == "http://b:2");
  };
  ASSERT_TRUE(Eventually(settled, 30)) << int(a->Writer().kind) << " " << int(b->Writer().kind);
  bool a_writes = a->Writer().kind == WriterRoute::Kind::kLocal;
  std::unique_ptr<Registry>& writer = a_writes ? a : b;
  std::unique_ptr<Registry>& follower = a_writes ? b : a;
  writer.reset();  // leaves the group
  ASSERT_TRUE(Eventually([&] { return follower->Writer().kind == WriterRoute::Kind::kLocal; },
                         30));
  // Its announcement follows: a new instance forwards to it.
  auto c = OpenOn(cluster.bootstrap(), &m, true);
  ASSERT_TRUE(c);
  std::string url = a_writes ? "http://b:2" : "http://a:1";
  EXPECT_TRUE(Eventually(
      [&] {
        (void)c->CatchUp();
        return c->Writer().kind == WriterRoute::Kind::kForward && c->Writer().url == url;
      },
      30));
}

}  // namespace
}  // namespace kappa::registry
