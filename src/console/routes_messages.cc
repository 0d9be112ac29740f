// The message browser's API (docs/formats/console-api.md, "Messages"):
//   GET  /api/console/topics/{topic}/messages
//        ?partition=N|all  &from=start|end|offset|time  &offset=N  &time=UNIX_MS
//        &limit=N  &cursor=C  &q=SUBSTRING  &field=a.b &value=V  &max_scan=N
//     -> {items: [message...], next_cursor, scanned, exhausted}
//   POST /api/console/topics/{topic}/messages  {partition?, key?, value?, headers: [{key, value}]}
//     -> 201 {partition, offset}
// A filter (q: a substring of the key, value, or a header key or value; field/value: a field
// of the decoded JSON or Avro value) examines at most max_scan records (default 10,000, at
// most 100,000) per request; the cursor continues the scan.
#include <algorithm>

#include "console/message_scan.h"
#include "console/routes.h"
#include "console/routes_kafka.h"

namespace kappa::console::kafka_internal {

namespace {

constexpr size_t kDefaultScan = 10000;
constexpr size_t kMaxScan = 100000;

// Where each partition starts for a request without a cursor.
Result<Positions> StartPositions(const http::Request& req, KafkaSource& k, const TopicStat& t,
                                 size_t limit, bool* newest) {
  std::vector<PartitionStat> parts;
  std::string which(req.Query("partition").value_or("all"));
  if (which.empty() || which == "all") {
    parts = t.partitions;
  } else {
    auto p = QueryInt(req, "partition");
    if (!p.ok()) return p.status();
    auto it = std::find_if(t.partitions.begin(), t.partitions.end(),
                           [&](const PartitionStat& s) { return s.partition == **p; });
    if (it == t.partitions.end()) {
      return Status::NotFound("topic " + t.name + " has no partition " + which);
    }
    parts.push_back(*it);
  }
  std::string from(req.Query("from").value_or("start"));
  Positions out;
  *newest = false;
  if (from == "start") {
    for (const auto& p : parts) out.emplace_back(p.partition, p.start_offset);
  } else if (from == "end") {
    *newest = true;
    for (const auto& p : parts) {
      out.emplace_back(p.partition, std::max(p.start_offset, p.end_offset - int64_t(limit)));
    }
  } else if (from == "offset") {
    auto o = QueryInt(req, "offset");
    if (!o.ok()) return o.status();
    if (!*o || **o < 0) return Status::InvalidArgument("from=offset needs offset=N (N >= 0)");
    for (const auto& p : parts) out.emplace_back(p.partition, **o);
  } else if (from == "time") {
    auto ts = QueryInt(req, "time");
    if (!ts.ok()) return ts.status();
    if (!*ts) return Status::InvalidArgument("from=time needs time=UNIX_MILLISECONDS");
    for (const auto& p : parts) {
      auto o = k.OffsetForTime(t.name, p.partition, **ts);
      if (!o.ok()) return o.status();
      out.emplace_back(p.partition, *o);
    }
  } else {
    return Status::InvalidArgument("from must be start, end, offset or time, not '" + from + "'");
  }
  return out;
}

bool Contains(const std::optional<std::string>& s, std::string_view q) {
  return s && s->find(q) != std::string::npos;
}

http::Response Browse(const KafkaRouteContext& ctx, http::Request& req, KafkaSource& k) {
  std::string topic(req.Param("topic"));
  auto t = k.DescribeTopic(topic);
  if (!t.ok()) return ErrorResponse(t.status());
  auto page = ParsePage(req);
  if (!page.ok()) return ErrorResponse(page.status());
  const size_t limit = page->limit;
  auto max_scan = QueryInt(req, "max_scan");
  if (!max_scan.ok()) return ErrorResponse(max_scan.status());
  if (*max_scan && (**max_scan < 1 || **max_scan > int64_t(kMaxScan))) {
    return http::Response::Error(400, "max_scan must be 1.." + std::to_string(kMaxScan));
  }
  ScanRequest scan;
  scan.topic = topic;
  scan.limit = limit;
  scan.max_scan = *max_scan ? size_t(**max_scan) : kDefaultScan;
  if (auto c = req.Query("cursor"); c && !c->empty()) {
    auto pos = ParseCursor(*c);
    if (!pos.ok()) return ErrorResponse(pos.status());
    scan.from = std::move(*pos);
  } else {
    auto pos = StartPositions(req, k, *t, limit, &scan.newest);
    if (!pos.ok()) return ErrorResponse(pos.status());
    scan.from = std::move(*pos);
  }
  std::string q(req.Query("q").value_or(""));
  std::string field(req.Query("field").value_or(""));
  std::string want(req.Query("value").value_or(""));
  const ValueDecoder* decoder = ctx.decoder.get();
  if (!q.empty() || !field.empty()) {
    scan.match = [&q, &field, &want, decoder](const Message& m) {
      if (!q.empty()) {
        bool hit = Contains(m.key, q) || Contains(m.value, q);
        for (const auto& h : m.headers) hit = hit || h.key.find(q) != std::string::npos || Contains(h.value, q);
        if (!hit) return false;
      }
      if (!field.empty()) {
        DecodedValue v = decoder->Decode(m.value);
        if (!v.json || !FieldEquals(*v.json, field, want)) return false;
      }
      return true;
    };
  }
  auto result = ScanMessages(k, scan);
  if (!result.ok()) return ErrorResponse(result.status());
  auto items = nlohmann::json::array();
  for (const auto& m : result->items) {
    // A value cut for display is shown as text or bytes: its schema's decoder needs it whole.
    DecodedValue v;
    if (m.truncated && m.value) {
      v.format = IsValidUtf8(*m.value) ? "text" : "binary";
    } else {
      v = decoder->Decode(m.value);
    }
    items.push_back(MessageJson(m, v));
  }
  nlohmann::json out = {{"items", std::move(items)},
                        {"scanned", result->scanned},
                        {"exhausted", result->exhausted},
                        // Where the next page starts, also when exhausted: new records
                        // arrive there.
                        {"position", FormatCursor(result->next)}};
  out["next_cursor"] = result->exhausted ? nlohmann::json(nullptr)
                                         : nlohmann::json(FormatCursor(result->next));
  return http::Response::Json(out);
}

// A JSON string, or null; anything else is a 400.
bool OptionalString(const nlohmann::json& body, const char* name,
                    std::optional<std::string>* out, std::string* error) {
  if (!body.contains(name) || body[name].is_null()) return true;
  if (!body[name].is_string()) {
    *error = std::string(name) + " must be a string or null";
    return false;
  }
  *out = body[name].get<std::string>();
  return true;
}

http::Response Produce(http::Request& req, KafkaSource& k) {
  nlohmann::json body;
  http::Response err;
  if (!http::ParseJsonBody(req, &body, &err)) return err;
  if (!body.is_object()) return http::Response::Error(400, "expected a JSON object");
  ProduceRequest p;
  p.topic = std::string(req.Param("topic"));
  std::string error;
  if (!OptionalString(body, "key", &p.key, &error) ||
      !OptionalString(body, "value", &p.value, &error)) {
    return http::Response::Error(400, error);
  }
  if (body.contains("partition") && !body["partition"].is_null()) {
    if (!body["partition"].is_number_integer()) {
      return http::Response::Error(400, "partition must be an integer or null");
    }
    int64_t n = body["partition"].get<int64_t>();
    if (n < 0 || n > INT32_MAX) return http::Response::Error(400, "partition out of range");
    p.partition = int32_t(n);
  }
  if (body.contains("headers")) {
    if (!body["headers"].is_array()) {
      return http::Response::Error(400, "headers must be an array of {key, value}");
    }
    for (const auto& h : body["headers"]) {
      if (!h.is_object() || !h.contains("key") || !h["key"].is_string() || h["key"].get<std::string>().empty()) {
        return http::Response::Error(400, "each header needs a non-empty string key");
      }
      MessageHeader mh{h["key"].get<std::string>(), std::nullopt};
      if (!OptionalString(h, "value", &mh.value, &error)) return http::Response::Error(400, error);
      p.headers.push_back(std::move(mh));
    }
  }
  auto r = k.Produce(p);
  if (!r.ok()) return ErrorResponse(r.status());
  return http::Response::Json({{"partition", r->partition}, {"offset", r->offset}}, 201);
}

}  // namespace

void AddMessageRoutes(http::Router& router, std::shared_ptr<const KafkaRouteContext> ctx) {
  router.Get("/api/console/topics/{topic}/messages",
             WithKafka(ctx, [ctx](http::Request& req, KafkaSource& k) {
               return Browse(*ctx, req, k);
             }));
  router.Post("/api/console/topics/{topic}/messages", WithKafka(ctx, Produce));
}

}  // namespace kappa::console::kafka_internal
