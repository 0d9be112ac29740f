// The Consumer groups page's API (docs/formats/console-api.md, "Consumer groups"):
//   GET  /api/console/groups?limit=&cursor=        groups with state, members, total lag
//   GET  /api/console/groups/{group}               members and assignments, committed
//                                                  offsets and lag per partition
//   GET  /api/console/groups/{group}/lag           lag per topic, last 15 minutes (History:
//                                                  kappa_group_lag_records)
//   POST /api/console/groups/{group}/reset         {to: earliest|latest|time|offset,
//                                                  time?, offset?, topic?}; 409 while the
//                                                  group has active members
// Lag is end offset - committed offset, per partition, as `kappa groups describe` prints it.
#include <algorithm>
#include <map>
#include <set>

#include "console/routes.h"
#include "console/routes_kafka.h"

namespace kappa::console::kafka_internal {

namespace {

struct LagRow {
  std::string topic;
  int32_t partition;
  int64_t committed, start, end;
};

// Committed offsets with each partition's start and end offsets (topics described once).
std::vector<LagRow> LagRows(KafkaSource& k, const GroupDetail& d) {
  std::map<std::string, std::map<int32_t, PartitionStat>> topics;
  std::vector<LagRow> rows;
  for (const auto& o : d.offsets) {
    auto it = topics.find(o.topic);
    if (it == topics.end()) {
      std::map<int32_t, PartitionStat> parts;
      if (auto t = k.DescribeTopic(o.topic); t.ok()) {
        for (const auto& p : t->partitions) parts[p.partition] = p;
      }
      it = topics.emplace(o.topic, std::move(parts)).first;
    }
    auto p = it->second.find(o.partition);
    // A deleted topic's commits show with end -1 (no lag), as kappa groups describe does.
    rows.push_back({o.topic, o.partition, o.offset, p == it->second.end() ? -1 : p->second.start_offset,
                    p == it->second.end() ? -1 : p->second.end_offset});
  }
  return rows;
}

int64_t Lag(const LagRow& r) { return r.end < 0 ? 0 : std::max<int64_t>(0, r.end - r.committed); }

nlohmann::json GroupJson(KafkaSource& k, const GroupDetail& d) {
  auto members = nlohmann::json::array();
  for (const auto& m : d.members) {
    auto assignment = nlohmann::json::array();
    for (const auto& [topic, parts] : m.assignment) {
      assignment.push_back({{"topic", topic}, {"partitions", parts}});
    }
    members.push_back({{"member_id", m.member_id},
                       {"instance_id", m.instance_id ? nlohmann::json(*m.instance_id) : nlohmann::json(nullptr)},
                       {"client_id", m.client_id},
                       {"client_host", m.client_host},
                       {"assignment", std::move(assignment)}});
  }
  // Which member reads each partition.
  std::map<std::pair<std::string, int32_t>, std::string> owner;
  for (const auto& m : d.members) {
    for (const auto& [topic, parts] : m.assignment) {
      for (int32_t p : parts) owner[{topic, p}] = m.client_id.empty() ? m.member_id : m.client_id;
    }
  }
  auto offsets = nlohmann::json::array();
  int64_t total = 0;
  for (const auto& r : LagRows(k, d)) {
    total += Lag(r);
    auto o = owner.find({r.topic, r.partition});
    offsets.push_back({{"topic", r.topic},
                       {"partition", r.partition},
                       {"committed", r.committed},
                       {"start_offset", r.start},
                       {"end_offset", r.end},
                       {"lag", Lag(r)},
                       {"member", o == owner.end() ? nlohmann::json(nullptr) : nlohmann::json(o->second)}});
  }
  return {{"name", d.name},
          {"state", d.state},
          {"protocol_type", d.protocol_type},
          {"protocol", d.protocol},
          {"generation", d.generation},
          {"members", std::move(members)},
          {"offsets", std::move(offsets)},
          {"lag", total}};
}

http::Response ListGroups(http::Request& req, KafkaSource& k) {
  auto page = ParsePage(req);
  if (!page.ok()) return ErrorResponse(page.status());
  const size_t limit = page->limit;
  const std::string& cursor = page->cursor;
  auto groups = k.ListGroups();  // sorted by name: the cursor is the last name shown
  auto it = cursor.empty() ? groups.begin()
                           : std::upper_bound(groups.begin(), groups.end(), cursor,
                                              [](const std::string& c, const GroupSummary& g) {
                                                return c < g.name;
                                              });
  auto items = nlohmann::json::array();
  std::string last;
  for (; it != groups.end() && items.size() < limit; ++it) {
    int64_t lag = 0;
    std::set<std::string> topics;
    if (auto d = k.DescribeGroup(it->name); d.ok()) {
      for (const auto& r : LagRows(k, *d)) {
        lag += Lag(r);
        topics.insert(r.topic);
      }
    }
    items.push_back({{"name", it->name},
                     {"state", it->state},
                     {"members", it->members},
                     {"topics", std::vector<std::string>(topics.begin(), topics.end())},
                     {"lag", lag}});
    last = it->name;
  }
  nlohmann::json out = {{"items", std::move(items)}, {"total", groups.size()}};
  out["next_cursor"] = it != groups.end() ? nlohmann::json(last) : nlohmann::json(nullptr);
  return http::Response::Json(out);
}

http::Response LagHistory(const KafkaRouteContext& ctx, http::Request& req, KafkaSource& k) {
  std::string group(req.Param("group"));
  auto d = k.DescribeGroup(group);
  if (!d.ok()) return ErrorResponse(d.status());
  std::set<std::string> topics;
  for (const auto& o : d->offsets) topics.insert(o.topic);
  for (const auto& m : d->members) {
    for (const auto& a : m.assignment) topics.insert(a.first);
  }
  auto series = nlohmann::json::array();
  for (const auto& t : topics) {
    series.push_back({{"label", t},
                      {"points", GaugeSeries(ctx.history, "kappa_group_lag_records",
                                             {{"group", group}, {"topic", t}})}});
  }
  return http::Response::Json({{"series", std::move(series)}});
}

http::Response Reset(http::Request& req, KafkaSource& k) {
  std::string group(req.Param("group"));
  nlohmann::json body;
  http::Response err;
  if (!http::ParseJsonBody(req, &body, &err)) return err;
  if (!body.is_object() || !body.contains("to") || !body["to"].is_string()) {
    return http::Response::Error(400, "expected {\"to\": \"earliest\"|\"latest\"|\"time\"|\"offset\"}");
  }
  std::string to = body["to"].get<std::string>();
  int64_t arg = 0;
  if (to == "time" || to == "offset") {
    if (!body.contains(to) || !body[to].is_number_integer()) {
      return http::Response::Error(400, "to=" + to + " needs \"" + to + "\": an integer");
    }
    arg = body[to].get<int64_t>();
  } else if (to != "earliest" && to != "latest") {
    return http::Response::Error(400, "to must be earliest, latest, time or offset");
  }
  std::optional<std::string> only;
  if (body.contains("topic") && !body["topic"].is_null()) {
    if (!body["topic"].is_string()) return http::Response::Error(400, "topic must be a string");
    only = body["topic"].get<std::string>();
  }
  auto d = k.DescribeGroup(group);
  if (!d.ok() && !(d.status().IsNotFound() && only)) return ErrorResponse(d.status());
  // The topics to move: the named one (all its partitions), or every topic with commits.
  std::set<std::string> topics;
  if (only) {
    topics.insert(*only);
  } else {
    for (const auto& o : d->offsets) topics.insert(o.topic);
  }
  if (topics.empty()) return http::Response::Error(400, "the group has no commits: name a topic");
  std::vector<CommittedOffset> target;
  for (const auto& name : topics) {
    auto t = k.DescribeTopic(name);
    if (!t.ok()) return ErrorResponse(t.status());
    for (const auto& p : t->partitions) {
      int64_t o = p.start_offset;
      if (to == "latest") {
        o = p.end_offset;
      } else if (to == "offset") {
        o = std::clamp(arg, p.start_offset, p.end_offset);
      } else if (to == "time") {
        auto at = k.OffsetForTime(name, p.partition, arg);
        if (!at.ok()) return ErrorResponse(at.status());
        o = *at;
      }
      target.push_back({name, p.partition, o});
    }
  }
  if (Status s = k.CommitOffsets(group, target); !s.ok()) return ErrorResponse(s);
  auto after = k.DescribeGroup(group);
  if (!after.ok()) return ErrorResponse(after.status());
  return http::Response::Json(GroupJson(k, *after));
}

}  // namespace

void AddGroupRoutes(http::Router& router, std::shared_ptr<const KafkaRouteContext> ctx) {
  router.Get("/api/console/groups", WithKafka(ctx, ListGroups));
  router.Get("/api/console/groups/{group}", WithKafka(ctx, [](http::Request& req, KafkaSource& k) {
               auto d = k.DescribeGroup(req.Param("group"));
               if (!d.ok()) return ErrorResponse(d.status());
               return http::Response::Json(GroupJson(k, *d));
             }));
  router.Get("/api/console/groups/{group}/lag",
             WithKafka(ctx, [ctx](http::Request& req, KafkaSource& k) {
               return LagHistory(*ctx, req, k);
             }));
  router.Post("/api/console/groups/{group}/reset", WithKafka(ctx, Reset));
}

}  // namespace kappa::console::kafka_internal
