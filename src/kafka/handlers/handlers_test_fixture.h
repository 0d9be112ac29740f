// The HandlersTest fixture shared by the handler tests: the real handlers over a real Log in
// a temp dir, a manual clock and scheduler, and helpers that encode requests with Writer
// and decode responses with Reader field by field. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "common/coding.h"
#include "kafka/handlers/handlers.h"
#include "testutil/temp_dir.h"

namespace kappa::kafka::handlers_testing {

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
    log::LogOptions o;
    o.dir = dir_.path();
    o.clock = &clock_;
    o.retention_check_ms = 0;
    auto l = log::Log::Open(o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
    BrokerConfig c;
    c.port = 9092;
    c.group_initial_rebalance_delay_ms = 0;  // joins complete at once, as before the delay
    broker_ = std::make_unique<Broker>(log_.get(), c, &clock_);
    sched_ = std::make_shared<ManualScheduler>();
  }
  void TearDown() override {
    broker_.reset();
    (void)log_->Close();
    log_.reset();
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
    ctx.client_host = "/127.0.0.1";
    ctx.principal = principal_;  // User:ANONYMOUS unless a test logs in
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

  testutil::TempDir dir_{"kappa-kafka-handlers-test"};
  ManualClock clock_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<Broker> broker_;
  std::shared_ptr<ManualScheduler> sched_;
  security::Principal principal_;
};

}  // namespace kappa::kafka::handlers_testing
