// /api/console/schemas/... over a real Registry on an embedded log in a temp dir (Avro
// schemas): paging at every boundary, versions newest first, the diff and the registry's
// compatibility verdict, errors, and 503 without a registry.
#include <gtest/gtest.h>

#include <set>

#include "console/meta_test_util.h"
#include "console/routes.h"
#include "http/http_test_util.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "registry/registry.h"
#include "testutil/temp_dir.h"

namespace kappa::console {
namespace {

using nlohmann::json;
using testing::Call;
using testing::JsonOf;

std::string Record(std::vector<std::string> fields) {
  json f = json::array();
  for (const auto& name : fields) {
    json field = {{"name", name}, {"type", "string"}};
    if (name != "id") field["default"] = "";
    f.push_back(field);
  }
  return json{{"type", "record"}, {"name", "User"}, {"fields", f}}.dump();
}

class SchemasRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions lo;
    lo.dir = dir_.path() + "/log";
    lo.metrics = &metrics_;
    lo.retention_check_ms = 0;
    auto l = log::Log::Open(lo);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
    registry::RegistryOptions ro;
    ro.log = log_.get();
    ro.metrics = &metrics_;
    auto r = registry::Registry::Open(ro);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    registry_ = std::move(*r);
    sources_.registry = registry_.get();
    AddSchemasRoutes(router_, sources_);
  }

  void Register(const std::string& subject, const std::string& schema) {
    auto s = registry_->Register(subject, schema);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  json Get(const std::string& target, int status = 200) {
    return JsonOf(Call(router_, "GET", target), status);
  }

  testutil::TempDir dir_{"kappa-console-schemas"};
  metrics::Registry metrics_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<registry::Registry> registry_;
  Sources sources_;
  http::Router router_;
};

TEST_F(SchemasRoutesTest, SubjectsArePagedAtEveryBoundary) {
  std::vector<std::string> names = {"a-value", "b/with/slash", "<script>x</script>", "c-key",
                                    "d", "e", "f"};
  for (const auto& n : names) Register(n, Record({"id"}));
  std::set<std::string> expected(names.begin(), names.end());
  for (size_t limit = 1; limit <= names.size() + 1; ++limit) {
    std::vector<std::string> seen;
    std::string cursor;
    for (int pages = 0; pages < 20; ++pages) {
      std::string target = "/api/console/schemas/subjects?limit=" + std::to_string(limit);
      if (!cursor.empty()) target += "&cursor=" + cursor;
      json page = Get(target);
      EXPECT_EQ(page["total"], names.size());
      EXPECT_LE(page["items"].size(), limit);
      for (const auto& item : page["items"]) {
        seen.push_back(item["subject"]);
        EXPECT_EQ(item["latest_version"], 1);
        EXPECT_EQ(item["type"], "AVRO");
        EXPECT_EQ(item["versions"], 1);
      }
      if (page["next_cursor"].is_null()) break;
      std::string enc;  // percent-encoded for the query
      for (char c : page["next_cursor"].get<std::string>()) {
        if (isalnum(static_cast<unsigned char>(c)) || c == '-') {
          enc += c;
        } else {
          char buf[4];
          snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
          enc += buf;
        }
      }
      cursor = enc;
    }
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected) << "limit " << limit;
    EXPECT_EQ(seen.size(), names.size()) << "limit " << limit;
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  }
  json prefixed = Get("/api/console/schemas/subjects?prefix=b");
  ASSERT_EQ(prefixed["items"].size(), 1u);
  EXPECT_EQ(prefixed["items"][0]["subject"], "b/with/slash");
}

TEST_F(SchemasRoutesTest, SubjectVersionsAndOneVersion) {
  Register("users-value", Record({"id"}));
  Register("users-value", Record({"id", "email"}));
  Register("users-value", Record({"id", "email", "phone"}));
  json s = Get("/api/console/schemas/subjects/users-value");
  EXPECT_EQ(s["versions"], 3);
  EXPECT_EQ(s["latest"]["version"], 3);
  EXPECT_EQ(s["compatibility"]["level"], "BACKWARD");
  EXPECT_EQ(s["compatibility"]["own"], false);
  EXPECT_EQ(s["mode"]["mode"], "READWRITE");

  json v = Get("/api/console/schemas/subjects/users-value/versions?limit=2");
  ASSERT_EQ(v["items"].size(), 2u);
  EXPECT_EQ(v["items"][0]["version"], 3);
  EXPECT_EQ(v["items"][1]["version"], 2);
  EXPECT_EQ(v["total"], 3);
  json rest = Get("/api/console/schemas/subjects/users-value/versions?limit=2&cursor=" +
                  v["next_cursor"].get<std::string>());
  ASSERT_EQ(rest["items"].size(), 1u);
  EXPECT_EQ(rest["items"][0]["version"], 1);
  EXPECT_TRUE(rest["next_cursor"].is_null());

  json one = Get("/api/console/schemas/subjects/users-value/versions/2");
  EXPECT_EQ(one["version"], 2);
  EXPECT_EQ(one["schema"], Record({"id", "email"}));
  EXPECT_NE(one["pretty"].get<std::string>().find("\n  \"fields\": ["), std::string::npos);
  json latest = Get("/api/console/schemas/subjects/users-value/versions/latest");
  EXPECT_EQ(latest["version"], 3);
  EXPECT_EQ(latest["id"], s["latest"]["id"]);
}

TEST_F(SchemasRoutesTest, DiffShowsTheAddedFieldAndTheRegistrysVerdict) {
  Register("users-value", Record({"id"}));
  Register("users-value", Record({"id", "email"}));
  json d = Get("/api/console/schemas/subjects/users-value/diff?from=1&to=2");
  EXPECT_EQ(d["from"]["version"], 1);
  EXPECT_EQ(d["to"]["version"], 2);
  EXPECT_TRUE(d["minimal"]);
  std::string added;
  for (const auto& l : d["lines"]) {
    if (l["op"] == "+") added += l["text"].get<std::string>() + "\n";
    // Only a field was added: every line of v1 is in v2 (v1's closing "    }" matches the
    // new field's), so the shortest diff removes nothing.
    EXPECT_NE(l["op"], "-") << l;
  }
  EXPECT_NE(added.find("\"email\""), std::string::npos) << d.dump(1);
  EXPECT_EQ(d["added"].get<int>(), int(std::count(added.begin(), added.end(), '\n')));
  EXPECT_EQ(d["compatibility"]["level"], "BACKWARD");
  EXPECT_EQ(d["compatibility"]["compatible"], true);

  // Defaults: to = latest, from = the version before it.
  json dflt = Get("/api/console/schemas/subjects/users-value/diff");
  EXPECT_EQ(dflt["lines"], d["lines"]);
  // Backwards: 2 -> 1 drops a field that has a default: still BACKWARD-compatible (a reader
  // of v1 ignores email); the diff shows it removed.
  json back = Get("/api/console/schemas/subjects/users-value/diff?from=2&to=1");
  EXPECT_EQ(back["removed"], d["added"]);
  EXPECT_EQ(back["added"], 0);
  // A diff needs two versions.
  Register("single", Record({"id"}));
  EXPECT_NE(Get("/api/console/schemas/subjects/single/diff", 400)["message"]
                .get<std::string>()
                .find("first"),
            std::string::npos);
}

TEST_F(SchemasRoutesTest, IncompatibleChangeIsReported) {
  Register("t-value", Record({"id"}));
  ASSERT_TRUE(registry_->SetCompatibility("t-value", registry::Compatibility::kNone).ok());
  // A new required field: not BACKWARD (v2's reader has no default for v1's data).
  json req = {{"type", "record"}, {"name", "User"},
              {"fields", {{{"name", "id"}, {"type", "string"}},
                          {{"name", "age"}, {"type", "int"}}}}};
  Register("t-value", req.dump());
  ASSERT_TRUE(registry_->SetCompatibility("t-value", registry::Compatibility::kBackward).ok());
  json d = Get("/api/console/schemas/subjects/t-value/diff?from=1&to=2");
  EXPECT_EQ(d["compatibility"]["compatible"], false);
  EXPECT_FALSE(d["compatibility"]["messages"].empty());
  EXPECT_EQ(Get("/api/console/schemas/subjects/t-value")["compatibility"]["own"], true);
}

TEST_F(SchemasRoutesTest, Errors) {
  Register("users-value", Record({"id"}));
  EXPECT_EQ(Get("/api/console/schemas/subjects/nope", 404)["error_code"], 40401);
  EXPECT_EQ(Get("/api/console/schemas/subjects/users-value/versions/9", 404)["error_code"],
            40402);
  EXPECT_EQ(Get("/api/console/schemas/subjects/users-value/versions/x", 400)["error_code"],
            42202);
  EXPECT_EQ(Get("/api/console/schemas/subjects/users-value/diff?from=0", 400)["error_code"],
            42202);
  Get("/api/console/schemas/subjects?limit=0", 400);
  Get("/api/console/schemas/subjects?limit=501", 400);
  Get("/api/console/schemas/subjects?limit=abc", 400);
  Get("/api/console/schemas/subjects/users-value/versions?cursor=-1", 400);
}

TEST_F(SchemasRoutesTest, SoftDeletedVersionsOnlyWhenAsked) {
  Register("users-value", Record({"id"}));
  Register("users-value", Record({"id", "email"}));
  ASSERT_TRUE(registry_->DeleteVersion("users-value", 1, false).ok());
  EXPECT_EQ(Get("/api/console/schemas/subjects/users-value/versions")["total"], 1);
  json all = Get("/api/console/schemas/subjects/users-value/versions?deleted=true");
  ASSERT_EQ(all["total"], 2);
  EXPECT_EQ(all["items"][1]["deleted"], true);
  Get("/api/console/schemas/subjects/users-value/diff?from=1&to=2", 404);
  json d = Get("/api/console/schemas/subjects/users-value/diff?from=1&to=2&deleted=true");
  EXPECT_EQ(d["from"]["deleted"], true);
  EXPECT_EQ(d["added"], 5);  // "    },", "    {", and the field's name, type and default
  EXPECT_EQ(d["removed"], 0);
}

// Once through a real server: a subject with '/' and markup travels percent-encoded in the
// path and comes back as the same string inside the JSON.
TEST_F(SchemasRoutesTest, PercentEncodedSubjectOverARealServer) {
  Register("a/<b>", Record({"id"}));
  auto router = std::make_shared<http::Router>();
  AddSchemasRoutes(*router, sources_);
  auto server = http::testing::StartOn(router);
  http::testing::RawClient c(server->port());
  c.Send(http::testing::Get("/api/console/schemas/subjects/a%2F%3Cb%3E/versions/latest"));
  http::testing::Answer a;
  ASSERT_TRUE(c.Read(&a));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json::parse(a.body)["subject"], "a/<b>");
  server->Stop();
}

TEST(SchemasRoutesNoRegistry, AnswersNotConfigured) {
  Sources none;
  http::Router router;
  AddSchemasRoutes(router, none);
  json e = JsonOf(Call(router, "GET", "/api/console/schemas/subjects"), 503);
  EXPECT_NE(e["message"].get<std::string>().find("not configured"), std::string::npos);
}

}  // namespace
}  // namespace kappa::console
