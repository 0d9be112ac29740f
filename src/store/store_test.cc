// Store behaviour: DDL, writes, reads, deletes, batches, schema changes.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::Col;
using store_testing::StoreTest;
using store_testing::TempDir;

TEST_F(StoreTest, SchemaDdlVersionsAndListeners) {
  std::vector<std::string> events;
  store_->AddSchemaListener([&](const SchemaChange& c) {
    events.push_back(std::to_string(int(c.type)) + ":" + c.keyspace + "." + c.table);
  });
  Uuid v0 = store_->SchemaVersion();
  auto users = CreateUsers();
  EXPECT_NE(store_->SchemaVersion(), v0);
  EXPECT_EQ(users->partition_key_size(), 1u);
  EXPECT_EQ(users->columns[1].name, "first_name");
  EXPECT_TRUE(store_->CreateKeyspace({"ks", {}, true}, false).IsAlreadyExists());
  TableSchema dup = *users;
  EXPECT_TRUE(store_->CreateTable(dup, false).IsAlreadyExists());
  Uuid v1 = store_->SchemaVersion();
  EXPECT_TRUE(store_->CreateTable(dup, true).ok());  // IF NOT EXISTS: no change
  EXPECT_EQ(store_->SchemaVersion(), v1);
  EXPECT_TRUE(store_->GetTable("ks", "nope").status().IsNotFound());
  EXPECT_TRUE(store_->GetTable("nope", "users").status().IsNotFound());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "0:ks.");
  EXPECT_EQ(events[1], "0:ks.users");

  TableSchema bad;
  bad.keyspace = "ks";
  bad.name = "bad";
  bad.columns = {Col("x", TypeKind::kInt)};
  EXPECT_TRUE(store_->CreateTable(bad, false).IsInvalidArgument());  // no partition key
  bad.columns = {Col("x", Type::List(TypeKind::kInt), ColumnKind::kPartitionKey, 0)};
  EXPECT_TRUE(store_->CreateTable(bad, false).IsInvalidArgument());
  bad.keyspace = "missing";
  bad.columns = {Col("x", TypeKind::kInt, ColumnKind::kPartitionKey, 0)};
  EXPECT_TRUE(store_->CreateTable(bad, false).IsNotFound());
}

TEST_F(StoreTest, UpsertGetAndPartialUpdates) {
  auto t = CreateUsers();
  Uuid id = Uuid::Random();
  ASSERT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, id), Value::Text("Ada"),
                                  Value::Text("Lovelace"), Value::Int32(36)}).ok());
  // Upsert of a subset: other columns stay.
  ASSERT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, id), Value::Unset(),
                                  Value::Unset(), Value::Int32(37)}).ok());
  auto r = store_->Get(*t, {Value::UuidOf(TypeKind::kUuid, id)});
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((**r)[1].as_bytes(), "Ada");
  EXPECT_EQ((**r)[2].as_bytes(), "Lovelace");
  EXPECT_EQ((**r)[3].as_int(), 37);
  // Null deletes one cell.
  ASSERT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, id), Value::Unset(),
                                  Value::Null(), Value::Unset()}).ok());
  r = store_->Get(*t, {Value::UuidOf(TypeKind::kUuid, id)});
  EXPECT_TRUE((**r)[2].is_null());
  EXPECT_EQ((**r)[1].as_bytes(), "Ada");
  // Missing row.
  r = store_->Get(*t, {Value::UuidOf(TypeKind::kUuid, Uuid::Random())});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  // Bad input is rejected with a readable error.
  EXPECT_TRUE(store_->Upsert(*t, {Value::Null(), Value::Text("x"), Value::Unset(), Value::Unset()})
                  .IsInvalidArgument());
  EXPECT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, id)}).IsInvalidArgument());
  Status s = store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, id), Value::Int32(1),
                                 Value::Unset(), Value::Unset()});
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("first_name"), std::string::npos) << s.ToString();
}

TEST_F(StoreTest, RowMarkerKeepsRowAliveAndUpdateWithoutMarkerDoesNot) {
  auto t = CreateUsers();
  Value a = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  Value b = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ASSERT_TRUE(store_->Upsert(*t, {a, Value::Null(), Value::Null(), Value::Null()}).ok());
  WriteOptions update;
  update.row_marker = false;
  ASSERT_TRUE(store_->Upsert(*t, {b, Value::Text("x"), Value::Unset(), Value::Unset()}, update).ok());
  EXPECT_TRUE(store_->Get(*t, {a})->has_value());  // INSERT with only nulls: row exists
  EXPECT_TRUE(store_->Get(*t, {b})->has_value());
  ASSERT_TRUE(store_->Upsert(*t, {b, Value::Null(), Value::Unset(), Value::Unset()}, update).ok());
  EXPECT_FALSE(store_->Get(*t, {b})->has_value());  // UPDATE-only row with no live cells: gone
  EXPECT_EQ(*store_->Count(*t), 1u);
}

TEST_F(StoreTest, LastWriteWinsByTimestamp) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  WriteOptions w;
  w.timestamp_micros = 2000;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("new"), Value::Unset(), Value::Unset()}, w).ok());
  w.timestamp_micros = 1000;  // older: loses although written later
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("old"), Value::Unset(), Value::Unset()}, w).ok());
  EXPECT_EQ((**store_->Get(*t, {id}))[1].as_bytes(), "new");
  // A delete at 1500 does not hide the write at 2000; one at 2500 does.
  w.timestamp_micros = 1500;
  ASSERT_TRUE(store_->DeleteRow(*t, {id}, w).ok());
  EXPECT_TRUE(store_->Get(*t, {id})->has_value());
  w.timestamp_micros = 2500;
  ASSERT_TRUE(store_->DeleteRow(*t, {id}, w).ok());
  EXPECT_FALSE(store_->Get(*t, {id})->has_value());
  // Survives flush + compaction (merge results are the same).
  ASSERT_TRUE(store_->Flush().ok());
  ASSERT_TRUE(store_->CompactAll().ok());
  EXPECT_FALSE(store_->Get(*t, {id})->has_value());
  w.timestamp_micros = 3000;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("back"), Value::Unset(), Value::Unset()}, w).ok());
  EXPECT_EQ((**store_->Get(*t, {id}))[1].as_bytes(), "back");
}

TEST_F(StoreTest, TtlExpiresCellsAndRows) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  Value keep = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  WriteOptions w;
  w.ttl_seconds = 10;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("Ada"), Value::Text("L"), Value::Int32(1)}, w).ok());
  ASSERT_TRUE(store_->Upsert(*t, {keep, Value::Text("Bob"), Value::Unset(), Value::Unset()}).ok());
  // A later non-TTL write of one column outlives the row's TTL.
  WriteOptions upd;
  upd.row_marker = false;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Unset(), Value::Unset(), Value::Int32(2)}, upd).ok());
  clock_.AdvanceMs(9'000);
  EXPECT_EQ((**store_->Get(*t, {id}))[1].as_bytes(), "Ada");
  clock_.AdvanceMs(2'000);
  auto r = store_->Get(*t, {id});
  ASSERT_TRUE(r->has_value());
  EXPECT_TRUE((**r)[1].is_null());
  EXPECT_EQ((**r)[3].as_int(), 2);
  EXPECT_EQ(*store_->Count(*t), 2u);
  // Expire everything of `id`, then purge after gc grace: the other row survives compaction.
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Unset(), Value::Unset(), Value::Int32(3)}, w).ok());
  clock_.AdvanceMs(11'000);
  EXPECT_FALSE(store_->Get(*t, {id})->has_value());
  clock_.AdvanceMs(120'000);
  ASSERT_TRUE(store_->Flush().ok());
  ASSERT_TRUE(store_->CompactAll().ok());
  ASSERT_TRUE(store_->CompactAll().ok());
  EXPECT_FALSE(store_->Get(*t, {id})->has_value());
  EXPECT_EQ((**store_->Get(*t, {keep}))[1].as_bytes(), "Bob");
  auto all = store_->Scan(*t);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rows.size(), 1u);
  // Table default TTL applies when the write has none.
  ASSERT_TRUE(store_->AlterTableOptions("ks", "users", {{"default_time_to_live", "5"}}).ok());
  t = Table("ks", "users");
  Value e = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ASSERT_TRUE(store_->Upsert(*t, {e, Value::Text("E"), Value::Unset(), Value::Unset()}).ok());
  clock_.AdvanceMs(6'000);
  EXPECT_FALSE(store_->Get(*t, {e})->has_value());
  // USING TTL 0 overrides the table default.
  WriteOptions no_ttl;
  no_ttl.ttl_seconds = 0;
  ASSERT_TRUE(store_->Upsert(*t, {e, Value::Text("F"), Value::Unset(), Value::Unset()}, no_ttl).ok());
  clock_.AdvanceMs(6'000);
  EXPECT_TRUE(store_->Get(*t, {e})->has_value());
  EXPECT_TRUE(store_->Upsert(*t, {e, Value::Unset(), Value::Unset(), Value::Unset()},
                             WriteOptions{WriteOptions::kNow, -2}).IsInvalidArgument());
}

TEST_F(StoreTest, ClusteringOrderRangesAndReverse) {
  auto t = CreateEvents();
  // Column order after Finish: p, c, d, v.
  ASSERT_EQ(t->columns[0].name, "p");
  ASSERT_EQ(t->columns[1].name, "c");
  ASSERT_EQ(t->columns[2].name, "d");
  for (int c = 1; c <= 5; ++c) {
    for (const char* d : {"a", "b"}) ASSERT_TRUE(store_->Upsert(*t, Event("p1", c, d, c * 10)).ok());
  }
  ASSERT_TRUE(store_->Upsert(*t, Event("p2", 1, "a", 0)).ok());
  auto all = store_->ScanPartition(*t, {Value::Text("p1")});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 10u);
  // c DESC, then d ASC.
  EXPECT_EQ((*all)[0][1].as_int(), 5);
  EXPECT_EQ((*all)[0][2].as_bytes(), "a");
  EXPECT_EQ((*all)[1][2].as_bytes(), "b");
  EXPECT_EQ((*all)[9][1].as_int(), 1);
  // Bounds in clustering order: from c=4 (inclusive) to c=2 (exclusive).
  ClusteringRange r;
  r.start = {{Value::Int32(4)}, true};
  r.end = {{Value::Int32(2)}, false};
  auto mid = store_->ScanPartition(*t, {Value::Text("p1")}, r);
  ASSERT_EQ(mid->size(), 4u);
  EXPECT_EQ((*mid)[0][1].as_int(), 4);
  EXPECT_EQ((*mid)[3][1].as_int(), 3);
  // Full-key bound and exclusive start: after (4, 'a').
  r.start = {{Value::Int32(4), Value::Text("a")}, false};
  r.end = {{Value::Int32(3)}, true};
  auto after = store_->ScanPartition(*t, {Value::Text("p1")}, r);
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0][2].as_bytes(), "b");
  // Reverse with a limit.
  auto rev = store_->ScanPartition(*t, {Value::Text("p1")}, {}, true, 3);
  ASSERT_EQ(rev->size(), 3u);
  EXPECT_EQ((*rev)[0][1].as_int(), 1);
  EXPECT_EQ((*rev)[0][2].as_bytes(), "b");
  // Point get with the full key.
  auto g = store_->Get(*t, {Value::Text("p1"), Value::Int32(3), Value::Text("b")});
  ASSERT_TRUE(g.ok() && g->has_value());
  EXPECT_EQ((**g)[3].as_int(), 30);
  EXPECT_TRUE(store_->Get(*t, {Value::Text("p1"), Value::Int32(3)}).status().IsInvalidArgument());
}

TEST_F(StoreTest, DeletesRowsPartitionsAndRanges) {
  auto t = CreateEvents();
  for (int c = 1; c <= 5; ++c) ASSERT_TRUE(store_->Upsert(*t, Event("p1", c, "x", c)).ok());
  for (int c = 1; c <= 3; ++c) ASSERT_TRUE(store_->Upsert(*t, Event("p2", c, "x", c)).ok());
  ASSERT_TRUE(store_->DeleteRow(*t, {Value::Text("p1"), Value::Int32(5), Value::Text("x")}).ok());
  ClusteringRange r;
  r.start = {{Value::Int32(3)}, true};
  r.end = {{Value::Int32(2)}, true};
  ASSERT_TRUE(store_->DeleteClusteringRange(*t, {Value::Text("p1")}, r).ok());
  auto p1 = store_->ScanPartition(*t, {Value::Text("p1")});
  ASSERT_EQ(p1->size(), 2u);
  EXPECT_EQ((*p1)[0][1].as_int(), 4);
  EXPECT_EQ((*p1)[1][1].as_int(), 1);
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeletePartition(*t, {Value::Text("p2")}).ok());
  EXPECT_TRUE(store_->ScanPartition(*t, {Value::Text("p2")})->empty());
  EXPECT_FALSE(store_->Get(*t, {Value::Text("p2"), Value::Int32(1), Value::Text("x")})->has_value());
  EXPECT_EQ(*store_->Count(*t), 2u);
  auto scan = store_->Scan(*t);
  EXPECT_EQ(scan->rows.size(), 2u);
  // A newer write into the deleted partition is visible; older rows stay hidden.
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->Upsert(*t, Event("p2", 9, "y", 9)).ok());
  auto p2 = store_->ScanPartition(*t, {Value::Text("p2")});
  ASSERT_EQ(p2->size(), 1u);
  EXPECT_EQ((*p2)[0][1].as_int(), 9);
  EXPECT_EQ(*store_->Count(*t), 3u);
  // Unclustered tables: a partition delete is a row delete.
  auto u = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ASSERT_TRUE(store_->Upsert(*u, {id, Value::Text("a"), Value::Unset(), Value::Unset()}).ok());
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeletePartition(*u, {id}).ok());
  EXPECT_FALSE(store_->Get(*u, {id})->has_value());
}

TEST_F(StoreTest, ScanInTokenOrderWithPaging) {
  auto t = CreateEvents();
  for (int i = 0; i < 60; ++i) {
    for (int c = 0; c < 3; ++c) {
      ASSERT_TRUE(store_->Upsert(*t, Event(std::string("k").append(std::to_string(i)), c, "d", i)).ok());
    }
  }
  std::vector<Row> rows;
  std::string state;
  int pages = 0;
  do {
    auto page = store_->Scan(*t, {}, state, 7);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->rows.size(), 7u);
    for (auto& r : page->rows) rows.push_back(r);
    state = page->paging_state;
    ++pages;
  } while (!state.empty());
  EXPECT_EQ(rows.size(), 180u);
  EXPECT_GE(pages, 26);
  int64_t prev = INT64_MIN;
  std::set<std::string> seen;
  for (const Row& r : rows) {
    int64_t tok = PartitionToken({r[0]});
    EXPECT_GE(tok, prev);
    prev = tok;
    seen.insert(r[0].as_bytes() + "/" + std::to_string(r[1].as_int()));
  }
  EXPECT_EQ(seen.size(), 180u);
  // A token range selects exactly the partitions whose tokens fall in it.
  TokenRange half{INT64_MIN, true, 0, true};
  auto lower = store_->Scan(*t, half);
  size_t expect = 0;
  for (const Row& r : rows) expect += PartitionToken({r[0]}) <= 0;
  EXPECT_EQ(lower->rows.size(), expect);
  TokenRange upper{0, false, INT64_MAX, true};
  EXPECT_EQ(store_->Scan(*t, upper)->rows.size(), 180u - expect);
  // A paging state of another table is refused.
  auto u = CreateUsers();
  auto page = store_->Scan(*t, {}, {}, 1);
  EXPECT_TRUE(store_->Scan(*u, {}, page->paging_state, 1).status().IsInvalidArgument());
  EXPECT_EQ(*store_->Count(*t), 180u);
}

TEST_F(StoreTest, WriteBatchIsAtomicWithMetadata) {
  auto t = CreateUsers();
  auto e = CreateEvents();
  WriteBatch b = store_->NewWriteBatch();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ASSERT_TRUE(b.Upsert(*t, {id, Value::Text("A"), Value::Text("B"), Value::Int32(1)}).ok());
  ASSERT_TRUE(b.Upsert(*e, Event("p", 1, "d", 1)).ok());
  b.PutMeta("job/offsets/users_created/0", "42");
  // A bad row is refused and leaves the batch as it was.
  EXPECT_TRUE(b.Upsert(*t, {Value::Null(), Value::Unset(), Value::Unset(), Value::Unset()})
                  .IsInvalidArgument());
  EXPECT_EQ(b.count(), 3u);
  // Nothing is visible before the commit.
  EXPECT_FALSE(store_->Get(*t, {id})->has_value());
  EXPECT_FALSE(store_->GetMeta("job/offsets/users_created/0")->has_value());
  ASSERT_TRUE(store_->Write(b, true).ok());
  EXPECT_TRUE(store_->Get(*t, {id})->has_value());
  EXPECT_EQ(*store_->Count(*e), 1u);
  EXPECT_EQ(**store_->GetMeta("job/offsets/users_created/0"), "42");
  // Survives a reopen; meta lists by prefix.
  Reopen();
  t = Table("ks", "users");
  EXPECT_TRUE(store_->Get(*t, {id})->has_value());
  ASSERT_TRUE(store_->PutMeta("job/offsets/users_created/1", "7").ok());
  auto list = store_->ListMeta("job/offsets/");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].second, "7");
  // A batch into a table dropped meanwhile fails as a whole.
  WriteBatch b2 = store_->NewWriteBatch();
  ASSERT_TRUE(b2.Upsert(*t, {Value::UuidOf(TypeKind::kUuid, Uuid::Random()), Value::Text("x"),
                             Value::Unset(), Value::Unset()}).ok());
  b2.PutMeta("job/offsets/users_created/0", "99");
  ASSERT_TRUE(store_->DropTable("ks", "users", false).ok());
  EXPECT_TRUE(store_->Write(b2).IsNotFound());
  EXPECT_EQ(**store_->GetMeta("job/offsets/users_created/0"), "42");
}

// A batch hands its row writes to RocksDB sorted by key: many rows in random key order, with
// several writes to the same row in one batch (a full upsert, then a partial update, then a
// delete), end up exactly as if applied one by one.
TEST_F(StoreTest, WriteBatchOfManyRowsAndRepeatedKeys) {
  auto t = CreateUsers();
  std::vector<Value> ids;
  WriteBatch b = store_->NewWriteBatch();
  WriteOptions first, later;
  first.timestamp_micros = 1000;
  later.timestamp_micros = 2000;
  later.row_marker = false;
  for (int i = 0; i < 300; ++i) {
    ids.push_back(Value::UuidOf(TypeKind::kUuid, Uuid::Random()));
    ASSERT_TRUE(b.Upsert(*t, {ids[i], Value::Text("f" + std::to_string(i)),
                              Value::Text("l" + std::to_string(i)), Value::Int32(i)}, first).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(b.Upsert(*t, {ids[i], Value::Unset(), Value::Text("updated"), Value::Unset()},
                           later).ok());
    }
    if (i % 5 == 0) ASSERT_TRUE(b.DeleteRow(*t, {ids[i]}, later).ok());
  }
  b.PutMeta("job/offsets/t/0", "300");
  ASSERT_TRUE(store_->Write(b).ok());
  int live = 0;
  for (int i = 0; i < 300; ++i) {
    auto row = store_->Get(*t, {ids[i]});
    ASSERT_TRUE(row.ok());
    if (i % 5 == 0) {
      EXPECT_FALSE(row->has_value()) << i;  // the delete (ts 2000) shadows both writes
      continue;
    }
    ASSERT_TRUE(row->has_value()) << i;
    ++live;
    EXPECT_EQ((**row)[1].as_bytes(), "f" + std::to_string(i));
    EXPECT_EQ((**row)[2].as_bytes(), i % 3 == 0 ? "updated" : "l" + std::to_string(i));
    EXPECT_EQ((**row)[3].as_int(), i);
  }
  EXPECT_EQ(*store_->Count(*t), uint64_t(live));
  EXPECT_EQ(**store_->GetMeta("job/offsets/t/0"), "300");
}

TEST_F(StoreTest, SchemaPersistsAcrossReopen) {
  auto e = CreateEvents();
  ASSERT_TRUE(store_->AlterTableAddColumn("ks", "events", "note", TypeKind::kText).ok());
  Uuid v = store_->SchemaVersion();
  Uuid id = e->id;
  Reopen();
  auto again = Table("ks", "events");
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(store_->SchemaVersion(), v);
  ASSERT_EQ(again->columns.size(), 5u);
  EXPECT_EQ(again->columns[1].order, ClusteringOrder::kDesc);
  EXPECT_EQ(again->columns[4].name, "note");
  EXPECT_EQ(again->ToCql(),
            "CREATE TABLE ks.events (\n    p text,\n    c int,\n    d text,\n    note text,\n"
            "    v bigint,\n    PRIMARY KEY (p, c, d)\n) WITH CLUSTERING ORDER BY (c DESC, d ASC);");
  EXPECT_EQ(store_->ListKeyspaces().size(), 1u);
  EXPECT_EQ(store_->ListKeyspaces()[0].replication.size(), 0u);
  // New tables never reuse a storage id.
  CreateUsers();
  EXPECT_NE(Table("ks", "users")->storage_id, again->storage_id);
}

TEST_F(StoreTest, AlterAddDropColumnAndTruncate) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("A"), Value::Text("B"), Value::Int32(1)}).ok());
  ASSERT_TRUE(store_->AlterTableDropColumn("ks", "users", "age").ok());
  EXPECT_TRUE(store_->AlterTableDropColumn("ks", "users", "id").IsInvalidArgument());
  ASSERT_TRUE(store_->AlterTableAddColumn("ks", "users", "age", TypeKind::kBigint).ok());
  EXPECT_TRUE(store_->AlterTableAddColumn("ks", "users", "age", TypeKind::kInt).IsAlreadyExists());
  auto t2 = Table("ks", "users");
  auto r = store_->Get(*t2, {id});
  ASSERT_TRUE(r->has_value());
  EXPECT_TRUE((**r)[3].is_null());  // the dropped column's value does not come back
  EXPECT_EQ((**r)[1].as_bytes(), "A");
  ASSERT_TRUE(store_->Upsert(*t2, {id, Value::Unset(), Value::Unset(), Value::Bigint(5)}).ok());
  EXPECT_EQ((**store_->Get(*t2, {id}))[3].as_int(), 5);
  ASSERT_TRUE(store_->TruncateTable("ks", "users").ok());
  EXPECT_EQ(*store_->Count(*t2), 0u);
  ASSERT_TRUE(store_->Upsert(*t2, {id, Value::Text("again"), Value::Unset(), Value::Unset()}).ok());
  EXPECT_EQ(*store_->Count(*t2), 1u);
  ASSERT_TRUE(store_->DropKeyspace("ks", false).ok());
  EXPECT_TRUE(store_->ListTables().empty());
  EXPECT_TRUE(store_->Upsert(*t2, {id, Value::Text("x"), Value::Unset(), Value::Unset()}).IsNotFound());
  EXPECT_TRUE(store_->DropKeyspace("ks", true).ok());
  EXPECT_TRUE(store_->DropKeyspace("ks", false).IsNotFound());
}

TEST_F(StoreTest, InsertIfNotExistsIsAtomic) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  auto first = store_->InsertIfNotExists(*t, {id, Value::Text("first"), Value::Unset(), Value::Unset()});
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  auto second = store_->InsertIfNotExists(*t, {id, Value::Text("second"), Value::Unset(), Value::Unset()});
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((**second)[1].as_bytes(), "first");
  // Many threads race for the same keys: exactly one wins per key.
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  std::vector<Value> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(Value::UuidOf(TypeKind::kUuid, Uuid::Random()));
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      for (const Value& k : ids) {
        auto r = store_->InsertIfNotExists(*t, {k, Value::Text("x"), Value::Unset(), Value::Unset()});
        if (r.ok() && !r->has_value()) ++applied;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(applied.load(), 20);
}

TEST_F(StoreTest, ReadOnlyOpenWhileAWriterIsOpen) {
  auto t = CreateEvents();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Upsert(*t, Event("p", i, "d", i)).ok());
  StoreOptions o;
  o.data_dir = dir_.path();
  o.read_only = true;
  auto ro = Store::Open(o);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  auto rt = (*ro)->GetTable("ks", "events");
  ASSERT_TRUE(rt.ok());
  EXPECT_EQ(*(*ro)->Count(**rt), 10u);  // unflushed writes are visible (WAL)
  auto part = (*ro)->ScanPartition(**rt, {Value::Text("p")});  // a secondary has no snapshots
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->size(), 10u);
  EXPECT_TRUE((*ro)->Upsert(**rt, Event("p", 99, "d", 0)).IsUnavailable());
  EXPECT_TRUE((*ro)->CreateKeyspace({"x", {}, true}, false).IsUnavailable());
  for (int i = 10; i < 15; ++i) ASSERT_TRUE(store_->Upsert(*t, Event("p", i, "d", i)).ok());
  ASSERT_TRUE(store_->Flush().ok());
  ASSERT_TRUE((*ro)->CatchUp().ok());
  EXPECT_EQ(*(*ro)->Count(**rt), 15u) << "flush 1";
  ASSERT_TRUE((*ro)->CatchUp().ok());
  EXPECT_EQ(*(*ro)->Count(**rt), 15u) << "flush";
  // No store at all: a clear NotFound.
  TempDir empty;
  o.data_dir = empty.path();
  EXPECT_TRUE(Store::Open(o).status().IsNotFound());
}


}  // namespace
}  // namespace kappa::store
