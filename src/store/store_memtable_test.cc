// Store behaviour that depends on RocksDB's memtable: the per-table insert hints.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::Col;
using store_testing::StoreTest;

// The memtable keeps an insert position per table (rocks_hooks.h, TableInsertHintPrefix).
// Interleave batches of two tables with the range deletions of TRUNCATE and CREATE TABLE in
// one memtable: every row must stay findable (Debian's RocksDB checks the skip list's
// invariants with assertions, so a hint shared with the range-deletion list aborts here).
TEST_F(StoreTest, InsertHintsAcrossTablesAndRangeDeletions) {
  auto users = CreateUsers();
  auto events = CreateEvents();
  std::vector<Value> ids;
  auto write_users = [&](int n, const std::string& tag) {
    WriteBatch b = store_->NewWriteBatch();
    for (int i = 0; i < n; ++i) {
      ids.push_back(Value::UuidOf(TypeKind::kUuid, Uuid::Random()));
      ASSERT_TRUE(b.Upsert(*users, {ids.back(), Value::Text(tag), Value::Unset(), Value::Int32(i)}).ok());
    }
    ASSERT_TRUE(store_->Write(b).ok());
  };
  auto write_events = [&](int n) {
    WriteBatch b = store_->NewWriteBatch();
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(b.Upsert(*events, {Value::Text("p" + std::to_string(i % 7)), Value::Int32(i),
                                     Value::Text("d"), Value::Bigint(i)}).ok());
    }
    ASSERT_TRUE(store_->Write(b).ok());
  };
  for (int round = 0; round < 5; ++round) {
    write_users(200, "a");
    write_events(50);
    ASSERT_TRUE(store_->Upsert(*users, {Value::UuidOf(TypeKind::kUuid, Uuid::Random()),
                                        Value::Text("single"), Value::Unset(), Value::Unset()}).ok());
  }
  ASSERT_TRUE(store_->TruncateTable("ks", "users").ok());  // a range tombstone in the memtable
  EXPECT_EQ(*store_->Count(*users), 0u);
  ids.clear();
  auto other = store_->CreateTable(NewTable("other", {Col("k", TypeKind::kInt, ColumnKind::kPartitionKey, 0),
                                                       Col("v", TypeKind::kText)}), false);
  ASSERT_TRUE(other.ok()) << other.ToString();
  for (int round = 0; round < 5; ++round) {
    write_users(300, "b");
    write_events(50);
  }
  EXPECT_EQ(*store_->Count(*users), ids.size());
  for (const Value& id : ids) {
    auto row = store_->Get(*users, {id});
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_EQ((**row)[1].as_bytes(), "b");
  }
  EXPECT_EQ(*store_->Count(*events), 50u);  // rows (p, c, d) rewritten each round
}

}  // namespace
}  // namespace kappa::store
