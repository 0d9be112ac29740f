// /schemas... routes: lookups by global id, and the supported types.
#include "registry/registry_errors.h"
#include "registry/rest_common.h"

namespace kappa::registry {

namespace {
using nlohmann::json;
using Req = http::Request;
using Res = Result<http::Response>;
}  // namespace

void AddSchemaRoutes(const std::shared_ptr<RestContext>& ctx, http::Router* router) {
  RestContext* c = ctx.get();
  // The hot path of every deserializer: answered from memory, never from the log.
  router->Get("/schemas/ids/{id}", Wrap(ctx, "get_schema_by_id", [c](Req& req) -> Res {
    ASSIGN_OR_RETURN(int32_t id, IdParam(req));
    ASSIGN_OR_RETURN(RegisteredSchema s, c->registry->GetSchemaById(id));
    c->cache_hits.Add(1);
    json j = SchemaJson(s, false);
    j.erase("id");
    return Json(j);
  }));
  router->Get("/schemas/ids/{id}/schema", Wrap(ctx, "get_schema_text_by_id", [c](Req& req) -> Res {
    ASSIGN_OR_RETURN(int32_t id, IdParam(req));
    ASSIGN_OR_RETURN(RegisteredSchema s, c->registry->GetSchemaById(id));
    c->cache_hits.Add(1);
    return http::Response::Text(s.schema, 200, kRegistryContentType);
  }));
  router->Get("/schemas/ids/{id}/subjects", Wrap(ctx, "get_subjects_by_id", [c](Req& req) -> Res {
    ASSIGN_OR_RETURN(int32_t id, IdParam(req));
    ASSIGN_OR_RETURN(auto pairs, c->registry->SubjectVersionsById(id, req.QueryFlag("deleted")));
    std::vector<std::string> subjects;
    for (const auto& [s, v] : pairs) {
      if (subjects.empty() || subjects.back() != s) subjects.push_back(s);
    }
    return Json(subjects);
  }));
  router->Get("/schemas/ids/{id}/versions", Wrap(ctx, "get_versions_by_id", [c](Req& req) -> Res {
    ASSIGN_OR_RETURN(int32_t id, IdParam(req));
    ASSIGN_OR_RETURN(auto pairs, c->registry->SubjectVersionsById(id, req.QueryFlag("deleted")));
    json out = json::array();
    for (const auto& [s, v] : pairs) out.push_back({{"subject", s}, {"version", v}});
    return Json(out);
  }));
  router->Get("/schemas/types", Wrap(ctx, "get_types", [](Req&) -> Res {
    return Json(SupportedSchemaTypes());
  }));
}

}  // namespace kappa::registry
