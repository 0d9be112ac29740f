#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/app.h"
#include "testutil/temp_dir.h"

namespace kappa::app {
namespace {

TEST(DefaultConfig, IsTheShippedFileByteForByte) {
  std::ifstream in(KAPPA_DEFAULT_CONFIG_PATH, std::ios::binary);
  ASSERT_TRUE(in) << KAPPA_DEFAULT_CONFIG_PATH;
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), DefaultConfigText());
}

TEST(DefaultConfig, DescribesTheSeedPipeline) {
  auto c = LoadDefaultConfig();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "./kappa-data");
  const TopicConfig* t = c->FindTopic("users_created");
  ASSERT_NE(t, nullptr);
  EXPECT_GE(t->partitions, 1);
  ASSERT_NE(c->FindTopic("users_created.dlq"), nullptr);
  const TableConfig* table = c->FindTable("spark_streams.created_users");
  ASSERT_NE(table, nullptr);
  std::vector<std::string> names;
  for (const auto& col : table->columns) names.push_back(col.name + ":" + col.type);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "id:uuid", "first_name:text", "last_name:text", "gender:text",
                       "address:text", "post_code:text", "email:text", "username:text",
                       "dob:text", "registered_date:text", "phone:text", "picture:text"}));
  EXPECT_EQ(table->partition_key, std::vector<std::string>{"id"});
  EXPECT_TRUE(table->clustering.empty());
  ASSERT_EQ(c->jobs.size(), 1u);
  EXPECT_EQ(c->jobs[0].dead_letter_topic, "users_created.dlq");
  EXPECT_EQ(c->jobs[0].start.kind, StartPosition::Kind::kEarliest);
  ASSERT_EQ(c->producers.size(), 1u);
  EXPECT_EQ(c->producers[0].topic, "users_created");
  // Retention is on by default.
  EXPECT_EQ(c->retention.bytes_per_partition, int64_t{1} << 30);
  EXPECT_EQ(c->retention.age_ms, 7LL * 86400 * 1000);
  EXPECT_EQ(c->store.block_cache_bytes, int64_t{256} << 20);
  EXPECT_EQ(c->listeners.kafka, "127.0.0.1:9092");
  EXPECT_EQ(c->listeners.cql, "127.0.0.1:9042");
  EXPECT_EQ(c->listeners.http, "127.0.0.1:8081");
}

constexpr std::string_view kMinimal = R"(data_dir: /tmp/x
topics:
  - name: t
    partitions: 2
  - name: t.dlq
keyspaces:
  - name: ks
    tables:
      - name: tab
        primary_key: [[a, b], c]
        columns:
          a: int
          b: text
          c: timestamp
          d: double
jobs:
  - name: j
    topic: t
    table: ks.tab
    start: 2026-01-01T00:00:01.5Z
    batch_size: 10
)";

TEST(ConfigLoader, KafkaGroupInitialRebalanceDelay) {
  auto c = LoadConfigText(std::string(kMinimal) + "listeners:\n  kafka_group_initial_rebalance_delay: 250ms\n", "my.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listeners.kafka_group_initial_rebalance_delay_ms, 250);
  EXPECT_EQ(LoadConfigText(kMinimal, "my.yaml")->listeners.kafka_group_initial_rebalance_delay_ms, 3000);
  auto bad = LoadConfigText(std::string(kMinimal) + "listeners:\n  kafka_group_initial_rebalance_delay: 1h\n", "my.yaml");
  EXPECT_TRUE(bad.status().IsInvalidArgument());
}

TEST(ConfigLoader, EnvAndFileProvidersFillValues) {
  testutil::TempDir dir("kappa-config-providers");
  {
    std::ofstream f(dir.path() + "/data_dir.txt");
    f << "/tmp/provided\n";  // one trailing newline is not part of the value
  }
  ::setenv("KAPPA_TEST_PROVIDED_PORT", "19092", 1);
  ::unsetenv("KAPPA_TEST_NOT_SET");
  const std::string file = dir.path() + "/kappa.yaml";
  std::string rest(kMinimal.substr(kMinimal.find('\n') + 1));
  auto c = LoadConfigText("data_dir: ${file:data_dir.txt}\n" + rest +
                              "listeners:\n  kafka: \"127.0.0.1:${env:KAPPA_TEST_PROVIDED_PORT}\"\n",
                          file);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "/tmp/provided");  // relative to the config file's folder
  EXPECT_EQ(c->listeners.kafka, "127.0.0.1:19092");
  // Other ${...} text (a shell variable in a command) is not a provider: left as it is.
  auto shell = LoadConfigText("data_dir: /tmp/${HOME}/${secret:x}\n" + rest, file);
  ASSERT_TRUE(shell.ok()) << shell.status().ToString();
  EXPECT_EQ(shell->data_dir, "/tmp/${HOME}/${secret:x}");

  // Each error names the place and the variable or file.
  auto unset = LoadConfigText("data_dir: ${env:KAPPA_TEST_NOT_SET}\n" + rest, file);
  EXPECT_TRUE(unset.status().IsInvalidArgument());
  EXPECT_NE(unset.status().message().find(file + ":1:"), std::string::npos) << unset.status().ToString();
  EXPECT_NE(unset.status().message().find("KAPPA_TEST_NOT_SET is not set"), std::string::npos);
  auto missing = LoadConfigText("data_dir: ${file:/nonexistent/secret}\n" + rest, file);
  EXPECT_NE(missing.status().message().find("cannot read /nonexistent/secret"), std::string::npos)
      << missing.status().ToString();
  auto open = LoadConfigText("data_dir: /tmp/${env:KAPPA_TEST_PROVIDED_PORT\n" + rest, file);
  EXPECT_NE(open.status().message().find("is not closed"), std::string::npos) << open.status().ToString();
  auto empty = LoadConfigText("data_dir: ${file:}\n" + rest, file);
  EXPECT_NE(empty.status().message().find("needs a path"), std::string::npos);
}

TEST(ConfigLoader, GoodFileWithDefaults) {
  auto c = LoadConfigText(kMinimal, "my.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "/tmp/x");
  EXPECT_EQ(c->topics[1].partitions, 1);
  const TableConfig* t = c->FindTable("ks.tab");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->partition_key, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t->clustering, std::vector<std::string>{"c"});
  const JobConfig& j = c->jobs[0];
  EXPECT_EQ(j.group, "j");
  EXPECT_EQ(j.dead_letter_topic, "t.dlq");
  EXPECT_EQ(j.start.kind, StartPosition::Kind::kTimestamp);
  EXPECT_EQ(j.start.timestamp_ms, 1767225601500);
  EXPECT_EQ(j.batch_size, 10);
  EXPECT_EQ(j.max_consecutive_failures, 1000);
}

struct BadCase {
  const char* name;
  std::string text;
  const char* expect;  // a substring of the error, which always starts "bad.yaml:LINE:COL:"
};

// Each case replaces part of the minimal file; the expected message names the line.
std::vector<BadCase> BadCases() {
  auto with = [](std::string_view from, std::string_view to) {
    std::string s(kMinimal);
    size_t p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    s.replace(p, from.size(), to);
    return s;
  };
  return {
      {"misspelt key", with("    partitions: 2", "    patitions: 2"),
       "bad.yaml:4:5: unknown key 'patitions' in topics[0] (did you mean 'partitions'?)"},
      {"unknown top key", "dta_dir: x\n", "bad.yaml:1:1: unknown key 'dta_dir' in the top level (did you mean 'data_dir'?)"},
      {"partitions not a number", with("partitions: 2", "partitions: two"),
       "bad.yaml:4:17: topics[0].partitions must be a whole number, not 'two'"},
      {"partitions zero", with("partitions: 2", "partitions: 0"), "bad.yaml:4:17: topics[0].partitions must be between 1"},
      {"bad topic name", with("name: t\n", "name: t/x\n"), "bad.yaml:3:11: topic name 't/x'"},
      {"duplicate topic", with("name: t.dlq", "name: t"), "bad.yaml:5:11: topic 't' is listed twice"},
      {"unknown type", with("d: double", "d: dubble"), "bad.yaml:15:14: unknown column type 'dubble'"},
      {"pk not a column", with("[[a, b], c]", "[[a, z], c]"), "bad.yaml:10:22: primary key column 'z'"},
      {"job unknown topic", with("    topic: t\n", "    topic: nope\n"), "bad.yaml:18:12: jobs[0].topic: no topic named 'nope'"},
      {"job unknown table", with("table: ks.tab", "table: ks.tabb"), "bad.yaml:19:12: jobs[0].table: no table 'ks.tabb'"},
      {"bad start", with("2026-01-01T00:00:01.5Z", "yesterday"), "bad.yaml:20:12: jobs[0].start must be earliest, latest or a time"},
      {"missing dlq topic", with("  - name: t.dlq\n", "  - name: other\n"), "bad.yaml:17:5: jobs[0]: dead-letter topic 't.dlq' is not under topics"},
      {"batch size", with("batch_size: 10", "batch_size: -1"), "bad.yaml:21:17: jobs[0].batch_size must be between 1"},
      {"yaml syntax", "topics: [a, b\n", "bad.yaml:2:1:"},
      {"topics not a list", "topics: 3\n", "bad.yaml:1:9: topics must be a list"},
      {"bad duration", "retention:\n  age: 7 weeks\n", "bad.yaml:2:8: retention.age: unknown duration unit 'weeks'"},
      {"bad size", "retention:\n  bytes_per_partition: lots\n", "bad.yaml:2:24: retention.bytes_per_partition: 'lots' is not a size"},
      {"small block cache", "store:\n  block_cache: 64KiB\n", "bad.yaml:2:16: store.block_cache must be at least 1MiB"},
      {"store key", "store:\n  cache: 1GiB\n", "bad.yaml:2:3: unknown key 'cache' in store"},
      {"bad flush", "durability:\n  log_flush: sometimes\n", "bad.yaml:2:14: durability.log_flush must be every_append, interval or os"},
      {"unknown source type", "sources:\n  s:\n    type: ftp\n", "bad.yaml:3:11: sources.s.type must be randomuser or http"},
      {"bad source key", "sources:\n  s:\n    type: randomuser\n    sed: 1\n", "bad.yaml:4:5: unknown key 'sed' in sources.s (did you mean 'seed'?)"},
      {"bad nationality", "sources:\n  s:\n    type: randomuser\n    nationalities: [XX]\n", "bad.yaml:4:21: unknown nationality 'XX'"},
      {"http url", "sources:\n  s:\n    type: http\n    url: ftp://x\n", "bad.yaml:4:10: sources.s.url must start with http"},
      {"producer unknown source",
       "topics:\n  - name: t\nproducers:\n  - name: p\n    source: nope\n    mapping: m\n    topic: t\n",
       "bad.yaml:5:13: producers[0].source: no source named 'nope'"},
      {"mapping error", "mappings:\n  m:\n    fields:\n      id: uuidd()\n", "bad.yaml:4:"},
      {"empty file", "", "bad.yaml: the file is empty"},
      {"duplicate column", with("d: double", "a: double"), "bad.yaml:15:11: column 'a' is listed twice"},
      {"log type", "log:\n  type: kafak\n", "bad.yaml:2:9: log.type must be embedded or kafka, not 'kafak'"},
      {"log kafka without bootstrap", "log:\n  type: kafka\n", "bad.yaml:2:3: log: type kafka needs bootstrap"},
      {"log bad bootstrap", "log:\n  type: kafka\n  bootstrap: a:1,b\n",
       "bad.yaml:3:14: log.bootstrap: 'b': expected HOST:PORT"},
      {"log bootstrap on embedded", "log:\n  bootstrap: a:1\n",
       "bad.yaml:2:14: log.bootstrap only applies to type: kafka"},
      {"log misspelt key", "log:\n  type: kafka\n  bootstarp: a:1\n",
       "bad.yaml:3:3: unknown key 'bootstarp' in log (did you mean 'bootstrap'?)"},
      {"log replication", "log:\n  type: kafka\n  bootstrap: a:1\n  replication_factor: 0\n",
       "bad.yaml:4:23: log.replication_factor must be -1"},
  };
}

TEST(ConfigLoader, EveryErrorNamesFileLineAndProblem) {
  for (const BadCase& c : BadCases()) {
    auto r = LoadConfigText(c.text, "bad.yaml");
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.name << ": got: " << r.status().message() << "\nwanted: " << c.expect;
  }
}

TEST(ConfigLoader, ListenersAndAuth) {
  auto ok = LoadConfigText("listeners:\n  kafka: \"[::1]:0\"\n  cql: \"off\"\nauth:\n"
                           "  cql_users:\n    - {name: app, password: s3cret}\n"
                           "  insecure_kafka: true\n", "l.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->auth.cql_users.at("app"), "s3cret");
  EXPECT_TRUE(ok->auth.insecure_kafka);
  EXPECT_EQ(ok->Where("listeners.kafka"), "l.yaml:2:10");
  EXPECT_EQ(ok->Where("data_dir"), "l.yaml");  // not in the file
  const std::pair<std::string, std::string> bad[] = {
      {"listeners:\n  kafka: 127.0.0.1:70000\n",
       "bad.yaml:2:10: listeners.kafka: '127.0.0.1:70000': the port must be a number 0..65535"},
      {"listeners:\n  cql: \"nohost\"\n", "bad.yaml:2:8: listeners.cql: 'nohost': expected HOST:PORT"},
      {"listeners:\n  http: 127.0.0.1:99999\n",
       "bad.yaml:2:9: listeners.http: '127.0.0.1:99999': the port must be a number 0..65535"},
      {"auth:\n  cql_users:\n    - {name: a}\n", "bad.yaml:3:7: auth.cql_users[0] needs a name and a password"},
      {"auth:\n  cql_users:\n    - {name: cassandra, password: cassandra}\n", "well-known"},
      {"auth:\n  cql_users:\n    - {name: a, password: b}\n    - {name: a, password: c}\n",
       "bad.yaml:4:14: auth.cql_users[1]: user 'a' is listed twice"},
      {"auth:\n  insecure_kafak: true\n", "did you mean 'insecure_kafka'"},
      {"security:\n  insecure: maybe\n", "bad.yaml:2:13: security.insecure"},
      {"security:\n  insecur: true\n", "did you mean 'insecure'"},
      {"durability:\n  log_flush_interval: 200\n",
       "bad.yaml:2:23: durability.log_flush_interval: '200' has no unit: write 200s, 200ms"},
      {"data_dir: \"\"\n", "bad.yaml:1:11: data_dir is empty"},
  };
  for (const auto& [text, expect] : bad) {
    auto r = LoadConfigText(text, "bad.yaml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(expect), std::string::npos)
        << "got: " << r.status().message() << "\nwanted: " << expect;
  }
}

TEST(ConfigLoader, RegistrySection) {
  auto d = LoadConfigText("data_dir: d\n", "r.yaml");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->registry.advertised_url, "");
  EXPECT_EQ(d->registry.writer_group, "kappa-schema-registry");
  EXPECT_EQ(d->registry.writer_session_timeout_ms, 10000);
  auto ok = LoadConfigText("registry:\n  advertised_url: http://a.internal:8081\n"
                           "  writer_group: g\n  writer_session_timeout_ms: 3000\n", "r.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->registry.advertised_url, "http://a.internal:8081");
  EXPECT_EQ(ok->registry.writer_group, "g");
  EXPECT_EQ(ok->registry.writer_session_timeout_ms, 3000);
  const std::pair<std::string, std::string> bad[] = {
      {"registry:\n  advertised_url: a.internal:8081\n",
       "bad.yaml:2:19: registry.advertised_url must be an http:// or https:// URL"},
      {"registry:\n  writer_session_timeout_ms: 10\n", "bad.yaml:2:30"},
      {"registry:\n  writer_grup: g\n", "did you mean 'writer_group'"},
  };
  for (const auto& [text, expect] : bad) {
    auto r = LoadConfigText(text, "bad.yaml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(expect), std::string::npos)
        << "got: " << r.status().message() << "\nwanted: " << expect;
  }
}

TEST(ConfigLoader, LogSection) {
  auto c = LoadConfigText(std::string(kMinimal), "k.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->log.kafka());  // embedded by default
  c = LoadConfigText(std::string(kMinimal) +
                         "log:\n  type: kafka\n  bootstrap: h1:9092,h2:9093\n"
                         "  replication_factor: 3\n  properties: {socket.timeout.ms: 5000}\n",
                     "k.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->log.kafka());
  EXPECT_EQ(c->log.bootstrap, "h1:9092,h2:9093");
  EXPECT_EQ(c->log.replication_factor, 3);
  EXPECT_EQ(c->log.properties.at("socket.timeout.ms"), "5000");
}

constexpr std::string_view kSink = R"(    sink:
      type: cassandra
      contact_points: [h1:9043, h2]
      keyspace: remote
      consistency: LOCAL_QUORUM
      max_in_flight: 8
      retry_for: 5s
      batch_rows: 50
      local_datacenter: dc2
)";

TEST(ConfigLoader, CassandraSink) {
  auto c = LoadConfigText(std::string(kMinimal) + std::string(kSink), "my.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const SinkConfig& s = c->jobs[0].sink;
  EXPECT_EQ(s.type, SinkConfig::Type::kCassandra);
  EXPECT_EQ(s.cassandra.contact_points, (std::vector<std::string>{"h1:9043", "h2"}));
  EXPECT_EQ(s.cassandra.keyspace, "remote");
  EXPECT_EQ(s.cassandra.consistency, "local_quorum");
  EXPECT_EQ(s.cassandra.max_in_flight, 8);
  EXPECT_EQ(s.cassandra.retry_for_ms, 5000);
  EXPECT_EQ(s.cassandra.connections_per_host, 1);
  EXPECT_EQ(s.cassandra.batch_rows, 50);
  EXPECT_EQ(s.cassandra.local_datacenter, "dc2");
  EXPECT_EQ(LoadConfigText(std::string(kMinimal) + "    sink: {type: cassandra, contact_points: [h]}\n",
                           "my.yaml")->jobs[0].sink.cassandra.batch_rows, 32);
  // The keyspace's replication is carried for CREATE KEYSPACE on the cluster.
  EXPECT_EQ(s.cassandra.replication.at("class"), "SimpleStrategy");
  // Without a sink: the embedded store.
  EXPECT_EQ(LoadConfigText(kMinimal, "my.yaml")->jobs[0].sink.type, SinkConfig::Type::kEmbedded);
  // Default keyspace: the table's.
  std::string no_ks(kSink);
  no_ks.erase(no_ks.find("      keyspace: remote\n"), 23);
  auto d = LoadConfigText(std::string(kMinimal) + no_ks, "my.yaml");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->jobs[0].sink.cassandra.keyspace, "ks");
}

TEST(ConfigLoader, CassandraSinkErrorsNameTheirLine) {
  auto with = [](std::string_view from, std::string_view to) {
    std::string s = std::string(kMinimal) + std::string(kSink);
    size_t p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    s.replace(p, from.size(), to);
    return s;
  };
  std::vector<BadCase> cases = {
      {"bad type", with("type: cassandra", "type: scylla"), "bad.yaml:23:13: jobs[0].sink.type must be embedded or cassandra"},
      {"misspelt key", with("consistency: LOCAL_QUORUM", "consistncy: one"), "bad.yaml:26:7: unknown key 'consistncy' in jobs[0].sink (did you mean 'consistency'?)"},
      {"bad consistency", with("LOCAL_QUORUM", "most"), "bad.yaml:26:20: jobs[0].sink.consistency 'most' is not one of"},
      {"bad port", with("h1:9043", "h1:99999"), "bad.yaml:24:24: jobs[0].sink.contact_points: 'h1:99999' has a bad port"},
      {"no contact points", with("      contact_points: [h1:9043, h2]\n", ""), "bad.yaml:23:7: jobs[0].sink needs contact_points"},
      {"in flight", with("max_in_flight: 8", "max_in_flight: 0"), "bad.yaml:27:22: jobs[0].sink.max_in_flight must be between 1"},
      {"batch rows", with("batch_rows: 50", "batch_rows: 5000"), "bad.yaml:29:19: jobs[0].sink.batch_rows must be between 1 and 1000"},
      {"sink not a map", std::string(kMinimal) + "    sink: cassandra\n", "bad.yaml:22:11: jobs[0].sink must be a mapping"},
  };
  for (const BadCase& c : cases) {
    auto r = LoadConfigText(c.text, "bad.yaml");
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.name << ": got: " << r.status().message() << "\nwanted: " << c.expect;
  }
}

TEST(ConfigLoader, DirectoryIsNamedADirectory) {
  testutil::TempDir dir("kappa-config-loader-test");
  auto r = LoadConfigFile(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a directory"), std::string::npos) << r.status().ToString();
}

TEST(ConfigLoader, ListenerLimits) {
  auto d = LoadConfigText(kMinimal, "k.yaml");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->listeners.limits.max_connections, 1024);
  EXPECT_EQ(d->listeners.limits.idle_timeout_ms, 600000);
  EXPECT_EQ(d->listeners.kafka_limits.max_partitions, 10000);
  EXPECT_EQ(d->listeners.kafka_limits.fetch_max_bytes, 55 << 20);
  EXPECT_EQ(d->listeners.cql_limits.max_statement_bytes, 1 << 20);
  auto c = LoadConfigText(std::string(kMinimal) + R"(listeners:
  kafka: 127.0.0.1:1
  limits:
    max_connections: 10
    idle_timeout: 1m
    request_timeout: 5s
    max_output_per_connection: 2MiB
    max_request_bytes_in_flight: 8MiB
  kafka_limits: {max_request_size: 1MiB, max_partitions_per_request: 5, max_partitions: 50,
                 max_fetch_size: 4MiB, max_fetch_bytes_in_flight: 32MiB}
  cql_limits: {max_frame_size: 1MiB, max_statement_size: 64KiB, prepared_cache_size: 1MiB}
)", "k.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& l = c->listeners;
  EXPECT_EQ(l.limits.max_connections, 10);
  EXPECT_EQ(l.limits.idle_timeout_ms, 60000);
  EXPECT_EQ(l.limits.request_timeout_ms, 5000);
  EXPECT_EQ(l.limits.max_output_bytes, 2u << 20);
  EXPECT_EQ(l.limits.max_inflight_request_bytes, 8u << 20);
  EXPECT_EQ(l.kafka_limits.max_request_bytes, 1 << 20);
  EXPECT_EQ(l.kafka_limits.max_partitions_per_request, 5);
  EXPECT_EQ(l.kafka_limits.max_partitions, 50);
  EXPECT_EQ(l.kafka_limits.fetch_max_bytes, 4 << 20);
  EXPECT_EQ(l.kafka_limits.max_fetch_bytes_in_flight, 32 << 20);
  EXPECT_EQ(l.cql_limits.max_frame_bytes, 1 << 20);
  EXPECT_EQ(l.cql_limits.max_statement_bytes, 64 << 10);
  EXPECT_EQ(l.cql_limits.prepared_cache_bytes, 1 << 20);
  auto bad = LoadConfigText(std::string(kMinimal) + "listeners:\n  limits:\n    max_conections: 3\n",
                            "k.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("did you mean 'max_connections'"), std::string::npos)
      << bad.status().ToString();
  bad = LoadConfigText(std::string(kMinimal) + "listeners:\n  cql_limits:\n    max_frame_size: 1GiB\n",
                       "k.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max_frame_size"), std::string::npos);
}

TEST(ConfigLoader, MissingFileIsNotFound) {
  auto r = LoadConfigFile("/nonexistent/kappa.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("/nonexistent/kappa.yaml"), std::string::npos);
}

TEST(ConfigValues, SizesDurationsTimes) {
  EXPECT_EQ(*ParseByteSize("1GiB"), int64_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("512 MiB"), int64_t{512} << 20);
  EXPECT_EQ(*ParseByteSize("4096"), 4096);
  EXPECT_FALSE(ParseByteSize("-1").ok());
  EXPECT_FALSE(ParseByteSize("1 XB").ok());
  EXPECT_EQ(*ParseDurationMs("10s"), 10000);
  EXPECT_EQ(*ParseDurationMs("200ms"), 200);
  EXPECT_EQ(*ParseDurationMs("1.5h"), 5400000);
  EXPECT_EQ(*ParseDurationMs("7d"), 604800000);
  EXPECT_EQ(*ParseDurationMs("0"), 0);
  EXPECT_FALSE(ParseDurationMs("s").ok());
  EXPECT_FALSE(ParseDurationMs("500").ok());  // a unit is required (common/units.h)
  EXPECT_EQ(*ParseTimestampMs("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestampMs("2026-01-01T00:00:00.250Z"), 1767225600250);
  EXPECT_EQ(*ParseTimestampMs("2026-01-01T01:00:00+01:00"), 1767225600000);
  EXPECT_EQ(*ParseTimestampMs("2026-01-01"), 1767225600000);
  EXPECT_EQ(*ParseTimestampMs("1767225600000"), 1767225600000);
  EXPECT_FALSE(ParseTimestampMs("2026-13-01").ok());
  EXPECT_FALSE(ParseTimestampMs("noon").ok());
}

}  // namespace
}  // namespace kappa::app
