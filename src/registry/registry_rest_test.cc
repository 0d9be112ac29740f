// The REST routes through http::Router::Dispatch (no sockets): Confluent's JSON, error
// bodies and status codes. The real-client suites are in tests/registry/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/http.h"
#include "http/http_test_util.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "registry/fake_schema_type.h"
#include "registry/registry_impl.h"
#include "testutil/temp_dir.h"

namespace kappa::registry {
namespace {

using nlohmann::json;

class RestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions lo;
    lo.dir = dir_.path() + "/log";
    lo.metrics = &metrics_;
    lo.retention_check_ms = 0;
    log_ = std::move(log::Log::Open(lo)).value();
    auto sl = OpenEmbeddedSchemaLog(log_.get(), "_schemas");
    ASSERT_TRUE(sl.ok());
    RegistryOptions o;
    o.metrics = &metrics_;
    auto types = [](std::string_view n) -> const SchemaType* {
      return n == "AVRO" || n == "JSON" ? &FakeSchemaType(n) : nullptr;
    };
    std::shared_ptr<Registry> reg = std::move(OpenRegistry(std::move(*sl), types, o)).value();
    AddRegistryRoutes(reg, &router_, &metrics_);
  }

  http::Response Call(std::string method, std::string target, std::string body = "",
                      std::string content_type = "application/vnd.schemaregistry.v1+json") {
    return http::testing::Dispatch(router_, method, target, body, content_type);
  }
  static json Body(const http::Response& r) { return json::parse(r.body); }
  static std::string Reg(const std::string& schema, const std::string& extra = "") {
    json j = extra.empty() ? json::object() : json::parse(extra);
    j["schema"] = schema;
    return j.dump();
  }

  testutil::TempDir dir_{"registry-rest"};
  metrics::Registry metrics_;
  std::unique_ptr<log::Log> log_;
  http::Router router_;
};

const char* kV1 = R"({"fields":[{"name":"a"}]})";
const char* kV2 = R"({"fields":[{"name":"a"},{"name":"b","default":1}]})";

TEST_F(RestTest, RegisterGetAndErrors) {
  auto r = Call("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.content_type, "application/vnd.schemaregistry.v1+json");

  r = Call("POST", "/subjects/a%2Fb%20%C3%A9/versions", Reg(kV1));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r), json({{"id", 1}}));
  r = Call("GET", "/subjects");
  EXPECT_EQ(Body(r), json::array({"a/b \xC3\xA9"}));
  r = Call("GET", "/subjects/a%2Fb%20%C3%A9/versions/latest");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), json({{"subject", "a/b \xC3\xA9"}, {"version", 1}, {"id", 1}, {"schema", kV1}}));
  EXPECT_FALSE(Body(r).contains("schemaType"));
  r = Call("GET", "/subjects/a%2Fb%20%C3%A9/versions/1/schema");
  EXPECT_EQ(r.body, kV1);
  r = Call("GET", "/schemas/ids/1");
  EXPECT_EQ(Body(r), json({{"schema", kV1}}));
  r = Call("GET", "/schemas/ids/1/versions");
  EXPECT_EQ(Body(r), json::parse(R"([{"subject":"a/b é","version":1}])"));

  // JSON-typed schemas carry schemaType.
  r = Call("POST", "/subjects/j/versions", Reg(kV1, R"({"schemaType":"JSON"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("GET", "/schemas/ids/2");
  EXPECT_EQ(Body(r)["schemaType"], "JSON");

  r = Call("GET", "/subjects/nope/versions");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r), json({{"error_code", 40401}, {"message", "Subject 'nope' not found."}}));
  r = Call("GET", "/subjects/j/versions/0");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r)["error_code"], 42202);
  r = Call("GET", "/subjects/j/versions/5");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["error_code"], 40402);
  r = Call("GET", "/schemas/ids/77");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["error_code"], 40403);
  r = Call("POST", "/subjects/x/versions", Reg("garbage"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r)["error_code"], 42201);
  r = Call("POST", "/subjects/x/versions", "{not json");
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/subjects/x/versions", Reg(kV1), "text/plain");
  EXPECT_EQ(r.status, 415);
  r = Call("POST", "/subjects/x/versions", Reg(kV1), "application/json");
  EXPECT_EQ(r.status, 200);
}

TEST_F(RestTest, CompatibilityConfigModeAndDeletes) {
  ASSERT_EQ(Call("POST", "/subjects/s/versions", Reg(kV1)).status, 200);
  const char* bad = R"({"fields":[{"name":"a"},{"name":"c"}]})";
  auto r = Call("POST", "/compatibility/subjects/s/versions/latest?verbose=true", Reg(bad));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["is_compatible"], false);
  // Confluent 7.x's shape: the reasons, then the version, its text and the level.
  ASSERT_EQ(Body(r)["messages"].size(), 4u);
  EXPECT_EQ(Body(r)["messages"][1], "{oldSchemaVersion: 1}");
  EXPECT_EQ(Body(r)["messages"][3], "{compatibility: 'BACKWARD'}");
  r = Call("POST", "/compatibility/subjects/s/versions/latest", Reg(kV2));
  EXPECT_EQ(Body(r), json({{"is_compatible", true}}));
  r = Call("POST", "/subjects/s/versions", Reg(bad));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["error_code"], 409);

  EXPECT_EQ(Body(Call("GET", "/config")), json({{"compatibilityLevel", "BACKWARD"}}));
  r = Call("PUT", "/config/s", R"({"compatibility":"NONE"})");
  EXPECT_EQ(Body(r), json({{"compatibility", "NONE"}}));
  r = Call("PUT", "/config", R"({"compatibility":"SIDEWAYS"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r)["error_code"], 42203);
  EXPECT_EQ(Call("GET", "/config/t").status, 404);
  EXPECT_EQ(Body(Call("GET", "/config/t?defaultToGlobal=true"))["compatibilityLevel"], "BACKWARD");
  EXPECT_EQ(Call("POST", "/subjects/s/versions", Reg(bad)).status, 200);

  r = Call("PUT", "/mode/s", R"({"mode":"READONLY"})");
  EXPECT_EQ(Body(r), json({{"mode", "READONLY"}}));
  r = Call("POST", "/subjects/s/versions", Reg(kV2));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r)["error_code"], 42205);
  EXPECT_EQ(Body(Call("DELETE", "/mode/s")), json({{"mode", "READONLY"}}));

  // Lookup.
  r = Call("POST", "/subjects/s", Reg(kV1));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["version"], 1);
  r = Call("POST", "/subjects/s", Reg(kV2));
  EXPECT_EQ(Body(r)["error_code"], 40403);

  r = Call("DELETE", "/subjects/s/versions/1?permanent=true");
  EXPECT_EQ(Body(r)["error_code"], 40407);
  EXPECT_EQ(Body(Call("DELETE", "/subjects/s/versions/1")), json(1));
  EXPECT_EQ(Body(Call("GET", "/subjects/s/versions")), json::array({2}));
  EXPECT_EQ(Body(Call("GET", "/subjects/s/versions?deleted=true")), json::array({1, 2}));
  EXPECT_EQ(Body(Call("DELETE", "/subjects/s")), json::array({2}));
  EXPECT_EQ(Body(Call("DELETE", "/subjects/s"))["error_code"], 40404);
  EXPECT_EQ(Body(Call("GET", "/subjects?deleted=true")), json::array({"s"}));
  EXPECT_EQ(Body(Call("DELETE", "/subjects/s?permanent=true")), json::array({1, 2}));
  EXPECT_EQ(Body(Call("GET", "/subjects?deleted=true")), json::array());
  EXPECT_EQ(Call("PATCH", "/subjects").status, 405);
  EXPECT_EQ(Call("GET", "/nothing").status, 404);
  std::string metrics = metrics_.Render();
  EXPECT_NE(metrics.find("kappa_registry_requests_total{operation=\"register\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("kappa_registry_errors_total{error_code=\"42205\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace kappa::registry
