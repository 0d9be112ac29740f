// The console's KafkaSource over a real log, with and without the Kafka server's
// administration: reads from any position (retention included), time lookups inside a
// batch, produce with Kafka's default partitioner, groups from committed offsets and from
// the live coordinator, and resets refused while a group is active.
#include "app/console_kafka_source.h"

#include <gtest/gtest.h>

#include "connect/connect.h"
#include "kafka/kafka.h"
#include "log/log.h"
#include "testutil/temp_dir.h"

namespace kappa::app {
namespace {

class ConsoleKafkaSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions o;
    o.dir = dir_.path();
    o.retention_check_ms = 0;
    auto l = log::Log::Open(o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
    ASSERT_TRUE(log_->CreateTopic("t", 3).ok());
    source_ = NewConsoleKafkaSource(log_.get(), nullptr);
  }
  void TearDown() override {
    source_.reset();
    if (server_) server_->Stop();
    server_.reset();
    (void)log_->Close();
  }
  // One batch of records with the given timestamps into partition p.
  void Append(int32_t p, std::vector<int64_t> timestamps) {
    std::vector<log::Record> recs;
    for (int64_t ts : timestamps) {
      log::Record r;
      r.key = "k" + std::to_string(ts);
      r.value = "v" + std::to_string(ts);
      r.headers.push_back({"h", std::nullopt});
      r.timestamp = TimestampMs(ts);
      recs.push_back(r);
    }
    ASSERT_TRUE((*log_->GetPartition("t", PartitionId(p)))->Append(recs).ok());
  }
  void StartServer() {
    kafka::KafkaServerOptions ko;
    ko.listen_port = 0;
    ko.group_initial_rebalance_delay_ms = 0;
    auto s = kafka::KafkaServer::Start(log_.get(), ko);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    source_ = NewConsoleKafkaSource(log_.get(), &server_->admin());
  }

  testutil::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<kafka::KafkaServer> server_;
  std::unique_ptr<console::KafkaSource> source_;
};

TEST_F(ConsoleKafkaSourceTest, ReadsAndFindsTimesInsideABatch) {
  Append(0, {100, 200, 300});
  Append(0, {400, 500});
  auto all = source_->Read("t", 0, 0, 100, 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[3].offset, 3);
  EXPECT_EQ((*all)[3].timestamp_ms, 400);
  EXPECT_EQ((*all)[3].key, "k400");
  ASSERT_EQ((*all)[3].headers.size(), 1u);
  EXPECT_FALSE((*all)[3].headers[0].value);
  // From the middle of a batch, capped, and past the end.
  auto mid = source_->Read("t", 0, 1, 2, 1 << 20);
  ASSERT_EQ(mid->size(), 2u);
  EXPECT_EQ((*mid)[0].offset, 1);
  EXPECT_TRUE(source_->Read("t", 0, 5, 10, 1 << 20)->empty());
  EXPECT_TRUE(source_->Read("t", 9, 0, 10, 1 << 20).status().IsNotFound());
  // The log finds the batch; the source the record within it.
  EXPECT_EQ(*source_->OffsetForTime("t", 0, 150), 1);
  EXPECT_EQ(*source_->OffsetForTime("t", 0, 400), 3);
  EXPECT_EQ(*source_->OffsetForTime("t", 0, 0), 0);
  EXPECT_EQ(*source_->OffsetForTime("t", 0, 999), 5);
  // Below the start offset (records deleted): read from the start.
  ASSERT_TRUE((*log_->GetPartition("t", PartitionId(0)))->DeleteRecordsBefore(Offset(3)).ok());
  auto after = source_->Read("t", 0, 0, 10, 1 << 20);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].offset, 3);
  auto stat = source_->DescribeTopic("t");
  EXPECT_EQ(stat->partitions[0].start_offset, 3);
  EXPECT_EQ(stat->partitions[0].end_offset, 5);
}

TEST_F(ConsoleKafkaSourceTest, ProducePartitionsAsKafkaDoes) {
  console::ProduceRequest r{"t", std::nullopt, "user-42", "v", {{"src", "console"}}};
  auto keyed = source_->Produce(r);
  ASSERT_TRUE(keyed.ok());
  EXPECT_EQ(keyed->partition, connect::PartitionForKey("user-42", 3));
  r.partition = 2;
  EXPECT_EQ(source_->Produce(r)->partition, 2);
  r.partition = 3;
  EXPECT_TRUE(source_->Produce(r).status().IsInvalidArgument());
  r.partition.reset();
  r.key.reset();
  std::set<int32_t> spread;
  for (int i = 0; i < 3; ++i) spread.insert(source_->Produce(r)->partition);
  EXPECT_EQ(spread.size(), 3u);  // round robin without a key
  r.topic = "ghost";
  EXPECT_TRUE(source_->Produce(r).status().IsNotFound());
  auto back = source_->Read("t", 2, 0, 10, 1 << 20);
  ASSERT_FALSE(back->empty());
  EXPECT_EQ((*back)[0].headers[0].value, "console");
}

TEST_F(ConsoleKafkaSourceTest, TopicsWithoutAndWithTheKafkaServer) {
  EXPECT_TRUE(source_->CreateTopic("plain", 2, {}).ok());
  // Without the Kafka server, configs cannot be validated as Kafka does: refused.
  EXPECT_TRUE(source_->CreateTopic("cfg", 1, {{"retention.ms", "1000"}}).IsInvalidArgument());
  auto configs = source_->TopicConfigs("plain");
  ASSERT_TRUE(configs.ok());
  EXPECT_EQ(configs->size(), 4u);
  EXPECT_TRUE(source_->DeleteTopic("_schemas").IsInvalidArgument());
  EXPECT_TRUE(source_->DeleteTopic("plain").ok());
  EXPECT_TRUE(source_->DeleteTopic("plain").IsNotFound());

  StartServer();
  EXPECT_TRUE(source_->CreateTopic("cfg", 1, {{"retention.ms", "1000"}}).ok());
  EXPECT_EQ(log_->DescribeTopic("cfg")->config.retention_ms, 1000);
  EXPECT_GT(source_->TopicConfigs("cfg")->size(), 20u);  // every Kafka topic config
}

TEST_F(ConsoleKafkaSourceTest, GroupsFromOffsetsAndResets) {
  Append(1, {1, 2, 3});
  ASSERT_TRUE(log_->offsets().Commit("offline", "t", PartitionId(1), Offset(1)).ok());
  auto groups = source_->ListGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].state, "Empty");
  auto d = source_->DescribeGroup("offline");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->offsets.size(), 1u);
  EXPECT_EQ(d->offsets[0].offset, 1);
  EXPECT_TRUE(source_->DescribeGroup("nobody").status().IsNotFound());
  ASSERT_TRUE(source_->CommitOffsets("offline", {{"t", 1, 3}}).ok());
  EXPECT_EQ(log_->offsets().Fetch("offline", "t", PartitionId(1))->offset, Offset(3));
  EXPECT_TRUE(source_->CommitOffsets("offline", {{"t", 7, 0}}).IsNotFound());

  StartServer();  // the same through the server's administration (no members: allowed)
  ASSERT_TRUE(source_->CommitOffsets("offline", {{"t", 1, 0}}).ok());
  EXPECT_EQ(source_->DescribeGroup("offline")->offsets[0].offset, 0);
}

}  // namespace
}  // namespace kappa::app
