// Helpers for the HTTP server's tests: a server on a free port, and a blocking raw-socket
// client that sends exact bytes and parses answers with Beast (with receive timeouts, so a
// server that does not answer fails the test instead of hanging it).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/http.h"

namespace kappa::http::testing {

// Starts `router` on 127.0.0.1:0 with `lo`'s other fields; fails the test on error.
std::unique_ptr<Server> StartOn(std::shared_ptr<Router> router, ListenerOptions lo = {},
                                ServerOptions so = {});

struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawClient {
 public:
  explicit RawClient(uint16_t port, int timeout_ms = 5000);
  ~RawClient();
  bool connected() const { return fd_ >= 0; }
  void Send(std::string_view bytes);  // best effort (the server may have closed)
  // Reads one answer; false on EOF, timeout or garbage. `head`: it answers a HEAD.
  bool Read(Answer* a, bool head = false);
  // Reads raw bytes until `n` arrived or the timeout; what came.
  std::string ReadBytes(size_t n);
  // True if the server closes the connection within the timeout (bytes before are dropped).
  bool ClosedByServer();

 private:
  int fd_ = -1;
  std::string buf_;  // received, not yet parsed
};

// Answers a request through `router` without sockets, the request built from `target` as the
// server's reader builds it (path, percent-decoded query). A body is sent with
// `content_type`; `headers` adds more (e.g. {"Accept", "text/plain"}).
Response Dispatch(Router& router, std::string_view method, std::string_view target,
                  std::string_view body = {},
                  std::string_view content_type = "application/json",
                  const std::vector<std::pair<std::string, std::string>>& headers = {});

// "GET /x HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n"
std::string Get(std::string_view target, std::string_view extra = {});

}  // namespace kappa::http::testing
