// Handler tests, administration and groups: CreateTopics/DeleteTopics/CreatePartitions and
// the consumer group protocol (join, sync, heartbeat, commit, fetch, describe, delete);
// malformed bodies of every API.
#include "kafka/handlers/handlers_test_fixture.h"

namespace kappa::kafka {
namespace {

using handlers_testing::HandlersTest;

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
