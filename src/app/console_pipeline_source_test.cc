// The console's PipelineSource over a real data directory and running pipeline: jobs and
// their partitions, dead letters with their error headers, replay of a running job, table
// schemas, row paging at every page boundary, the query box.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "app/app.h"
#include "app/console_pipeline_source.h"
#include "app/test_config.h"
#include "testutil/temp_dir.h"

namespace kappa::app {
namespace {

constexpr std::string_view kSourceConfig = R"(topics:
  - name: t
    partitions: 2
  - name: t.dlq
keyspaces:
  - name: ks
    tables:
      - name: tab
        primary_key: [id]
        columns:
          id: int
          name: text
jobs:
  - name: j
    topic: t
    table: ks.tab
)";

class ConsolePipelineSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = testing::StartTestPipeline(kSourceConfig, tmp_.path() + "/data");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    config_ = std::move(t->config);
    rt_ = std::move(t->runtime);
    pipeline_ = std::move(t->pipeline);
    source_ = NewConsolePipelineSource(pipeline_.get());
  }
  void TearDown() override {
    if (pipeline_) (void)pipeline_->Stop();
  }

  void Append(int32_t partition, const std::vector<std::string>& values) {
    auto p = rt_->log().GetPartition("t", PartitionId(partition));
    ASSERT_TRUE(p.ok());
    std::vector<log::Record> records;
    for (const auto& v : values) {
      log::Record r;
      r.key = "k";
      r.value = v;
      records.push_back(r);
    }
    ASSERT_TRUE((*p)->Append(records).ok());
  }

  // Waits until the job has committed everything in its topic.
  void WaitForLagZero() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto j = source_->GetJob("j");
      ASSERT_TRUE(j.ok());
      int64_t lag = 0;
      for (const auto& p : j->partitions) lag += p.lag;
      if (lag == 0 && !j->partitions.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "the job did not catch up";
  }

  testutil::TempDir tmp_{"kappa-console-pipeline-test"};
  PipelineConfig config_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<console::PipelineSource> source_;
};

TEST_F(ConsolePipelineSourceTest, JobsDeadLettersAndReplay) {
  Append(0, {R"({"id": 1, "name": "a"})", "<script>alert(1)</script>", R"({"id": 2, "name": "b"})"});
  Append(1, {R"({"id": 3, "name": "c"})"});
  WaitForLagZero();

  auto jobs = source_->ListJobs();
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  const console::JobInfo& j = (*jobs)[0];
  EXPECT_EQ(j.name, "j");
  EXPECT_EQ(j.state, "running");
  EXPECT_EQ(j.dead_letter_topic, "t.dlq");
  EXPECT_EQ(j.stored, 3u);
  EXPECT_EQ(j.dead_letters, 1u);
  auto detail = source_->GetJob("j");
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->partitions.size(), 2u);
  EXPECT_EQ(detail->partitions[0].committed, 3);
  EXPECT_EQ(detail->partitions[0].dead_letters, 1u);
  EXPECT_EQ(source_->GetJob("nope").status().code(), Status::Code::kNotFound);

  auto dl = source_->DeadLetters("j", 0, std::nullopt, 10);
  ASSERT_TRUE(dl.ok()) << dl.status().ToString();
  ASSERT_EQ(dl->items.size(), 1u);
  EXPECT_FALSE(dl->next_offset);
  const console::DeadLetter& d = dl->items[0];
  EXPECT_EQ(d.value, "<script>alert(1)</script>");
  std::map<std::string, std::string> headers;
  for (const auto& [k, v] : d.headers) headers[k] = v.value_or("");
  EXPECT_FALSE(headers["error"].empty());
  EXPECT_EQ(headers["source.offset"], "1");
  EXPECT_EQ(headers["job"], "j");
  EXPECT_EQ(source_->DeadLetters("j", 5, std::nullopt, 10).status().code(), Status::Code::kNotFound);
  // A cursor past the end: an empty last page.
  auto past = source_->DeadLetters("j", 0, 99, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->items.empty());
  EXPECT_FALSE(past->next_offset);

  // Replay from the start while the job runs: it stops, moves, runs again, replays 4 records.
  auto replayed = source_->ReplayJob("j", {console::ReplayTarget::Kind::kEarliest, 0, {}});
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  WaitForLagZero();
  auto after = source_->GetJob("j");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, "running");
  EXPECT_EQ(after->stored, 6u);  // this process's counter: 3 + 3 replayed (upserts)
  auto rows = source_->Query("SELECT count(*) FROM ks.tab", "", "", 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->page.rows[0][0], "3");
  // One partition to a given offset.
  auto one = source_->ReplayJob("j", {console::ReplayTarget::Kind::kOffset, 2, 0});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(source_->ReplayJob("nope", {}).status().code(), Status::Code::kNotFound);
  auto bad = source_->ReplayJob("j", {console::ReplayTarget::Kind::kEarliest, 0, 7});
  EXPECT_EQ(bad.status().code(), Status::Code::kNotFound);  // no partition 7
  WaitForLagZero();
  EXPECT_EQ(source_->GetJob("j")->state, "running");  // started again after the refusal
}

// The row browser's paging over a real store: page sizes that divide the row count and
// that do not, down to 1; every row exactly once, then an empty cursor.
TEST_F(ConsolePipelineSourceTest, RowPagesReturnEveryRowOnceAtEveryBoundary) {
  const int kRows = 37;
  for (int i = 0; i < kRows; ++i) {
    auto r = source_->Query("INSERT INTO ks.tab (id, name) VALUES (" + std::to_string(i) + ", 'n" +
                                std::to_string(i) + "')", "", "", 10);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  for (int limit : {1, 2, 5, 36, 37, 38, 500}) {
    std::set<std::string> ids;
    std::string cursor;
    int pages = 0;
    do {
      auto page = source_->BrowseRows("ks", "tab", cursor, limit);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ASSERT_EQ(page->columns.size(), 2u);
      EXPECT_LE(int(page->rows.size()), limit);
      for (const auto& row : page->rows) EXPECT_TRUE(ids.insert(*row[0]).second) << *row[0];
      cursor = page->cursor;
      ASSERT_LT(++pages, 100);
    } while (!cursor.empty());
    EXPECT_EQ(int(ids.size()), kRows) << "limit " << limit;
    // The same through the query box's paging.
    std::set<std::string> queried;
    cursor.clear();
    do {
      auto page = source_->Query("SELECT id FROM tab", "ks", cursor, limit);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const auto& row : page->page.rows) EXPECT_TRUE(queried.insert(*row[0]).second);
      cursor = page->page.cursor;
    } while (!cursor.empty());
    EXPECT_EQ(int(queried.size()), kRows) << "limit " << limit;
  }
  EXPECT_EQ(source_->BrowseRows("ks", "tab", "zz", 5).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(source_->BrowseRows("ks", "nope", "", 5).status().code(), Status::Code::kNotFound);
}

TEST_F(ConsolePipelineSourceTest, SchemasAndQueryErrors) {
  auto ks = source_->ListKeyspaces();
  ASSERT_TRUE(ks.ok());
  bool found = false;
  for (const auto& k : *ks) {
    if (k.name != "ks") continue;
    found = true;
    EXPECT_EQ(k.tables, std::vector<std::string>{"tab"});
    EXPECT_NE(k.ddl.find("CREATE KEYSPACE ks"), std::string::npos) << k.ddl;
  }
  EXPECT_TRUE(found);
  auto t = source_->GetTable("ks", "tab");
  ASSERT_TRUE(t.ok());
  EXPECT_NE(t->ddl.find("CREATE TABLE ks.tab"), std::string::npos) << t->ddl;
  ASSERT_EQ(t->columns.size(), 2u);
  EXPECT_EQ(t->columns[0].kind, "partition_key");
  EXPECT_EQ(t->columns[1].type, "text");

  auto err = source_->Query("SELECT * FROM ks.missing", "", "", 10);
  EXPECT_EQ(err.status().code(), Status::Code::kInvalidArgument);
  auto ddl = source_->Query("CREATE TABLE ks.t2 (a int PRIMARY KEY)", "", "", 10);
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  EXPECT_EQ(ddl->kind, "schema_change");
  EXPECT_EQ(ddl->message, "CREATED TABLE ks.t2");
  auto nulls = source_->Query("INSERT INTO ks.tab (id) VALUES (1)", "", "", 10);
  ASSERT_TRUE(nulls.ok());
  auto page = source_->BrowseRows("ks", "tab", "", 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_FALSE(page->rows[0][1].has_value());  // null stays null, not "null"
}

}  // namespace
}  // namespace kappa::app
