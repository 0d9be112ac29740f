// Handler tests, data path: ApiVersions, Metadata, Produce (every version, legacy message
// sets, CRC checks, compression, idempotence), Fetch (long polls, limits, errors),
// ListOffsets, broker restarts. Requests are encoded with Writer, answered by the real
// handlers over a real Log in a temp dir, and responses decoded field by field.
#include "kafka/handlers/handlers_test_fixture.h"

namespace kappa::kafka {
namespace {

using handlers_testing::HandlersTest;

TEST_F(HandlersTest, ApiVersionsListsRegistryAndV3IsFlexible) {
  std::string v0 = Call(kApiVersionsApi, 0, "");
  Reader r(v0, false);
  EXPECT_EQ(r.Int16(), 0);
  int32_t n = r.ArrayLength();
  EXPECT_EQ(n, int32_t(AllApis().size()));
  bool saw_produce = false;
  for (int32_t i = 0; i < n; ++i) {
    int16_t key = r.Int16(), lo = r.Int16(), hi = r.Int16();
    if (key == 0) {
      saw_produce = true;
      EXPECT_EQ(lo, 0);
      EXPECT_EQ(hi, 7);
    }
  }
  EXPECT_TRUE(saw_produce);
  EXPECT_EQ(r.remaining(), 0u);

  Writer req(true);
  req.String("librdkafka");
  req.String("2.0.2");
  req.EmptyTaggedFields();
  std::string v3 = Call(kApiVersionsApi, 3, req.Take());
  Reader f(v3, true);
  EXPECT_EQ(f.Int16(), 0);
  EXPECT_EQ(f.ArrayLength(), n);  // compact array
  for (int32_t i = 0; i < n; ++i) {
    f.Int16();
    f.Int16();
    f.Int16();
    f.SkipTaggedFields();
  }
  EXPECT_EQ(f.Int32(), 0);
  f.SkipTaggedFields();
  EXPECT_TRUE(f.ok());
  EXPECT_EQ(f.remaining(), 0u);
}

TEST_F(HandlersTest, MetadataAutoCreatesUnlessDisallowed) {
  Writer w(false);
  w.ArrayLength(1);
  w.String("auto");
  w.Bool(true);
  std::string resp = Call(kMetadataApi, 4, w.Take());
  EXPECT_TRUE(log_->TopicExists("auto"));
  Reader r(resp, false);
  r.Int32();
  EXPECT_EQ(r.ArrayLength(), 1);
  EXPECT_EQ(r.Int32(), 0);
  EXPECT_EQ(r.String(), "127.0.0.1");
  EXPECT_EQ(r.Int32(), 9092);

  Writer w2(false);
  w2.ArrayLength(1);
  w2.String("nope");
  w2.Bool(false);
  Call(kMetadataApi, 4, w2.Take());
  EXPECT_FALSE(log_->TopicExists("nope"));
}

TEST_F(HandlersTest, ProduceThenFetchEveryVersion) {
  int64_t expected = 0;
  for (int16_t v = 3; v <= 7; ++v) {
    auto pr = Produce(v, "t", Batch({"a", "b", "c"}));
    EXPECT_EQ(pr.error, 0);
    EXPECT_EQ(pr.base_offset, expected);
    expected += 3;
  }
  for (int16_t v = 0; v <= 11; ++v) {
    auto fr = ParseFetch(v, Call(kFetchApi, v, FetchBody(v, "t", 3, 0, 1)));
    EXPECT_EQ(fr.error, 0) << "fetch v" << v;
    EXPECT_EQ(fr.high_watermark, expected);
    ASSERT_FALSE(fr.records.empty()) << "fetch v" << v;
    // v4+ returns the stored v2 batches; v0..3 get magic 0/1 message sets.
    EXPECT_EQ(int(fr.records[16]), v >= 4 ? 2 : (v <= 1 ? 0 : 1)) << "fetch v" << v;
  }
}

TEST_F(HandlersTest, ProduceLegacyMessageSetIsConverted) {
  // One magic-1 message: offset, size, crc, magic, attrs, timestamp, key(null), value "hi".
  std::string msg;
  msg.push_back(1);
  msg.push_back(0);
  coding::AppendBE64(&msg, 1234);
  coding::AppendBE32(&msg, uint32_t(-1));
  coding::AppendBE32(&msg, 2);
  msg += "hi";
  uint32_t crc = 0;
  {
    // CRC-32 (IEEE) of magic..end, computed bitwise here to stay independent of zlib.
    uint32_t c = 0xffffffff;
    for (unsigned char ch : msg) {
      c ^= ch;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    crc = ~c;
  }
  std::string set;
  coding::AppendBE64(&set, 0);
  coding::AppendBE32(&set, uint32_t(msg.size() + 4));
  coding::AppendBE32(&set, crc);
  set += msg;
  auto pr = Produce(2, "legacy", set);
  EXPECT_EQ(pr.error, 0);
  auto recs = (*log_->GetPartition("legacy", PartitionId(0)))->ReadRecords(Offset(0), 10);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ(*(*recs)[0].record.value, "hi");
  EXPECT_EQ((*recs)[0].record.timestamp, TimestampMs(1234));
  // A flipped byte fails the message CRC: nothing appended.
  set[set.size() - 1] ^= 1;
  EXPECT_EQ(Produce(2, "legacy", set).error, Code(ErrorCode::kCorruptMessage));
  EXPECT_EQ((*log_->GetPartition("legacy", PartitionId(0)))->EndOffset(), Offset(1));
}

TEST_F(HandlersTest, BadCrcIsRejectedAndLogUntouched) {
  ASSERT_EQ(Produce(7, "crc", Batch({"ok"})).error, 0);
  std::string bad = Batch({"x", "y"});
  bad[bad.size() - 1] ^= 0x55;
  EXPECT_EQ(Produce(7, "crc", bad).error, Code(ErrorCode::kCorruptMessage));
  std::string truncated = Batch({"x"}).substr(0, 40);
  EXPECT_EQ(Produce(7, "crc", truncated).error, Code(ErrorCode::kCorruptMessage));
  EXPECT_EQ((*log_->GetPartition("crc", PartitionId(0)))->EndOffset(), Offset(1));
}

TEST_F(HandlersTest, CompressedBatchesStoredAsSent) {
  for (auto c : {log::Compression::kGzip, log::Compression::kSnappy, log::Compression::kLz4,
                 log::Compression::kZstd}) {
    std::string b = Batch({"one", "two"}, -1, -1, c);
    auto pr = Produce(7, "z", b);
    EXPECT_EQ(pr.error, 0);
    auto fr = ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "z", pr.base_offset, 0, 1)));
    ASSERT_GE(fr.records.size(), b.size());
    // Byte for byte as sent, except the assigned base offset.
    EXPECT_EQ(fr.records.substr(8, b.size() - 8), b.substr(8));
  }
}

TEST_F(HandlersTest, IdempotentDuplicatesAndGaps) {
  int64_t pid = 0;
  {
    Writer w(false);
    w.NullableString(std::nullopt);
    w.Int32(60000);
    std::string resp = Call(kInitProducerIdApi, 1, w.Take());
    Reader r(resp, false);
    r.Int32();
    EXPECT_EQ(r.Int16(), 0);
    pid = r.Int64();
    EXPECT_EQ(r.Int16(), 0);
  }
  auto first = Produce(7, "idem", Batch({"a", "b"}, pid, 0));
  EXPECT_EQ(first.error, 0);
  auto retry = Produce(7, "idem", Batch({"a", "b"}, pid, 0));
  EXPECT_EQ(retry.error, 0);
  EXPECT_EQ(retry.base_offset, first.base_offset);
  EXPECT_EQ(Produce(7, "idem", Batch({"c"}, pid, 5)).error,
            Code(ErrorCode::kOutOfOrderSequenceNumber));
  EXPECT_EQ(Produce(7, "idem", Batch({"c"}, pid, 2)).base_offset, 2);
  EXPECT_EQ((*log_->GetPartition("idem", PartitionId(0)))->EndOffset(), Offset(3));
}

TEST_F(HandlersTest, FetchLongPollAnsweredByAppendOrTimeout) {
  ASSERT_EQ(Produce(7, "lp", Batch({"a"})).error, 0);
  auto pending = CallAsync(kFetchApi, 11, FetchBody(11, "lp", 1, 5000, 1));
  EXPECT_FALSE(pending->has_value());  // nothing past offset 1 yet: it waits
  ASSERT_EQ(Produce(7, "lp", Batch({"b"})).error, 0);
  sched_->RunPosted();  // the append listener hops to the connection's executor
  ASSERT_TRUE(pending->has_value());
  auto fr = ParseFetch(11, (*pending)->body);
  EXPECT_EQ(fr.high_watermark, 2);
  EXPECT_FALSE(fr.records.empty());

  auto idle = CallAsync(kFetchApi, 11, FetchBody(11, "lp", 2, 5000, 1));
  EXPECT_FALSE(idle->has_value());
  sched_->FireTimers();  // max_wait elapsed
  sched_->RunPosted();
  ASSERT_TRUE(idle->has_value());
  EXPECT_TRUE(ParseFetch(11, (*idle)->body).records.empty());
}

TEST_F(HandlersTest, FetchOutOfRangeAndUnknownTopic) {
  ASSERT_EQ(Produce(7, "r", Batch({"a"})).error, 0);
  EXPECT_EQ(ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "r", 5, 0, 1))).error,
            Code(ErrorCode::kOffsetOutOfRange));
  EXPECT_EQ(ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "ghost", 0, 0, 1))).error,
            Code(ErrorCode::kUnknownTopicOrPartition));
}

TEST_F(HandlersTest, FetchRespectsByteLimitsButReturnsOneBatch) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Produce(7, "lim", Batch({std::string(1000, 'x')})).error, 0);
  auto fr = ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "lim", 0, 0, 1, 10)));
  auto h = log::ParseBatchHeader(fr.records);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(fr.records.size(), h->size_bytes());  // exactly one whole batch
  auto all = ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "lim", 0, 0, 1, 1 << 20)));
  EXPECT_EQ(all.records.size(), 5 * h->size_bytes());
}

TEST_F(HandlersTest, ListOffsetsEarliestLatestByTime) {
  clock_.SetMs(1000);
  ASSERT_EQ(Produce(7, "lo", Batch({"a"})).error, 0);
  clock_.SetMs(2000);
  ASSERT_EQ(Produce(7, "lo", Batch({"b"})).error, 0);
  auto query = [&](int16_t v, int64_t ts) {
    Writer w(false);
    w.Int32(-1);
    if (v >= 2) w.Int8(0);
    w.ArrayLength(1);
    w.String("lo");
    w.ArrayLength(1);
    w.Int32(0);
    if (v >= 4) w.Int32(-1);
    w.Int64(ts);
    if (v == 0) w.Int32(1);
    std::string resp = Call(kListOffsetsApi, v, w.Take());
    Reader r(resp, false);
    if (v >= 2) r.Int32();
    r.ArrayLength();
    r.String();
    r.ArrayLength();
    r.Int32();
    EXPECT_EQ(r.Int16(), 0);
    int64_t off;
    if (v == 0) {
      EXPECT_EQ(r.ArrayLength(), 1);
      off = r.Int64();
    } else {
      r.Int64();
      off = r.Int64();
      if (v >= 4) r.Int32();
    }
    EXPECT_EQ(r.remaining(), 0u);
    return off;
  };
  for (int16_t v = 0; v <= 5; ++v) {
    EXPECT_EQ(query(v, -2), 0);
    EXPECT_EQ(query(v, -1), 2);
    if (v >= 1) {
      EXPECT_EQ(query(v, 1500), 1);
    }
  }
}


TEST_F(HandlersTest, IdempotentStateSurvivesBrokerRestart) {
  auto first = Produce(7, "re", Batch({"a", "b"}, 77, 0));
  ASSERT_EQ(first.error, 0);
  ASSERT_EQ(Produce(7, "re", Batch({"c"}, 77, 2)).error, 0);
  // A new Broker over the same log: state is rebuilt from the partition's batch headers.
  BrokerConfig c;
  broker_ = std::make_unique<Broker>(log_.get(), c, &clock_);
  auto retry = Produce(7, "re", Batch({"a", "b"}, 77, 0));
  EXPECT_EQ(retry.error, 0);
  EXPECT_EQ(retry.base_offset, first.base_offset);
  EXPECT_EQ(Produce(7, "re", Batch({"d"}, 77, 9)).error,
            Code(ErrorCode::kOutOfOrderSequenceNumber));
  EXPECT_EQ(Produce(7, "re", Batch({"d"}, 77, 3)).base_offset, 3);
  EXPECT_EQ((*log_->GetPartition("re", PartitionId(0)))->EndOffset(), Offset(4));
}


// The error codes a response carries travel with it, for kappa_kafka_errors_total.
TEST_F(HandlersTest, ResponsesCarryTheirErrorCodes) {
  ASSERT_EQ(Produce(7, "tally", Batch({"a"})).error, 0);
  auto ok = CallAsync(kFetchApi, 11, FetchBody(11, "tally", 0, 0, 1));
  ASSERT_TRUE(ok->has_value());
  EXPECT_TRUE((*ok)->errors.counts.empty());
  auto bad = CallAsync(kFetchApi, 11, FetchBody(11, "tally", 5, 0, 1));
  ASSERT_TRUE(bad->has_value());
  ASSERT_EQ((*bad)->errors.counts.size(), 1u);
  EXPECT_EQ((*bad)->errors.counts[0].first, ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ((*bad)->errors.counts[0].second, 1u);
  EXPECT_STREQ(ErrorName((*bad)->errors.counts[0].first), "OFFSET_OUT_OF_RANGE");
}

TEST_F(HandlersTest, TopicDeletedWhileFetchWaits) {
  ASSERT_EQ(Produce(7, "gone", Batch({"a"})).error, 0);
  auto pending = CallAsync(kFetchApi, 11, FetchBody(11, "gone", 1, 5000, 1));
  ASSERT_FALSE(pending->has_value());
  ASSERT_TRUE(log_->DeleteTopic("gone").ok());
  sched_->FireTimers();
  sched_->RunPosted();
  ASSERT_TRUE(pending->has_value());
  EXPECT_EQ(ParseFetch(11, (*pending)->body).error, Code(ErrorCode::kUnknownTopicOrPartition));
}


}  // namespace
}  // namespace kappa::kafka
