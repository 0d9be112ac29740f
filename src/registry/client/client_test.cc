// registry::Client against an in-process HTTP server answering as Confluent's registry does
// (canned answers): the requests it sends, keep-alive reuse, error mapping, timeouts.
// The client against the real registry and against Confluent's own clients' expectations is
// tested in tests/cli/test_schemas_cli.py and tests/registry/.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "http/http.h"
#include "registry/client.h"

namespace kappa::registry::client {
namespace {

using nlohmann::json;
constexpr std::string_view kSr = "application/vnd.schemaregistry.v1+json";

SchemaDefinition Avro(std::string text) {
  SchemaDefinition d;
  d.schema = std::move(text);
  return d;
}

struct Seen {
  std::mutex mu;
  std::vector<http::Request> requests;
  std::set<std::string> peers;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = std::make_shared<http::Router>();
    auto rec = [this](http::Request& q) {
      std::lock_guard lock(seen_.mu);
      seen_.requests.push_back(q);
      seen_.peers.insert(q.peer);
    };
    r->Post("/subjects/{subject}/versions", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json({{"id", 7}}, 200, kSr);
    });
    r->Post("/subjects/{subject}", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json({{"subject", q.Param("subject")}, {"id", 7}, {"version", 2},
                                   {"schema", "\"string\""}},
                                  200, kSr);
    });
    r->Get("/subjects", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json(json::array({"a", "b/c"}), 200, kSr);
    });
    r->Get("/subjects/{subject}/versions", [rec](http::Request& q) {
      rec(q);
      if (q.Param("subject") == "missing") {
        return http::Response::Error(404, "Subject 'missing' not found.", 40401, kSr);
      }
      return http::Response::Json(json::array({1, 2, 3}), 200, kSr);
    });
    r->Get("/subjects/{subject}/versions/{version}", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json(
          {{"subject", q.Param("subject")}, {"version", 3}, {"id", 9}, {"schemaType", "JSON"},
           {"schema", "{\"type\":\"object\"}"},
           {"references", json::array({{{"name", "n"}, {"subject", "s"}, {"version", 1}}})}},
          200, kSr);
    });
    r->Delete("/subjects/{subject}/versions/{version}", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json(2, 200, kSr);
    });
    r->Delete("/subjects/{subject}", [rec](http::Request& q) {
      rec(q);
      if (q.QueryFlag("permanent")) {
        return http::Response::Error(
            404, "Subject 'x' was not deleted first before being permanently deleted", 40405, kSr);
      }
      return http::Response::Json(json::array({1, 2}), 200, kSr);
    });
    r->Get("/schemas/ids/{id}", [rec](http::Request& q) {
      rec(q);
      if (q.Param("id") == "404") return http::Response::Error(404, "Schema 404 not found", 40403, kSr);
      if (q.Param("id") == "500") return http::Response::Error(500, "Error in the backend", 50001, kSr);
      if (q.Param("id") == "502") return http::Response::Text("<html>bad gateway</html>", 502, "text/html");
      if (q.Param("id") == "3") return http::Response::Json({{"id", 3}}, 200, kSr);  // no schema
      if (q.Param("id") == "slow") {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
      }
      return http::Response::Json({{"schema", "\"string\""}}, 200, kSr);
    });
    r->Post("/compatibility/subjects/{subject}/versions/{version}", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json(
          {{"is_compatible", false}, {"messages", json::array({"READER_FIELD_MISSING_DEFAULT_VALUE: age"})}},
          200, kSr);
    });
    r->Get("/config", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json({{"compatibilityLevel", "BACKWARD"}}, 200, kSr);
    });
    r->Put("/config/{subject}", [rec](http::Request& q) {
      rec(q);
      json doc;
      http::Response err;
      if (!http::ParseJsonBody(q, &doc, &err, kSr)) return err;
      if (doc.value("compatibility", "") == "SIDEWAYS") {
        return http::Response::Error(422, "Invalid compatibility level", 42203, kSr);
      }
      return http::Response::Json({{"compatibility", doc["compatibility"]}}, 200, kSr);
    });
    r->Get("/mode", [rec](http::Request& q) {
      rec(q);
      return http::Response::Json({{"mode", "READWRITE"}}, 200, kSr);
    });
    http::ListenerOptions lo;
    lo.port = 0;
    lo.router = r;
    http::ServerOptions so;
    so.threads = 2;
    auto s = http::Server::Start(so, {lo});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    ClientOptions co;
    co.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
    auto c = Client::Create(co);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    client_ = std::move(c).value();
  }

  http::Request Last() {
    std::lock_guard lock(seen_.mu);
    return seen_.requests.back();
  }

  Seen seen_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, RegisterSendsConfluentJsonAndEncodesTheSubject) {
  SchemaDefinition d;
  d.schema = "{\"type\":\"record\",\"name\":\"U\",\"fields\":[]}";
  auto id = client_->Register("a/b ü", d);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 7);
  http::Request q = Last();
  EXPECT_EQ(q.method, "POST");
  EXPECT_EQ(q.path, "/subjects/a%2Fb%20%C3%BC/versions");
  EXPECT_EQ(q.Param("subject"), "a/b ü");
  EXPECT_EQ(q.headers.Get("content-type").value_or(""), kSr);
  json body = json::parse(q.body);
  EXPECT_EQ(body, json({{"schema", d.schema}}));  // AVRO is the default: not sent

  d.schema_type = "JSON";
  d.references = {{"com.acme.A", "a-value", 3}};
  ASSERT_TRUE(client_->Register("s", d, /*normalize=*/true).ok());
  q = Last();
  EXPECT_EQ(q.target, "/subjects/s/versions?normalize=true");
  body = json::parse(q.body);
  EXPECT_EQ(body["schemaType"], "JSON");
  EXPECT_EQ(body["references"], json::array({{{"name", "com.acme.A"}, {"subject", "a-value"}, {"version", 3}}}));
}

TEST_F(ClientTest, ReadsEveryAnswerShape) {
  auto subjects = client_->Subjects(true);
  ASSERT_TRUE(subjects.ok());
  EXPECT_EQ(*subjects, (std::vector<std::string>{"a", "b/c"}));
  EXPECT_EQ(Last().target, "/subjects?deleted=true");

  auto versions = client_->Versions("x");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, (std::vector<int32_t>{1, 2, 3}));

  auto v = client_->GetVersion("x", "latest");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Last().path, "/subjects/x/versions/latest");
  EXPECT_EQ(v->subject, "x");
  EXPECT_EQ(v->version, 3);
  EXPECT_EQ(v->id, 9);
  EXPECT_EQ(v->definition.schema_type, "JSON");
  ASSERT_EQ(v->definition.references.size(), 1u);
  EXPECT_EQ(v->definition.references[0].subject, "s");

  auto byid = client_->GetById(5);
  ASSERT_TRUE(byid.ok());
  EXPECT_EQ(byid->id, 5);
  EXPECT_EQ(byid->definition.schema, "\"string\"");
  EXPECT_EQ(byid->definition.schema_type, "AVRO");  // absent means AVRO

  auto found = client_->Lookup("x", Avro("\"string\""));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->version, 2);

  auto compat = client_->CheckCompatibility("x", "latest", Avro("\"string\""));
  ASSERT_TRUE(compat.ok());
  EXPECT_EQ(Last().target, "/compatibility/subjects/x/versions/latest?verbose=true");
  EXPECT_FALSE(compat->compatible);
  EXPECT_EQ(compat->messages.size(), 1u);

  auto level = client_->GetCompatibility("");
  ASSERT_TRUE(level.ok());
  EXPECT_EQ(*level, "BACKWARD");
  auto set = client_->SetCompatibility("x", "FULL");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(*set, "FULL");
  EXPECT_EQ(Last().method, "PUT");
  auto mode = client_->GetMode("");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, "READWRITE");

  auto deleted = client_->DeleteSubject("x");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(Last().method, "DELETE");
  EXPECT_EQ(Last().body, "");
  auto dv = client_->DeleteVersion("x", "2", /*permanent=*/true);
  ASSERT_TRUE(dv.ok());
  EXPECT_EQ(*dv, 2);
  EXPECT_EQ(Last().target, "/subjects/x/versions/2?permanent=true");
  // After a DELETE the handle is back to GET.
  ASSERT_TRUE(client_->Subjects().ok());
  EXPECT_EQ(Last().method, "GET");
}

TEST_F(ClientTest, ReusesOneKeepAliveConnection) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(client_->GetById(1).ok());
    ASSERT_TRUE(client_->Register("s", Avro("\"int\"")).ok());
    (void)client_->Versions("missing");  // an error answer keeps the connection too
  }
  std::lock_guard lock(seen_.mu);
  EXPECT_EQ(seen_.requests.size(), 90u);
  EXPECT_EQ(seen_.peers.size(), 1u);
}

TEST_F(ClientTest, ConfluentErrorsKeepTheirCode) {
  auto missing = client_->Versions("missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().protocol_code(), 40401);
  EXPECT_EQ(missing.status().message(), "Subject 'missing' not found.");

  auto schema = client_->GetById(404);
  EXPECT_EQ(schema.status().protocol_code(), 40403);

  auto perm = client_->DeleteSubject("x", /*permanent=*/true);
  EXPECT_TRUE(perm.status().IsNotFound());
  EXPECT_EQ(perm.status().protocol_code(), 40405);

  auto level = client_->SetCompatibility("x", "SIDEWAYS");
  EXPECT_TRUE(level.status().IsInvalidArgument());
  EXPECT_EQ(level.status().protocol_code(), 42203);

  auto store = client_->GetById(500);
  EXPECT_TRUE(store.status().IsUnavailable());
  EXPECT_EQ(store.status().protocol_code(), 50001);

  // Not a Confluent body: the HTTP status is the code, the message says what came.
  auto proxy = client_->GetById(502);
  EXPECT_EQ(proxy.status().protocol_code(), 502);
  EXPECT_NE(proxy.status().message().find("HTTP 502"), std::string::npos) << proxy.status().message();
  EXPECT_NE(proxy.status().message().find("bad gateway"), std::string::npos);

  // An unknown path: the server's own JSON 404.
  auto unknown = client_->Call("GET", "/nope", {});
  EXPECT_TRUE(unknown.status().IsNotFound());
}

TEST_F(ClientTest, AnAnswerOfTheWrongShapeIsAnError) {
  auto r = client_->GetById(3);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("{\"id\":3}"), std::string::npos) << r.status().message();
}

TEST_F(ClientTest, TimesOutAndRecovers) {
  ClientOptions co = client_->options();
  co.request_timeout_ms = 150;
  auto c = Client::Create(co);
  ASSERT_TRUE(c.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*c)->Call("GET", "/schemas/ids/slow", {});
  EXPECT_EQ(r.status().code(), Status::Code::kTimedOut) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // The next request opens a new connection and works.
  EXPECT_TRUE((*c)->GetById(1).ok());
}

TEST(ClientErrors, NoRegistryListening) {
  // A port bound but not listening: connections to it are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  socklen_t len = sizeof(a);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  uint16_t port = ntohs(a.sin_port);
  ClientOptions co;
  co.url = "http://127.0.0.1:" + std::to_string(port);
  auto c = Client::Create(co);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Subjects();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  EXPECT_FALSE(r.status().protocol_code().has_value());
  EXPECT_NE(r.status().message().find(co.url), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("listening"), std::string::npos) << r.status().message();
  ::close(fd);
}

TEST(ClientErrors, RejectsAUrlWithoutScheme) {
  ClientOptions co;
  co.url = "127.0.0.1:8081";
  auto c = Client::Create(co);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsInvalidArgument());
  EXPECT_NE(c.status().message().find("http://"), std::string::npos);
}

TEST(EncodePathSegment, EncodesSlashAndUnicode) {
  EXPECT_EQ(EncodePathSegment("users-value"), "users-value");
  EXPECT_EQ(EncodePathSegment("a/b"), "a%2Fb");
  EXPECT_EQ(EncodePathSegment("é"), "%C3%A9");
  EXPECT_EQ(EncodePathSegment("a b?c"), "a%20b%3Fc");
}

}  // namespace
}  // namespace kappa::registry::client
