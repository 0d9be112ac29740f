// /subjects... and /compatibility... routes (Confluent Schema Registry 7.x).
#include "registry/registry_errors.h"
#include "registry/rest_common.h"

namespace kappa::registry {

namespace {

using nlohmann::json;
using Req = http::Request;
using Res = Result<http::Response>;

Res CheckCompat(RestContext* ctx, Req& req, std::optional<int32_t> version) {
  RegisterRequest r;
  r.subject = std::string(req.Param("subject"));
  RETURN_IF_ERROR(ParseSchemaRequest(req, &r));
  ASSIGN_OR_RETURN(auto reasons, ctx->registry->CheckCompatibility(r, version));
  json out = {{"is_compatible", reasons.empty()}};
  if (req.QueryFlag("verbose")) out["messages"] = reasons;
  return Json(out);
}

}  // namespace

void AddSubjectRoutes(const std::shared_ptr<RestContext>& ctx, http::Router* router) {
  RestContext* c = ctx.get();  // the handlers hold ctx through Wrap
  router->Get("/subjects", Wrap(ctx, "list_subjects", [c](Req& req) -> Res {
    std::string prefix(req.Query("subjectPrefix").value_or(""));
    return Json(c->registry->ListSubjects(req.QueryFlag("deleted"), prefix));
  }));
  // Lookup: is this schema registered under the subject?
  router->Post("/subjects/{subject}", Wrap(ctx, "lookup", [c](Req& req) -> Res {
    RegisterRequest r;
    r.subject = std::string(req.Param("subject"));
    RETURN_IF_ERROR(ParseSchemaRequest(req, &r));
    ASSIGN_OR_RETURN(RegisteredSchema s, c->registry->LookUp(r, req.QueryFlag("deleted")));
    return Json(SchemaJson(s, true));
  }));
  router->Delete("/subjects/{subject}", Wrap(ctx, "delete_subject", [c](Req& req) -> Res {
    ASSIGN_OR_RETURN(auto versions, c->registry->DeleteSubject(req.Param("subject"),
                                                               req.QueryFlag("permanent")));
    return Json(versions);
  }));
  router->Get("/subjects/{subject}/versions", Wrap(ctx, "list_versions", [c](Req& req) -> Res {
    ASSIGN_OR_RETURN(auto versions,
                     c->registry->ListVersions(req.Param("subject"), req.QueryFlag("deleted")));
    return Json(versions);
  }));
  router->Post("/subjects/{subject}/versions", Wrap(ctx, "register", [c](Req& req) -> Res {
    RegisterRequest r;
    r.subject = std::string(req.Param("subject"));
    RETURN_IF_ERROR(ParseSchemaRequest(req, &r));
    ASSIGN_OR_RETURN(RegisteredSchema s, c->registry->Register(r));
    return Json({{"id", s.id}});
  }));
  router->Get("/subjects/{subject}/versions/{version}",
              Wrap(ctx, "get_version", [c](Req& req) -> Res {
                ASSIGN_OR_RETURN(int32_t v, VersionParam(req));
                ASSIGN_OR_RETURN(RegisteredSchema s,
                                 c->registry->GetVersion(req.Param("subject"), v,
                                                         req.QueryFlag("deleted")));
                return Json(SchemaJson(s, true));
              }));
  router->Delete("/subjects/{subject}/versions/{version}",
                 Wrap(ctx, "delete_version", [c](Req& req) -> Res {
                   ASSIGN_OR_RETURN(int32_t v, VersionParam(req));
                   ASSIGN_OR_RETURN(int32_t n,
                                    c->registry->DeleteVersion(req.Param("subject"), v,
                                                               req.QueryFlag("permanent")));
                   return Json(n);
                 }));
  router->Get("/subjects/{subject}/versions/{version}/schema",
              Wrap(ctx, "get_version_schema", [c](Req& req) -> Res {
                ASSIGN_OR_RETURN(int32_t v, VersionParam(req));
                ASSIGN_OR_RETURN(RegisteredSchema s,
                                 c->registry->GetVersion(req.Param("subject"), v,
                                                         req.QueryFlag("deleted")));
                return http::Response::Text(s.schema, 200, kRegistryContentType);
              }));
  router->Get("/subjects/{subject}/versions/{version}/referencedby",
              Wrap(ctx, "referenced_by", [c](Req& req) -> Res {
                ASSIGN_OR_RETURN(int32_t v, VersionParam(req));
                ASSIGN_OR_RETURN(auto ids, c->registry->ReferencedBy(req.Param("subject"), v));
                return Json(ids);
              }));
  router->Post("/compatibility/subjects/{subject}/versions/{version}",
               Wrap(ctx, "check_compatibility", [c](Req& req) -> Res {
                 ASSIGN_OR_RETURN(int32_t v, VersionParam(req));
                 return CheckCompat(c, req, v);
               }));
  router->Post("/compatibility/subjects/{subject}/versions",
               Wrap(ctx, "check_compatibility", [c](Req& req) -> Res {
                 return CheckCompat(c, req, std::nullopt);
               }));
}

}  // namespace kappa::registry
