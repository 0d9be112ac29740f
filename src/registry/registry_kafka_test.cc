// The registry over an external Kafka cluster (librdkafka's in-process mock cluster): two
// instances on one `_schemas` topic register concurrently; every acknowledged id names one
// schema, and a third instance replaying the topic agrees with both.
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

std::unique_ptr<Registry> OpenOn(const std::string& bootstrap, metrics::Registry* m) {
  auto sl = OpenKafkaSchemaLog(bootstrap, {}, "_schemas");
  EXPECT_TRUE(sl.ok()) << sl.status().ToString();
  if (!sl.ok()) return nullptr;
  RegistryOptions o;
  o.metrics = m;
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
        std::string schema = "{\"fields\":[{\"name\":\"f" + std::to_string(i) + "_" +
                             std::to_string(k) + "\",\"default\":0}]}";
        auto res = r->Register("s" + std::to_string(k % 2), schema);
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

}  // namespace
}  // namespace kappa::registry
