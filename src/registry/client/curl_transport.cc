#include "registry/client/curl_transport.h"

#include <curl/curl.h>

#include <mutex>

namespace kappa::registry::client {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Confluent's clients send these; the registry answers in its own content type either way.
constexpr const char* kAccept =
    "Accept: application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, "
    "application/json";
constexpr const char* kContentType = "Content-Type: application/vnd.schemaregistry.v1+json";

}  // namespace

CurlTransport::CurlTransport(int64_t connect_timeout_ms, int64_t request_timeout_ms,
                             std::string basic_auth, const std::string& authorization,
                             const std::string& ca_file) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* c = curl_easy_init();
  curl_ = c;
  curl_slist* h = nullptr;
  h = curl_slist_append(h, kAccept);
  h = curl_slist_append(h, kContentType);
  // libcurl would wait for "100 Continue" before sending a large body: one round trip more.
  h = curl_slist_append(h, "Expect:");
  if (!authorization.empty()) h = curl_slist_append(h, ("Authorization: " + authorization).c_str());
  headers_ = h;
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(request_timeout_ms));
  // Timeouts without SIGALRM: the handle may be used from any thread.
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode (gzip)
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kappa-registry-client");
  if (!ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());  // copied
  if (!basic_auth.empty() && authorization.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERPWD, basic_auth.c_str());  // libcurl copies the string
  }
}

CurlTransport::~CurlTransport() {
  curl_easy_cleanup(static_cast<CURL*>(curl_));
  curl_slist_free_all(static_cast<curl_slist*>(headers_));
}

Result<HttpAnswer> CurlTransport::Send(std::string_view method, const std::string& url,
                                       std::string_view body) {
  CURL* c = static_cast<CURL*>(curl_);
  HttpAnswer a;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &a.body);
  // Reset what the previous request set: the handle carries options between requests.
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
  curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
  if (method == "GET") {
    // HTTPGET above.
  } else if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    const std::string m(method);
    if (!body.empty() || method == "POST" || method == "PUT") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m.c_str());  // copied by libcurl
  }
  CURLcode rc = curl_easy_perform(c);
  long opened = 0;
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &opened);
  connections_ += opened;
  if (rc != CURLE_OK) {
    std::string msg = std::string(method) + " " + url + ": " + curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) return Status::TimedOut(msg);
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
      msg += " (is a schema registry listening there?)";
    }
    return Status::Unavailable(msg);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
  return a;
}

}  // namespace kappa::registry::client
