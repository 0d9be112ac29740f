// Shared pieces of the Airflow REST API (internal to src/orchestrator): problem+json errors,
// query and body parsing with Airflow's rules (limit/offset, dates, booleans, lists), and the
// JSON of each resource (rest_json.cc). The routes are in rest_dags.cc, rest_dag_runs.cc,
// rest_task_instances.cc and rest_monitor.cc; AddAirflowRoutes in rest_common.cc.
//
// The behaviour followed is Airflow 2.x's airflow/api_connexion (openapi/v1.yaml, the
// endpoints/*.py, schemas/*.py and parameters.py); comments name the Airflow piece they follow.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator::rest {

using Req = http::Request;
using Res = Result<http::Response>;

// The Airflow release whose stable API v1 this follows (GET /api/v1/version, error types).
inline constexpr std::string_view kAirflowApiVersion = "2.10.4";
inline constexpr std::string_view kProblemJson = "application/problem+json";

// RFC 7807 as Airflow's connexion app answers errors: {"detail", "status", "title", "type"},
// Content-Type application/problem+json. `type` is Airflow's documentation link for the status
// (…/stable-rest-api-ref.html#section/Errors/NotFound and friends).
http::Response Problem(int status, std::string_view title, std::string_view detail);
// A Status as a problem: NotFound 404, InvalidArgument 400, AlreadyExists 409,
// NotSupported 501, Unavailable 503, others 500; the message is the detail.
http::Response ProblemFrom(const Status& s);
http::Response JsonOk(const nlohmann::json& doc, int status = 200);

// A route handler: an error Status becomes ProblemFrom (handlers return a Problem response
// themselves when Airflow has a specific title for it). Every answer is counted in
// kappa_orchestrator_api_requests_total{operation, status} (metrics::Registry::Default()),
// `operation` being Airflow's operationId ("get_dags", "post_dag_run", ...).
using RestFn = std::function<Res(Req&)>;
http::Handler Wrap(std::string_view operation, RestFn fn);

// ---- request parsing (rest_common.cc, rest_params.cc) --------------------------------------

// Airflow's check_limit with its defaults (api.maximum_page_limit = fallback_page_limit =
// 100): absent or 0 -> 100, above 100 -> 100, negative -> 400. offset >= 0.
struct Page {
  int64_t limit = 100;
  int64_t offset = 0;
};
inline constexpr int64_t kMaxPageLimit = 100;
Result<Page> ParsePage(const Req& req);

// Every value of a repeatable query parameter (`?state=a&state=b`), in order.
std::vector<std::string> QueryAll(const Req& req, std::string_view name);
// A boolean query parameter as connexion reads one: true/false (any case), 1/0; anything
// else is 400 "'x' is not of type 'boolean'". Nullopt when absent.
Result<std::optional<bool>> QueryBool(const Req& req, std::string_view name);
// A number query parameter (duration_gte); 400 unless it is one.
Result<std::optional<double>> QueryNumber(const Req& req, std::string_view name);
// A date-time query parameter as Airflow's format_datetime: a space becomes '+' (an
// unencoded `+00:00` in a URL arrives as a space), a date without an offset is UTC.
// 400 "Incorrect datetime argument" for anything else.
Result<std::optional<TimeMs>> QueryTime(const Req& req, std::string_view name);

// RFC 3339 / ISO 8601 date-times: "2023-09-03", "2023-09-03T10:00", "2023-09-03 10:00:00",
// fractions of a second, "Z" or "+hh:mm" / "+hhmm" / "+hh". Without an offset the time is
// UTC when `naive_is_utc`, an error otherwise (Airflow refuses naive datetimes in bodies:
// "Naive datetime is disallowed").
Result<TimeMs> ParseApiTime(std::string_view text, bool naive_is_utc);

// The request body as a JSON object. 400 problems for an empty body, malformed JSON (with
// where it broke) or a non-object.
Result<nlohmann::json> ParseBodyObject(const Req& req);
// 400 "{'name': ['Unknown field.']}" (marshmallow's words, as Airflow answers) unless every
// key of `body` is in `allowed`.
Status CheckKnownFields(const nlohmann::json& body, const std::vector<std::string_view>& allowed);
// Typed body fields (absent or null -> nullopt; a wrong type is a 400 naming the field).
Result<std::optional<bool>> BodyBool(const nlohmann::json& body, std::string_view name);
Result<std::optional<std::string>> BodyString(const nlohmann::json& body, std::string_view name);
Result<std::optional<TimeMs>> BodyTime(const nlohmann::json& body, std::string_view name);

// Airflow's `order_by`: a field name, `-` for descending. 400 "Ordering with 'x' is
// disallowed or the attribute does not exist on the model" unless the field is in `allowed`.
struct OrderBy {
  std::string field;
  bool descending = false;
};
Result<OrderBy> ParseOrderBy(const Req& req, std::string_view fallback,
                             const std::vector<std::string_view>& allowed);

// Lookups whose NotFound carries Airflow's detail ("The DAG with dag_id: x was not found",
// "DAGRun with DAG ID: 'x' and DagRun ID: 'y' not found").
Result<DagInfo> FindDag(const Orchestrator& o, std::string_view dag_id);
Result<DagRun> FindRun(const Orchestrator& o, std::string_view dag_id, std::string_view run_id);

// URL-safe base64 without padding (opaque tokens: file_token, the log continuation token).
std::string Base64Url(std::string_view bytes);
std::optional<std::string> FromBase64Url(std::string_view text);  // nullopt if malformed

// ---- JSON of the resources (rest_json.cc) --------------------------------------------------

nlohmann::json TimeJson(std::optional<TimeMs> t);  // FormatIso or null
nlohmann::json TimeDeltaJson(int64_t ms);          // {"__type": "TimeDelta", days, seconds, µs}
nlohmann::json ScheduleIntervalJson(const Schedule& s);
std::string TimetableDescription(const Schedule& s);
nlohmann::json DagJson(const DagInfo& d);        // DAG
nlohmann::json DagDetailJson(const DagInfo& d);  // DAGDetail
nlohmann::json RunJson(const DagRun& r);         // DAGRun
// TaskInstance; `run` gives execution_date, `dag` (may be null) the task's static fields.
nlohmann::json TaskInstanceJson(const TaskInstance& ti, const DagRun& run, const DagSpec* dag);
nlohmann::json TaskJson(const DagSpec& dag, const TaskSpec& task);  // Task
// Airflow's priority_weight with weight_rule "downstream": 1 + every task downstream.
int PriorityWeight(const DagSpec& dag, std::string_view task_id);
std::vector<std::string> DownstreamIds(const DagSpec& dag, std::string_view task_id);

// ---- routes -------------------------------------------------------------------------------

// Enough to mean "every run" without risking an overflow in offset + limit.
inline constexpr int64_t kAll = int64_t(1) << 40;

// The REST filters' date ranges (start_date_gte, ...): SQL semantics, a missing date matches
// no comparison.
inline bool InRange(std::optional<TimeMs> t, std::optional<TimeMs> gte, std::optional<TimeMs> lte) {
  if (!gte && !lte) return true;
  if (!t) return false;
  return (!gte || *t >= *gte) && (!lte || *t <= *lte);
}

void AddDagRoutes(Orchestrator* o, http::Router* router);
void AddDagRunRoutes(Orchestrator* o, http::Router* router);
void AddTaskInstanceRoutes(Orchestrator* o, http::Router* router);
void AddLogRoutes(Orchestrator* o, http::Router* router);
// kappa's extension: POST /api/v1/dags/{dag_id}/backfill (rest_backfill.cc).
void AddBackfillRoutes(Orchestrator* o, http::Router* router);
void AddMonitorRoutes(Orchestrator* o, http::Router* router);

}  // namespace kappa::orchestrator::rest
