// store_bench: upserts and point gets of created_users-shaped rows (uuid key + 10 text
// columns), single writes, 100-row batches, and gets, with 1 and 2 threads.
//   build/src/store/store_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <cstdlib>

#include "store/store.h"

namespace kappa::store {
namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<Store> store;
  std::shared_ptr<const TableSchema> table;
  std::vector<Value> ids;  // rows written by the preload, for gets

  Fixture() {
    char tmpl[] = "/tmp/kappa-store-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    StoreOptions o;
    o.data_dir = dir;
    store = Store::Open(o).value();
    (void)store->CreateKeyspace({"spark_streams", {}, true}, true);
    TableSchema t;
    t.keyspace = "spark_streams";
    t.name = "created_users";
    ColumnSchema id;
    id.name = "id";
    id.type = TypeKind::kUuid;
    id.kind = ColumnKind::kPartitionKey;
    id.position = 0;
    t.columns.push_back(id);
    for (const char* n : {"first_name", "last_name", "gender", "address", "post_code", "email",
                          "username", "registered_date", "phone", "picture"}) {
      ColumnSchema c;
      c.name = n;
      c.type = TypeKind::kText;
      t.columns.push_back(c);
    }
    (void)store->CreateTable(t, true);
    table = *store->GetTable("spark_streams", "created_users");
    WriteBatch b = store->NewWriteBatch();
    for (int i = 0; i < 200000; ++i) {
      Row r = MakeRow();
      ids.push_back(r[0]);
      (void)b.Upsert(*table, r);
      if (b.count() == 1000) {
        (void)store->Write(b);
        b.Clear();
      }
    }
    (void)store->Write(b);
    (void)store->Flush();
  }
  ~Fixture() {
    store.reset();
    std::filesystem::remove_all(dir);
  }

  Row MakeRow() const {
    return {Value::UuidOf(TypeKind::kUuid, Uuid::Random()), Value::Text("Margaret"),
            Value::Text("Hamilton"), Value::Text("female"),
            Value::Text("4127 Lakeview Drive, Springfield, Oregon, United States"),
            Value::Text("97477"), Value::Text("margaret.hamilton@example.com"),
            Value::Text("bluebird512"), Value::Text("2014-08-12T09:31:55.613Z"),
            Value::Text("(541) 555-0142"),
            Value::Text("https://randomuser.me/api/portraits/med/women/42.jpg")};
  }
};

Fixture* g_fixture = nullptr;

Fixture& F() {
  if (g_fixture == nullptr) {  // shared by all cases; removed (with its dir) at exit
    g_fixture = new Fixture();
    std::atexit([] { delete g_fixture; });
  }
  return *g_fixture;
}

void BM_Upsert(benchmark::State& state) {
  Fixture& f = F();
  Row row = f.MakeRow();
  for (auto _ : state) {
    row[0] = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
    if (!f.store->Upsert(*f.table, row).ok()) state.SkipWithError("upsert failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Upsert)->Threads(1)->Threads(2)->UseRealTime();

// Rows per RocksDB write: 100, and 1000 (about what a streaming job's batch holds).
void BatchUpsert(benchmark::State& state, int rows) {
  Fixture& f = F();
  Row row = f.MakeRow();
  WriteBatch b = f.store->NewWriteBatch();
  for (auto _ : state) {
    b.Clear();
    for (int i = 0; i < rows; ++i) {
      row[0] = Value::UuidOf(TypeKind::kUuid, Uuid::Random());
      (void)b.Upsert(*f.table, row);
    }
    if (!f.store->Write(b).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
void BM_BatchUpsert100(benchmark::State& state) { BatchUpsert(state, 100); }
void BM_BatchUpsert1000(benchmark::State& state) { BatchUpsert(state, 1000); }
BENCHMARK(BM_BatchUpsert100)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_BatchUpsert1000)->Threads(1)->UseRealTime();

void BM_Get(benchmark::State& state) {
  Fixture& f = F();
  size_t i = size_t(state.thread_index()) * 7919;
  for (auto _ : state) {
    auto r = f.store->Get(*f.table, {f.ids[i++ % f.ids.size()]});
    if (!r.ok() || !r->has_value()) state.SkipWithError("get failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace kappa::store

BENCHMARK_MAIN();
