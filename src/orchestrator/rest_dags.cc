// /api/v1/dags, /dags/{dag_id} (GET, PATCH), /dags/{dag_id}/details and /dags/{dag_id}/tasks,
// as Airflow's api_connexion/endpoints/dag_endpoint.py and task_endpoint.py.
#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;

// The filters GET and PATCH /dags share: only_active (default true), paused, tags (any of),
// dag_id_pattern (case-insensitive substring, Airflow's `ilike %pattern%`; "~" is every DAG).
struct DagFilter {
  bool only_active = true;
  std::optional<bool> paused;
  std::vector<std::string> tags;
  std::string pattern;
};

Result<DagFilter> ParseDagFilter(const Req& req) {
  DagFilter f;
  ASSIGN_OR_RETURN(std::optional<bool> active, QueryBool(req, "only_active"));
  f.only_active = active.value_or(true);
  ASSIGN_OR_RETURN(f.paused, QueryBool(req, "paused"));
  f.tags = QueryAll(req, "tags");
  f.pattern = AsciiLower(req.Query("dag_id_pattern").value_or(""));
  if (f.pattern == "~") f.pattern.clear();
  return f;
}

bool Matches(const DagFilter& f, const DagInfo& d) {
  if (f.only_active && !d.is_active) return false;
  if (f.paused && *f.paused != d.record.is_paused) return false;
  if (!f.pattern.empty() && AsciiLower(d.spec.dag_id).find(f.pattern) == std::string::npos) {
    return false;
  }
  if (!f.tags.empty()) {
    bool any = false;
    for (const auto& t : f.tags) {
      any = any || std::find(d.spec.tags.begin(), d.spec.tags.end(), t) != d.spec.tags.end();
    }
    if (!any) return false;
  }
  return true;
}

// A DAG's sort key for order_by; ties keep dag_id order.
json SortKey(const DagInfo& d, const std::string& field) {
  if (field == "is_paused") return d.record.is_paused;
  if (field == "last_parsed_time") return d.record.last_parsed_time;
  if (field == "next_dagrun") {
    return d.next ? json(d.next->interval.start) : json(nullptr);  // null sorts first
  }
  return d.spec.dag_id;  // dag_id, dag_display_name
}

Result<std::vector<DagInfo>> FilteredDags(Orchestrator* o, const Req& req, const OrderBy& order) {
  ASSIGN_OR_RETURN(DagFilter f, ParseDagFilter(req));
  std::vector<DagInfo> dags;
  for (auto& d : o->ListDags()) {
    if (Matches(f, d)) dags.push_back(std::move(d));
  }
  std::stable_sort(dags.begin(), dags.end(), [](const DagInfo& a, const DagInfo& b) {
    return a.spec.dag_id < b.spec.dag_id;
  });
  if (order.field != "dag_id" || order.descending) {
    std::stable_sort(dags.begin(), dags.end(), [&](const DagInfo& a, const DagInfo& b) {
      json ka = SortKey(a, order.field), kb = SortKey(b, order.field);
      return order.descending ? kb < ka : ka < kb;
    });
  }
  return dags;
}

json Collection(const std::vector<DagInfo>& dags, const Page& page) {
  json items = json::array();
  for (size_t i = page.offset; i < dags.size() && int64_t(items.size()) < page.limit; ++i) {
    items.push_back(DagJson(dags[i]));
  }
  return {{"dags", items}, {"total_entries", dags.size()}};
}

// The PATCH body: {"is_paused": bool} and nothing else (the other DAG fields are read-only,
// which marshmallow reports as unknown). `update_mask` (comma-separated) may only name it.
Result<bool> ParsePatch(const Req& req) {
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  RETURN_IF_ERROR(CheckKnownFields(body, {"is_paused"}));
  ASSIGN_OR_RETURN(std::optional<bool> paused, BodyBool(body, "is_paused"));
  std::vector<std::string> mask;
  for (const auto& m : QueryAll(req, "update_mask")) {
    size_t start = 0;
    while (start <= m.size()) {
      size_t comma = m.find(',', start);
      std::string part =
          m.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) mask.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (!mask.empty() && mask != std::vector<std::string>{"is_paused"}) {
    return Status::InvalidArgument("Only `is_paused` field can be updated through the REST API");
  }
  if (!paused)
    return Status::InvalidArgument("{'is_paused': ['Missing data for required field.']}");
  return *paused;
}

Res ListDags(Orchestrator* o, Req& req) {
  ASSIGN_OR_RETURN(Page page, ParsePage(req));
  ASSIGN_OR_RETURN(OrderBy order, ParseOrderBy(req, "dag_id",
                                               {"dag_id", "dag_display_name", "is_paused",
                                                "next_dagrun", "last_parsed_time"}));
  ASSIGN_OR_RETURN(std::vector<DagInfo> dags, FilteredDags(o, req, order));
  return JsonOk(Collection(dags, page));
}

// PATCH /dags?dag_id_pattern=...: pauses or unpauses every DAG on the page (patch_dags).
Res PatchDags(Orchestrator* o, Req& req) {
  ASSIGN_OR_RETURN(bool paused, ParsePatch(req));
  if (!req.Query("dag_id_pattern")) {
    return Status::InvalidArgument("Missing query parameter 'dag_id_pattern'");
  }
  ASSIGN_OR_RETURN(Page page, ParsePage(req));
  ASSIGN_OR_RETURN(std::vector<DagInfo> dags, FilteredDags(o, req, OrderBy{"dag_id", false}));
  for (size_t i = page.offset; i < dags.size() && int64_t(i - page.offset) < page.limit; ++i) {
    RETURN_IF_ERROR(o->SetPaused(dags[i].spec.dag_id, paused));
    ASSIGN_OR_RETURN(dags[i], o->GetDag(dags[i].spec.dag_id));
  }
  return JsonOk(Collection(dags, page));
}

Res PatchDag(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id"));
  ASSIGN_OR_RETURN(bool paused, ParsePatch(req));
  RETURN_IF_ERROR(FindDag(*o, dag_id).status());
  RETURN_IF_ERROR(o->SetPaused(dag_id, paused));
  ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, dag_id));
  return JsonOk(DagJson(d));
}

Res ListTasks(Orchestrator* o, Req& req) {
  ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, req.Param("dag_id")));
  ASSIGN_OR_RETURN(OrderBy order,
                   ParseOrderBy(req, "task_id",
                                {"task_id", "task_display_name", "owner", "retries",
                                 "priority_weight", "trigger_rule", "depends_on_past"}));
  json tasks = json::array();
  for (const auto& t : d.spec.tasks) tasks.push_back(TaskJson(d.spec, t));
  std::vector<json> sorted(tasks.begin(), tasks.end());
  std::stable_sort(sorted.begin(), sorted.end(), [&](const json& a, const json& b) {
    return order.descending ? b[order.field] < a[order.field] : a[order.field] < b[order.field];
  });
  return JsonOk({{"tasks", sorted}, {"total_entries", sorted.size()}});
}

}  // namespace

void AddDagRoutes(Orchestrator* o, http::Router* router) {
  router->Get("/api/v1/dags", Wrap("get_dags", [o](Req& req) { return ListDags(o, req); }));
  router->Add("PATCH", "/api/v1/dags",
              Wrap("patch_dags", [o](Req& req) { return PatchDags(o, req); }));
  router->Get("/api/v1/dags/{dag_id}", Wrap("get_dag", [o](Req& req) -> Res {
                ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, req.Param("dag_id")));
                return JsonOk(DagJson(d));
              }));
  router->Add("PATCH", "/api/v1/dags/{dag_id}",
              Wrap("patch_dag", [o](Req& req) { return PatchDag(o, req); }));
  router->Get("/api/v1/dags/{dag_id}/details", Wrap("get_dag_details", [o](Req& req) -> Res {
                ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, req.Param("dag_id")));
                return JsonOk(DagDetailJson(d));
              }));
  router->Get("/api/v1/dags/{dag_id}/tasks",
              Wrap("get_tasks", [o](Req& req) { return ListTasks(o, req); }));
  router->Get("/api/v1/dags/{dag_id}/tasks/{task_id}", Wrap("get_task", [o](Req& req) -> Res {
                ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, req.Param("dag_id")));
                const TaskSpec* t = d.spec.FindTask(req.Param("task_id"));
                if (!t) {
                  return Problem(404, "Task not found",
                                 fmt::format("Task with id {} not found in DAG {}",
                                             req.Param("task_id"), d.spec.dag_id));
                }
                return JsonOk(TaskJson(d.spec, *t));
              }));
}

}  // namespace kappa::orchestrator::rest
