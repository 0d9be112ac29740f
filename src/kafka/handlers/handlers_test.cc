// Handler tests: requests encoded with Writer, answered by the real handlers over a real Log
// in a temp dir, responses decoded with Reader field by field.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/coding.h"
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {
namespace {

class ManualScheduler final : public Scheduler {
 public:
  void RunAfter(int64_t delay_ms, std::function<void()> fn) override {
    timers.push_back(std::move(fn));
  }
  void Post(std::function<void()> fn) override { posted.push_back(std::move(fn)); }
  void RunPosted() {
    auto p = std::move(posted);
    posted.clear();
    for (auto& f : p) f();
  }
  void FireTimers() {
    auto t = std::move(timers);
    timers.clear();
    for (auto& f : t) f();
  }
  std::vector<std::function<void()>> timers, posted;
};

class HandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kappa-kafka-handlers-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    log::LogOptions o;
    o.dir = dir_.string();
    o.clock = &clock_;
    o.retention_check_ms = 0;
    auto l = log::Log::Open(o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
    BrokerConfig c;
    c.port = 9092;
    broker_ = std::make_unique<Broker>(log_.get(), c, &clock_);
    sched_ = std::make_shared<ManualScheduler>();
  }
  void TearDown() override {
    broker_.reset();
    (void)log_->Close();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Calls the handler; returns the response (nullopt if it has not answered yet).
  std::shared_ptr<std::optional<Response>> CallAsync(const ApiSpec& api, int16_t version,
                                                     const std::string& body) {
    auto out = std::make_shared<std::optional<Response>>();
    RequestContext ctx;
    ctx.api_key = api.key;
    ctx.api_version = version;
    ctx.flexible = version >= api.first_flexible_version;
    ctx.client_id = "test";
    ctx.broker = broker_.get();
    ctx.scheduler = sched_;
    Reader in(body, ctx.flexible);
    api.handler(ctx, in, Responder([out](Response r) { *out = std::move(r); }));
    return out;
  }
  std::string Call(const ApiSpec& api, int16_t version, const std::string& body) {
    auto r = CallAsync(api, version, body);
    EXPECT_TRUE(r->has_value());
    if (!r->has_value()) return {};
    EXPECT_EQ((*r)->kind, Response::Kind::kSend) << (*r)->reason;
    return (*r)->body;
  }

  std::string Batch(std::vector<std::string> values, int64_t pid = -1, int32_t seq = -1,
                    log::Compression c = log::Compression::kNone) {
    log::RecordBatchBuilder b(c, clock_.NowMs());
    if (pid >= 0) b.SetProducer(pid, 0, seq);
    for (auto& v : values) b.Add(std::nullopt, v);
    return b.Finish().value();
  }

  std::string ProduceBody(int16_t v, const std::string& topic, const std::string& records,
                          int16_t acks = -1) {
    Writer w(false);
    if (v >= 3) w.NullableString(std::nullopt);
    w.Int16(acks);
    w.Int32(1000);
    w.ArrayLength(1);
    w.String(topic);
    w.ArrayLength(1);
    w.Int32(0);
    w.Bytes(records);
    return w.Take();
  }
  struct ProduceResult {
    int16_t error;
    int64_t base_offset;
  };
  ProduceResult Produce(int16_t v, const std::string& topic, const std::string& records) {
    std::string resp = Call(kProduceApi, v, ProduceBody(v, topic, records));
    Reader r(resp, false);
    EXPECT_EQ(r.ArrayLength(), 1);
    EXPECT_EQ(r.String(), topic);
    EXPECT_EQ(r.ArrayLength(), 1);
    EXPECT_EQ(r.Int32(), 0);
    ProduceResult out{r.Int16(), r.Int64()};
    if (v >= 2) r.Int64();
    if (v >= 5) r.Int64();
    if (v >= 1) r.Int32();
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
    return out;
  }

  std::string FetchBody(int16_t v, const std::string& topic, int64_t offset, int32_t max_wait,
                        int32_t min_bytes, int32_t max_bytes = 1 << 20) {
    Writer w(false);
    w.Int32(-1);
    w.Int32(max_wait);
    w.Int32(min_bytes);
    if (v >= 3) w.Int32(max_bytes);
    if (v >= 4) w.Int8(0);
    if (v >= 7) {
      w.Int32(0);
      w.Int32(-1);
    }
    w.ArrayLength(1);
    w.String(topic);
    w.ArrayLength(1);
    w.Int32(0);
    if (v >= 9) w.Int32(-1);
    w.Int64(offset);
    if (v >= 5) w.Int64(-1);
    w.Int32(max_bytes);
    if (v >= 7) w.ArrayLength(0);
    if (v >= 11) w.String("");
    return w.Take();
  }
  struct FetchResult {
    int16_t error;
    int64_t high_watermark;
    std::string records;
  };
  FetchResult ParseFetch(int16_t v, const std::string& resp) {
    Reader r(resp, false);
    if (v >= 1) r.Int32();
    if (v >= 7) {
      EXPECT_EQ(r.Int16(), 0);
      r.Int32();
    }
    EXPECT_EQ(r.ArrayLength(), 1);
    r.String();
    EXPECT_EQ(r.ArrayLength(), 1);
    EXPECT_EQ(r.Int32(), 0);
    FetchResult out;
    out.error = r.Int16();
    out.high_watermark = r.Int64();
    if (v >= 4) {
      r.Int64();
      if (v >= 5) r.Int64();
      r.ArrayLength();
    }
    if (v >= 11) r.Int32();
    out.records = std::string(r.Bytes());
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
    return out;
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<Broker> broker_;
  std::shared_ptr<ManualScheduler> sched_;
};

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

TEST_F(HandlersTest, CreateDeleteTopicsAndPartitions) {
  auto create = [&](const std::string& name, int32_t parts, int16_t rf) {
    Writer w(false);
    w.ArrayLength(1);
    w.String(name);
    w.Int32(parts);
    w.Int16(rf);
    w.ArrayLength(0);
    w.ArrayLength(1);
    w.String("retention.ms");
    w.NullableString("60000");
    w.Int32(1000);
    w.Bool(false);
    std::string resp = Call(kCreateTopicsApi, 4, w.Take());
    Reader r(resp, false);
    r.Int32();
    r.ArrayLength();
    r.String();
    int16_t e = r.Int16();
    r.NullableString();
    return e;
  };
  EXPECT_EQ(create("ct", 3, 1), 0);
  EXPECT_EQ(log_->DescribeTopic("ct")->partitions.size(), 3u);
  EXPECT_EQ(log_->DescribeTopic("ct")->config.retention_ms, 60000);
  EXPECT_EQ(create("ct", 3, 1), Code(ErrorCode::kTopicAlreadyExists));
  EXPECT_EQ(create("bad name!", 1, 1), Code(ErrorCode::kInvalidTopicException));
  EXPECT_EQ(create("rf", 1, 3), Code(ErrorCode::kInvalidReplicationFactor));

  Writer cp(false);
  cp.ArrayLength(1);
  cp.String("ct");
  cp.Int32(5);
  cp.ArrayLength(-1);
  cp.Int32(1000);
  cp.Bool(false);
  Call(kCreatePartitionsApi, 1, cp.Take());
  EXPECT_EQ(log_->DescribeTopic("ct")->partitions.size(), 5u);

  Writer d(false);
  d.ArrayLength(2);
  d.String("ct");
  d.String("ghost");
  d.Int32(1000);
  std::string resp = Call(kDeleteTopicsApi, 3, d.Take());
  Reader r(resp, false);
  r.Int32();
  EXPECT_EQ(r.ArrayLength(), 2);
  r.String();
  EXPECT_EQ(r.Int16(), 0);
  r.String();
  EXPECT_EQ(r.Int16(), Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_FALSE(log_->TopicExists("ct"));
}

TEST_F(HandlersTest, GroupJoinSyncCommitFetchDescribeDelete) {
  ASSERT_EQ(Produce(7, "gt", Batch({"a", "b"})).error, 0);
  auto join = [&](const std::string& member) {
    Writer w(false);
    w.String("grp");
    w.Int32(10000);
    w.Int32(10000);
    w.String(member);
    w.NullableString(std::nullopt);
    w.String("consumer");
    w.ArrayLength(1);
    w.String("range");
    w.Bytes("meta");
    std::string resp = Call(kJoinGroupApi, 5, w.Take());
    Reader r(resp, false);
    r.Int32();
    int16_t e = r.Int16();
    int32_t gen = r.Int32();
    r.String();
    r.String();
    std::string id(r.String());
    return std::make_tuple(e, gen, id);
  };
  auto [e1, g1, id] = join("");
  EXPECT_EQ(e1, Code(ErrorCode::kMemberIdRequired));
  auto [e2, gen, id2] = join(id);
  EXPECT_EQ(e2, 0);
  EXPECT_EQ(gen, 1);

  Writer s(false);
  s.String("grp");
  s.Int32(gen);
  s.String(id);
  s.NullableString(std::nullopt);
  s.ArrayLength(1);
  s.String(id);
  s.Bytes("assignment");
  std::string sresp = Call(kSyncGroupApi, 3, s.Take());
  Reader sr(sresp, false);
  sr.Int32();
  EXPECT_EQ(sr.Int16(), 0);
  EXPECT_EQ(sr.Bytes(), "assignment");

  Writer c(false);
  c.String("grp");
  c.Int32(gen);
  c.String(id);
  c.NullableString(std::nullopt);
  c.ArrayLength(1);
  c.String("gt");
  c.ArrayLength(1);
  c.Int32(0);
  c.Int64(2);
  c.Int32(-1);
  c.NullableString("meta");
  std::string cresp = Call(kOffsetCommitApi, 7, c.Take());
  Reader cr(cresp, false);
  cr.Int32();
  cr.ArrayLength();
  cr.String();
  cr.ArrayLength();
  cr.Int32();
  EXPECT_EQ(cr.Int16(), 0);
  EXPECT_EQ(log_->offsets().Fetch("grp", "gt", PartitionId(0))->offset, Offset(2));

  Writer f(false);
  f.String("grp");
  f.ArrayLength(-1);  // all committed partitions
  std::string fresp = Call(kOffsetFetchApi, 5, f.Take());
  Reader fr(fresp, false);
  fr.Int32();
  EXPECT_EQ(fr.ArrayLength(), 1);
  EXPECT_EQ(fr.String(), "gt");
  EXPECT_EQ(fr.ArrayLength(), 1);
  EXPECT_EQ(fr.Int32(), 0);
  EXPECT_EQ(fr.Int64(), 2);
  fr.Int32();
  EXPECT_EQ(*fr.NullableString(), "meta");
  EXPECT_EQ(fr.Int16(), 0);
  EXPECT_EQ(fr.Int16(), 0);
  EXPECT_EQ(fr.remaining(), 0u);

  Writer d(false);
  d.ArrayLength(1);
  d.String("grp");
  d.Bool(false);
  std::string dresp = Call(kDescribeGroupsApi, 4, d.Take());
  Reader dr(dresp, false);
  dr.Int32();
  EXPECT_EQ(dr.ArrayLength(), 1);
  EXPECT_EQ(dr.Int16(), 0);
  EXPECT_EQ(dr.String(), "grp");
  EXPECT_EQ(dr.String(), "Stable");

  Writer del(false);
  del.ArrayLength(1);
  del.String("grp");
  auto delete_error = [&] {
    std::string resp = Call(kDeleteGroupsApi, 1, del.buffer());
    Reader r(resp, false);
    r.Int32();
    r.ArrayLength();
    r.String();
    return r.Int16();
  };
  EXPECT_EQ(delete_error(), Code(ErrorCode::kNonEmptyGroup));
  Writer lv(false);
  lv.String("grp");
  lv.ArrayLength(1);
  lv.String(id);
  lv.NullableString(std::nullopt);
  Call(kLeaveGroupApi, 3, lv.Take());
  EXPECT_EQ(delete_error(), 0);
  EXPECT_FALSE(log_->offsets().Fetch("grp", "gt", PartitionId(0)).ok());
}

TEST_F(HandlersTest, MalformedBodiesCloseTheConnection) {
  // Every handler, every version, fed truncations of a junk body: each must either answer
  // or ask to close, and never crash (the fuzzers go further).
  std::string junk("\x00\x00\x00\x01\x00\x03" "abc\x7f\xff\xff\xff\x00\x00", 16);
  for (const ApiSpec* api : AllApis()) {
    for (int16_t v = api->min_version; v <= api->max_version; ++v) {
      for (size_t n = 0; n <= junk.size(); ++n) {
        auto r = CallAsync(*api, v, junk.substr(0, n));
        sched_->FireTimers();
        sched_->RunPosted();
      }
    }
  }
}

}  // namespace
}  // namespace kappa::kafka

namespace kappa::kafka {
namespace {

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

}  // namespace
}  // namespace kappa::kafka

namespace kappa::kafka {
namespace {

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
