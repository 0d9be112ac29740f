// The Topics page's API (docs/formats/console-api.md, "Topics"):
//   GET    /api/console/topics?limit=&cursor=&q=   topics with partitions, offsets, sizes,
//                                                  retention and throughput (paged by name)
//   POST   /api/console/topics                     {name, partitions, configs: {k: v}}
//   GET    /api/console/topics/{topic}             partitions, configs, groups reading it,
//                                                  throughput series
//   DELETE /api/console/topics/{topic}
// and AddKafkaRoutes, which registers the three kafka pages' routes.
#include <algorithm>

#include "console/routes.h"
#include "console/routes_kafka.h"

namespace kappa::console {

namespace kafka_internal {

http::Handler WithKafka(const std::shared_ptr<const KafkaRouteContext>& ctx, KafkaHandler fn) {
  return [ctx, fn = std::move(fn)](http::Request& req) {
    if (ctx->kafka == nullptr) {
      return http::Response::Error(503, "the Kafka log is not configured in this kappa");
    }
    return fn(req, *ctx->kafka);
  };
}

namespace {

nlohmann::json TopicSummary(const TopicStat& t, const metrics::History* history) {
  int64_t messages = 0, bytes = 0, end = 0;
  for (const auto& p : t.partitions) {
    messages += p.end_offset - p.start_offset;
    bytes += p.bytes;
    end += p.end_offset;
  }
  std::vector<std::pair<std::string, std::string>> labels = {{"topic", t.name}};
  return {{"name", t.name},
          {"partitions", t.partitions.size()},
          {"messages", messages},
          {"end_offsets", end},
          {"bytes", bytes},
          {"retention_ms", t.retention_ms},
          {"retention_bytes", t.retention_bytes},
          {"records_per_second", RecentRate(history, "kappa_log_appended_records_total", labels)},
          {"bytes_per_second", RecentRate(history, "kappa_log_appended_bytes_total", labels)}};
}

http::Response ListTopics(const KafkaRouteContext& ctx, http::Request& req, KafkaSource& k) {
  auto page = ParsePage(req);
  if (!page.ok()) return ErrorResponse(page.status());
  const size_t limit = page->limit;
  const std::string& cursor = page->cursor;
  std::string q(req.Query("q").value_or(""));
  std::vector<std::string> names;
  for (auto& n : k.ListTopics()) {
    if (q.empty() || n.find(q) != std::string::npos) names.push_back(std::move(n));
  }
  // Names are sorted: the cursor is the last name of the previous page.
  auto it = cursor.empty() ? names.begin() : std::upper_bound(names.begin(), names.end(), cursor);
  auto items = nlohmann::json::array();
  std::string last;
  for (; it != names.end() && items.size() < limit; ++it) {
    auto t = k.DescribeTopic(*it);
    if (!t.ok()) continue;  // deleted meanwhile
    items.push_back(TopicSummary(*t, ctx.history));
    last = *it;
  }
  nlohmann::json out = {{"items", std::move(items)}, {"total", names.size()}};
  out["next_cursor"] = it != names.end() ? nlohmann::json(last) : nlohmann::json(nullptr);
  return http::Response::Json(out);
}

http::Response CreateTopic(http::Request& req, KafkaSource& k) {
  nlohmann::json body;
  http::Response err;
  if (!http::ParseJsonBody(req, &body, &err)) return err;
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string()) {
    return http::Response::Error(400, "expected {\"name\": \"...\", \"partitions\": N}");
  }
  int32_t partitions = 1;
  if (body.contains("partitions")) {
    if (!body["partitions"].is_number_integer()) {
      return http::Response::Error(400, "partitions must be an integer");
    }
    int64_t n = body["partitions"].get<int64_t>();
    if (n < 1 || n > 100000) return http::Response::Error(400, "partitions must be at least 1");
    partitions = int32_t(n);
  }
  std::vector<std::pair<std::string, std::string>> configs;
  if (body.contains("configs")) {
    if (!body["configs"].is_object()) {
      return http::Response::Error(400, "configs must be an object of name: value");
    }
    for (const auto& [name, value] : body["configs"].items()) {
      if (value.is_string()) {
        configs.emplace_back(name, value.get<std::string>());
      } else if (value.is_number_integer() || value.is_boolean()) {
        configs.emplace_back(name, value.dump());
      } else {
        return http::Response::Error(400, "config " + name + " must be a string or a number");
      }
    }
  }
  std::string name = body["name"].get<std::string>();
  if (Status s = k.CreateTopic(name, partitions, configs); !s.ok()) return ErrorResponse(s);
  return http::Response::Json({{"name", name}, {"partitions", partitions}}, 201);
}

http::Response DescribeTopic(const KafkaRouteContext& ctx, http::Request& req, KafkaSource& k) {
  std::string name(req.Param("topic"));
  auto t = k.DescribeTopic(name);
  if (!t.ok()) return ErrorResponse(t.status());
  nlohmann::json out = TopicSummary(*t, ctx.history);
  auto parts = nlohmann::json::array();
  std::map<int32_t, int64_t> ends;
  for (const auto& p : t->partitions) {
    ends[p.partition] = p.end_offset;
    parts.push_back({{"partition", p.partition},
                     {"start_offset", p.start_offset},
                     {"end_offset", p.end_offset},
                     {"messages", p.end_offset - p.start_offset},
                     {"bytes", p.bytes},
                     {"segments", p.segments}});
  }
  out["partition_list"] = std::move(parts);
  auto configs = nlohmann::json::array();
  if (auto c = k.TopicConfigs(name); c.ok()) {
    for (const auto& e : *c) {
      configs.push_back({{"name", e.name}, {"value", e.value}, {"is_default", e.is_default}});
    }
  }
  out["configs"] = std::move(configs);
  // Consumer groups reading it: committed offsets on it, or a member assigned it.
  auto groups = nlohmann::json::array();
  for (const auto& g : k.ListGroups()) {
    auto d = k.DescribeGroup(g.name);
    if (!d.ok()) continue;
    bool reads = false;
    int64_t lag = 0;
    int32_t committed = 0;
    for (const auto& o : d->offsets) {
      if (o.topic != name) continue;
      reads = true;
      ++committed;
      if (auto e = ends.find(o.partition); e != ends.end()) lag += std::max<int64_t>(0, e->second - o.offset);
    }
    for (const auto& m : d->members) {
      for (const auto& a : m.assignment) reads = reads || a.first == name;
    }
    if (!reads) continue;
    groups.push_back({{"group", d->name},
                      {"state", d->state},
                      {"members", d->members.size()},
                      {"committed_partitions", committed},
                      {"lag", lag}});
  }
  out["groups"] = std::move(groups);
  std::vector<std::pair<std::string, std::string>> labels = {{"topic", name}};
  out["throughput"] = {
      {"records", CounterRate(ctx.history, "kappa_log_appended_records_total", labels)},
      {"bytes", CounterRate(ctx.history, "kappa_log_appended_bytes_total", labels)}};
  return http::Response::Json(out);
}

}  // namespace

void AddTopicRoutes(http::Router& router, std::shared_ptr<const KafkaRouteContext> ctx) {
  router.Get("/api/console/topics", WithKafka(ctx, [ctx](http::Request& req, KafkaSource& k) {
    return ListTopics(*ctx, req, k);
  }));
  router.Post("/api/console/topics", WithKafka(ctx, CreateTopic));
  router.Get("/api/console/topics/{topic}",
             WithKafka(ctx, [ctx](http::Request& req, KafkaSource& k) {
               return DescribeTopic(*ctx, req, k);
             }));
  router.Delete("/api/console/topics/{topic}",
                WithKafka(ctx, [](http::Request& req, KafkaSource& k) {
                  std::string name(req.Param("topic"));
                  if (Status s = k.DeleteTopic(name); !s.ok()) return ErrorResponse(s);
                  return http::Response::Json({{"deleted", name}});
                }));
}

}  // namespace kafka_internal

void AddKafkaRoutes(http::Router& router, const Sources& sources) {
  auto ctx = std::make_shared<kafka_internal::KafkaRouteContext>();
  ctx->kafka = sources.kafka;
  ctx->history = sources.history;
  ctx->decoder = std::make_shared<kafka_internal::ValueDecoder>(sources.registry);
  kafka_internal::AddTopicRoutes(router, ctx);
  kafka_internal::AddMessageRoutes(router, ctx);
  kafka_internal::AddGroupRoutes(router, ctx);
}

}  // namespace kappa::console
