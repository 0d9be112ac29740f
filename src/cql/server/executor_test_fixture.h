// The fixture of the executor tests (executor_test.cc, executor_write_test.cc): a real store
// in a temp dir, an executor over it and one session.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cql/server/executor.h"
#include "cql/protocol/wire.h"
#include "cql/server/write_group.h"
#include "testutil/temp_dir.h"

namespace kappa::cql {

using store::Value;

class ExecutorTest : public testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.data_dir = dir_.path();
    auto s = store::Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    NodeInfo node;
    node.host_id = Uuid::Random();
    exec_ = std::make_unique<Executor>(store_.get(), node);
  }
  void TearDown() override {
    exec_.reset();
    store_.reset();
  }

  Outcome<ResultMessage> Q(const std::string& q, std::vector<WireValue> values = {},
                           int32_t page_size = -1, std::string paging = {}) {
    QueryOptions o;
    o.values = std::move(values);
    o.page_size = page_size;
    o.paging_state = std::move(paging);
    return exec_->Query(q, o, session_);
  }

  // Runs q and returns its rows decoded (values rendered as text).
  std::vector<std::vector<std::string>> Rows(const std::string& q, std::string* paging = nullptr,
                                             int32_t page_size = -1) {
    auto r = Q(q, {}, page_size, paging ? *paging : "");
    EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    EXPECT_EQ(r.value().kind, ResultMessage::Kind::kRows);
    const RowsResult& rows = r.value().rows;
    if (paging) *paging = rows.paging_state;
    std::vector<std::vector<std::string>> out;
    WireReader rd(rows.data);
    for (int i = 0; i < rows.row_count; ++i) {
      std::vector<std::string> row;
      for (const auto& c : rows.columns) {
        std::string_view cell;
        bool null = false;
        EXPECT_TRUE(rd.Bytes(&cell, &null));
        if (null) {
          row.push_back("null");
          continue;
        }
        auto v = store::DeserializeNative(c.type, cell);
        EXPECT_TRUE(v.ok());
        row.push_back(v.ok() ? v->ToString() : "?");
      }
      out.push_back(std::move(row));
    }
    EXPECT_EQ(rd.remaining(), 0u);
    return out;
  }

  void Ok(const std::string& q) {
    auto r = Q(q);
    ASSERT_TRUE(r.ok()) << q << ": " << r.error().message;
  }
  CqlError Err(const std::string& q) {
    auto r = Q(q);
    EXPECT_FALSE(r.ok()) << q;
    return r.ok() ? CqlError{} : r.error();
  }

  testutil::TempDir dir_{"kappa-cql-exec-test"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Executor> exec_;
  Session session_;
};


using Table = std::vector<std::vector<std::string>>;

inline WireValue Enc(const Value& v) {
  std::string s;
  store::SerializeNative(v, &s);
  return WireValue::Of(s);
}

}  // namespace kappa::cql
