// The REST side of `kappa dags` / `kappa tasks`: Airflow's stable REST API v1 over libcurl,
// coded against Airflow's documented paths and JSON (api_connexion/openapi/v1.yaml), so the
// same commands work against `kappa up` and a real Airflow 2 webserver. Errors come back as
// Airflow's problem+json ({type, title, status, detail}).
#include <curl/curl.h>
#include <fmt/format.h>

#include "app/app.h"
#include "cli/cli_common.h"
#include "cli/dags_backend.h"
#include "cli/live_metrics.h"
#include "common/env.h"

namespace kappa::cli {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string Escape(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.data(), int(s.size()));
  std::string out = e ? e : s;
  curl_free(e);
  return out;
}

struct HttpAnswer {
  long status = 0;
  std::string body;
};

class RestBackend final : public DagsBackend {
 public:
  RestBackend(std::string base, std::string user) : base_(std::move(base)), user_(std::move(user)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }
  std::string where() const override { return base_; }

  Result<nlohmann::json> ListDags() override {
    // Page through: Airflow caps a page at its maximum_page_limit (100 by default).
    nlohmann::json all = {{"dags", nlohmann::json::array()}, {"total_entries", 0}};
    for (int64_t offset = 0;;) {
      ASSIGN_OR_RETURN(nlohmann::json page,
                       Json("GET", fmt::format("/dags?limit=100&offset={}", offset)));
      const auto& dags = page["dags"];
      for (const auto& d : dags) all["dags"].push_back(d);
      all["total_entries"] = page.value("total_entries", int64_t(0));
      offset += int64_t(dags.size());
      if (dags.empty() || offset >= all["total_entries"].get<int64_t>()) break;
    }
    return all;
  }

  Result<nlohmann::json> GetDag(const std::string& dag_id) override {
    return Json("GET", "/dags/" + Escape(dag_id));
  }

  Result<nlohmann::json> ListRuns(const std::string& dag_id, const RunQuery& q) override {
    std::string path = fmt::format("/dags/{}/dagRuns?limit={}&order_by={}", Escape(dag_id),
                                   q.limit, q.newest_first ? "-execution_date" : "execution_date");
    for (const auto& s : q.states) path += "&state=" + Escape(s);
    if (!q.logical_date_gte.empty()) path += "&execution_date_gte=" + Escape(q.logical_date_gte);
    if (!q.logical_date_lte.empty()) path += "&execution_date_lte=" + Escape(q.logical_date_lte);
    return Json("GET", path);
  }

  Result<nlohmann::json> ListTaskInstances(const std::string& dag_id,
                                           const std::string& run_id) override {
    return Json("GET", fmt::format("/dags/{}/dagRuns/{}/taskInstances?limit=100", Escape(dag_id),
                                   Escape(run_id)));
  }

  Result<nlohmann::json> GetTaskInstance(const std::string& dag_id, const std::string& run_id,
                                         const std::string& task_id) override {
    return Json("GET", fmt::format("/dags/{}/dagRuns/{}/taskInstances/{}", Escape(dag_id),
                                   Escape(run_id), Escape(task_id)));
  }

  Result<std::string> ReadLog(const std::string& dag_id, const std::string& run_id,
                              const std::string& task_id, int try_number) override {
    ASSIGN_OR_RETURN(HttpAnswer a,
                     Call("GET",
                          fmt::format("/dags/{}/dagRuns/{}/taskInstances/{}/logs/{}?full_content=true",
                                      Escape(dag_id), Escape(run_id), Escape(task_id), try_number),
                          "", "text/plain"));
    RETURN_IF_ERROR(Check(a));
    return a.body;
  }

  Result<nlohmann::json> Trigger(const std::string& dag_id, const nlohmann::json& body) override {
    return Json("POST", "/dags/" + Escape(dag_id) + "/dagRuns", body.dump());
  }

  Result<nlohmann::json> SetPaused(const std::string& dag_id, bool paused) override {
    return Json("PATCH", "/dags/" + Escape(dag_id) + "?update_mask=is_paused",
                nlohmann::json({{"is_paused", paused}}).dump());
  }

  Result<nlohmann::json> Clear(const std::string& dag_id, const nlohmann::json& body) override {
    return Json("POST", "/dags/" + Escape(dag_id) + "/clearTaskInstances", body.dump());
  }

  // kappa's extension route (POST /api/v1/dags/{dag_id}/backfill, rest_backfill.cc). A real
  // Airflow 2 has no such path: its 404 is "Not Found" (an unknown DAG is "DAG not found").
  Result<nlohmann::json> Backfill(const std::string& dag_id, const std::string& from,
                                  const std::string& to, const nlohmann::json& conf) override {
    nlohmann::json body = {{"from_date", from}, {"to_date", to}, {"dag_run_conf", conf}};
    ASSIGN_OR_RETURN(HttpAnswer a, Call("POST", "/dags/" + Escape(dag_id) + "/backfill",
                                        body.dump(), "application/json"));
    if (a.status == 404 || a.status == 405) {
      auto j = nlohmann::json::parse(a.body, nullptr, false);
      if (!j.is_object() || j.value("title", std::string()) != "DAG not found") {
        return DagsBackend::Backfill(dag_id, from, to, conf);  // the "has no backfill" answer
      }
    }
    RETURN_IF_ERROR(Check(a));
    auto j = nlohmann::json::parse(a.body, nullptr, false);
    if (j.is_discarded()) return Status::Corruption("POST backfill: the answer is not JSON");
    return j;
  }

 private:
  Result<HttpAnswer> Call(const std::string& method, const std::string& path,
                          const std::string& body, const char* accept) {
    std::string url = base_ + "/api/v1" + path;
    CURL* c = curl_easy_init();
    if (!c) return Status::Internal("curl_easy_init failed");
    HttpAnswer a;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, (std::string("Accept: ") + accept).c_str());
    if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty() || method != "GET") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, long(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (!user_.empty()) curl_easy_setopt(c, CURLOPT_USERPWD, user_.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a.body);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
      return Status::Unavailable(fmt::format("cannot reach {}: {}", url, curl_easy_strerror(rc)));
    }
    return a;
  }

  // An answer that is not 2xx as a Status: Airflow's problem+json title and detail.
  static Status Check(const HttpAnswer& a) {
    if (a.status >= 200 && a.status < 300) return Status::OK();
    std::string text = a.body.substr(0, 300);
    auto j = nlohmann::json::parse(a.body, nullptr, false);
    if (j.is_object() && (j.contains("title") || j.contains("detail"))) {
      text = j.value("title", std::string());
      if (j.contains("detail") && j["detail"].is_string()) {
        text += (text.empty() ? "" : ": ") + j["detail"].get<std::string>();
      }
    }
    std::string msg = fmt::format("{} (HTTP {})", text, a.status);
    switch (a.status) {
      case 400: return Status::InvalidArgument(msg);
      case 404: return Status::NotFound(msg);
      case 409: return Status::AlreadyExists(msg);
      case 401:
      case 403: return Status::Unavailable(msg + "; pass --user NAME:PASSWORD");
      default: return Status::Unavailable(msg);
    }
  }

  Result<nlohmann::json> Json(const std::string& method, const std::string& path,
                              const std::string& body = {}) {
    ASSIGN_OR_RETURN(HttpAnswer a, Call(method, path, body, "application/json"));
    RETURN_IF_ERROR(Check(a));
    auto j = nlohmann::json::parse(a.body, nullptr, false);
    if (j.is_discarded()) {
      return Status::Corruption(fmt::format("{} {}: the answer is not JSON", method, path));
    }
    return j;
  }

  std::string base_, user_;
};

}  // namespace

std::unique_ptr<DagsBackend> NewRestBackend(std::string base_url, std::string user) {
  return std::make_unique<RestBackend>(std::move(base_url), std::move(user));
}

std::unique_ptr<DagsBackend> OpenBackend(const SourceFlags& flags) {
  if (!flags.url.empty()) return NewRestBackend(flags.url, flags.user);
  if (auto up = app::FindRunningUp(flags.data_dir); up && !up->http.empty()) {
    return NewRestBackend("http://" + LoopbackFor(up->http), flags.user);
  }
  if (!Env::Default()->FileExists(flags.data_dir)) {
    Fail(fmt::format("no running kappa up and no data directory {} (start `kappa up`, pass "
                     "--data-dir, or --url http://HOST:PORT of a running one)",
                     flags.data_dir));
  }
  auto b = OpenDataDirBackend(flags.data_dir);
  if (!b.ok()) Fail(b.status());
  return std::move(b).value();
}

}  // namespace kappa::cli
