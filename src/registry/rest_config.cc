// /config... and /mode... routes: compatibility levels and modes, global and per subject.
#include "registry/registry_errors.h"
#include "registry/rest_common.h"

namespace kappa::registry {

namespace {

using nlohmann::json;
using Req = http::Request;
using Res = Result<http::Response>;

std::optional<std::string_view> SubjectOf(const Req& req) {
  if (req.params.count("subject") == 0) return std::nullopt;
  return req.Param("subject");
}

// {"<field>": "<VALUE>"} from the body; Confluent takes the value in any case.
Result<std::string> BodyField(const Req& req, std::string_view field) {
  json doc;
  http::Response err;
  if (!http::ParseJsonBody(req, &doc, &err, kRegistryContentType)) {
    return RegistryError(ErrorCode(400), "malformed JSON in the request body");
  }
  auto it = doc.is_object() ? doc.find(std::string(field)) : doc.end();
  if (!doc.is_object() || it == doc.end() || !it->is_string()) return std::string();
  std::string v = it->get<std::string>();
  for (char& ch : v) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return v;
}

Res GetConfig(RestContext* c, Req& req) {
  ASSIGN_OR_RETURN(auto level,
                   c->registry->GetCompatibility(SubjectOf(req), req.QueryFlag("defaultToGlobal")));
  return Json({{"compatibilityLevel", CompatibilityName(level)}});
}

Res PutConfig(RestContext* c, Req& req) {
  ASSIGN_OR_RETURN(std::string name, BodyField(req, "compatibility"));
  auto level = ParseCompatibility(name);
  if (!level) return InvalidCompatibility(name);
  RETURN_IF_ERROR(c->registry->SetCompatibility(SubjectOf(req), *level));
  return Json({{"compatibility", CompatibilityName(*level)}});
}

Res DeleteConfig(RestContext* c, Req& req) {
  ASSIGN_OR_RETURN(auto previous, c->registry->DeleteCompatibility(SubjectOf(req)));
  return Json({{"compatibilityLevel", CompatibilityName(previous)}});
}

Res GetMode(RestContext* c, Req& req) {
  ASSIGN_OR_RETURN(auto mode, c->registry->GetMode(SubjectOf(req), req.QueryFlag("defaultToGlobal")));
  return Json({{"mode", ModeName(mode)}});
}

Res PutMode(RestContext* c, Req& req) {
  ASSIGN_OR_RETURN(std::string name, BodyField(req, "mode"));
  auto mode = ParseMode(name);
  if (!mode) return InvalidMode(name);
  RETURN_IF_ERROR(c->registry->SetMode(SubjectOf(req), *mode, req.QueryFlag("force")));
  return Json({{"mode", ModeName(*mode)}});
}

Res DeleteMode(RestContext* c, Req& req) {
  ASSIGN_OR_RETURN(auto previous, c->registry->DeleteMode(SubjectOf(req)));
  return Json({{"mode", ModeName(previous)}});
}

}  // namespace

void AddConfigRoutes(const std::shared_ptr<RestContext>& ctx, http::Router* router) {
  RestContext* c = ctx.get();
  for (const char* path : {"/config", "/config/{subject}"}) {
    router->Get(path, Wrap(ctx, "get_config", [c](Req& r) { return GetConfig(c, r); }));
    router->Put(path, Wrap(ctx, "put_config", [c](Req& r) { return PutConfig(c, r); }));
    router->Delete(path, Wrap(ctx, "delete_config", [c](Req& r) { return DeleteConfig(c, r); }));
  }
  for (const char* path : {"/mode", "/mode/{subject}"}) {
    router->Get(path, Wrap(ctx, "get_mode", [c](Req& r) { return GetMode(c, r); }));
    router->Put(path, Wrap(ctx, "put_mode", [c](Req& r) { return PutMode(c, r); }));
    router->Delete(path, Wrap(ctx, "delete_mode", [c](Req& r) { return DeleteMode(c, r); }));
  }
}

}  // namespace kappa::registry
