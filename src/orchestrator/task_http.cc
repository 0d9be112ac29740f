// The `http` task: one request (libcurl), an expected status, the body as the task's result
// (Airflow's HttpOperator, whose response text is its XCom value).
//
//   type: http
//   args: {url: "http://host/path?day={{ ds }}", method: POST, headers: {X-A: b},
//          body: "text" or {json: object}, expected_status: 200 or [200, 201],
//          timeout: 30s}
#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "orchestrator/task_args.h"
#include "orchestrator/task_builtin.h"

namespace kappa::orchestrator {

namespace {

constexpr size_t kMaxBody = 1 << 20;  // a result is a value for later tasks, not a download
constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

struct Transfer {
  std::string body;
  bool too_big = false;
  const TaskContext* ctx = nullptr;
};

size_t OnData(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->body.size() + size * n > kMaxBody) {
    t->too_big = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  t->body.append(data, size * n);
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return Cancelled(*static_cast<Transfer*>(user)->ctx) ? 1 : 0;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class HttpTask final : public TaskType {
 public:
  std::string_view name() const override { return "http"; }

  Status Validate(const nlohmann::json& args) const override {
    RETURN_IF_ERROR(CheckArgs(args, {{"url", ArgType::kString, true},
                                     {"method", ArgType::kString},
                                     {"headers", ArgType::kObject},
                                     {"body", ArgType::kStringOrObject},
                                     {"expected_status", ArgType::kIntOrList},
                                     {"timeout", ArgType::kDuration}}));
    const auto& url = args["url"];
    if (!HasTemplate(url)) RETURN_IF_ERROR(CheckUrl(url.get<std::string>()));
    if (args.contains("method") && !HasTemplate(args["method"])) {
      RETURN_IF_ERROR(CheckMethod(args["method"].get<std::string>()));
    }
    return Status::OK();
  }

  Result<std::string> Run(TaskContext& ctx) override {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    const nlohmann::json& a = ctx.args;
    RETURN_IF_ERROR(Validate(a));  // templates are rendered now: check their values too
    std::string url = a["url"].get<std::string>();
    RETURN_IF_ERROR(CheckUrl(url));
    std::string method = Upper(a.value("method", std::string("GET")));
    RETURN_IF_ERROR(CheckMethod(method));
    ASSIGN_OR_RETURN(int64_t timeout_ms, ArgDurationMs(a, "timeout", 60'000));
    std::vector<int64_t> expected;
    if (a.contains("expected_status")) {
      const auto& e = a["expected_status"];
      if (e.is_array()) {
        for (const auto& v : e) expected.push_back(v.get<int64_t>());
      } else {
        expected.push_back(e.get<int64_t>());
      }
    }

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Status::Internal("curl_easy_init failed");
    curl_slist* headers = nullptr;
    std::string body;
    bool json_body = false;
    if (a.contains("body")) {
      json_body = !a["body"].is_string();
      body = json_body ? a["body"].dump() : a["body"].get<std::string>();
    }
    bool has_content_type = false;
    if (a.contains("headers")) {
      for (const auto& [k, v] : a["headers"].items()) {
        std::string value = v.is_string() ? v.get<std::string>() : v.dump();
        headers = curl_slist_append(headers, (k + ": " + value).c_str());
        has_content_type |= Upper(k) == "CONTENT-TYPE";
      }
    }
    if (json_body && !has_content_type) {
      headers = curl_slist_append(headers, "Content-Type: application/json");
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                            curl_slist_free_all);
    Transfer t;
    t.ctx = &ctx;
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kappa-orchestrator");
    if (header_list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
    if (method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (method != "GET" || !body.empty()) {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    Log(ctx, fmt::format("{} {}", method, url));
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_ABORTED_BY_CALLBACK) return Status::Aborted("http request cancelled");
    if (t.too_big) {
      return Status::InvalidArgument(
          fmt::format("{} {}: the response body is larger than {} bytes", method, url, kMaxBody));
    }
    if (rc != CURLE_OK) {
      return Status::Unavailable(fmt::format("{} {}: {}", method, url, curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    Log(ctx, fmt::format("-> {} ({} bytes)", status, t.body.size()));
    bool ok = expected.empty()
                  ? status >= 200 && status < 300
                  : std::find(expected.begin(), expected.end(), status) != expected.end();
    if (!ok) {
      std::string want = expected.empty() ? "2xx" : nlohmann::json(expected).dump();
      return Status::Unavailable(fmt::format("{} {} answered {}, expected {}: {}", method, url,
                                             status, want, t.body.substr(0, 200)));
    }
    return t.body;
  }

 private:
  static Status CheckUrl(const std::string& url) {
    if (url.starts_with("http://") || url.starts_with("https://")) return Status::OK();
    return Status::InvalidArgument(
        fmt::format("argument 'url' must start with http:// or https://, not '{}'", url));
  }
  static Status CheckMethod(const std::string& method) {
    std::string m = Upper(method);
    for (auto k : kMethods) {
      if (m == k) return Status::OK();
    }
    return Status::InvalidArgument(fmt::format(
        "argument 'method' must be GET, POST, PUT, PATCH, DELETE or HEAD, not '{}'", method));
  }
};

}  // namespace

std::shared_ptr<TaskType> NewHttpTaskType() { return std::make_shared<HttpTask>(); }

}  // namespace kappa::orchestrator
