// A Response as HTTP/1.1 bytes: status line, header fields, body (gzipped when the client
// accepts it and it is worth it), or the head and chunks of a streaming body. Private to
// src/http.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/http.h"

namespace kappa::http {

// What the request said about how to answer it.
struct AnswerContext {
  unsigned version = 11;  // 10 or 11
  bool head = false;        // HEAD: the fields of the GET answer, no body
  bool keep_alive = true;   // false: "Connection: close" (and the server closes after it)
  bool gzip_ok = false;     // the client accepts gzip
  size_t gzip_min_bytes = 1024;
  int gzip_level = 6;
};

// Appends the whole answer to `*out`. Returns the body bytes sent (0 for HEAD).
uint64_t AppendResponse(Response& r, const AnswerContext& c, std::string* out);

// The head of a streaming answer: chunked for HTTP/1.1; for HTTP/1.0 the body runs until the
// connection closes. The connection always closes after a stream.
void AppendStreamHead(const Response& r, const AnswerContext& c, std::string* out);
// One chunk of a stream (as is for HTTP/1.0); empty data appends nothing.
void AppendChunk(std::string_view data, unsigned version, std::string* out);
// The end of a chunked body (nothing for HTTP/1.0).
void AppendLastChunk(unsigned version, std::string* out);

// "HTTP/1.1 100 Continue\r\n\r\n"
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace kappa::http
