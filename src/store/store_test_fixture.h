// The StoreTest fixture shared by the store's test files: a store in a temporary directory
// with a manual clock, and two example tables. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"
#include "testutil/temp_dir.h"

namespace kappa::store::store_testing {

// A fresh temp directory, removed at destruction (the one helper, testutil/temp_dir.h).
using TempDir = testutil::TempDir;

inline ColumnSchema Col(std::string name, Type t, ColumnKind k = ColumnKind::kRegular, int pos = -1,
                        ClusteringOrder o = ClusteringOrder::kAsc) {
  ColumnSchema c;
  c.name = std::move(name);
  c.type = std::move(t);
  c.kind = k;
  c.position = pos;
  c.order = o;
  return c;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    StoreOptions o;
    o.data_dir = dir_.path();
    o.clock = &clock_;
    o.gc_grace_seconds = 60;
    o.settle_after_ms = settle_after_ms_;
    o.metrics = metrics_;
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  std::shared_ptr<const TableSchema> Table(const std::string& ks, const std::string& name) {
    auto t = store_->GetTable(ks, name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }

  // A schema for table ks.`name` (not created).
  static TableSchema NewTable(std::string name, std::vector<ColumnSchema> columns) {
    TableSchema t;
    t.keyspace = "ks";
    t.name = std::move(name);
    t.columns = std::move(columns);
    return t;
  }

  // users(id uuid PRIMARY KEY, first_name text, last_name text, age int)
  std::shared_ptr<const TableSchema> CreateUsers() {
    EXPECT_TRUE(store_->CreateKeyspace({"ks", {{"class", "SimpleStrategy"}}, true}, true).ok());
    TableSchema t =
        NewTable("users", {Col("id", TypeKind::kUuid, ColumnKind::kPartitionKey, 0),
                           Col("first_name", TypeKind::kText), Col("last_name", TypeKind::kText),
                           Col("age", TypeKind::kInt)});
    Status s = store_->CreateTable(t, false);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return Table("ks", "users");
  }

  // events(p text, c int DESC, d text ASC, v bigint, PRIMARY KEY (p, c, d))
  std::shared_ptr<const TableSchema> CreateEvents() {
    EXPECT_TRUE(store_->CreateKeyspace({"ks", {}, true}, true).ok());
    TableSchema t = NewTable(
        "events",
        {Col("v", TypeKind::kBigint), Col("d", TypeKind::kText, ColumnKind::kClustering, 1),
         Col("c", TypeKind::kInt, ColumnKind::kClustering, 0, ClusteringOrder::kDesc),
         Col("p", TypeKind::kText, ColumnKind::kPartitionKey, 0)});
    Status s = store_->CreateTable(t, false);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return Table("ks", "events");
  }

  Row Event(const std::string& p, int c, const std::string& d, int64_t v) {
    return {Value::Text(p), Value::Int32(c), Value::Text(d), Value::Bigint(v)};
  }

  TempDir dir_;
  ManualClock clock_;
  int64_t settle_after_ms_ = StoreOptions().settle_after_ms;  // read by Reopen
  metrics::Registry* metrics_ = nullptr;                      // read by Reopen
  std::unique_ptr<Store> store_;
};

}  // namespace kappa::store::store_testing
