// Test-only, for console_meta_test: answers a request through Router::Dispatch (no sockets)
// and reads the JSON answer.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "http/http.h"

namespace kappa::console::testing {

inline std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

inline http::Response Call(const http::Router& router, const std::string& method,
                           const std::string& target, const std::string& body = "") {
  http::Request req;
  req.method = method;
  req.target = target;
  size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      std::string kv = query.substr(start, amp == std::string::npos ? amp : amp - start);
      size_t eq = kv.find('=');
      req.query.emplace_back(PercentDecode(kv.substr(0, eq)),
                             eq == std::string::npos ? "" : PercentDecode(kv.substr(eq + 1)));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  req.body = body;
  if (!body.empty()) req.headers.Add("Content-Type", "application/json");
  return router.Dispatch(req);
}

// The answer's JSON after checking its status; errors carry error_code and message.
inline nlohmann::json JsonOf(const http::Response& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.body;
  if (status >= 400) {
    EXPECT_TRUE(doc.contains("error_code")) << r.body;
    EXPECT_TRUE(doc.contains("message")) << r.body;
  }
  return doc;
}

}  // namespace kappa::console::testing
