// .../taskInstances/{task_id}/logs/{task_try_number}: a try's log, as Airflow's
// api_connexion/endpoints/log_endpoint.py answers it. The Accept header picks the form the way
// Airflow's werkzeug best_match(["text/plain", "application/json"]) does: JSON
// {"content", "continuation_token"} when the client asks for JSON or sends no Accept, the
// text itself for text/plain (and `*/*`, which ties and so takes the first).
//
// Paging, as Airflow's log reader pages a remote log: a JSON answer carries one page (at most
// kLogPageBytes of lines) from where the token points, and the token to continue with; the
// client asks again until `end_of_log`. The continuation token is opaque to clients:
// base64url of {"log_pos": where the next page starts (MetaStore::ReadLogPage's position),
// "end_of_log": the try is over and nothing is left}, Airflow's log metadata.
// `full_content=true` ignores the token and answers the whole log (Airflow's download), and
// text/plain answers everything from the token on (Airflow streams it, read_log_stream):
// both are bounded by the per-try cap (orchestrator.task_log_max_bytes), and are read page by
// page all the same. Airflow's content for local files is Python's repr of a (host, text)
// list; kappa sends the text.
#include <fmt/format.h>

#include <charconv>

#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;

// A JSON answer's page: enough that a 10 MiB log (the default cap) takes ten requests.
constexpr size_t kLogPageBytes = 1 << 20;

std::string EncodeToken(const json& meta) { return Base64Url(meta.dump()); }

Result<int64_t> DecodeToken(std::string_view token) {
  std::optional<std::string> bytes = FromBase64Url(token);
  if (!bytes) return Status::InvalidArgument("bad token");
  json meta = json::parse(*bytes, nullptr, false);
  if (!meta.is_object() || !meta.contains("log_pos") || !meta["log_pos"].is_number_unsigned()) {
    return Status::InvalidArgument("bad token");
  }
  return meta["log_pos"].get<int64_t>();
}

// q-value of `type` in an Accept header (exact, type/*, */*); -1 when nothing matches.
double Quality(std::string_view accept, std::string_view type) {
  double best = -1;
  int best_specificity = -1;
  size_t start = 0;
  while (start < accept.size()) {
    size_t comma = accept.find(',', start);
    std::string_view item = accept.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? accept.size() : comma + 1;
    double q = 1;
    size_t semi = item.find(';');
    std::string_view range = item.substr(0, semi);
    while (!range.empty() && range.front() == ' ') range.remove_prefix(1);
    while (!range.empty() && range.back() == ' ') range.remove_suffix(1);
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi);
      size_t qp = params.find("q=");
      if (qp != std::string_view::npos) q = std::atof(std::string(params.substr(qp + 2)).c_str());
    }
    int specificity = -1;
    if (range == type) {
      specificity = 2;
    } else if (range == "*/*") {
      specificity = 0;
    } else if (range.size() > 2 && range.ends_with("/*") &&
               type.starts_with(range.substr(0, range.size() - 1))) {
      specificity = 1;
    }
    if (specificity > best_specificity) {
      best_specificity = specificity;
      best = q;
    }
  }
  return best;
}

bool WantsText(const Req& req) {
  auto accept = req.headers.Get("Accept");
  if (!accept || accept->empty()) return false;
  double text = Quality(*accept, "text/plain"), js = Quality(*accept, "application/json");
  return text > 0 && text >= js;
}

Res GetLog(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
  std::string task_id(req.Param("task_id"));
  std::string_view try_text = req.Param("task_try_number");
  int try_number = 0;
  auto [p, ec] = std::from_chars(try_text.data(), try_text.data() + try_text.size(), try_number);
  if (ec != std::errc() || p != try_text.data() + try_text.size()) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not of type 'integer' - 'task_try_number'", try_text));
  }
  if (try_number < 1) {
    return Status::InvalidArgument(
        fmt::format("task_try_number must be 1 or more, not {}", try_number));
  }
  ASSIGN_OR_RETURN(std::optional<bool> full, QueryBool(req, "full_content"));
  int64_t pos = 0;
  if (auto token = req.Query("token"); token && !full.value_or(false)) {
    Result<int64_t> decoded = DecodeToken(*token);
    if (!decoded.ok()) {
      return Status::InvalidArgument(
          "Bad Signature. Please use only the tokens provided by the API.");
    }
    pos = *decoded;
  }
  RETURN_IF_ERROR(FindRun(*o, dag_id, run_id).status());
  Result<TaskInstance> ti = o->GetTaskInstance(dag_id, run_id, task_id);
  if (!ti.ok()) {
    if (!ti.status().IsNotFound()) return ti.status();
    return Problem(
        404, "TaskInstance not found",
        fmt::format("Task instance with task_id '{}' not found in DAG run '{}'", task_id, run_id));
  }
  if (try_number > ti->try_number) {
    return Problem(
        404, "Not Found",
        fmt::format("Task instance '{}' of DAG run '{}' has no try {} (tries so far: {})", task_id,
                    run_id, try_number, ti->try_number));
  }
  const bool try_over = try_number < ti->try_number ||
                        (ti->state != TaskState::kRunning && ti->state != TaskState::kQueued);
  const bool text = WantsText(req);
  const bool all = text || full.value_or(false);
  std::string content;
  bool more = false;
  do {
    ASSIGN_OR_RETURN(LogPage page, o->ReadLogPage(dag_id, run_id, task_id, try_number,
                                                  std::max<int64_t>(pos, 0), kLogPageBytes));
    for (const auto& line : page.lines) {
      content += line;
      content += '\n';
    }
    more = page.more;
    if (page.next == pos) break;  // nothing new (a try still running)
    pos = page.next;
  } while (all && more);
  if (text) return http::Response::Text(std::move(content));
  json meta = {{"end_of_log", try_over && !more}, {"log_pos", pos}};
  return JsonOk({{"continuation_token", EncodeToken(meta)}, {"content", content}});
}

}  // namespace

void AddLogRoutes(Orchestrator* o, http::Router* router) {
  router->Get(
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}",
      Wrap("get_log", [o](Req& req) { return GetLog(o, req); }));
}

}  // namespace kappa::orchestrator::rest
