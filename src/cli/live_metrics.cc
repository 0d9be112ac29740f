#include "cli/live_metrics.h"

#include <curl/curl.h>

#include <string_view>

#include "app/app.h"
#include "common/host_port.h"

namespace kappa::cli {
namespace {

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET `url` with a short timeout; nullopt unless it answers 200.
std::optional<std::string> FetchText(const std::string& url) {
  CURL* c = curl_easy_init();
  if (!c) return std::nullopt;
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK || code != 200) return std::nullopt;
  return body;
}

}  // namespace

std::string LoopbackFor(const std::string& bound) {
  auto hp = ParseHostPort(bound);
  if (!hp.ok()) return bound;
  if (hp->host.empty() || hp->host == "0.0.0.0") hp->host = "127.0.0.1";
  if (hp->host == "::") hp->host = "::1";
  return hp->ToString();
}

namespace {

// The label text Prometheus' exposition writes for job="<name>" (escapes \, " and newline).
std::string JobLabel(const std::string& job) {
  std::string out = "job=\"";
  for (char ch : job) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out + "\"";
}

}  // namespace

std::optional<LiveJobFigures> ReadLiveJobFigures(const std::string& data_dir,
                                                 const std::string& job) {
  auto up = app::FindRunningUp(data_dir);
  if (!up || up->http.empty()) return std::nullopt;
  LiveJobFigures f;
  f.pid = up->pid;
  f.url = "http://" + LoopbackFor(up->http) + "/metrics";
  auto text = FetchText(f.url);
  if (!text) return std::nullopt;
  const std::string label = JobLabel(job);
  constexpr std::string_view kPrefix = "kappa_job_";
  std::string_view rest(*text);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.starts_with(kPrefix)) continue;
    size_t brace = line.find('{');
    size_t close = line.find("} ");
    if (brace == std::string_view::npos || close == std::string_view::npos) continue;
    std::string_view labels = line.substr(brace + 1, close - brace - 1);
    // Exactly this job: the label followed by the end or a comma.
    size_t at = labels.find(label);
    if (at == std::string_view::npos || (at > 0 && labels[at - 1] != ',')) continue;
    size_t after = at + label.size();
    if (after < labels.size() && labels[after] != ',') continue;
    std::string name(line.substr(kPrefix.size(), brace - kPrefix.size()));
    try {
      f.values[name] = std::stod(std::string(line.substr(close + 2)));
    } catch (...) {
      continue;  // not a number: skip the line, keep the rest
    }
  }
  if (f.values.empty()) return std::nullopt;
  return f;
}

}  // namespace kappa::cli
