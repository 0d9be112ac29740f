// One HTTP/1.x request parsed as its bytes arrive (Boost.Beast's parser), with the header and
// body limits applied, turned into a Request. No I/O: the connection feeds it the socket's
// bytes and the fuzzer feeds it anything. Private to src/http.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/http.h"

namespace kappa::http {

struct ParseLimits {
  uint32_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 16ull << 20;
};

class RequestReader {
 public:
  explicit RequestReader(const ParseLimits& limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Parses what it can of `bytes` and returns how many it used; the rest (the start of the
  // next pipelined request, or an incomplete header) stays with the caller, who feeds it
  // again with more bytes after it. Does nothing once done() or failed().
  size_t Feed(std::string_view bytes);

  bool started() const { return started_; }  // a byte of this request was used
  bool header_done() const;
  bool done() const;
  bool failed() const { return error_status_ != 0; }
  // Once failed(): 400, 413, 431 or 505, and the reason for the client.
  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }

  // Header done, body still to come, and the client waits for "100 Continue" before sending
  // it (HTTP/1.1 `Expect: 100-continue`).
  bool expects_continue() const;
  uint64_t body_bytes() const;  // received so far

  // Once header_done(): how to answer. HTTP/1.0 is 10, HTTP/1.1 is 11.
  unsigned version() const;
  bool keep_alive() const;
  bool accepts_gzip() const;
  bool is_head() const;

  // Once done(): the request (moved out; call once). Fails with a 400 when the target is not
  // an absolute path or has a malformed escape in its query.
  Request TakeRequest(std::string peer);

 private:
  void Fail(int status, std::string message);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool started_ = false;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace kappa::http
