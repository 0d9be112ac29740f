// Routing, request parsing and answers without a network: Router::Dispatch, RequestReader,
// AppendResponse, the JSON helpers, gzip.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

#include "http/gzip.h"
#include "http/http.h"
#include "http/request_reader.h"
#include "http/response_writer.h"
#include "http/url.h"

namespace kappa::http {
namespace {

using nlohmann::json;

Request Make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = target;
  std::string_view path, query;
  SplitTarget(r.target, &path, &query);
  r.path = std::string(path);
  EXPECT_TRUE(ParseQuery(query, &r.query));
  return r;
}

Router Registry() {
  Router r;
  auto echo = [](Request& req) {
    json params = json::object();
    for (const auto& [k, v] : req.params) params[k] = v;
    return Response::Json({{"route", req.route}, {"method", req.method}, {"params", params}});
  };
  r.Get("/subjects", echo);
  r.Get("/subjects/{subject}/versions", echo);
  r.Post("/subjects/{subject}/versions", echo);
  r.Get("/subjects/{subject}/versions/{version}", echo);
  r.Delete("/subjects/{subject}/versions/{version}", echo);
  r.Get("/subjects/{subject}/versions/latest/schema", echo);
  r.Get("/subjects/{subject}/versions/{version}/referencedby", echo);
  r.Get("/boom", [](Request&) -> Response { throw std::runtime_error("secret internals"); });
  return r;
}

json Body(const Response& r) { return json::parse(r.body); }

TEST(Router, MatchesPatternsAndDecodesParams) {
  Router r = Registry();
  Request q = Make("GET", "/subjects/a%2Fb%20c/versions/7");
  Response a = r.Dispatch(q);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(Body(a)["route"], "/subjects/{subject}/versions/{version}");
  EXPECT_EQ(Body(a)["params"]["subject"], "a/b c");  // %2F stays inside the segment
  EXPECT_EQ(Body(a)["params"]["version"], "7");
  EXPECT_EQ(q.Param("subject"), "a/b c");

  // Unicode, URL-encoded.
  Request u = Make("GET", "/subjects/%C3%A9t%C3%A9/versions");
  ASSERT_EQ(r.Dispatch(u).status, 200);
  EXPECT_EQ(u.Param("subject"), "\xC3\xA9t\xC3\xA9");
}

TEST(Router, MiddlewareWrapsEveryMatchedRouteInOrder) {
  Router r = Registry();
  std::vector<std::string> seen;
  r.Use([&seen](Request& req, const Handler& next) {
    seen.push_back("outer " + req.route);
    if (req.Query("deny")) return Response::Error(403, "refused");
    Response a = next(req);
    a.headers.Set("X-Outer", "1");
    return a;
  });
  r.Use([&seen](Request& req, const Handler& next) {
    seen.push_back("inner");
    return next(req);
  });
  r.Get("/late", [](Request&) { return Response::Text("late"); });  // added after Use

  Request q = Make("GET", "/subjects/x/versions");
  Response a = r.Dispatch(q);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.headers.Get("X-Outer"), "1");
  EXPECT_EQ(seen, (std::vector<std::string>{"outer /subjects/{subject}/versions", "inner"}));

  Request late = Make("GET", "/late");
  EXPECT_EQ(r.Dispatch(late).headers.Get("X-Outer"), "1");

  seen.clear();
  Request denied = Make("POST", "/subjects/x/versions?deny");
  EXPECT_EQ(r.Dispatch(denied).status, 403);
  EXPECT_EQ(seen, (std::vector<std::string>{"outer /subjects/{subject}/versions"}));

  // 404 and 405 are answered by the router itself, without the middleware.
  seen.clear();
  Request missing = Make("GET", "/nope");
  EXPECT_EQ(r.Dispatch(missing).status, 404);
  Request wrong = Make("PATCH", "/subjects");
  EXPECT_EQ(r.Dispatch(wrong).status, 405);
  EXPECT_TRUE(seen.empty());

  // A middleware that throws is a 500 like a handler that throws.
  Router t;
  t.Get("/x", [](Request&) { return Response::Text("x"); });
  t.Use([](Request&, const Handler&) -> Response { throw std::runtime_error("mw"); });
  Request x = Make("GET", "/x");
  EXPECT_EQ(t.Dispatch(x).status, 500);
}

TEST(Router, LiteralBeatsParameterAndBacktracks) {
  Router r = Registry();
  Request a = Make("GET", "/subjects/s/versions/latest/schema");
  ASSERT_EQ(r.Dispatch(a).status, 200);
  EXPECT_EQ(a.route, "/subjects/{subject}/versions/latest/schema");
  // `latest` as a {version}: the literal branch has no `referencedby`, the parameter has.
  Request b = Make("GET", "/subjects/s/versions/latest/referencedby");
  ASSERT_EQ(r.Dispatch(b).status, 200);
  EXPECT_EQ(b.route, "/subjects/{subject}/versions/{version}/referencedby");
  EXPECT_EQ(b.Param("version"), "latest");
  Request c = Make("GET", "/subjects/s/versions/latest");
  ASSERT_EQ(r.Dispatch(c).status, 200);
  EXPECT_EQ(c.route, "/subjects/{subject}/versions/{version}");
}

TEST(Router, TrailingSlashIgnoredEmptySegmentsNotMatched) {
  Router r = Registry();
  Request a = Make("GET", "/subjects/");
  EXPECT_EQ(r.Dispatch(a).status, 200);
  Request b = Make("GET", "/subjects//versions");
  EXPECT_EQ(r.Dispatch(b).status, 404);
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router r = Registry();
  Request a = Make("GET", "/nope");
  Response na = r.Dispatch(a);
  EXPECT_EQ(na.status, 404);
  EXPECT_EQ(Body(na)["error_code"], 404);
  EXPECT_EQ(na.content_type, "application/json");
  EXPECT_EQ(a.route, "");

  Request b = Make("PUT", "/subjects/x/versions");
  Response nb = r.Dispatch(b);
  EXPECT_EQ(nb.status, 405);
  EXPECT_EQ(Body(nb)["error_code"], 405);
  EXPECT_EQ(nb.headers.Get("allow").value_or(""), "GET, HEAD, POST");
  EXPECT_EQ(b.route, "/subjects/{subject}/versions");
}

TEST(Router, HeadIsRoutedAsGet) {
  Router r = Registry();
  Request a = Make("HEAD", "/subjects");
  Response ra = r.Dispatch(a);
  EXPECT_EQ(ra.status, 200);
  EXPECT_TRUE(a.head);
  Request b = Make("HEAD", "/subjects/x/versions/1");
  EXPECT_EQ(r.Dispatch(b).status, 200);
}

TEST(Router, HandlerThrowingIs500WithoutItsText) {
  Router r = Registry();
  Request a = Make("GET", "/boom");
  Response ra = r.Dispatch(a);
  EXPECT_EQ(ra.status, 500);
  EXPECT_EQ(Body(ra)["error_code"], 500);
  EXPECT_EQ(ra.body.find("secret"), std::string::npos);
}

TEST(Router, MalformedEscapeInPathIs400) {
  Router r = Registry();
  Request a = Make("GET", "/subjects/%zz/versions");
  EXPECT_EQ(r.Dispatch(a).status, 400);
  Request b = Make("GET", "/subjects/%4");
  EXPECT_EQ(r.Dispatch(b).status, 400);
}

TEST(Url, QueryStrings) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(ParseQuery("deleted=true&subject=a+b%2Fc&&flag&x=", &q));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"deleted", "true"}));
  EXPECT_EQ(q[1].second, "a b/c");
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"x", ""}));
  std::vector<std::pair<std::string, std::string>> bad;
  EXPECT_FALSE(ParseQuery("a=%g1", &bad));

  Request r = Make("GET", "/x?deleted=TRUE&permanent=false&bare");
  EXPECT_TRUE(r.QueryFlag("deleted"));
  EXPECT_FALSE(r.QueryFlag("permanent", true));
  EXPECT_TRUE(r.QueryFlag("bare"));
  EXPECT_TRUE(r.QueryFlag("absent", true));
  EXPECT_EQ(r.Query("deleted").value_or(""), "TRUE");
  EXPECT_FALSE(r.Query("absent").has_value());
}

TEST(Json, ParseBodyAndErrors) {
  Request r;
  json doc;
  Response err;
  r.body = R"({"schema": "\"string\"", "n": 1})";
  ASSERT_TRUE(ParseJsonBody(r, &doc, &err));
  EXPECT_EQ(doc["n"], 1);
  r.body = R"({"schema": )";
  ASSERT_FALSE(ParseJsonBody(r, &doc, &err));
  EXPECT_EQ(err.status, 400);
  EXPECT_NE(Body(err)["message"].get<std::string>().find("malformed JSON"), std::string::npos);
  r.body.clear();
  ASSERT_FALSE(ParseJsonBody(r, &doc, &err, "application/vnd.schemaregistry.v1+json"));
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.content_type, "application/vnd.schemaregistry.v1+json");

  Response e = Response::Error(404, "Subject 'x' not found.", 40401);
  EXPECT_EQ(Body(e), json({{"error_code", 40401}, {"message", "Subject 'x' not found."}}));
  EXPECT_EQ(Response::FromStatus(Status::NotFound("gone")).status, 404);
  EXPECT_EQ(Response::FromStatus(Status::InvalidArgument("bad")).status, 400);
  EXPECT_EQ(Response::FromStatus(Status::IOError("disk")).status, 500);
  // Invalid UTF-8 is replaced, not thrown.
  EXPECT_EQ(Response::Json(json("a\xff")).status, 200);
}

TEST(Sse, EventFormat) {
  EXPECT_EQ(SseEvent("x"), "data: x\n\n");
  EXPECT_EQ(SseEvent("a\nb", "tick"), "event: tick\ndata: a\ndata: b\n\n");
}

TEST(Gzip, RoundTrip) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "{\"i\":" + std::to_string(i) + "}";
  std::string z, back;
  ASSERT_TRUE(Gzip(text, 6, &z));
  EXPECT_LT(z.size(), text.size());
  ASSERT_TRUE(Gunzip(z, &back));
  EXPECT_EQ(back, text);
  EXPECT_FALSE(Gunzip(z.substr(0, z.size() / 2), &back));
}

// ---- RequestReader -----------------------------------------------------------------------

TEST(RequestReader, ChunkedBodyFedByteByByte) {
  std::string raw =
      "POST /p?a=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nGET /next HTTP/1.1\r\n";
  RequestReader r({});
  std::string pending;
  size_t fed = 0;
  while (!r.done() && fed < raw.size()) {
    pending += raw[fed++];
    pending.erase(0, r.Feed(pending));
  }
  ASSERT_TRUE(r.done());
  Request q = r.TakeRequest("peer");
  EXPECT_EQ(q.body, "hello world");
  EXPECT_EQ(q.method, "POST");
  EXPECT_EQ(q.path, "/p");
  EXPECT_EQ(q.Query("a").value_or(""), "1");
  EXPECT_EQ(raw.substr(fed - pending.size()).substr(0, 4), "GET ");  // the next request is left
}

TEST(RequestReader, BodyLimitAtTheEdge) {
  ParseLimits lim;
  lim.max_body_bytes = 100;
  for (size_t n : {99u, 100u, 101u}) {
    RequestReader r(lim);
    std::string raw = "POST / HTTP/1.1\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n";
    r.Feed(raw);
    if (n <= 100) {
      EXPECT_FALSE(r.failed()) << n;
      r.Feed(std::string(n, 'x'));
      EXPECT_TRUE(r.done()) << n;
    } else {
      EXPECT_TRUE(r.failed()) << n;  // refused on the header, before the body
      EXPECT_EQ(r.error_status(), 413);
    }
  }
}

TEST(RequestReader, ExpectContinueAndVersions) {
  RequestReader r({});
  r.Feed("PUT /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_TRUE(r.header_done());
  EXPECT_TRUE(r.expects_continue());
  r.Feed("abc");
  EXPECT_TRUE(r.done());
  EXPECT_FALSE(r.expects_continue());

  RequestReader old({});
  old.Feed("GET / HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old.done());
  EXPECT_EQ(old.version(), 10u);
  EXPECT_FALSE(old.keep_alive());

  RequestReader h2({});
  h2.Feed("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  EXPECT_TRUE(h2.failed());

  RequestReader junk({});
  junk.Feed("\x16\x03\x01 hello tls\r\n\r\n");
  EXPECT_TRUE(junk.failed());
  EXPECT_EQ(junk.error_status(), 400);
}

TEST(RequestReader, AcceptEncoding) {
  auto gz = [](std::string field) {
    RequestReader r({});
    r.Feed("GET / HTTP/1.1\r\nAccept-Encoding: " + field + "\r\n\r\n");
    return r.accepts_gzip();
  };
  EXPECT_TRUE(gz("gzip"));
  EXPECT_TRUE(gz("deflate, gzip;q=0.5, br"));
  EXPECT_TRUE(gz("*"));
  EXPECT_FALSE(gz("gzip;q=0"));
  EXPECT_FALSE(gz("identity"));
}

TEST(ResponseWriter, HeadKeepsLengthAndDropsBody) {
  Response r = Response::Text("hello");
  AnswerContext c;
  c.head = true;
  std::string out;
  EXPECT_EQ(AppendResponse(r, c, &out), 0u);
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");

  // A field that would split the header is dropped.
  Response bad = Response::Text("x");
  bad.headers.Add("X-Evil", "a\r\nSet-Cookie: b");
  std::string out2;
  AppendResponse(bad, {}, &out2);
  EXPECT_EQ(out2.find("Set-Cookie"), std::string::npos);
}

}  // namespace
}  // namespace kappa::http
