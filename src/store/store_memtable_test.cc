// Store behaviour that depends on RocksDB's memtable and level 0: the per-table insert
// hints, and level 0 settling when writes stop.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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

// Writes three batches, each flushed to its own level-0 file (fewer than RocksDB's
// trigger while writes flow), and returns the ids written.
std::vector<Value> WriteThreeLevel0Files(Store* store, const TableSchema& users) {
  std::vector<Value> ids;
  for (int file = 0; file < 3; ++file) {
    WriteBatch b = store->NewWriteBatch();
    for (int i = 0; i < 100; ++i) {
      ids.push_back(Value::UuidOf(TypeKind::kUuid, Uuid::Random()));
      EXPECT_TRUE(b.Upsert(users, {ids.back(), Value::Text("f" + std::to_string(file)),
                                   Value::Unset(), Value::Int32(i)}).ok());
    }
    EXPECT_TRUE(store->Write(b).ok());
    EXPECT_TRUE(store->Flush().ok());
  }
  return ids;
}

// Waits (up to 30 s) until level 0 is empty.
void WaitForEmptyLevel0(Store* store) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (store->Level0Files() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TEST_F(StoreTest, LevelZeroSettlesWhenWritesStop) {
  settle_after_ms_ = 1000;  // long enough that a slow flush (ASan, a busy machine) is not idleness
  Reopen();
  auto users = CreateUsers();
  std::vector<Value> ids = WriteThreeLevel0Files(store_.get(), *users);
  WaitForEmptyLevel0(store_.get());
  EXPECT_EQ(store_->Level0Files(), 0u);
  for (const Value& id : ids) {
    auto row = store_->Get(*users, {id});
    ASSERT_TRUE(row.ok() && row->has_value());
  }

  // Writes flow again (for more than one check): the trigger is back at 8, so new flushes
  // stay in level 0 while they continue...
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1600);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(store_->Upsert(*users, {Value::UuidOf(TypeKind::kUuid, Uuid::Random()),
                                        Value::Text("keep-alive"), Value::Unset(), Value::Unset()}).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<Value> more = WriteThreeLevel0Files(store_.get(), *users);
  EXPECT_GE(store_->Level0Files(), 3u);
  // ...and settle once they stop.
  WaitForEmptyLevel0(store_.get());
  EXPECT_EQ(store_->Level0Files(), 0u);
  for (const Value& id : more) {
    auto row = store_->Get(*users, {id});
    ASSERT_TRUE(row.ok() && row->has_value());
  }
}

TEST_F(StoreTest, LevelZeroStaysWithoutSettling) {
  settle_after_ms_ = 0;
  Reopen();
  auto users = CreateUsers();
  WriteThreeLevel0Files(store_.get(), *users);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(store_->Level0Files(), 3u);  // below kLevel0Trigger: RocksDB alone waits
}

}  // namespace
}  // namespace kappa::store
