// Store behaviour per cell: every type, cell metadata, conditional writes, counters,
// and the native-serialization read path (GetNative).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::Col;
using store_testing::StoreTest;

// GetNative gives, per column, the CQL native serialization of Get's value (null: nullopt).
void ExpectNativeMatchesGet(const TableSchema& t, const std::vector<Value>& pk,
                            const std::unique_ptr<Store>& store) {
  auto row = store->Get(t, pk);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  bool called = false;
  auto found = store->GetNative(t, pk, [&](Store::NativeCells cells) {
    called = true;
    ASSERT_TRUE(row->has_value());
    ASSERT_EQ(cells.size(), t.columns.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      const Value& v = (**row)[i];
      if (!v.is_set() || v.is_null()) {
        EXPECT_FALSE(cells[i].has_value()) << t.columns[i].name;
        continue;
      }
      std::string want;
      SerializeNative(v, &want);
      ASSERT_TRUE(cells[i].has_value()) << t.columns[i].name;
      EXPECT_EQ(*cells[i], want) << t.columns[i].name;
    }
  });
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, row->has_value());
  EXPECT_EQ(called, row->has_value());
}

TEST_F(StoreTest, CollectionsAndAllScalarTypesRoundTrip) {
  ASSERT_TRUE(store_->CreateKeyspace({"ks", {}, true}, false).ok());
  TableSchema t;
  t.keyspace = "ks";
  t.name = "everything";
  std::vector<std::pair<std::string, std::string>> cols = {
      {"k_ascii", "ascii"},       {"k_bigint", "bigint"},     {"k_blob", "blob"},
      {"k_boolean", "boolean"},   {"k_decimal", "decimal"},   {"k_double", "double"},
      {"k_float", "float"},       {"k_int", "int"},           {"k_timestamp", "timestamp"},
      {"k_uuid", "uuid"},         {"k_text", "text"},         {"k_varint", "varint"},
      {"k_timeuuid", "timeuuid"}, {"k_inet", "inet"},         {"k_date", "date"},
      {"k_time", "time"},         {"k_smallint", "smallint"}, {"k_tinyint", "tinyint"}};
  std::vector<std::string> literals = {"'abc'",
                                       "-42",
                                       "0xcafe",
                                       "true",
                                       "-1.25",
                                       "2.5",
                                       "-0.5",
                                       "7",
                                       "'2024-05-01T12:00:00.000Z'",
                                       "0b5e0a3a-6e8b-4bd6-9c32-8a6f7c2e9d10",
                                       "'héllo'",
                                       "123456789012345678901234567890",
                                       "d2177dd0-eaa2-11de-a572-001b779c76e3",
                                       "'::1'",
                                       "'2024-05-01'",
                                       "'12:00:00.000000001'",
                                       "-300",
                                       "5"};
  int pos = 0;
  for (auto& [n, ty] : cols) {
    t.columns.push_back(Col(n, *Type::Parse(ty), ColumnKind::kClustering, pos++));
  }
  t.columns.push_back(Col("p", TypeKind::kInt, ColumnKind::kPartitionKey, 0));
  t.columns.push_back(Col("l", Type::List(TypeKind::kText)));
  t.columns.push_back(Col("s", Type::Set(TypeKind::kInt)));
  t.columns.push_back(Col("m", Type::Map(TypeKind::kText, TypeKind::kDouble)));
  ASSERT_TRUE(store_->CreateTable(t, false).ok());
  auto tab = Table("ks", "everything");
  Row row(tab->columns.size());
  row[0] = Value::Int32(1);
  for (size_t i = 0; i < literals.size(); ++i) {
    auto v = ParseCqlLiteral(tab->columns[i + 1].type, literals[i]);
    ASSERT_TRUE(v.ok()) << literals[i] << ": " << v.status().ToString();
    row[i + 1] = *v;
  }
  size_t n = tab->columns.size();
  row[n - 3] = *ParseCqlLiteral(tab->columns[n - 3].type, "['b', 'a', 'b']");
  row[n - 2] = *ParseCqlLiteral(tab->columns[n - 2].type, "{3, 1, 2, 1}");
  row[n - 1] = *ParseCqlLiteral(tab->columns[n - 1].type, "{'z': 1.5, 'a': 2}");
  ASSERT_TRUE(store_->Upsert(*tab, row).ok());
  auto rows = store_->ScanPartition(*tab, {Value::Int32(1)});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const Row& got = (*rows)[0];
  for (size_t i = 0; i < literals.size(); ++i) {
    EXPECT_EQ(got[i + 1].ToCqlLiteral(), row[i + 1].ToCqlLiteral()) << tab->columns[i + 1].name;
  }
  EXPECT_EQ(got[n - 3].ToCqlLiteral(), "['b', 'a', 'b']");
  EXPECT_EQ(got[n - 2].ToCqlLiteral(), "{1, 2, 3}");  // sets are sorted and distinct
  EXPECT_EQ(got[n - 1].ToCqlLiteral(), "{'a': 2, 'z': 1.5}");
  std::vector<Value> pk(got.begin(), got.begin() + long(tab->primary_key_size()));
  EXPECT_TRUE(store_->Get(*tab, pk)->has_value());
  // The native read path hands out exactly the serialization of what Get decodes.
  ExpectNativeMatchesGet(*tab, pk, store_);
}

TEST_F(StoreTest, CellMetadataGivesWriteTimesAndRemainingTtls) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  WriteOptions w;
  w.timestamp_micros = 1'000'000;
  w.ttl_seconds = 100;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("Ada"), Value::Unset(), Value::Unset()}, w).ok());
  WriteOptions w2;
  w2.timestamp_micros = 2'000'000;
  w2.row_marker = false;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Unset(), Value::Text("L"), Value::Unset()}, w2).ok());
  clock_.AdvanceMs(30'000);
  ReadOptions meta;
  meta.cell_metadata = true;
  auto r = store_->Get(*t, {id}, meta);
  ASSERT_TRUE(r.ok() && r->has_value());
  const Row& row = **r;
  ASSERT_EQ(row.size(), 12u);
  EXPECT_EQ(row[1].as_bytes(), "Ada");
  EXPECT_TRUE(row[4 + 0].is_null());  // key column: no write time
  EXPECT_EQ(row[4 + 1].as_int(), 1'000'000);
  EXPECT_EQ(row[4 + 2].as_int(), 2'000'000);
  EXPECT_TRUE(row[4 + 3].is_null());  // no cell
  EXPECT_EQ(row[8 + 1].as_int(), 70);
  EXPECT_TRUE(row[8 + 2].is_null());  // no TTL
  // Scans carry the same metadata; plain reads do not.
  auto all = store_->Scan(*t, {}, {}, 0, meta);
  ASSERT_TRUE(all.ok() && all->rows.size() == 1);
  EXPECT_EQ(all->rows[0][4 + 2].as_int(), 2'000'000);
  EXPECT_EQ((**store_->Get(*t, {id})).size(), 4u);
}

TEST_F(StoreTest, WriteIfCommitsOnlyWhenTheConditionHolds) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("Ada"), Value::Unset(), Value::Int32(1)}).ok());
  auto age_is = [](int64_t want) {
    return [want](const std::optional<Row>& r) {
      return r && (*r)[3].is_set() && (*r)[3].as_int() == want;
    };
  };
  WriteOptions upd;
  upd.row_marker = false;
  WriteBatch b = store_->NewWriteBatch();
  ASSERT_TRUE(b.Upsert(*t, {id, Value::Unset(), Value::Unset(), Value::Int32(2)}, upd).ok());
  auto no = store_->WriteIf(*t, {id}, age_is(5), b);
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(no->applied);
  ASSERT_TRUE(no->current.has_value());
  EXPECT_EQ((*no->current)[3].as_int(), 1);
  EXPECT_EQ((**store_->Get(*t, {id}))[3].as_int(), 1);
  auto yes = store_->WriteIf(*t, {id}, age_is(1), b);
  ASSERT_TRUE(yes.ok());
  EXPECT_TRUE(yes->applied);
  EXPECT_EQ((**store_->Get(*t, {id}))[3].as_int(), 2);
  // Racing compare-and-set increments never lose an update.
  std::vector<std::thread> threads;
  std::atomic<int> applied{0};
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        while (true) {
          auto cur = store_->Get(*t, {id});
          int64_t v = (**cur)[3].as_int();
          WriteBatch wb = store_->NewWriteBatch();
          EXPECT_TRUE(
              wb.Upsert(*t, {id, Value::Unset(), Value::Unset(), Value::Int32(int32_t(v + 1))}, upd)
                  .ok());
          auto r = store_->WriteIf(*t, {id}, age_is(v), wb);
          ASSERT_TRUE(r.ok());
          if (r->applied) break;
        }
        ++applied;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(applied.load(), 200);
  EXPECT_EQ((**store_->Get(*t, {id}))[3].as_int(), 202);
  // A missing row gives nullopt to the condition.
  Value other = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  WriteBatch del = store_->NewWriteBatch();
  ASSERT_TRUE(del.DeleteRow(*t, {other}).ok());
  auto missing = store_->WriteIf(
      *t, {other}, [](const std::optional<Row>& r) { return r.has_value(); }, del);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->applied);
  EXPECT_FALSE(missing->current.has_value());
}

TEST_F(StoreTest, CounterColumnsAddIncrements) {
  ASSERT_TRUE(store_->CreateKeyspace({"ks", {}, true}, true).ok());
  TableSchema mixed = NewTable("mixed", {Col("k", TypeKind::kText, ColumnKind::kPartitionKey, 0),
                                         Col("c", TypeKind::kCounter), Col("v", TypeKind::kText)});
  EXPECT_TRUE(store_->CreateTable(mixed, false).IsInvalidArgument());
  TableSchema ct =
      NewTable("hits", {Col("page", TypeKind::kText, ColumnKind::kPartitionKey, 0),
                        Col("views", TypeKind::kCounter), Col("likes", TypeKind::kCounter)});
  ASSERT_TRUE(store_->CreateTable(ct, false).ok());
  auto t = Table("ks", "hits");
  EXPECT_TRUE(
      store_->AlterTableAddColumn("ks", "hits", "note", TypeKind::kText).IsInvalidArgument());
  WriteOptions inc;
  inc.row_marker = false;
  Value page = Value::Text("/home");
  auto counter = [](int64_t d) { return Value::Int(TypeKind::kCounter, d); };
  ASSERT_TRUE(store_->Upsert(*t, {page, counter(1), Value::Unset()}, inc).ok());
  ASSERT_TRUE(store_->Upsert(*t, {page, counter(5), counter(2)}, inc).ok());
  ASSERT_TRUE(store_->Flush().ok());  // some increments in an SST, some in the memtable
  ASSERT_TRUE(store_->Upsert(*t, {page, counter(-2), Value::Unset()}, inc).ok());
  WriteBatch b = store_->NewWriteBatch();
  ASSERT_TRUE(b.Upsert(*t, {page, counter(10), Value::Unset()}, inc).ok());
  ASSERT_TRUE(b.Upsert(*t, {page, counter(10), Value::Unset()}, inc).ok());
  ASSERT_TRUE(store_->Write(b).ok());
  auto r = store_->Get(*t, {page});
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((**r)[1].kind(), TypeKind::kCounter);
  EXPECT_EQ((**r)[1].as_int(), 24);
  EXPECT_EQ((**r)[2].as_int(), 2);
  ExpectNativeMatchesGet(*t, {page}, store_);
  ASSERT_TRUE(store_->CompactAll().ok());
  Reopen();
  t = Table("ks", "hits");
  EXPECT_EQ((**store_->Get(*t, {page}))[1].as_int(), 24);
  // Concurrent increments are all counted (blind merges, no read).
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        EXPECT_TRUE(store_->Upsert(*t, {page, counter(1), Value::Unset()}, inc).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((**store_->Get(*t, {page}))[1].as_int(), 1024);
  // Deleting the row removes the counts.
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeleteRow(*t, {page}).ok());
  EXPECT_FALSE(store_->Get(*t, {page})->has_value());
  ExpectNativeMatchesGet(*t, {page}, store_);
}

TEST_F(StoreTest, GetNativeSeesNullsTtlsTombstonesAndClusteredRows) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  ExpectNativeMatchesGet(*t, {id}, store_);  // no row
  WriteOptions ttl;
  ttl.ttl_seconds = 10;
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Text("Ada"), Value::Null(), Value::Int32(36)}).ok());
  ASSERT_TRUE(store_->Upsert(*t, {id, Value::Unset(), Value::Text("L"), Value::Unset()}, ttl).ok());
  ExpectNativeMatchesGet(*t, {id}, store_);  // merged operands, a null cell
  ASSERT_TRUE(store_->Flush().ok());
  ExpectNativeMatchesGet(*t, {id}, store_);
  clock_.AdvanceMs(11'000);
  ExpectNativeMatchesGet(*t, {id}, store_);  // the TTL'd cell is gone
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeleteRow(*t, {id}).ok());
  ExpectNativeMatchesGet(*t, {id}, store_);
  // Clustered rows, with a partition tombstone shadowing older rows.
  auto ev = CreateEvents();
  ASSERT_TRUE(store_->Upsert(*ev, Event("p", 1, "a", 7)).ok());
  std::vector<Value> key = {Value::Text("p"), Value::Int32(1), Value::Text("a")};
  ExpectNativeMatchesGet(*ev, key, store_);
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeletePartition(*ev, {Value::Text("p")}).ok());
  ExpectNativeMatchesGet(*ev, key, store_);
  // A wrong key is an error, not a crash.
  EXPECT_FALSE(store_->GetNative(*ev, {Value::Text("p")}, [](Store::NativeCells) {}).ok());
}

}  // namespace
}  // namespace kappa::store
