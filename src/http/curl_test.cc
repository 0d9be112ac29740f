// A real third-party client: curl (HTTP/1.1, keep-alive across URLs, --compressed,
// Expect: 100-continue on a large upload, error bodies).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "http/http.h"
#include "http/http_test_util.h"

namespace kappa::http {
namespace {

using nlohmann::json;

// Runs a shell command; its stdout.
std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string Big() {
  std::string s = "[";
  for (int i = 0; i < 2000; ++i) {
    if (i > 0) s += ',';
    s += "{\"user\": ";
    s += std::to_string(i);
    s += '}';
  }
  return s + "]";
}

std::shared_ptr<Router> CurlRoutes() {
  auto r = std::make_shared<Router>();
  r->Get("/a", [](Request&) { return Response::Json({{"a", 1}}); });
  r->Get("/big", [](Request&) {
    Response x = Response::Text(Big());
    x.content_type = "application/json";
    return x;
  });
  r->Post("/subjects/{subject}/versions", [](Request& q) {
    json doc;
    Response err;
    if (!ParseJsonBody(q, &doc, &err, "application/vnd.schemaregistry.v1+json")) return err;
    return Response::Json({{"subject", q.Param("subject")}, {"size", q.body.size()}}, 200,
                          "application/vnd.schemaregistry.v1+json");
  });
  return r;
}

class Curl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Shell("command -v curl").empty()) GTEST_FAIL() << "curl is not installed";
    server_ = testing::StartOn(CurlRoutes());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  std::unique_ptr<Server> server_;
  std::string base_;
};

TEST_F(Curl, KeepAliveAcrossTwoUrlsAndCompressed) {
  // One curl, two URLs: the second reuses the connection (num_connects 0); --compressed
  // sends Accept-Encoding and decompresses, size_download counts the wire bytes.
  std::string out = Shell("curl -s --http1.1 --compressed -w '\\n%{http_code} %{num_connects} "
                        "%{size_download}\\n' " + base_ + "/a " + base_ + "/big");
  std::string want_a = json({{"a", 1}}).dump();
  std::string big = Big();
  size_t p1 = out.find('\n');
  ASSERT_NE(p1, std::string::npos) << out;
  EXPECT_EQ(out.substr(0, p1), want_a);
  size_t p2 = out.find('\n', p1 + 1);
  std::string stats1 = out.substr(p1 + 1, p2 - p1 - 1);
  EXPECT_EQ(stats1.substr(0, 6), "200 1 ") << stats1;
  std::string rest = out.substr(p2 + 1);
  ASSERT_EQ(rest.substr(0, big.size()), big);
  std::string stats2 = rest.substr(big.size() + 1);
  int code = 0, connects = -1;
  long downloaded = 0;
  ASSERT_EQ(sscanf(stats2.c_str(), "%d %d %ld", &code, &connects, &downloaded), 3) << stats2;
  EXPECT_EQ(code, 200);
  EXPECT_EQ(connects, 0);  // reused
  EXPECT_LT(downloaded, long(big.size()));  // gzip on the wire
}

TEST_F(Curl, ErrorsAreJsonWithTheirStatus) {
  std::string out = Shell("curl -s --http1.1 -w '\\n%{http_code}' " + base_ + "/nope");
  EXPECT_EQ(out.substr(out.size() - 3), "404");
  EXPECT_EQ(json::parse(out.substr(0, out.size() - 4))["error_code"], 404);
  out = Shell("curl -s --http1.1 -X DELETE -w '\\n%{http_code}' " + base_ + "/a");
  EXPECT_EQ(out.substr(out.size() - 3), "405");
  out = Shell("curl -s --http1.1 -H 'Content-Type: application/vnd.schemaregistry.v1+json' "
            "--data '{\"schema\": ' -w '\\n%{http_code} %{content_type}' " + base_ +
            "/subjects/a%2Fb/versions");
  EXPECT_NE(out.find("\n400 application/vnd.schemaregistry.v1+json"), std::string::npos) << out;
}

TEST_F(Curl, LargeUploadWithExpectContinue) {
  // curl sends `Expect: 100-continue` for bodies over 1 MiB and waits for the interim answer.
  std::string path = ::testing::TempDir() + "/kappa_http_upload.json";
  std::string body = "{\"schema\": \"" + std::string(3 << 20, 's') + "\"}";
  {
    std::ofstream f(path);
    f << body;
  }
  std::string out = Shell("curl -s -v --http1.1 -H 'Content-Type: application/json' "
                        "--data-binary @" + path + " " + base_ + "/subjects/%C3%A9/versions 2>&1");
  std::remove(path.c_str());
  EXPECT_NE(out.find("Expect: 100-continue"), std::string::npos);
  EXPECT_NE(out.find("HTTP/1.1 100 Continue"), std::string::npos);
  size_t brace = out.rfind("{\"size\"");
  ASSERT_NE(brace, std::string::npos) << out.substr(out.size() > 2000 ? out.size() - 2000 : 0);
  json doc = json::parse(out.substr(brace, out.find('}', brace) - brace + 1));
  EXPECT_EQ(doc["size"], body.size());
  EXPECT_EQ(doc["subject"], "\xC3\xA9");
}

}  // namespace
}  // namespace kappa::http
