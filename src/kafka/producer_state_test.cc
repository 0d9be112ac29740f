#include "kafka/producer_state.h"

#include <gtest/gtest.h>

namespace kappa::kafka {
namespace {

using Kind = ProducerStateTable::Check::Kind;

TEST(ProducerStateTest, SequencesDuplicatesAndGaps) {
  ProducerStateTable t(1000);
  int64_t pid = t.NextProducerId();
  EXPECT_EQ(pid, 1000);
  EXPECT_EQ(t.NextProducerId(), 1001);

  EXPECT_EQ(t.CheckBatch("t", 0, pid, 0, 0, 10).kind, Kind::kAppend);
  t.Appended("t", 0, pid, 0, 0, 10, Offset(0));
  EXPECT_EQ(t.CheckBatch("t", 0, pid, 0, 10, 5).kind, Kind::kAppend);
  t.Appended("t", 0, pid, 0, 10, 5, Offset(10));

  // A retry of either recent batch is a duplicate with its original offset.
  auto dup = t.CheckBatch("t", 0, pid, 0, 0, 10);
  EXPECT_EQ(dup.kind, Kind::kDuplicate);
  EXPECT_EQ(dup.base_offset, Offset(0));
  EXPECT_EQ(t.CheckBatch("t", 0, pid, 0, 10, 5).base_offset, Offset(10));

  // A gap is out of order.
  auto gap = t.CheckBatch("t", 0, pid, 0, 20, 1);
  EXPECT_EQ(gap.kind, Kind::kError);
  EXPECT_EQ(gap.error, ErrorCode::kOutOfOrderSequenceNumber);
  // Other partitions are independent.
  EXPECT_EQ(t.CheckBatch("t", 1, pid, 0, 0, 1).kind, Kind::kAppend);
  // An old epoch is fenced; a new epoch must restart at 0.
  t.Appended("t", 0, pid, 2, 0, 1, Offset(15));
  EXPECT_EQ(t.CheckBatch("t", 0, pid, 1, 1, 1).error, ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(t.CheckBatch("t", 0, pid, 3, 5, 1).error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(t.CheckBatch("t", 0, pid, 3, 0, 1).kind, Kind::kAppend);
}

TEST(ProducerStateTest, SequenceWrapsAtInt32Max) {
  ProducerStateTable t(1);
  t.Appended("t", 0, 7, 0, INT32_MAX - 1, 2, Offset(0));  // seqs MAX-1, MAX
  EXPECT_EQ(t.CheckBatch("t", 0, 7, 0, 0, 1).kind, Kind::kAppend);
  EXPECT_EQ(t.CheckBatch("t", 0, 7, 0, 1, 1).kind, Kind::kError);
}

}  // namespace
}  // namespace kappa::kafka
