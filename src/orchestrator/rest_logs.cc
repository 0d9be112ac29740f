// .../taskInstances/{task_id}/logs/{task_try_number}: a try's log, as Airflow's
// api_connexion/endpoints/log_endpoint.py answers it. The Accept header picks the form the way
// Airflow's werkzeug best_match(["text/plain", "application/json"]) does: JSON
// {"content", "continuation_token"} when the client asks for JSON or sends no Accept, the
// text itself for text/plain (and `*/*`, which ties and so takes the first).
//
// The continuation token is opaque to clients: base64url of {"log_pos": lines already sent,
// "end_of_log": whether the try is over}, Airflow's log metadata. `token` continues after
// it; `full_content=true` ignores it. Airflow's content for local files is Python's repr of
// a (host, text) list; kappa sends the text.
#include <fmt/format.h>

#include <charconv>

#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;

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
  ASSIGN_OR_RETURN(std::vector<std::string> lines, o->ReadLog(dag_id, run_id, task_id, try_number));
  bool end_of_log = try_number < ti->try_number ||
                    (ti->state != TaskState::kRunning && ti->state != TaskState::kQueued);
  std::string content;
  for (size_t i = size_t(std::max<int64_t>(pos, 0)); i < lines.size(); ++i) {
    content += lines[i];
    content += '\n';
  }
  if (WantsText(req)) return http::Response::Text(std::move(content));
  json meta = {{"end_of_log", end_of_log}, {"log_pos", lines.size()}};
  return JsonOk({{"continuation_token", EncodeToken(meta)}, {"content", content}});
}

}  // namespace

void AddLogRoutes(Orchestrator* o, http::Router* router) {
  router->Get(
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}",
      Wrap("get_log", [o](Req& req) { return GetLog(o, req); }));
}

}  // namespace kappa::orchestrator::rest
