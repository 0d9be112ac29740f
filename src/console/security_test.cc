// The console's security (security.h) through its routes: password hashes, open mode's
// Host and CSRF checks, login mode's sessions, cookies, lockout.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "console/console.h"
#include "console/security.h"
#include "http/http.h"
#include "http/url.h"

namespace kappa::console {
namespace {

using nlohmann::json;

constexpr int kFast = 1000;  // iterations: tests need no cost

http::Request MakeSecurity(std::string method, std::string target, std::string body = {},
                   std::string host = "127.0.0.1:9021") {
  http::Request r;
  r.method = std::move(method);
  r.target = target;
  std::string_view path, query;
  http::SplitTarget(r.target, &path, &query);
  r.path = std::string(path);
  EXPECT_TRUE(http::ParseQuery(query, &r.query));
  if (!host.empty()) r.headers.Add("Host", host);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.Add("Content-Type", "application/json");
  return r;
}

TEST(ConsolePassword, HashesVerifyAndAreSalted) {
  auto h1 = HashPassword("s3cret-horse", kFast);
  auto h2 = HashPassword("s3cret-horse", kFast);
  ASSERT_TRUE(h1.ok() && h2.ok());
  EXPECT_TRUE(h1->starts_with("pbkdf2-sha512$1000$"));
  EXPECT_NE(*h1, *h2);  // salted
  EXPECT_TRUE(VerifyPassword("s3cret-horse", *h1));
  EXPECT_FALSE(VerifyPassword("s3cret-horsE", *h1));
  EXPECT_FALSE(VerifyPassword("", *h1));
  EXPECT_TRUE(CheckPasswordHash(*h1).ok());
  for (const std::string& bad : std::vector<std::string>{"", "plain", "pbkdf2-sha512$1000$zz$00", "md5$1$00$00",
                          "pbkdf2-sha512$10$0011223344556677$" + std::string(128, '0'),
                          "pbkdf2-sha512$1000$0011223344556677$00"}) {
    EXPECT_FALSE(CheckPasswordHash(bad).ok()) << bad;
    EXPECT_FALSE(VerifyPassword("x", bad)) << bad;
  }
  EXPECT_FALSE(HashPassword("", kFast).ok());
  // The default iteration count is the one documented.
  auto d = HashPassword("x");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->starts_with("pbkdf2-sha512$210000$"));
}

TEST(ConsolePassword, WellKnownPasswordsAreRecognisedAndRefusedOffLoopback) {
  EXPECT_TRUE(IsWellKnownPassword("ops", *HashPassword("admin", kFast)));
  EXPECT_TRUE(IsWellKnownPassword("ops", *HashPassword("ops", kFast)));  // its own name
  EXPECT_FALSE(IsWellKnownPassword("ops", *HashPassword("long unguessable words", kFast)));

  ConsoleOptions o;
  o.listen = HostPort{"0.0.0.0", 0};
  o.users = {{"ops", *HashPassword("password", kFast)}};
  auto c = Console::Start({}, o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("well-known"), std::string::npos);
  o.users = {{"ops", "not a hash"}};
  EXPECT_FALSE(Console::Start({}, o).ok());
}

TEST(ConsoleSecurity, OpenModeNeedsLoopbackHostAndCsrfForChanges) {
  auto router = ConsoleRoutes({}, {});
  auto s = MakeSecurity("GET", "/api/console/session");
  http::Response sr = router->Dispatch(s);
  ASSERT_EQ(sr.status, 200);
  json session = json::parse(sr.body);
  EXPECT_FALSE(session["auth_required"].get<bool>());
  EXPECT_TRUE(session["user"].is_null());
  std::string token = session["csrf_token"];

  // DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example.
  auto rebound = MakeSecurity("GET", "/api/console/overview", {}, "evil.example:9021");
  EXPECT_EQ(router->Dispatch(rebound).status, 403);
  for (std::string host : {"localhost:9021", "[::1]:9021", "127.0.0.2"}) {
    auto ok = MakeSecurity("GET", "/api/console/overview", {}, host);
    EXPECT_EQ(router->Dispatch(ok).status, 200) << host;
  }

  // A state change without the token, with a wrong one, with the right one (logout is
  // the core's one POST; it answers 200 in open mode).
  auto none = MakeSecurity("POST", "/api/console/logout");
  http::Response nr = router->Dispatch(none);
  EXPECT_EQ(nr.status, 403);
  EXPECT_EQ(json::parse(nr.body)["error_code"], kCsrfErrorCode);
  auto wrong = MakeSecurity("POST", "/api/console/logout");
  wrong.headers.Add("X-CSRF-Token", std::string(64, 'a'));
  EXPECT_EQ(router->Dispatch(wrong).status, 403);
  auto right = MakeSecurity("POST", "/api/console/logout");
  right.headers.Add("X-CSRF-Token", token);
  EXPECT_EQ(router->Dispatch(right).status, 200);

  // No login in open mode.
  auto login = MakeSecurity("POST", "/api/console/login", R"({"user":"a","password":"b"})");
  EXPECT_EQ(router->Dispatch(login).status, 409);
}

class LoginMode : public ::testing::Test {
 protected:
  void SetUp() override {
    ConsoleOptions o;
    o.users = {{"ops", *HashPassword("correct horse battery", kFast)}};
    router_ = ConsoleRoutes({}, o);
  }
  http::Response Login(const std::string& user, const std::string& password) {
    auto r = MakeSecurity("POST", "/api/console/login",
                  json{{"user", user}, {"password", password}}.dump());
    return router_->Dispatch(r);
  }
  // The cookie pair "kappa_console_session=..." of a login answer.
  static std::string Cookie(const http::Response& r) {
    std::string v(r.headers.Get("Set-Cookie").value_or(""));
    return v.substr(0, v.find(';'));
  }
  std::shared_ptr<http::Router> router_;
};

TEST_F(LoginMode, DataNeedsASessionAndChangesNeedItsToken) {
  auto anon = MakeSecurity("GET", "/api/console/overview");
  http::Response a = router_->Dispatch(anon);
  EXPECT_EQ(a.status, 401);
  // Pages and the session endpoint answer anyone: the shell shows the login form.
  auto page = MakeSecurity("GET", "/");
  EXPECT_EQ(router_->Dispatch(page).status, 200);
  auto s = MakeSecurity("GET", "/api/console/session");
  json anon_session = json::parse(router_->Dispatch(s).body);
  EXPECT_TRUE(anon_session["auth_required"].get<bool>());
  EXPECT_TRUE(anon_session["csrf_token"].is_null());
  // Any Host is fine with users (the login protects).
  auto other = MakeSecurity("GET", "/api/console/session", {}, "console.example.com");
  EXPECT_EQ(router_->Dispatch(other).status, 200);

  EXPECT_EQ(Login("ops", "wrong").status, 401);
  EXPECT_EQ(Login("nobody", "correct horse battery").status, 401);
  auto bad_type = MakeSecurity("POST", "/api/console/login", R"({"user":"ops","password":"x"})");
  bad_type.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(router_->Dispatch(bad_type).status, 415);  // a cross-site form cannot log in
  auto malformed = MakeSecurity("POST", "/api/console/login", R"({"user":1})");
  EXPECT_EQ(router_->Dispatch(malformed).status, 400);

  http::Response ok = Login("ops", "correct horse battery");
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string set_cookie(*ok.headers.Get("Set-Cookie"));
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos);
  std::string cookie = Cookie(ok);
  std::string csrf = json::parse(ok.body)["csrf_token"];

  auto with = MakeSecurity("GET", "/api/console/overview");
  with.headers.Add("Cookie", "theme=dark; " + cookie);
  EXPECT_EQ(router_->Dispatch(with).status, 200);
  auto me = MakeSecurity("GET", "/api/console/session");
  me.headers.Add("Cookie", cookie);
  json session = json::parse(router_->Dispatch(me).body);
  EXPECT_EQ(session["user"], "ops");
  EXPECT_EQ(session["csrf_token"], csrf);

  // A forged cookie is no session.
  auto forged = MakeSecurity("GET", "/api/console/overview");
  forged.headers.Add("Cookie", std::string(kSessionCookie) + "=" + std::string(64, '0'));
  EXPECT_EQ(router_->Dispatch(forged).status, 401);

  // The session's token, not another session's nor the open mode's.
  http::Response other_login = Login("ops", "correct horse battery");
  std::string other_csrf = json::parse(other_login.body)["csrf_token"];
  auto cross = MakeSecurity("POST", "/api/console/logout");
  cross.headers.Add("Cookie", cookie);
  cross.headers.Add("X-CSRF-Token", other_csrf);
  EXPECT_EQ(router_->Dispatch(cross).status, 403);

  auto out = MakeSecurity("POST", "/api/console/logout");
  out.headers.Add("Cookie", cookie);
  out.headers.Add("X-CSRF-Token", csrf);
  http::Response lo = router_->Dispatch(out);
  EXPECT_EQ(lo.status, 200);
  EXPECT_NE(lo.headers.Get("Set-Cookie")->find("Max-Age=0"), std::string::npos);
  auto after = MakeSecurity("GET", "/api/console/overview");
  after.headers.Add("Cookie", cookie);
  EXPECT_EQ(router_->Dispatch(after).status, 401);
}

TEST_F(LoginMode, RepeatedFailuresLockTheName) {
  for (int i = 0; i < Security::kMaxFailures; ++i) EXPECT_EQ(Login("ops", "guess").status, 401);
  // Locked: even the right password waits.
  http::Response locked = Login("ops", "correct horse battery");
  EXPECT_EQ(locked.status, 429);
  EXPECT_NE(json::parse(locked.body)["message"].get<std::string>().find("too many"),
            std::string::npos);
}

}  // namespace
}  // namespace kappa::console
