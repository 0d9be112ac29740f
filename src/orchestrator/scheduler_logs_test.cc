// A try's log cap (SchedulerOptions::task_log_max_bytes) at its edge, with the default
// 10 MiB and a small one, and the paged read through the Scheduler.
#include <gtest/gtest.h>

#include "orchestrator/scheduler_test_util.h"

namespace kappa::orchestrator::testing {
namespace {

// Runs one try of a `log` task with `args` and returns its log.
std::vector<std::string> LogOf(Harness& h, const nlohmann::json& args, int retries = 0) {
  const TimeMs t0 = h.clock.NowMs();
  TaskSpec t = Task("big", "log", {}, args);
  t.retries = retries;
  t.retry_delay_ms = kSecond;
  h.Start({Dag("d", "none", t0, false, {t})});
  auto run = h.scheduler->Trigger("d", std::nullopt, std::nullopt, {});
  EXPECT_TRUE(run.ok());
  h.RunFor(kMinute);
  auto log = h.scheduler->ReadLog("d", run->run_id, "big", 1);
  EXPECT_TRUE(log.ok());
  return log.ok() ? *log : std::vector<std::string>{};
}

// The test type's own first line, "big try 1", costs 10 bytes; lines of 1023 bytes cost 1024.
constexpr int64_t kFirst = 10;
constexpr int kLines = 10239;  // 10 MiB - 1024 bytes of them
constexpr size_t kRoomLeft = size_t(kDefaultTaskLogMaxBytes - kFirst - int64_t(kLines) * 1024 - 1);

TEST(TaskLogCap, DefaultCapKeepsALogOfExactlyTenMiB) {
  Harness h(At("2025-01-01"));
  auto log = LogOf(h, {{"lines", kLines}, {"size", 1023}, {"tail", std::string(kRoomLeft, 'y')}});
  ASSERT_EQ(log.size(), size_t(kLines) + 2);
  EXPECT_EQ(log.back(), std::string(kRoomLeft, 'y'));
  int64_t bytes = 0;
  for (const auto& l : log) bytes += int64_t(l.size()) + 1;
  EXPECT_EQ(bytes, kDefaultTaskLogMaxBytes);
}

TEST(TaskLogCap, OneByteOverTheDefaultCapTruncates) {
  Harness h(At("2025-01-01"));
  auto log =
      LogOf(h, {{"lines", kLines}, {"size", 1023}, {"tail", std::string(kRoomLeft + 1, 'y')}});
  ASSERT_EQ(log.size(), size_t(kLines) + 2);
  EXPECT_EQ(log[size_t(kLines)], std::string(1023, 'x'));
  EXPECT_EQ(log.back(),
            "[log truncated: this try's log reached its cap of 10485760 bytes "
            "(orchestrator.task_log_max_bytes); later lines are dropped]");
}

TEST(TaskLogCap, LinesPastTheCapAreDroppedAfterOneMarkerButTheErrorIsKept) {
  Harness h(At("2025-01-01"));
  h.options.task_log_max_bytes = 100;
  // 10 (first line) + 9 lines of 10 bytes = 100: the tenth line is the first one over.
  auto log = LogOf(h, {{"lines", 1000}, {"size", 9}, {"fail", true}});
  ASSERT_EQ(log.size(), 12u);
  EXPECT_EQ(log[0], "big try 1");
  for (size_t i = 1; i <= 9; ++i) EXPECT_EQ(log[i], "xxxxxxxxx");
  EXPECT_EQ(log[10].rfind("[log truncated: this try's log reached its cap of 100 bytes", 0), 0u)
      << log[10];
  EXPECT_NE(log[11].find("failed after logging"), std::string::npos) << log[11];
}

TEST(TaskLogCap, EachTryHasItsOwnBudget) {
  Harness h(At("2025-01-01"));
  h.options.task_log_max_bytes = 100;
  LogOf(h, {{"lines", 1000}, {"size", 9}, {"fail", true}}, /*retries=*/1);
  const std::string run_id = h.Runs("d")[0].run_id;
  auto second = h.scheduler->ReadLog("d", run_id, "big", 2);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->size(), 12u);
  EXPECT_EQ((*second)[0], "big try 2");
  EXPECT_EQ((*second)[10].rfind("[log truncated", 0), 0u);
}

TEST(TaskLogCap, ZeroIsRefused) {
  Harness h(At("2025-01-01"));
  SchedulerOptions o;
  o.task_log_max_bytes = 0;
  auto s = Scheduler::Create({}, h.meta.get(), &h.types, o);
  EXPECT_TRUE(s.status().IsInvalidArgument()) << s.status().ToString();
}

TEST(TaskLogPages, TheSchedulerPagesATryAndChecksTheTry) {
  Harness h(At("2025-01-01"));
  auto whole = LogOf(h, {{"lines", 50}, {"size", 99}});
  ASSERT_EQ(whole.size(), 51u);
  const std::string run_id = h.Runs("d")[0].run_id;
  std::vector<std::string> got;
  int64_t pos = 0;
  for (int i = 0; i < 100; ++i) {
    auto page = h.scheduler->ReadLogPage("d", run_id, "big", 1, pos, 1000);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->lines.size(), 10u);
    got.insert(got.end(), page->lines.begin(), page->lines.end());
    pos = page->next;
    if (!page->more) break;
  }
  EXPECT_EQ(got, whole);
  EXPECT_TRUE(h.scheduler->ReadLogPage("d", run_id, "big", 2, 0, 1000).status().IsNotFound());
  EXPECT_TRUE(h.scheduler->ReadLogPage("d", "nope", "big", 1, 0, 1000).status().IsNotFound());
}

}  // namespace
}  // namespace kappa::orchestrator::testing
