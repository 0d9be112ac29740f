// Store::CopyTo: a copy made through a read-only (secondary) store beside the writer opens as
// a store with the same schemas and rows, merged cells included.
#include <fmt/format.h>

#include <filesystem>

#include "metrics/metrics.h"
#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::StoreTest;
using store_testing::TempDir;

class StoreBackupTest : public StoreTest {};

TEST_F(StoreBackupTest, ACopyThroughTheSecondaryHasEveryRowAndSchema) {
  auto t = CreateUsers();
  std::vector<Uuid> ids;
  for (int i = 0; i < 300; ++i) {
    ids.push_back(Uuid::Random());
    std::string name = fmt::format("n{}", i);
    ASSERT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, ids.back()),
                                    Value::Text(name), Value::Text("x"),
                                    Value::Int32(i)}).ok());
  }
  ASSERT_TRUE(store_->Flush().ok());  // some rows in table files, the rest in the WAL
  // A later partial update: the copy holds the merged row.
  ASSERT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, ids[0]), Value::Unset(),
                                  Value::Unset(), Value::Int32(1000)}).ok());

  StoreOptions ro;
  ro.data_dir = dir_.path();
  ro.read_only = true;
  metrics::Registry reader_metrics;
  ro.metrics = &reader_metrics;
  auto reader = Store::Open(ro);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  // The writer goes on meanwhile: the copy is the reader's point in time.
  ASSERT_TRUE(store_->Upsert(*t, {Value::UuidOf(TypeKind::kUuid, Uuid::Random()),
                                  Value::Text("late"), Value::Text("x"), Value::Int32(-1)}).ok());
  TempDir target("kappa-store-copy");
  std::string copy_dir = target.path() + "/data";
  Status s = (*reader)->CopyTo(copy_dir);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE((*reader)->CopyTo(copy_dir).IsAlreadyExists());
  reader->reset();

  StoreOptions co;
  co.data_dir = copy_dir;
  metrics::Registry copy_metrics;
  co.metrics = &copy_metrics;
  auto copy = Store::Open(co);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto ct = (*copy)->GetTable("ks", "users");
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  auto n = (*copy)->Count(**ct);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 300u);
  auto r = (*copy)->Get(**ct, {Value::UuidOf(TypeKind::kUuid, ids[0])});
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((**r)[1].as_bytes(), "n0");
  EXPECT_EQ((**r)[3].as_int(), 1000);
  r = (*copy)->Get(**ct, {Value::UuidOf(TypeKind::kUuid, ids[299])});
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((**r)[3].as_int(), 299);
  // The copy is a store of its own: writable, and its schema version is the original's.
  EXPECT_EQ((*copy)->SchemaVersion(), store_->SchemaVersion());
  EXPECT_TRUE((*copy)->Upsert(**ct, {Value::UuidOf(TypeKind::kUuid, Uuid::Random()),
                                     Value::Text("new"), Value::Unset(), Value::Unset()}).ok());
}

}  // namespace
}  // namespace kappa::store
