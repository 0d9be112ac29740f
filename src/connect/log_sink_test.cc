// The producer task into the embedded log: counts, keys, partitioning, dead letters.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/uuid.h"
#include "connect/connect.h"
#include "log/log.h"
#include "log/record_batch.h"
#include "testutil/temp_dir.h"

namespace kappa::connect {
namespace {

class LogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions o;
    o.dir = dir_.Sub("log");
    o.retention_check_ms = 0;
    auto l = log::Log::Open(o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(l).value();
  }
  void TearDown() override {
    if (log_) (void)log_->Close();
    log_.reset();
  }

  // Every record of the topic, with its partition.
  std::vector<std::pair<int32_t, log::Record>> ReadAll(const std::string& topic) {
    std::vector<std::pair<int32_t, log::Record>> out;
    auto d = log_->DescribeTopic(topic);
    EXPECT_TRUE(d.ok());
    for (const auto& pi : d->partitions) {
      auto part = log_->GetPartition(topic, pi.partition);
      EXPECT_TRUE(part.ok());
      Offset from(0);
      while (from < (*part)->EndOffset()) {
        auto recs = (*part)->ReadRecords(from, 10000);
        EXPECT_TRUE(recs.ok()) << recs.status().ToString();
        if (!recs.ok() || recs->empty()) break;
        for (auto& r : *recs) out.emplace_back(pi.partition.value(), r.record);
        from = recs->back().offset + 1;
      }
    }
    return out;
  }

  testutil::TempDir dir_{"kappa-connect-log-sink-test"};
  std::unique_ptr<log::Log> log_;
};

TEST_F(LogSinkTest, ProducerWritesKeyedRecordsAcrossPartitions) {
  ASSERT_TRUE(log_->CreateTopic("users_created", 3).ok());
  auto sink = NewLogSink(log_.get());
  RandomUserOptions ro;
  ro.results = 300;
  auto src = NewRandomUserSource(ro);
  ASSERT_TRUE(src.ok());
  auto mapping = Mapping::FromYaml(kSeedMappingYaml, kSeedMappingName, "builtin");
  ASSERT_TRUE(mapping.ok());
  ProducerOptions po;
  po.max_records = 1000;
  ProducerTask task(std::move(src).value(), *mapping, sink.get(), po);
  ASSERT_TRUE(task.Run().ok());
  EXPECT_EQ(task.stats().produced, 1000u);

  auto all = ReadAll("users_created");
  ASSERT_EQ(all.size(), 1000u);
  std::set<std::string> keys;
  std::set<int32_t> used;
  simdjson::dom::parser p;
  for (const auto& [partition, r] : all) {
    ASSERT_TRUE(r.key.has_value());
    ASSERT_TRUE(r.value.has_value());
    EXPECT_TRUE(Uuid::Parse(*r.key).has_value());
    EXPECT_EQ(partition, PartitionForKey(*r.key, 3));  // Kafka's partitioner
    simdjson::dom::element rec;
    ASSERT_EQ(p.parse(*r.value).get(rec), simdjson::SUCCESS);
    std::string_view id;
    ASSERT_EQ(rec["id"].get(id), simdjson::SUCCESS);
    EXPECT_EQ(id, *r.key);
    EXPECT_GT(r.timestamp.value(), 0);
    keys.insert(*r.key);
    used.insert(partition);
  }
  EXPECT_EQ(keys.size(), 1000u);
  EXPECT_EQ(used.size(), 3u);
}

TEST_F(LogSinkTest, NullKeysRoundRobinAndHeadersAreKept) {
  ASSERT_TRUE(log_->CreateTopic("dlq", 2).ok());
  auto sink = NewLogSink(log_.get());
  const SinkHeader h[] = {{"error", "field 'x': path 'x' not found"}, {"mapping", "m"}};
  std::vector<SinkRecord> recs;
  for (int i = 0; i < 4; ++i) recs.push_back(SinkRecord{{}, "{\"raw\":1}", 0, h});
  ASSERT_TRUE(sink->AppendBatch("dlq", recs).ok());
  auto all = ReadAll("dlq");
  ASSERT_EQ(all.size(), 4u);
  int per[2] = {0, 0};
  for (const auto& [partition, r] : all) {
    ++per[partition];
    EXPECT_FALSE(r.key.has_value());  // null key, not empty
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0].key, "error");
    EXPECT_EQ(r.headers[0].value, "field 'x': path 'x' not found");
  }
  EXPECT_EQ(per[0], 2);
  EXPECT_EQ(per[1], 2);
}

TEST_F(LogSinkTest, MissingTopicIsNotFound) {
  auto sink = NewLogSink(log_.get());
  SinkRecord r{"k", "v", 0, {}};
  Status s = sink->AppendBatch("nope", std::span<const SinkRecord>(&r, 1));
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
}

// `kappa produce` through the sink: records to the partition it chose, an empty key kept
// apart from a null one, batches in the asked codec; a partition the topic lacks is refused
// before anything is written.
TEST_F(LogSinkTest, ExplicitPartitionsEmptyKeysAndCompression) {
  ASSERT_TRUE(log_->CreateTopic("lines", 2).ok());
  auto sink = NewLogSink(log_.get(), {log::Compression::kZstd});
  std::vector<SinkRecord> recs(3);
  recs[0].key = "";
  recs[0].empty_key = true;
  recs[0].value = "empty key";
  recs[0].partition = 1;
  recs[1].value = "null key";
  recs[1].partition = 1;
  recs[2].key = "k";
  recs[2].value = "keyed";
  recs[2].partition = 0;  // not where murmur2("k") would put it: the given partition wins
  for (int round = 0; round < 2; ++round) {  // the reused builder starts clean each call
    ASSERT_TRUE(sink->AppendBatch("lines", recs).ok());
  }
  auto all = ReadAll("lines");
  ASSERT_EQ(all.size(), 6u);
  std::vector<std::pair<int32_t, std::string>> got;
  for (const auto& [p, r] : all) got.emplace_back(p, *r.value);
  EXPECT_EQ(got, (std::vector<std::pair<int32_t, std::string>>{
                     {0, "keyed"}, {0, "keyed"}, {1, "empty key"}, {1, "null key"},
                     {1, "empty key"}, {1, "null key"}}));
  ASSERT_TRUE(all[2].second.key.has_value());
  EXPECT_EQ(*all[2].second.key, "");
  EXPECT_FALSE(all[3].second.key.has_value());
  auto part = log_->GetPartition("lines", PartitionId(1));
  ASSERT_TRUE(part.ok());
  auto raw = (*part)->Read(Offset(0), 1 << 20);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  auto header = log::ParseBatchHeader(raw->bytes);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->compression(), log::Compression::kZstd);

  SinkRecord bad{"", "v", 0, {}, 2};
  auto before = (*part)->EndOffset();
  Status st = sink->AppendBatch("lines", std::span<const SinkRecord>(&bad, 1));
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("no partition 2"), std::string::npos) << st.message();
  EXPECT_EQ((*part)->EndOffset(), before);
}

}  // namespace
}  // namespace kappa::connect
