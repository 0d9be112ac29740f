// The kafka pages' JSON API over a fake KafkaSource, through the router as the server calls
// it: paging, errors (400/404/409/503), message rendering (JSON, binary, XSS payloads kept
// as data), produce, group lag and reset.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "console/fake_kafka_source.h"
#include "console/kafka_common.h"
#include "console/routes.h"
#include "metrics/metrics.h"

namespace kappa::console {
namespace {

using nlohmann::json;
using testing::FakeKafkaSource;

class KafkaRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    k_.AddTopic("orders", 2);
    k_.AddTopic("audit", 1);
    sources_.kafka = &k_;
    AddKafkaRoutes(router_, sources_);
  }
  struct Answer {
    int status;
    json body;
  };
  Answer Call(const std::string& method, const std::string& path,
              std::vector<std::pair<std::string, std::string>> query = {}, const json& body = nullptr) {
    http::Request r;
    r.method = method;
    r.path = path;
    r.target = path;
    r.query = std::move(query);
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers.Add("Content-Type", "application/json");
    }
    http::Response resp = router_.Dispatch(r);
    json doc = json::parse(resp.body, nullptr, false);
    return {resp.status, doc};
  }

  FakeKafkaSource k_;
  Sources sources_;
  http::Router router_;
};

TEST_F(KafkaRoutesTest, TopicsArePagedByName) {
  for (int i = 0; i < 5; ++i) k_.AddTopic("t" + std::to_string(i), 1);
  std::vector<std::string> names;
  std::string cursor;
  for (int guard = 0; guard < 10; ++guard) {
    std::vector<std::pair<std::string, std::string>> q = {{"limit", "3"}};
    if (!cursor.empty()) q.push_back({"cursor", cursor});
    auto a = Call("GET", "/api/console/topics", q);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.body["total"], 7);
    for (const auto& t : a.body["items"]) names.push_back(t["name"]);
    if (a.body["next_cursor"].is_null()) break;
    cursor = a.body["next_cursor"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"audit", "orders", "t0", "t1", "t2", "t3", "t4"}));
  EXPECT_EQ(Call("GET", "/api/console/topics", {{"limit", "0"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/console/topics", {{"limit", "501"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/console/topics", {{"limit", "x"}}).status, 400);
  auto q = Call("GET", "/api/console/topics", {{"q", "ord"}});
  ASSERT_EQ(q.body["items"].size(), 1u);
  EXPECT_EQ(q.body["items"][0]["partitions"], 2);
}

TEST_F(KafkaRoutesTest, CreateDescribeDelete) {
  auto c = Call("POST", "/api/console/topics", {},
                {{"name", "fresh"}, {"partitions", 3}, {"configs", {{"retention.ms", "60000"}}}});
  EXPECT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(Call("POST", "/api/console/topics", {}, {{"name", "fresh"}}).status, 409);
  EXPECT_EQ(Call("POST", "/api/console/topics", {}, {{"name", "x"}, {"partitions", 0}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/topics", {}, {{"partitions", 1}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/topics", {}, {{"name", "y"}, {"configs", {{"nope", "1"}}}}).status, 400);
  k_.Add("fresh", 1, "k", "v", 5);
  k_.groups["readers"].detail = {"readers", "Empty", "consumer", "", 0, {}, {{"fresh", 1, 0}}};
  auto d = Call("GET", "/api/console/topics/fresh");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.body["partition_list"].size(), 3u);
  EXPECT_EQ(d.body["partition_list"][1]["end_offset"], 1);
  EXPECT_EQ(d.body["retention_ms"], 60000);
  EXPECT_EQ(d.body["configs"][0]["value"], "60000");
  ASSERT_EQ(d.body["groups"].size(), 1u);
  EXPECT_EQ(d.body["groups"][0]["group"], "readers");
  EXPECT_EQ(d.body["groups"][0]["lag"], 1);
  EXPECT_EQ(Call("DELETE", "/api/console/topics/fresh").status, 200);
  EXPECT_EQ(Call("GET", "/api/console/topics/fresh").status, 404);
  EXPECT_EQ(Call("DELETE", "/api/console/topics/fresh").status, 404);
}

TEST_F(KafkaRoutesTest, MessagesRenderJsonBinaryAndMarkupAsData) {
  const std::string xss = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  k_.Add("orders", 0, xss, R"({"user": {"name": "ann", "age": 31}, "html": "<b>x</b>"})", 10,
         {{"h<i>", xss}, {"nullh", std::nullopt}});
  k_.Add("orders", 0, std::nullopt, std::string("\xff\xfe\x01", 3), 20);
  k_.Add("orders", 1, "k", "plain text", 15);
  auto a = Call("GET", "/api/console/topics/orders/messages");
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(a.body["items"].size(), 3u);
  const auto& first = a.body["items"][0];
  EXPECT_EQ(first["key"], xss);  // as data: the page renders it as text
  EXPECT_EQ(first["value_format"], "json");
  EXPECT_EQ(first["value_json"]["user"]["age"], 31);
  EXPECT_EQ(first["headers"][0]["key"], "h<i>");
  EXPECT_EQ(first["headers"][0]["value"], xss);
  EXPECT_TRUE(first["headers"][1]["value"].is_null());
  EXPECT_EQ(a.body["items"][1]["value"], "plain text");  // merged by time: 10, 15, 20
  EXPECT_EQ(a.body["items"][2]["value_format"], "binary");
  EXPECT_TRUE(a.body["items"][2]["value_binary"]);
  EXPECT_TRUE(a.body["items"][2]["key"].is_null());
  EXPECT_TRUE(a.body["next_cursor"].is_null());

  auto one = Call("GET", "/api/console/topics/orders/messages", {{"partition", "1"}});
  ASSERT_EQ(one.body["items"].size(), 1u);
  EXPECT_EQ(one.body["items"][0]["partition"], 1);
  auto sub = Call("GET", "/api/console/topics/orders/messages", {{"q", "alert(2)"}});
  EXPECT_EQ(sub.body["items"].size(), 1u);
  auto field = Call("GET", "/api/console/topics/orders/messages",
                    {{"field", "user.name"}, {"value", "ann"}});
  EXPECT_EQ(field.body["items"].size(), 1u);
  auto num = Call("GET", "/api/console/topics/orders/messages",
                  {{"field", "user.age"}, {"value", "31"}});
  EXPECT_EQ(num.body["items"].size(), 1u);
  auto none = Call("GET", "/api/console/topics/orders/messages",
                   {{"field", "user.name"}, {"value", "bob"}});
  EXPECT_EQ(none.body["items"].size(), 0u);
}

TEST_F(KafkaRoutesTest, MessagesFromOffsetTimeEndAndBadInput) {
  for (int i = 0; i < 10; ++i) k_.Add("audit", 0, std::nullopt, std::to_string(i), 1000 + i * 10);
  auto off = Call("GET", "/api/console/topics/audit/messages",
                  {{"from", "offset"}, {"offset", "7"}});
  ASSERT_EQ(off.body["items"].size(), 3u);
  EXPECT_EQ(off.body["items"][0]["offset"], 7);
  auto time = Call("GET", "/api/console/topics/audit/messages", {{"from", "time"}, {"time", "1045"}});
  ASSERT_EQ(time.body["items"].size(), 5u);
  EXPECT_EQ(time.body["items"][0]["offset"], 5);
  auto end = Call("GET", "/api/console/topics/audit/messages", {{"from", "end"}, {"limit", "2"}});
  ASSERT_EQ(end.body["items"].size(), 2u);
  EXPECT_EQ(end.body["items"][1]["offset"], 9);
  EXPECT_EQ(end.body["position"], "0:10");
  auto page = Call("GET", "/api/console/topics/audit/messages", {{"limit", "4"}});
  EXPECT_EQ(page.body["next_cursor"], "0:4");
  auto next = Call("GET", "/api/console/topics/audit/messages", {{"limit", "4"}, {"cursor", "0:4"}});
  EXPECT_EQ(next.body["items"][0]["offset"], 4);

  EXPECT_EQ(Call("GET", "/api/console/topics/ghost/messages").status, 404);
  EXPECT_EQ(Call("GET", "/api/console/topics/audit/messages", {{"partition", "5"}}).status, 404);
  EXPECT_EQ(Call("GET", "/api/console/topics/audit/messages", {{"partition", "x"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/console/topics/audit/messages", {{"from", "soon"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/console/topics/audit/messages", {{"from", "offset"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/console/topics/audit/messages", {{"cursor", "zz"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/console/topics/audit/messages", {{"max_scan", "0"}}).status, 400);
}

TEST_F(KafkaRoutesTest, ProduceFromTheForm) {
  auto p = Call("POST", "/api/console/topics/orders/messages", {},
                {{"partition", 1}, {"key", "k1"}, {"value", "{\"a\":1}"},
                 {"headers", json::array({{{"key", "source"}, {"value", "console"}}})}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.body["partition"], 1);
  EXPECT_EQ(p.body["offset"], 0);
  auto m = Call("GET", "/api/console/topics/orders/messages", {{"partition", "1"}});
  EXPECT_EQ(m.body["items"][0]["headers"][0]["value"], "console");
  EXPECT_EQ(Call("POST", "/api/console/topics/orders/messages", {}, {{"value", 5}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/topics/orders/messages", {}, {{"partition", "a"}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/topics/orders/messages", {},
                 {{"headers", json::array({{{"value", "x"}}})}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/topics/ghost/messages", {}, {{"value", "x"}}).status, 404);
  http::Request bad;
  bad.method = "POST";
  bad.path = bad.target = "/api/console/topics/orders/messages";
  bad.body = "{not json";
  EXPECT_EQ(router_.Dispatch(bad).status, 400);
}

TEST_F(KafkaRoutesTest, GroupsLagAndReset) {
  for (int i = 0; i < 10; ++i) k_.Add("orders", 0, std::nullopt, "v", i);
  for (int i = 0; i < 4; ++i) k_.Add("orders", 1, std::nullopt, "v", i);
  k_.groups["idle"].detail = {"idle", "Empty", "consumer", "", 0, {}, {{"orders", 0, 3}, {"orders", 1, 4}}};
  GroupMember m{"m-1", std::nullopt, "client-a", "/127.0.0.1", {{"orders", {0, 1}}}};
  k_.groups["busy"].detail = {"busy", "Stable", "consumer", "range", 2, {m}, {{"orders", 0, 9}}};

  auto list = Call("GET", "/api/console/groups");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 2u);
  EXPECT_EQ(list.body["items"][0]["name"], "busy");
  EXPECT_EQ(list.body["items"][0]["lag"], 1);
  EXPECT_EQ(list.body["items"][1]["lag"], 7);
  auto page = Call("GET", "/api/console/groups", {{"limit", "1"}, {"cursor", "busy"}});
  ASSERT_EQ(page.body["items"].size(), 1u);
  EXPECT_EQ(page.body["items"][0]["name"], "idle");

  auto busy = Call("GET", "/api/console/groups/busy");
  ASSERT_EQ(busy.status, 200);
  EXPECT_EQ(busy.body["members"][0]["assignment"][0]["partitions"], json::array({0, 1}));
  EXPECT_EQ(busy.body["offsets"][0]["member"], "client-a");
  EXPECT_EQ(busy.body["offsets"][0]["end_offset"], 10);
  EXPECT_EQ(Call("GET", "/api/console/groups/ghost").status, 404);

  auto refused = Call("POST", "/api/console/groups/busy/reset", {}, {{"to", "earliest"}});
  EXPECT_EQ(refused.status, 409);
  auto e = Call("POST", "/api/console/groups/idle/reset", {}, {{"to", "earliest"}});
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(e.body["lag"], 14);
  auto l = Call("POST", "/api/console/groups/idle/reset", {}, {{"to", "latest"}});
  EXPECT_EQ(l.body["lag"], 0);
  auto t = Call("POST", "/api/console/groups/idle/reset", {}, {{"to", "time"}, {"time", 2}});
  EXPECT_EQ(t.body["offsets"][0]["committed"], 2);
  EXPECT_EQ(t.body["offsets"][1]["committed"], 2);
  auto o = Call("POST", "/api/console/groups/idle/reset", {}, {{"to", "offset"}, {"offset", 99}});
  EXPECT_EQ(o.body["offsets"][0]["committed"], 10);  // clamped to the end
  auto named = Call("POST", "/api/console/groups/newgroup/reset", {},
                    {{"to", "earliest"}, {"topic", "audit"}});
  EXPECT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(Call("POST", "/api/console/groups/idle/reset", {}, {{"to", "sideways"}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/groups/idle/reset", {}, {{"to", "time"}}).status, 400);
  EXPECT_EQ(Call("POST", "/api/console/groups/ghost/reset", {}, {{"to", "latest"}}).status, 404);
  auto lag = Call("GET", "/api/console/groups/idle/lag");
  ASSERT_EQ(lag.status, 200);
  EXPECT_EQ(lag.body["series"][0]["label"], "orders");
}

TEST_F(KafkaRoutesTest, NotConfiguredIs503) {
  http::Router r;
  AddKafkaRoutes(r, Sources{});
  http::Request req;
  req.method = "GET";
  req.path = req.target = "/api/console/topics";
  EXPECT_EQ(r.Dispatch(req).status, 503);
}

TEST(KafkaCommon, Utf8AndHistoryRates) {
  using namespace kafka_internal;
  EXPECT_TRUE(IsValidUtf8("plain, ünïcödé, 日本, 🎉"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  metrics::Registry reg;
  metrics::History h(&reg);
  auto& c = reg.GetCounterFamily("kappa_log_appended_records_total", "x", {"topic"});
  for (int s = 0; s < 20; ++s) {
    c.With({"orders"}).Add(5);
    h.Tick(1000 + s);
  }
  EXPECT_DOUBLE_EQ(RecentRate(&h, "kappa_log_appended_records_total", {{"topic", "orders"}}), 5.0);
  EXPECT_EQ(RecentRate(&h, "kappa_log_appended_records_total", {{"topic", "none"}}), 0.0);
  auto pts = CounterRate(&h, "kappa_log_appended_records_total", {{"topic", "orders"}});
  ASSERT_FALSE(pts.empty());
  EXPECT_EQ(pts.back()[0], 1019);
  EXPECT_EQ(pts.back()[1], 5.0);
}

}  // namespace
}  // namespace kappa::console
