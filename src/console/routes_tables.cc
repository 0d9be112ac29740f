// The Tables page's API (docs/formats/console-api.md, "Tables"): keyspaces and tables with
// their CQL DDL, rows paged server-side (each page a resumed scan: a table of a million rows
// pages as fast as a small one), and the query box (one CQL statement, its rows paged).
#include <nlohmann/json.hpp>

#include "console/routes.h"
#include "console/routes_pipeline_util.h"

namespace kappa::console {
namespace {

using nlohmann::json;
using namespace pipeline_routes;

json ColumnsJson(const std::vector<ColumnInfo>& columns) {
  json out = json::array();
  for (const ColumnInfo& c : columns) {
    json col = {{"name", c.name}, {"type", c.type}};
    if (!c.kind.empty()) col["kind"] = c.kind;
    out.push_back(std::move(col));
  }
  return out;
}

// Rows as arrays of cells aligned with "columns"; a null cell is JSON null.
json RowsJson(const std::vector<Cells>& rows) {
  json out = json::array();
  for (const Cells& row : rows) {
    json r = json::array();
    for (const auto& cell : row) r.push_back(cell ? json(*cell) : json(nullptr));
    out.push_back(std::move(r));
  }
  return out;
}

json Cursor(const std::string& c) { return c.empty() ? json(nullptr) : json(c); }

}  // namespace

void AddTablesRoutes(http::Router& router, const Sources& sources) {
  PipelineSource* src = sources.pipeline;

  router.Get("/api/console/tables", [src](http::Request&) {
    if (!src) return NotConfigured();
    auto keyspaces = src->ListKeyspaces();
    if (!keyspaces.ok()) return FromStatus(keyspaces.status());
    json items = json::array();
    for (const KeyspaceInfo& k : *keyspaces) {
      items.push_back({{"name", k.name}, {"ddl", k.ddl}, {"tables", k.tables}});
    }
    const int64_t total = int64_t(items.size());
    // Keyspaces are few (their tables are listed inside): one page.
    return http::Response::Json(PageJson(std::move(items), std::nullopt, total));
  });

  router.Get("/api/console/tables/{keyspace}/{table}", [src](http::Request& req) {
    if (!src) return NotConfigured();
    auto t = src->GetTable(req.Param("keyspace"), req.Param("table"));
    if (!t.ok()) return FromStatus(t.status());
    return http::Response::Json({{"keyspace", t->keyspace},
                                 {"name", t->name},
                                 {"columns", ColumnsJson(t->columns)},
                                 {"ddl", t->ddl}});
  });

  router.Get("/api/console/tables/{keyspace}/{table}/rows", [src](http::Request& req) {
    if (!src) return NotConfigured();
    http::Response error;
    PageRequest page_request;
    if (!Page(req, &page_request, &error)) return error;
    auto page = src->BrowseRows(req.Param("keyspace"), req.Param("table"), page_request.cursor,
                                int32_t(page_request.limit));
    if (!page.ok()) return FromStatus(page.status());
    return http::Response::Json({{"columns", ColumnsJson(page->columns)},
                                 {"items", RowsJson(page->rows)},
                                 {"next_cursor", Cursor(page->cursor)}});
  });

  // {"statement": "...", "keyspace": "ks" (optional), "cursor": "..." (the previous page's
  // next_cursor), "limit": N}. A POST: a statement may change data or schema, as in cqlsh.
  router.Post("/api/console/tables/query", [src](http::Request& req) {
    if (!src) return NotConfigured();
    json body;
    http::Response error;
    if (!http::ParseJsonBody(req, &body, &error)) return error;
    if (!body.is_object() || !body.contains("statement") || !body["statement"].is_string()) {
      return http::Response::Error(400, "the body needs \"statement\": one CQL statement");
    }
    auto text = [&](const char* key) -> std::optional<std::string> {
      if (!body.contains(key) || body[key].is_null()) return std::string();
      if (!body[key].is_string()) return std::nullopt;
      return body[key].get<std::string>();
    };
    auto keyspace = text("keyspace");
    auto cursor = text("cursor");
    if (!keyspace || !cursor) return http::Response::Error(400, "\"keyspace\" and \"cursor\" must be strings");
    int32_t limit = int32_t(kDefaultPageLimit);
    if (body.contains("limit") && !body["limit"].is_null()) {
      if (!body["limit"].is_number_integer() || body["limit"].get<int64_t>() < 1 ||
          body["limit"].get<int64_t>() > int64_t(kMaxPageLimit)) {
        return http::Response::Error(400, "limit must be a number from 1 to 500");
      }
      limit = body["limit"].get<int32_t>();
    }
    const std::string statement = body["statement"].get<std::string>();
    if (statement.find_first_not_of(" \t\r\n;") == std::string::npos) {
      return http::Response::Error(400, "the statement is empty");
    }
    auto r = src->Query(statement, *keyspace, *cursor, limit);
    if (!r.ok()) return FromStatus(r.status());
    json out = {{"kind", r->kind}, {"keyspace", r->keyspace}, {"message", r->message}};
    if (r->kind == "rows") {
      out["columns"] = ColumnsJson(r->page.columns);
      out["items"] = RowsJson(r->page.rows);
      out["next_cursor"] = Cursor(r->page.cursor);
    }
    return http::Response::Json(out);
  });
}

void AddPipelineRoutes(http::Router& router, const Sources& sources) {
  AddJobsRoutes(router, sources);
  AddTablesRoutes(router, sources);
}

}  // namespace kappa::console
