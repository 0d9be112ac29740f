// StreamJob against a real Log and Store in a temporary directory: rows + offsets commit,
// dead letters, restart without duplicates, the consecutive-failure stop, dead-letter
// recovery after a crash between DLQ append and commit, reset (replay), start positions.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <thread>

#include "avro/avro.h"
#include "common/env.h"
#include "common/uuid.h"
#include "log/log.h"
#include "store/store.h"
#include "stream/job_offsets.h"
#include "app/app.h"  // the config and the data directory of the tests
#include "stream/stream.h"
#include "testutil/temp_dir.h"

namespace kappa::stream {
namespace {

constexpr std::string_view kConfig = R"(
topics:
  - name: in
    partitions: 2
  - name: in.dlq
keyspaces:
  - name: ks
    tables:
      - name: users
        primary_key: [id]
        columns:
          id: uuid
          name: text
          age: int
jobs:
  - name: j
    topic: in
    table: ks.users
    batch_size: 7
    max_consecutive_failures: 5
)";

class StreamJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = app::LoadConfigText(kConfig, "test.yaml");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    config_ = *c;
    config_.data_dir = dir_;
    OpenRuntime();
    ASSERT_TRUE(app::Pipeline::Setup(rt_.get(), config_).ok());
  }
  void TearDown() override {
    rt_.reset();
  }

  void OpenRuntime() {
    rt_.reset();
    app::RuntimeOptions o;
    o.data_dir = dir_;
    o.owner = "stream_job_test";
    auto rt = app::Runtime::Open(o);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  std::string Good(int age) {
    return "{\"id\":\"" + Uuid::Random().ToString() + "\",\"name\":\"user" +
           std::to_string(age) + "\",\"age\":" + std::to_string(age) + "}";
  }

  void Append(int32_t partition, const std::vector<std::string>& values) {
    auto p = rt_->log().GetPartition("in", PartitionId(partition));
    ASSERT_TRUE(p.ok());
    std::vector<log::Record> records;
    for (const auto& v : values) {
      log::Record r;
      r.key = "k";
      r.value = v;
      records.push_back(r);
    }
    ASSERT_TRUE((*p)->Append(records).ok());
  }

  // Runs job `jc` until it has drained what is in the topic; returns its final status.
  Status RunToEnd(const JobConfig& jc, JobStats* stats = nullptr, JobOptions options = {}) {
    auto job = StreamJob::Create(rt_->job_storage(), jc, options);
    if (!job.ok()) return job.status();
    RETURN_IF_ERROR((*job)->Start());
    (*job)->Drain();
    Status st = (*job)->Wait(std::chrono::seconds(60));
    if (stats) *stats = (*job)->stats();
    return st;
  }

  uint64_t Rows() {
    auto t = rt_->store().GetTable("ks", "users");
    EXPECT_TRUE(t.ok());
    auto n = rt_->store().Count(**t);
    EXPECT_TRUE(n.ok());
    return *n;
  }

  std::vector<log::StoredRecord> DeadLetters() {
    auto p = rt_->log().GetPartition("in.dlq", PartitionId(0));
    EXPECT_TRUE(p.ok());
    auto r = (*p)->ReadRecords(Offset(0), 100000);
    EXPECT_TRUE(r.ok());
    return *r;
  }

  testutil::TempDir tmp_{"kappa-stream-job-test"};
  const std::string dir_ = tmp_.path();
  app::PipelineConfig config_;
  std::unique_ptr<app::Runtime> rt_;
};

std::string HeaderOf(const log::Record& r, std::string_view key) {
  for (const auto& h : r.headers) {
    if (h.key == key) return h.value.value_or("<null>");
  }
  return "<missing>";
}

// Confluent wire-format values beside JSON text: Avro, JSON Schema-framed JSON, and every way a
// frame can be bad, each bad one a dead letter with its reason while the job goes on.
TEST_F(StreamJobTest, ReadsAvroAndJsonSchemaFramesBesideJson) {
  auto schemas = connect::NewMemorySchemaResolver();
  const std::string schema = R"({"type":"record","name":"user","fields":[
    {"name":"id","type":"string"},{"name":"name","type":["null","string"]},{"name":"age","type":"int"}]})";
  const int32_t avro_id = *schemas->Register("in-value", schema);
  const int32_t json_id = *schemas->Register("in-json-value", R"({"type":"object"})", "JSON");
  const int32_t proto_id = *schemas->Register("p-value", "syntax = \"proto3\";", "PROTOBUF");
  const int32_t bad_id = *schemas->Register("bad-value", R"({"type":"nope"})");
  avro::Encoder enc(*avro::Codec::Compile(schema));
  auto framed = [](int32_t id, std::string_view payload) {
    std::string v;
    avro::AppendWireHeader(id, &v);
    return v + std::string(payload);
  };
  std::vector<std::string> values;
  for (int i = 0; i < 10; ++i) {
    std::string v;
    avro::AppendWireHeader(avro_id, &v);
    ASSERT_TRUE(enc.Encode(Good(i), &v).ok());
    values.push_back(v);
  }
  values.push_back(Good(50));                        // plain JSON still works
  values.push_back(framed(json_id, Good(51)));       // JSON Schema framing
  const std::string truncated = values[0].substr(0, values[0].size() - 2);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {framed(999, "x"), "schema id 999 is not in the schema registry"},
      {std::string("\x01\x00\x00\x00\x01{}", 7), "unknown magic byte 0x01"},
      {std::string("\x00\x00\x01", 3), "shorter than the 5-byte header"},
      {truncated, "Avro payload, byte"},
      {framed(proto_id, "x"), "is a PROTOBUF schema"},
      {framed(bad_id, "x"), "invalid Avro schema"},
      {framed(avro_id, std::string("\x02x\x00\x02", 4)), "field 'id': cannot read 'x' as uuid"},
  };
  for (size_t i = 0; i < bad.size(); ++i) {  // the job continues after each
    values.push_back(bad[i].first);
    std::string v;
    avro::AppendWireHeader(avro_id, &v);
    ASSERT_TRUE(enc.Encode(Good(60 + int(i)), &v).ok());
    values.push_back(v);
  }
  Append(0, values);

  JobOptions options;
  options.schemas = schemas.get();
  JobStats stats;
  Status st = RunToEnd(config_.jobs[0], &stats, options);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(stats.stored, 12u + bad.size());  // Avro, JSON, JSON Schema
  EXPECT_EQ(stats.dead_letters, bad.size());
  EXPECT_EQ(Rows(), 12u + bad.size());
  auto dl = DeadLetters();
  ASSERT_EQ(dl.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(dl[i].record.value, bad[i].first);  // unchanged, as it came
    EXPECT_NE(HeaderOf(dl[i].record, "error").find(bad[i].second), std::string::npos)
        << HeaderOf(dl[i].record, "error");
  }
  EXPECT_EQ(HeaderOf(dl[3].record, "error").rfind("schema id " + std::to_string(avro_id) + ": ", 0), 0u)
      << HeaderOf(dl[3].record, "error");

  // Without a registry a framed value is a dead letter saying so.
  values = {values[0]};
  Append(1, values);
  ASSERT_TRUE(RunToEnd(config_.jobs[0], &stats).ok());
  dl = DeadLetters();
  ASSERT_EQ(dl.size(), bad.size() + 1);
  EXPECT_NE(HeaderOf(dl.back().record, "error").find("but the job has no schema registry"),
            std::string::npos);
}

TEST_F(StreamJobTest, StoresRowsCommitsOffsetsAndDeadLetters) {
  std::vector<std::string> p0, p1;
  for (int i = 0; i < 40; ++i) p0.push_back(i % 10 == 3 ? "{\"name\":\"no id\"}" : Good(i));
  for (int i = 0; i < 30; ++i) p1.push_back(Good(100 + i));
  p1[17] = "garbage";
  Append(0, p0);
  Append(1, p1);

  JobStats stats;
  Status st = RunToEnd(config_.jobs[0], &stats);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(stats.stored, 65u);
  EXPECT_EQ(stats.dead_letters, 5u);
  EXPECT_EQ(stats.lag, 0);
  EXPECT_EQ(Rows(), 65u);

  // Offsets are in store metadata, next to the rows.
  auto progress = ReadProgress(rt_->store(), "j");
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ((*progress)[0].next, Offset(40));
  EXPECT_EQ((*progress)[1].next, Offset(30));
  EXPECT_EQ((*progress)[0].dead_letters + (*progress)[1].dead_letters, 5u);

  // Mirrored to the log's consumer-group offsets.
  auto mirrored = rt_->log().offsets().Fetch("j", "in", PartitionId(0));
  ASSERT_TRUE(mirrored.ok());
  EXPECT_EQ(mirrored->offset, Offset(40));

  auto dl = DeadLetters();
  ASSERT_EQ(dl.size(), 5u);
  bool found_garbage = false;
  for (const auto& r : dl) {
    EXPECT_EQ(HeaderOf(r.record, "source.topic"), "in");
    EXPECT_EQ(HeaderOf(r.record, "job"), "j");
    if (r.record.value == "garbage") {
      found_garbage = true;
      EXPECT_EQ(HeaderOf(r.record, "source.partition"), "1");
      EXPECT_EQ(HeaderOf(r.record, "source.offset"), "17");
      EXPECT_NE(HeaderOf(r.record, "error").find("not JSON"), std::string::npos);
    } else {
      EXPECT_EQ(HeaderOf(r.record, "source.partition"), "0");
      EXPECT_NE(HeaderOf(r.record, "error").find("field 'id': missing"), std::string::npos)
          << HeaderOf(r.record, "error");
    }
  }
  EXPECT_TRUE(found_garbage);

  auto status = GetJobStatus(rt_->job_storage(), "j");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->stored, 65u);
  EXPECT_EQ(status->dead_letters, 5u);
  EXPECT_EQ(status->lag, 0);
}

TEST_F(StreamJobTest, RestartContinuesWithoutDuplicatesAcrossReopen) {
  Append(0, {Good(1), Good(2), Good(3)});
  ASSERT_TRUE(RunToEnd(config_.jobs[0]).ok());
  EXPECT_EQ(Rows(), 3u);
  OpenRuntime();  // a new process, in effect
  Append(0, {Good(4)});
  Append(1, {Good(5), Good(6)});
  JobStats stats;
  ASSERT_TRUE(RunToEnd(config_.jobs[0], &stats).ok());
  EXPECT_EQ(stats.stored, 3u);  // only the new ones
  EXPECT_EQ(Rows(), 6u);
  auto status = GetJobStatus(rt_->job_storage(), "j");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->stored, 6u);  // cumulative over runs
}

TEST_F(StreamJobTest, TooManyConsecutiveFailuresStopTheJobWithAClearMessage) {
  std::vector<std::string> v = {Good(1)};
  for (int i = 0; i < 10; ++i) v.push_back("{\"id\":\"bad\"}");
  v.push_back(Good(2));
  Append(0, v);
  Status st = RunToEnd(config_.jobs[0]);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kAborted);
  EXPECT_NE(st.message().find("job j stopped: 5 consecutive records failed"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("in/0@5"), std::string::npos) << st.message();
  // Committed up to and including the 5th failure; its dead letters are in the DLQ.
  auto progress = ReadProgress(rt_->store(), "j");
  EXPECT_EQ((*progress)[0].next, Offset(6));
  EXPECT_EQ(DeadLetters().size(), 5u);
  EXPECT_EQ(Rows(), 1u);
  // Unlimited failures: the job gets through the rest.
  JobConfig lenient = config_.jobs[0];
  lenient.max_consecutive_failures = 0;
  JobStats stats;
  ASSERT_TRUE(RunToEnd(lenient, &stats).ok());
  EXPECT_EQ(stats.dead_letters, 5u);
  EXPECT_EQ(Rows(), 2u);
}

TEST_F(StreamJobTest, DeadLettersOfAnUncommittedBatchAreNotWrittenTwice) {
  Append(0, {Good(1), "bad-0-1", Good(2)});
  // Simulate a crash after the dead letter of offset 1 was appended but before the commit:
  // the DLQ holds it, the committed progress is still at 0 with the DLQ end before it.
  {
    auto dlq = rt_->log().GetPartition("in.dlq", PartitionId(0));
    PartitionProgress p;
    p.next = Offset(0);
    p.dlq_end = (*dlq)->EndOffset().value();
    ASSERT_TRUE(rt_->store().PutMeta(OffsetMetaKey("j", PartitionId(0)), EncodeProgress(p)).ok());
    log::Record r;
    r.value = "bad-0-1";
    r.headers = {{"error", "not JSON"}, {"source.topic", "in"}, {"source.partition", "0"},
                 {"source.offset", "1"}, {"job", "j"}};
    ASSERT_TRUE((*dlq)->Append(std::vector<log::Record>{r}).ok());
  }
  JobStats stats;
  ASSERT_TRUE(RunToEnd(config_.jobs[0], &stats).ok());
  EXPECT_EQ(stats.dead_letters, 1u);  // counted once
  EXPECT_EQ(DeadLetters().size(), 1u);  // and written once
  EXPECT_EQ(Rows(), 2u);
}

TEST_F(StreamJobTest, ResetReplaysAndNewJobVersionFillsANewTable) {
  Append(0, {Good(1), Good(2)});
  Append(1, {Good(3)});
  ASSERT_TRUE(RunToEnd(config_.jobs[0]).ok());
  auto reset = ResetJob(rt_->job_storage(), "j", ResetTarget{ResetTarget::Kind::kEarliest, 0});
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  EXPECT_EQ(reset->lag, 3);
  JobStats stats;
  ASSERT_TRUE(RunToEnd(config_.jobs[0], &stats).ok());
  EXPECT_EQ(stats.stored, 3u);  // replayed
  EXPECT_EQ(Rows(), 3u);        // upserts of the same ids

  reset = ResetJob(rt_->job_storage(), "j", ResetTarget{ResetTarget::Kind::kOffset, 1});
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(reset->partitions[0].committed, Offset(1));
  EXPECT_EQ(reset->partitions[1].committed, Offset(1));  // clamped to the end
  reset = ResetJob(rt_->job_storage(), "j", ResetTarget{ResetTarget::Kind::kTimestamp, 0});
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(reset->partitions[0].committed, Offset(0));
  EXPECT_FALSE(ResetJob(rt_->job_storage(), "nope", ResetTarget{}).ok());

  // v2 of the job: a new name and table, from the start of the log.
  app::TableConfig v2 = config_.keyspaces[0].tables[0];
  v2.name = "users_v2";
  config_.keyspaces[0].tables.push_back(v2);
  ASSERT_TRUE(app::Pipeline::Setup(rt_.get(), config_).ok());
  JobConfig jc2 = config_.jobs[0];
  jc2.name = "j_v2";
  jc2.table = "ks.users_v2";
  ASSERT_TRUE(RunToEnd(jc2, &stats).ok());
  EXPECT_EQ(stats.stored, 3u);
  auto jobs = ListJobs(rt_->job_storage());
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].name, "j");
  EXPECT_EQ((*jobs)[1].name, "j_v2");
}

// The console's replay in a running process: the same job object stopped, reset and
// started again resumes from the new offsets (and is refused while it runs).
TEST_F(StreamJobTest, AnEndedJobStartsAgainFromResetOffsets) {
  Append(0, {Good(1), Good(2)});
  Append(1, {Good(3)});
  auto job = StreamJob::Create(rt_->job_storage(), config_.jobs[0]);
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE((*job)->Start().ok());
  EXPECT_EQ((*job)->Start().code(), Status::Code::kInvalidArgument);  // running
  (*job)->Drain();
  ASSERT_TRUE((*job)->Wait(std::chrono::seconds(60)).ok());
  EXPECT_EQ((*job)->stats().stored, 3u);
  ResetTarget earliest;
  earliest.kind = ResetTarget::Kind::kEarliest;
  auto reset = ResetJob(rt_->job_storage(), "j", earliest);
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  ASSERT_TRUE((*job)->Start().ok());
  (*job)->Drain();
  ASSERT_TRUE((*job)->Wait(std::chrono::seconds(60)).ok());
  EXPECT_EQ((*job)->stats().stored, 6u);  // counters keep counting: 3 replayed
  EXPECT_EQ((*job)->stats().lag, 0);
  EXPECT_EQ(Rows(), 3u);
  auto status = GetJobStatus(rt_->job_storage(), "j");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->lag, 0);
}

TEST_F(StreamJobTest, LatestStartSkipsWhatIsThereAndIsRemembered) {
  Append(0, {Good(1), Good(2)});
  JobConfig jc = config_.jobs[0];
  jc.start.kind = StartPosition::Kind::kLatest;
  JobStats stats;
  ASSERT_TRUE(RunToEnd(jc, &stats).ok());
  EXPECT_EQ(stats.stored, 0u);
  Append(0, {Good(3)});
  ASSERT_TRUE(RunToEnd(jc, &stats).ok());
  EXPECT_EQ(stats.stored, 1u);
  EXPECT_EQ(Rows(), 1u);
}

TEST_F(StreamJobTest, ReadOnlyRuntimeSeesJobsWhileTheOwnerRuns) {
  Append(0, {Good(1)});
  ASSERT_TRUE(RunToEnd(config_.jobs[0]).ok());
  ASSERT_TRUE(rt_->store().Flush().ok());
  app::RuntimeOptions o;
  o.data_dir = dir_;
  o.access = app::RuntimeOptions::Access::kReadOnly;
  auto ro = app::Runtime::Open(o);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  EXPECT_TRUE((*ro)->read_only());
  auto jobs = ListJobs((*ro)->job_storage());
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].stored, 1u);
  auto reset = ResetJob((*ro)->job_storage(), "j", ResetTarget{});
  EXPECT_TRUE(reset.status().IsUnavailable());
}

}  // namespace
}  // namespace kappa::stream
