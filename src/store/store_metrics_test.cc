// The store's metrics (store_metrics.cc), read through a private registry.
#include "metrics/metrics.h"
#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::StoreTest;

class StoreMetricsTest : public StoreTest {
 protected:
  void SetUp() override {
    metrics_ = &registry_;
    StoreTest::SetUp();
  }
  double Value(std::string_view name) const {
    for (const auto& f : registry_.Collect()) {
      if (f.name == name && !f.samples.empty()) return f.samples[0].value;
    }
    return -1;
  }
  metrics::Registry registry_;
};

TEST_F(StoreMetricsTest, CountsRowsAndReportsRocksDbSizes) {
  auto events = CreateEvents();
  WriteBatch b = store_->NewWriteBatch();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.Upsert(*events, Event("a", i, "x", i), {}).ok());
  b.PutMeta("job.offset", "5");  // not a row
  ASSERT_TRUE(store_->Write(b, false).ok());
  ASSERT_TRUE(store_->Upsert(*events, Event("b", 1, "y", 9), {}).ok());
  EXPECT_EQ(Value("kappa_store_rows_written_total"), 6);

  auto rows = store_->ScanPartition(*events, {Value::Text("a")}, {}, false, 0);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  auto one = store_->Get(*events, {Value::Text("b"), Value::Int32(1), Value::Text("y")});
  ASSERT_TRUE(one.ok() && one->has_value());
  auto none = store_->Get(*events, {Value::Text("b"), Value::Int32(2), Value::Text("y")});
  ASSERT_TRUE(none.ok() && !none->has_value());
  EXPECT_EQ(Value("kappa_store_rows_read_total"), 6);

  EXPECT_EQ(Value("kappa_store_live_sst_bytes"), 0);  // all in the memtable so far
  EXPECT_GT(Value("kappa_store_memtable_bytes"), 0);
  ASSERT_TRUE(store_->Flush().ok());
  ASSERT_TRUE(store_->CompactAll().ok());
  EXPECT_GT(Value("kappa_store_live_sst_bytes"), 0);
  EXPECT_GE(Value("kappa_store_sst_bytes"), Value("kappa_store_live_sst_bytes"));
  EXPECT_GE(Value("kappa_store_compactions_total"), 1);
  EXPECT_GT(Value("kappa_store_compaction_written_bytes_total"), 0);
  EXPECT_GE(Value("kappa_store_running_compactions"), 0);  // the settler may be compacting

  // A closed store unregisters its collector; its counters stay.
  store_.reset();
  EXPECT_EQ(Value("kappa_store_live_sst_bytes"), -1);
  EXPECT_EQ(Value("kappa_store_rows_written_total"), 6);
}

}  // namespace
}  // namespace kappa::store
