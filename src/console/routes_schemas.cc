// /api/console/schemas/...: the Schemas page's API over the in-process registry::Registry
// (no HTTP round trip to the registry's REST API). Subjects and versions are paged; a diff
// between two versions is a line diff of their pretty-printed text plus the registry's own
// compatibility verdict of the newer against the older at the subject's level.
#include <algorithm>

#include "console/meta_routes_util.h"
#include "console/routes.h"
#include "console/schema_diff.h"
#include "registry/registry.h"

namespace kappa::console {

namespace {

using nlohmann::json;
using meta::Wrap;
using Res = Result<http::Response>;

constexpr std::string_view kPrefix = "/api/console/schemas";

// The subject's own setting, else the global one; `own` says which.
json CompatibilityJson(const registry::Registry& r, std::string_view subject) {
  auto own = r.GetCompatibility(subject, false);
  if (own.ok()) return {{"level", registry::CompatibilityName(*own)}, {"own", true}};
  auto global = r.GetCompatibility(std::nullopt, true);
  return {{"level", global.ok() ? std::string(registry::CompatibilityName(*global)) : ""},
          {"own", false}};
}

json ModeJson(const registry::Registry& r, std::string_view subject) {
  auto own = r.GetMode(subject, false);
  if (own.ok()) return {{"mode", registry::ModeName(*own)}, {"own", true}};
  auto global = r.GetMode(std::nullopt, true);
  return {{"mode", global.ok() ? std::string(registry::ModeName(*global)) : ""},
          {"own", false}};
}

json VersionSummary(const registry::RegisteredSchema& s) {
  return {{"version", s.version}, {"id", s.id}, {"type", s.type}, {"deleted", s.deleted},
          {"references", s.references.size()}};
}

json ReferencesJson(const std::vector<registry::SchemaReference>& refs) {
  json out = json::array();
  for (const auto& ref : refs) {
    out.push_back({{"name", ref.name}, {"subject", ref.subject}, {"version", ref.version}});
  }
  return out;
}

Res ListSubjects(const registry::Registry& r, http::Request& req) {
  ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
  bool deleted = req.QueryFlag("deleted");
  std::vector<std::string> subjects =
      r.ListSubjects(deleted, req.Query("prefix").value_or(""));
  // The cursor is the last subject of the previous page: stable while subjects come and go.
  auto it = page.cursor.empty()
                ? subjects.begin()
                : std::upper_bound(subjects.begin(), subjects.end(), page.cursor);
  json items = json::array();
  for (; it != subjects.end() && items.size() < page.limit; ++it) {
    auto latest = r.GetVersion(*it, registry::kLatestVersion, false);
    bool all_deleted = !latest.ok();
    if (all_deleted) latest = r.GetVersion(*it, registry::kLatestVersion, true);
    if (!latest.ok()) continue;  // deleted permanently since the listing
    auto versions = r.ListVersions(*it, deleted);
    json row = {{"subject", *it},
                {"latest_version", latest->version},
                {"latest_id", latest->id},
                {"type", latest->type},
                {"versions", versions.ok() ? versions->size() : 0},
                {"deleted", all_deleted}};
    items.push_back(std::move(row));
  }
  json next = nullptr;
  if (it != subjects.end() && !items.empty()) next = items.back()["subject"];
  return http::Response::Json(
      {{"items", std::move(items)}, {"next_cursor", next}, {"total", subjects.size()}});
}

Res GetSubject(const registry::Registry& r, http::Request& req) {
  std::string subject(req.Param("subject"));
  bool deleted = req.QueryFlag("deleted");
  ASSIGN_OR_RETURN(auto versions, r.ListVersions(subject, deleted));
  auto latest = r.GetVersion(subject, registry::kLatestVersion, false);
  bool all_deleted = !latest.ok();
  if (all_deleted) latest = r.GetVersion(subject, registry::kLatestVersion, true);
  RETURN_IF_ERROR(latest.status());
  return http::Response::Json({{"subject", subject},
                               {"compatibility", CompatibilityJson(r, subject)},
                               {"mode", ModeJson(r, subject)},
                               {"versions", versions.size()},
                               {"latest", VersionSummary(*latest)},
                               {"deleted", all_deleted}});
}

// Newest first (the page shows the latest on top); the cursor is an offset.
Res ListVersions(const registry::Registry& r, http::Request& req) {
  ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
  ASSIGN_OR_RETURN(size_t offset, OffsetCursor(page.cursor));
  std::string subject(req.Param("subject"));
  bool deleted = req.QueryFlag("deleted");
  ASSIGN_OR_RETURN(auto versions, r.ListVersions(subject, deleted));
  std::reverse(versions.begin(), versions.end());
  json items = json::array();
  size_t i = offset;
  for (; i < versions.size() && items.size() < page.limit; ++i) {
    auto s = r.GetVersion(subject, versions[i], deleted);
    if (!s.ok()) continue;  // deleted since the listing
    items.push_back(VersionSummary(*s));
  }
  json next = i < versions.size() ? json(std::to_string(i)) : json(nullptr);
  return http::Response::Json(
      {{"items", std::move(items)}, {"next_cursor", next}, {"total", versions.size()}});
}

Res GetVersion(const registry::Registry& r, http::Request& req) {
  ASSIGN_OR_RETURN(int32_t v, registry::ParseVersion(req.Param("version")));
  std::string subject(req.Param("subject"));
  ASSIGN_OR_RETURN(auto s, r.GetVersion(subject, v, req.QueryFlag("deleted")));
  json referenced_by = json::array();
  if (auto by = r.ReferencedBy(subject, s.version); by.ok()) referenced_by = *by;
  json out = VersionSummary(s);
  out["subject"] = subject;
  out["schema"] = s.schema;
  out["pretty"] = PrettySchema(s.type, s.schema);
  out["references"] = ReferencesJson(s.references);
  out["referenced_by"] = std::move(referenced_by);
  return http::Response::Json(out);
}

// ?from=V&to=W (numbers or "latest"; to defaults to latest, from to the version before it).
Res Diff(const registry::Registry& r, http::Request& req) {
  std::string subject(req.Param("subject"));
  bool deleted = req.QueryFlag("deleted");
  int32_t to_v = registry::kLatestVersion;
  if (auto t = req.Query("to")) {
    ASSIGN_OR_RETURN(to_v, registry::ParseVersion(*t));
  }
  ASSIGN_OR_RETURN(auto to, r.GetVersion(subject, to_v, deleted));
  int32_t from_v = 0;
  if (auto f = req.Query("from")) {
    ASSIGN_OR_RETURN(from_v, registry::ParseVersion(*f));
  } else {
    // The version listed just before `to`.
    ASSIGN_OR_RETURN(auto versions, r.ListVersions(subject, deleted));
    auto it = std::lower_bound(versions.begin(), versions.end(), to.version);
    if (it == versions.begin()) {
      return Status::InvalidArgument("version " + std::to_string(to.version) + " of '" +
                                     subject + "' is its first: give ?from=");
    }
    from_v = *std::prev(it);
  }
  ASSIGN_OR_RETURN(auto from, r.GetVersion(subject, from_v, deleted));

  LineDiff diff = DiffLines(SplitLines(PrettySchema(from.type, from.schema)),
                            SplitLines(PrettySchema(to.type, to.schema)));
  int added = 0, removed = 0;
  json lines = json::array();
  for (const DiffLine& l : diff.lines) {
    added += l.op == '+';
    removed += l.op == '-';
    lines.push_back({{"op", std::string(1, l.op)}, {"text", l.text},
                     {"old", l.old_line}, {"new", l.new_line}});
  }
  // The registry's verdict: could `to` be registered after `from` at the subject's level?
  // (null when it cannot say, e.g. `from` is soft-deleted.)
  json compat = nullptr;
  registry::RegisterRequest check;
  check.subject = subject;
  check.schema = to.schema;
  check.type = to.type;
  check.references = to.references;
  if (auto reasons = r.CheckCompatibility(check, from.version); reasons.ok()) {
    compat = {{"level", CompatibilityJson(r, subject)["level"]},
              {"compatible", reasons->empty()},
              {"messages", *reasons}};
  }
  return http::Response::Json({{"subject", subject},
                               {"from", VersionSummary(from)},
                               {"to", VersionSummary(to)},
                               {"minimal", diff.minimal},
                               {"added", added},
                               {"removed", removed},
                               {"lines", std::move(lines)},
                               {"compatibility", std::move(compat)}});
}

}  // namespace

void AddSchemasRoutes(http::Router& router, const Sources& sources) {
  const Sources* src = &sources;
  auto route = [&](std::string_view path, Res (*fn)(const registry::Registry&, http::Request&)) {
    router.Get(std::string(kPrefix) + std::string(path), Wrap([src, fn](http::Request& req) -> Res {
      if (src->registry == nullptr) return meta::NotConfigured("the schema registry");
      return fn(*src->registry, req);
    }));
  };
  route("/subjects", ListSubjects);
  route("/subjects/{subject}", GetSubject);
  route("/subjects/{subject}/versions", ListVersions);
  route("/subjects/{subject}/versions/{version}", GetVersion);
  route("/subjects/{subject}/diff", Diff);
}

}  // namespace kappa::console
