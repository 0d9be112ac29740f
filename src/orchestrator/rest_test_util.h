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
#include "http/http_test_util.h"
#include "orchestrator/fake_orchestrator.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

class RestTest : public ::testing::Test {
 protected:
  RestTest() : clock_(1'694'520'000'000), fake_(&clock_) {  // 2023-09-12T12:00:00Z
    SeedExampleHistory(&fake_);
    AddAirflowRoutes(&fake_, &router_);
  }

  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& accept = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    return http::testing::Dispatch(router_, method, target, body, "application/json", headers);
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
