// One libcurl easy handle reused for every request, so requests to one registry share one
// keep-alive connection (libcurl keeps the connection in the handle's cache between
// curl_easy_perform calls). Internal to kappa_registry_client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa::registry::client {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

class CurlTransport {
 public:
  // curl_global_init is done once per process, thread-safely, on first construction.
  // basic_auth "user:password", or authorization: an Authorization header value sent as is;
  // ca_file: the CAs an https:// server is checked against (empty: the system's).
  CurlTransport(int64_t connect_timeout_ms, int64_t request_timeout_ms, std::string basic_auth,
                const std::string& authorization = {}, const std::string& ca_file = {});
  ~CurlTransport();
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Sends method `url` with `body` (as Confluent's content type when not empty). Any HTTP
  // answer is a value, whatever its status; no answer is Unavailable (cannot connect, reset)
  // or TimedOut, with a message naming `url`.
  Result<HttpAnswer> Send(std::string_view method, const std::string& url, std::string_view body);

  // Connections libcurl opened so far (1 while keep-alive holds); for tests and the bench.
  int64_t connections_opened() const { return connections_; }

 private:
  void* curl_;        // CURL*
  void* headers_;     // curl_slist* with Accept, Content-Type (and Authorization)
  int64_t connections_ = 0;
};

}  // namespace kappa::registry::client
