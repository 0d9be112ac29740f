// Static columns in the store (the partition record holds them) and ModifyRows.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::Col;
using store_testing::StoreTest;

class StaticTest : public StoreTest {
 protected:
  // t(k int, c int, s text static, v text, PRIMARY KEY (k, c))
  std::shared_ptr<const TableSchema> CreateT() {
    EXPECT_TRUE(store_->CreateKeyspace({"ks", {}, true}, true).ok());
    Status s = store_->CreateTable(
        NewTable("t", {Col("k", TypeKind::kInt, ColumnKind::kPartitionKey, 0),
                       Col("c", TypeKind::kInt, ColumnKind::kClustering, 0),
                       Col("s", TypeKind::kText, ColumnKind::kStatic), Col("v", TypeKind::kText)}),
        false);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return Table("ks", "t");
  }
  static Row R(int k, Value c, Value s, Value v) { return {Value::Int32(k), c, s, v}; }
  static std::string Show(const std::vector<Row>& rows) {
    std::string out;
    for (const Row& r : rows) {
      for (const Value& v : r) out += (v.is_set() ? v.ToString() : "null") + ",";
      out += ";";
    }
    return out;
  }
};

TEST_F(StaticTest, StaticValueIsSharedAndSurvivesRowDeletes) {
  auto t = CreateT();
  ASSERT_TRUE(t->has_static_columns());
  WriteOptions upd;
  upd.row_marker = false;
  // Static alone, named by the partition key only.
  ASSERT_TRUE(store_->Upsert(*t, R(1, Value::Unset(), Value::Text("st"), Value::Unset()), upd).ok());
  EXPECT_EQ(Show(*store_->ScanPartition(*t, {Value::Int32(1)})), "1,null,st,null,;");
  EXPECT_EQ(Show(store_->Scan(*t)->rows), "1,null,st,null,;");
  EXPECT_EQ(*store_->Count(*t), 1u);
  ClusteringRange one{{{Value::Int32(1)}, true}, {{Value::Int32(1)}, true}};
  EXPECT_EQ(Show(*store_->ScanPartition(*t, {Value::Int32(1)}, one)), "");
  // Rows share it.
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->Upsert(*t, R(1, Value::Int32(1), Value::Unset(), Value::Text("a"))).ok());
  ASSERT_TRUE(store_->Upsert(*t, R(1, Value::Int32(2), Value::Text("new"), Value::Text("b"))).ok());
  EXPECT_EQ(Show(*store_->ScanPartition(*t, {Value::Int32(1)})), "1,1,new,a,;1,2,new,b,;");
  auto got = store_->Get(*t, {Value::Int32(1), Value::Int32(1)});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((**got)[2].ToString(), "new");
  std::string native;
  ASSERT_TRUE(*store_->GetNative(*t, {Value::Int32(1), Value::Int32(1)}, [&](Store::NativeCells c) {
    native = std::string(*c[2]);
  }));
  EXPECT_EQ(native, "new");
  EXPECT_EQ(*store_->Count(*t), 2u);
  // Row deletes keep the static; the partition reads as its static row again.
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeleteRow(*t, {Value::Int32(1), Value::Int32(1)}).ok());
  ASSERT_TRUE(store_->DeleteRow(*t, {Value::Int32(1), Value::Int32(2)}).ok());
  EXPECT_EQ(Show(store_->Scan(*t)->rows), "1,null,new,null,;");
  // A partition delete removes it.
  clock_.AdvanceMs(1);
  ASSERT_TRUE(store_->DeletePartition(*t, {Value::Int32(1)}).ok());
  EXPECT_EQ(Show(store_->Scan(*t)->rows), "");
  EXPECT_EQ(*store_->Count(*t), 0u);
  // Regular columns need the clustering key.
  EXPECT_FALSE(store_->Upsert(*t, R(2, Value::Unset(), Value::Unset(), Value::Text("x"))).ok());
}

TEST_F(StaticTest, ScansPageThroughStaticOnlyPartitions) {
  auto t = CreateT();
  WriteOptions upd;
  upd.row_marker = false;
  for (int k = 0; k < 10; ++k) {
    ASSERT_TRUE(store_->Upsert(*t, R(k, Value::Unset(), Value::Text("s"), Value::Unset()), upd).ok());
    for (int c = 0; c < k % 3; ++c) {
      ASSERT_TRUE(store_->Upsert(*t, R(k, Value::Int32(c), Value::Unset(), Value::Text("v"))).ok());
    }
  }
  auto all = store_->Scan(*t);
  ASSERT_TRUE(all.ok());
  for (size_t page : {1, 2, 3}) {
    std::vector<Row> paged;
    std::string state;
    do {
      auto r = store_->Scan(*t, {}, state, page);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      paged.insert(paged.end(), r->rows.begin(), r->rows.end());
      state = r->paging_state;
    } while (!state.empty());
    EXPECT_EQ(Show(paged), Show(all->rows)) << "page " << page;
  }
  EXPECT_EQ(all->rows.size(), 4u + 3 * 1 + 3 * 2);
}

TEST_F(StaticTest, StaticsNeedClustering) {
  ASSERT_TRUE(store_->CreateKeyspace({"ks", {}, true}, true).ok());
  Status s = store_->CreateTable(NewTable("bad", {Col("k", TypeKind::kInt, ColumnKind::kPartitionKey, 0),
                                                  Col("s", TypeKind::kText, ColumnKind::kStatic)}),
                                 false);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
}

TEST_F(StaticTest, ModifyRowsSerializesReadModifyWrites) {
  auto t = CreateUsers();
  Value id = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  WriteOptions upd;
  upd.row_marker = false;
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        WriteBatch b = store_->NewWriteBatch();
        Store::RowRef ref{t.get(), {id}};
        Status st = store_->ModifyRows(
            std::span(&ref, 1), ReadOptions(),
            [&](std::span<const std::optional<Row>> cur, WriteBatch& batch) {
              int64_t age = cur[0] && (*cur[0])[3].is_set() ? (*cur[0])[3].as_int() : 0;
              return batch.Upsert(*t, {id, Value::Unset(), Value::Unset(), Value::Int32(int32_t(age + 1))},
                                  upd);
            },
            b);
        EXPECT_TRUE(st.ok()) << st.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((**store_->Get(*t, {id}))[3].as_int(), 200);
  // An error from the modifier writes nothing.
  WriteBatch b = store_->NewWriteBatch();
  Store::RowRef ref{t.get(), {id}};
  Status st = store_->ModifyRows(std::span(&ref, 1), ReadOptions(),
                                 [&](std::span<const std::optional<Row>>, WriteBatch& batch) {
                                   EXPECT_TRUE(batch.Upsert(*t, {id, Value::Unset(), Value::Unset(),
                                                                 Value::Int32(0)}, upd).ok());
                                   return Status::InvalidArgument("no");
                                 },
                                 b);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ((**store_->Get(*t, {id}))[3].as_int(), 200);
}

}  // namespace
}  // namespace kappa::store
