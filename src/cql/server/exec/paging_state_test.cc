// The paging state codec: what it encodes comes back, and nothing else a client could send
// decodes (every truncation, every flipped bit, every extension is a Protocol error).
#include "cql/server/exec/paging_state.h"

#include <gtest/gtest.h>

namespace kappa::cql {
namespace {

std::vector<PagingState> Samples() {
  PagingState partition;
  partition.kind = PagingState::Kind::kPartition;
  partition.returned = 1234;
  partition.table_id = 7;
  partition.partition = 2;
  partition.prefix = 5;
  partition.in_partition = 99;
  partition.last_clustering = {std::string("\x00\x00\x00\x2a", 4), "text", ""};
  PagingState scan;
  scan.kind = PagingState::Kind::kScan;
  scan.returned = 1;
  scan.table_id = 9;
  scan.scan_state = std::string("\x00\x00\x00\x09rowkey", 10);
  scan.in_partition = 3;
  scan.last_partition = {std::string("\x00\x00\x00\x01", 4)};
  PagingState offset;
  offset.kind = PagingState::Kind::kOffset;
  offset.returned = 10;
  offset.offset = 10;
  return {partition, scan, offset};
}

TEST(PagingStateTest, RoundTrips) {
  for (const auto& p : Samples()) {
    auto d = DecodePagingState(EncodePagingState(p));
    ASSERT_TRUE(d.ok()) << d.error().message;
    const PagingState& q = d.value();
    EXPECT_EQ(q.kind, p.kind);
    EXPECT_EQ(q.returned, p.returned);
    EXPECT_EQ(q.table_id, p.table_id);
    EXPECT_EQ(q.offset, p.offset);
    EXPECT_EQ(q.scan_state, p.scan_state);
    EXPECT_EQ(q.in_partition, p.in_partition);
    EXPECT_EQ(q.last_partition, p.last_partition);
    EXPECT_EQ(q.partition, p.partition);
    EXPECT_EQ(q.prefix, p.prefix);
    EXPECT_EQ(q.last_clustering, p.last_clustering);
  }
  auto none = DecodePagingState("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value().kind, PagingState::Kind::kNone);
}

void ExpectInvalid(const std::string& s, const std::string& what) {
  auto d = DecodePagingState(s);
  ASSERT_FALSE(d.ok()) << what;
  EXPECT_EQ(d.error().code, ErrorCode::kProtocolError) << what;
  EXPECT_EQ(d.error().message, "Invalid value for the paging state") << what;
}

TEST(PagingStateTest, AnythingElseIsAProtocolError) {
  for (const auto& p : Samples()) {
    const std::string good = EncodePagingState(p);
    for (size_t n = 1; n < good.size(); ++n) ExpectInvalid(good.substr(0, n), "truncated");
    ExpectInvalid(good + '\0', "extended");
    for (size_t i = 0; i < good.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = good;
        bad[i] = char(bad[i] ^ (1 << bit));
        ExpectInvalid(bad, "bit flipped");
      }
    }
  }
  ExpectInvalid("garbage-state", "garbage");
  ExpectInvalid(std::string(1, '\x03'), "kind only");
}

}  // namespace
}  // namespace kappa::cql
