// The REST tests' fixture: a FakeOrchestrator with SeedExampleHistory behind a Router, and
// Call() to answer a request through Router::Dispatch (no sockets; rest_test.cc also goes
// through a real server once).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "http/http.h"
#include "orchestrator/fake_orchestrator.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

class RestTest : public ::testing::Test {
 protected:
  RestTest() : clock_(1'694'520'000'000), fake_(&clock_) {  // 2023-09-12T12:00:00Z
    SeedExampleHistory(&fake_);
    AddAirflowRoutes(&fake_, &router_);
  }

  static std::string Decode(std::string_view s) {
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

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& accept = "") {
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
        req.query.emplace_back(Decode(kv.substr(0, eq)),
                               eq == std::string::npos ? "" : Decode(kv.substr(eq + 1)));
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
    }
    req.body = body;
    if (!body.empty()) req.headers.Add("Content-Type", "application/json");
    if (!accept.empty()) req.headers.Add("Accept", accept);
    return router_.Dispatch(req);
  }

  // The answer's JSON, after checking its status (and problem+json for errors).
  nlohmann::json Json(const http::Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    if (status >= 400) {
      EXPECT_EQ(r.content_type, "application/problem+json");
    }
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  nlohmann::json Get(const std::string& target, int status = 200) {
    return Json(Call("GET", target), status);
  }

  ManualClock clock_;
  FakeOrchestrator fake_;
  http::Router router_;
};

}  // namespace kappa::orchestrator
