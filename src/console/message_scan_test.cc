// The message browser's bounded scan: paging through every page boundary returns every
// record exactly once, per partition in offset order; filters stop at the scan budget and
// continue from the cursor; retention below a cursor is skipped, not an error.
#include "console/message_scan.h"

#include <gtest/gtest.h>

#include <set>

#include "console/fake_kafka_source.h"

namespace kappa::console::kafka_internal {
namespace {

using testing::FakeKafkaSource;

// 3 partitions of 7, 0 and 12 records, timestamps interleaved across partitions.
FakeKafkaSource ThreePartitions() {
  FakeKafkaSource k;
  k.AddTopic("t", 3);
  for (int i = 0; i < 7; ++i) k.Add("t", 0, "k" + std::to_string(i), "p0-" + std::to_string(i), 100 + 3 * i);
  for (int i = 0; i < 12; ++i) k.Add("t", 2, std::nullopt, "p2-" + std::to_string(i), 100 + 2 * i);
  return k;
}

// Pages through everything from the start; returns what each page held.
std::vector<std::vector<Message>> PageAll(const FakeKafkaSource& k, size_t limit,
                                          std::function<bool(const Message&)> match = nullptr,
                                          size_t max_scan = 10000) {
  ScanRequest r{"t", {{0, 0}, {1, 0}, {2, 0}}, limit, max_scan, false, std::move(match)};
  std::vector<std::vector<Message>> pages;
  for (int guard = 0; guard < 1000; ++guard) {
    auto res = ScanMessages(k, r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    if (!res.ok()) break;
    EXPECT_LE(res->items.size(), limit);
    pages.push_back(res->items);
    if (res->exhausted) break;
    // Through the cursor's text, as the browser sends it back.
    auto next = ParseCursor(FormatCursor(res->next));
    EXPECT_TRUE(next.ok());
    r.from = *next;
  }
  return pages;
}

TEST(MessageScan, EveryPageBoundaryReturnsEveryRecordOnce) {
  FakeKafkaSource k = ThreePartitions();
  for (size_t limit = 1; limit <= 20; ++limit) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    std::map<int32_t, std::vector<int64_t>> seen;
    size_t total = 0;
    for (const auto& page : PageAll(k, limit)) {
      // Each page is merged by time.
      for (size_t i = 1; i < page.size(); ++i) {
        EXPECT_LE(page[i - 1].timestamp_ms, page[i].timestamp_ms);
      }
      for (const auto& m : page) seen[m.partition].push_back(m.offset), ++total;
    }
    EXPECT_EQ(total, 19u);
    ASSERT_EQ(seen[0].size(), 7u);
    ASSERT_EQ(seen[2].size(), 12u);
    for (size_t i = 0; i < 7; ++i) EXPECT_EQ(seen[0][i], int64_t(i));
    for (size_t i = 0; i < 12; ++i) EXPECT_EQ(seen[2][i], int64_t(i));
  }
}

TEST(MessageScan, FilterPagesThroughMatchesWithinTheBudget) {
  FakeKafkaSource k = ThreePartitions();
  auto odd = [](const Message& m) { return m.offset % 2 == 1; };
  for (size_t limit = 1; limit <= 8; ++limit) {
    for (size_t budget : {1, 3, 100}) {
      SCOPED_TRACE("limit " + std::to_string(limit) + " budget " + std::to_string(budget));
      std::set<std::pair<int32_t, int64_t>> seen;
      for (const auto& page : PageAll(k, limit, odd, budget)) {
        for (const auto& m : page) {
          EXPECT_TRUE(odd(m));
          EXPECT_TRUE(seen.insert({m.partition, m.offset}).second) << "twice: " << m.offset;
        }
      }
      EXPECT_EQ(seen.size(), 3u + 6u);  // p0: 1,3,5; p2: 1,3,5,7,9,11
    }
  }
}

TEST(MessageScan, BudgetBoundsWorkPerRequest) {
  FakeKafkaSource k;
  k.AddTopic("t", 1);
  for (int i = 0; i < 1000; ++i) k.Add("t", 0, std::nullopt, "v", i);
  ScanRequest r{"t", {{0, 0}}, 10, 100, false, [](const Message&) { return false; }};
  auto res = ScanMessages(k, r);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->items.empty());
  EXPECT_EQ(res->scanned, 100u);
  EXPECT_FALSE(res->exhausted);
  EXPECT_EQ(res->next, (Positions{{0, 100}}));
}

TEST(MessageScan, NewestKeepsTheTailAndRetentionIsSkipped) {
  FakeKafkaSource k = ThreePartitions();
  ScanRequest r{"t", {{0, 4}, {2, 9}}, 3, 10000, true, nullptr};
  auto res = ScanMessages(k, r);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->items.size(), 3u);
  // Read: p0 o4-6 (112, 115, 118), p2 o9-11 (118, 120, 122); the newest three by time.
  EXPECT_EQ(res->items[0].timestamp_ms, 118);
  EXPECT_EQ(res->items[2].timestamp_ms, 122);
  EXPECT_TRUE(res->exhausted);

  k.Truncate("t", 0, 5);
  ScanRequest old{"t", {{0, 1}}, 10, 10000, false, nullptr};
  auto after = ScanMessages(k, old);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->items.size(), 2u);
  EXPECT_EQ(after->items[0].offset, 5);
}

TEST(MessageScan, Cursor) {
  EXPECT_EQ(FormatCursor({{0, 17}, {3, 4}}), "0:17,3:4");
  EXPECT_EQ(*ParseCursor("0:17,3:4"), (Positions{{0, 17}, {3, 4}}));
  for (const char* bad : {"", "x", "0:", ":1", "0:1,", "0:-1", "-1:0", "0:1x", "0:99999999999999999999"}) {
    EXPECT_FALSE(ParseCursor(bad).ok()) << bad;
  }
  FakeKafkaSource k = ThreePartitions();
  ScanRequest r{"t", {{9, 0}}, 10, 100, false, nullptr};
  EXPECT_TRUE(ScanMessages(k, r).status().IsNotFound());
}

}  // namespace
}  // namespace kappa::console::kafka_internal
