#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "avro/avro.h"
#include "common/uuid.h"
#include "connect/connect.h"

namespace kappa::connect {
namespace {

// Keeps everything appended, per topic (owned copies).
class MemorySink : public RecordSink {
 public:
  struct Rec {
    std::string key, value;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  Status AppendBatch(std::string_view topic, std::span<const SinkRecord> records) override {
    std::lock_guard<std::mutex> l(mu_);
    if (fail_after_ >= 0 && calls_++ >= fail_after_) return Status::IOError("disk full");
    for (const SinkRecord& r : records) {
      Rec c{std::string(r.key), std::string(r.value), {}};
      for (const SinkHeader& h : r.headers) c.headers.emplace_back(h.key, h.value);
      topics_[std::string(topic)].push_back(std::move(c));
    }
    return Status::OK();
  }
  std::vector<Rec> Get(const std::string& t) {
    std::lock_guard<std::mutex> l(mu_);
    return topics_[t];
  }
  void FailAfter(int calls) { fail_after_ = calls; }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<Rec>> topics_;
  int fail_after_ = -1;
  int calls_ = 0;
};

// Serves fixed pages, then fails (Unavailable) forever.
class ScriptedSource : public Source {
 public:
  explicit ScriptedSource(std::vector<std::string> pages) : pages_(std::move(pages)) {}
  Status NextPage(std::string* page) override {
    if (stopped_) return Status::Aborted("stopped");
    if (next_ >= pages_.size()) return Status::Unavailable("nothing left");
    *page = pages_[next_++];
    return Status::OK();
  }
  void Stop() override { stopped_ = true; }
  SourceStats stats() const override { return {}; }
  std::string Describe() const override { return "scripted"; }

 private:
  std::vector<std::string> pages_;
  size_t next_ = 0;
  std::atomic<bool> stopped_{false};
};

Mapping Seed() {
  auto m = Mapping::FromYaml(kSeedMappingYaml, kSeedMappingName, "builtin");
  EXPECT_TRUE(m.ok());
  return *m;
}

std::unique_ptr<Source> Synthetic(uint32_t results = 100) {
  RandomUserOptions o;
  o.results = results;
  auto s = NewRandomUserSource(o);
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

TEST(Murmur2, MatchesKafkaJavaClient) {
  // Vectors from Kafka's UtilsTest.testMurmur2.
  EXPECT_EQ(int32_t(KafkaMurmur2("21")), -973932308);
  EXPECT_EQ(int32_t(KafkaMurmur2("foobar")), -790332482);
  EXPECT_EQ(int32_t(KafkaMurmur2("a-little-bit-long-string")), -985981536);
  EXPECT_EQ(int32_t(KafkaMurmur2("a-little-bit-longer-string")), -1486304829);
  EXPECT_EQ(int32_t(KafkaMurmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")), -58897971);
  EXPECT_EQ(int32_t(KafkaMurmur2("abc")), 479470107);
  for (int p : {1, 3, 12}) {
    int32_t part = PartitionForKey("some key", p);
    EXPECT_GE(part, 0);
    EXPECT_LT(part, p);
  }
}

TEST(ProducerTask, ProducesACountKeyedById) {
  MemorySink sink;
  ProducerOptions o;
  o.topic = "users_created";
  o.max_records = 1234;
  o.max_batch_records = 100;
  ProducerTask task(Synthetic(), Seed(), &sink, o);
  ASSERT_TRUE(task.Run().ok());
  auto recs = sink.Get("users_created");
  ASSERT_EQ(recs.size(), 1234u);
  std::set<std::string> keys;
  for (const auto& r : recs) {
    auto id = Uuid::Parse(r.key);
    ASSERT_TRUE(id.has_value()) << r.key;
    EXPECT_NE(r.value.find("\"id\":\"" + r.key + "\""), std::string::npos);
    keys.insert(r.key);
  }
  EXPECT_EQ(keys.size(), recs.size());  // fresh uuid4 per record
  ProducerStats s = task.stats();
  EXPECT_EQ(s.produced, 1234u);
  EXPECT_EQ(s.batches, 13u);  // 12 pages of 100 + the last 34 (pages split in batches of 100)
  EXPECT_GT(s.bytes, 1234u * 200);
  EXPECT_FALSE(s.running);
}

TEST(ProducerTask, StopsOnRequestWhenContinuous) {
  MemorySink sink;
  ProducerOptions o;
  ProducerTask task(Synthetic(), Seed(), &sink, o);
  task.Start();
  while (task.stats().produced < 500) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  task.Stop();
  ASSERT_TRUE(task.Wait().ok());
  EXPECT_EQ(sink.Get("users_created").size(), task.stats().produced);
  EXPECT_FALSE(task.stats().running);
}

TEST(ProducerTask, RunsForADuration) {
  MemorySink sink;
  ProducerOptions o;
  o.duration = std::chrono::milliseconds(200);
  o.records_per_sec = 1000;
  const auto t0 = std::chrono::steady_clock::now();
  ProducerTask task(Synthetic(10), Seed(), &sink, o);
  ASSERT_TRUE(task.Run().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(200));
  // The rate is a ceiling: at most the one-second burst plus 0.2 s of refill.
  EXPECT_LE(task.stats().produced, 1000u + 200u + 50u);
  EXPECT_GT(task.stats().produced, 0u);
}

TEST(ProducerTask, RateLimits) {
  MemorySink sink;
  ProducerOptions o;
  o.records_per_sec = 2000;
  o.max_records = 2600;  // burst of 2000 then 600 more at 2000/s: >= 0.3 s
  const auto t0 = std::chrono::steady_clock::now();
  ProducerTask task(Synthetic(), Seed(), &sink, o);
  ASSERT_TRUE(task.Run().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));
  EXPECT_EQ(sink.Get("users_created").size(), 2600u);
}

TEST(ProducerTask, MappingErrorsGoToTheDeadLetterTopic) {
  MemorySink sink;
  ProducerOptions o;
  o.dead_letter_topic = "users_created.dlq";
  o.max_consecutive_source_failures = 1;  // the scripted source fails after its pages
  std::vector<std::string> pages = {
      R"({"results":[{"name":{"first":"A","last":"B"}},{"gender":"x"}],"info":{}})"};
  auto m = Mapping::FromYaml("mappings:\n  m:\n    fields:\n      id: uuid()\n      first: name.first\n",
                             "m", "t.yaml");
  ASSERT_TRUE(m.ok());
  ProducerTask task(std::make_unique<ScriptedSource>(pages), *m, &sink, o);
  Status s = task.Run();
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_NE(s.message().find("1 consecutive source failures"), std::string::npos);
  EXPECT_EQ(sink.Get("users_created").size(), 1u);
  auto dlq = sink.Get("users_created.dlq");
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].value, R"({"gender":"x"})");
  EXPECT_EQ(dlq[0].key, "");
  ASSERT_EQ(dlq[0].headers.size(), 2u);
  EXPECT_EQ(dlq[0].headers[0].first, "error");
  EXPECT_EQ(dlq[0].headers[0].second, "field 'first': path 'name.first' not found");
  ProducerStats st = task.stats();
  EXPECT_EQ(st.mapping_errors, 1u);
  EXPECT_EQ(st.dead_letters, 1u);
  EXPECT_EQ(st.source_errors, 1u);
}

TEST(ProducerTask, SinkFailureStopsTheTask) {
  MemorySink sink;
  sink.FailAfter(2);
  ProducerOptions o;
  o.max_batch_records = 50;
  ProducerTask task(Synthetic(), Seed(), &sink, o);
  Status s = task.Run();
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("disk full"), std::string::npos);
  EXPECT_EQ(task.stats().produced, 100u);  // only acknowledged batches count
}

TEST(ProducerTask, WritesAvroInTheWireFormat) {
  MemorySink sink;
  auto resolver = NewMemorySchemaResolver();
  const std::string schema = R"({"type":"record","name":"u","fields":[
    {"name":"id","type":"string"},{"name":"first_name","type":["null","string"]}]})";
  ASSERT_EQ(*resolver->Register("other-value", R"("string")"), 1);
  auto id = resolver->Register("users_created-value", schema);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 2);
  EXPECT_EQ(*resolver->Register("again-value", schema), 2);  // same schema, same id
  EXPECT_TRUE(resolver->Lookup(3).status().IsNotFound());
  ProducerOptions o;
  o.max_records = 250;
  o.format = ProducerOptions::Format::kAvro;
  o.avro_codec = *avro::Codec::Compile(schema);
  o.schema_id = *id;
  ProducerTask task(Synthetic(), Seed(), &sink, o);
  ASSERT_TRUE(task.Run().ok());
  auto recs = sink.Get("users_created");
  ASSERT_EQ(recs.size(), 250u);
  for (const auto& r : recs) {
    auto frame = avro::ParseWireFrame(r.value);
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    EXPECT_EQ(frame->schema_id, 2);
    std::string json;
    ASSERT_TRUE(o.avro_codec->DecodeToJson(frame->payload, &json).ok());
    EXPECT_EQ(json.rfind("{\"id\":\"" + r.key + "\",\"first_name\":\"", 0), 0u) << json;
  }
}

TEST(ProducerTask, RecordsAvroCannotEncodeAreDeadLetters) {
  MemorySink sink;
  ProducerOptions o;
  o.dead_letter_topic = "users_created.dlq";
  o.max_consecutive_source_failures = 1;
  o.format = ProducerOptions::Format::kAvro;
  o.avro_codec = *avro::Codec::Compile(
      R"({"type":"record","name":"u","fields":[{"name":"id","type":"string"},{"name":"n","type":"long"}]})");
  o.schema_id = 9;
  std::vector<std::string> pages = {R"({"results":[{"n":5},{"n":"five"}],"info":{}})"};
  auto m = Mapping::FromYaml("mappings:\n  m:\n    fields:\n      id: uuid()\n      n: n\n", "m", "t.yaml");
  ASSERT_TRUE(m.ok());
  ProducerTask task(std::make_unique<ScriptedSource>(pages), *m, &sink, o);
  EXPECT_TRUE(task.Run().IsUnavailable());
  ASSERT_EQ(sink.Get("users_created").size(), 1u);
  auto dlq = sink.Get("users_created.dlq");
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_NE(dlq[0].value.find("\"n\":\"five\""), std::string::npos) << dlq[0].value;
  EXPECT_EQ(dlq[0].headers[0].second, "Avro encoding: field 'n': a string where the schema wants a long");
  EXPECT_EQ(task.stats().mapping_errors, 1u);
}

}  // namespace
}  // namespace kappa::connect
