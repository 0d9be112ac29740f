// The client's token ring and routing keys, and the client against an in-process server:
// discovery, token-aware routing, consistency, reconnection after the server restarts.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "cql/client/client_codec.h"
#include "cql/client/client_connection.h"
#include "cql/client.h"
#include "cql/cql.h"
#include "cql/client/token_ring.h"
#include "cql/protocol/wire.h"
#include "testutil/temp_dir.h"

namespace kappa::cql {
namespace {

using store::Value;

TEST(TokenRing, OwnerIsTheSmallestTokenAtOrAboveWrapping) {
  TokenRing ring;
  EXPECT_EQ(ring.OwnerOf(0), -1);
  ring.Add(-100, 0);
  ring.Add(0, 1);
  ring.Add(100, 2);
  ring.Finish();
  EXPECT_EQ(ring.OwnerOf(-100), 0);  // a host owns its own token: (prev, T]
  EXPECT_EQ(ring.OwnerOf(-101), 0);
  EXPECT_EQ(ring.OwnerOf(-99), 1);
  EXPECT_EQ(ring.OwnerOf(0), 1);
  EXPECT_EQ(ring.OwnerOf(1), 2);
  EXPECT_EQ(ring.OwnerOf(100), 2);
  EXPECT_EQ(ring.OwnerOf(101), 0);  // past the largest token: wraps to the smallest
  EXPECT_EQ(ring.OwnerOf(INT64_MAX), 0);
  EXPECT_EQ(ring.OwnerOf(INT64_MIN), 0);
}

TEST(TokenRing, HostsForWalksDistinctHostsClockwise) {
  TokenRing ring;
  // Two tokens per host (vnodes), interleaved: 0@-50, 1@-10, 0@10, 2@50.
  ring.Add(-50, 0);
  ring.Add(-10, 1);
  ring.Add(10, 0);
  ring.Add(50, 2);
  ring.Finish();
  EXPECT_EQ(ring.HostsFor(0, 3), (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(ring.HostsFor(20, 3), (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(ring.HostsFor(60, 2), (std::vector<int>{0, 1}));
  EXPECT_EQ(ring.HostsFor(60, 0), std::vector<int>{});
}

TEST(TokenRing, ParsesTokenTextAndRejectsGarbage) {
  TokenRing ring;
  EXPECT_TRUE(ring.AddText("-9223372036854775808", 0).ok());
  EXPECT_TRUE(ring.AddText("9223372036854775807", 1).ok());
  EXPECT_FALSE(ring.AddText("12x", 1).ok());
  EXPECT_FALSE(ring.AddText("", 1).ok());
  EXPECT_FALSE(ring.AddText("9223372036854775808", 1).ok());
  ring.Finish();
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.OwnerOf(0), 1);
  EXPECT_EQ(ring.OwnerOf(INT64_MIN), 0);
}

TEST(RoutingKey, SingleAndCompoundKeysAreEncodedAsCassandraDoes) {
  // One key column: its native serialization.
  auto k = RoutingKey({0}, {Value::Int32(1), Value::Text("x")});
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, std::string("\0\0\0\x01", 4));
  // Token of the text key "123": vector from the DataStax Python driver's tests.
  k = RoutingKey({1}, {Value::Int32(7), Value::Text("123")});
  ASSERT_TRUE(k);
  EXPECT_EQ(TokenOfRoutingKey(*k), -7468325962851647638LL);
  // Compound: components in pk_indexes order, each [u16 length][bytes][0x00].
  k = RoutingKey({2, 0}, {Value::Int32(1), Value::Null(), Value::Text("ab")});
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, std::string("\0\x02" "ab\0" "\0\x04\0\0\0\x01\0", 12));
  // Not routable: no key, a null, unset or missing value.
  EXPECT_FALSE(RoutingKey({}, {Value::Int32(1)}));
  EXPECT_FALSE(RoutingKey({0}, {Value::Null()}));
  EXPECT_FALSE(RoutingKey({0}, {Value::Unset()}));
  EXPECT_FALSE(RoutingKey({3}, {Value::Int32(1)}));
}

TEST(Consistency, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(*ParseConsistency("LOCAL_QUORUM"), Consistency::kLocalQuorum);
  EXPECT_EQ(*ParseConsistency("one"), Consistency::kOne);
  auto bad = ParseConsistency("most");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("local_one"), std::string::npos);
}

TEST(SplitStatements, SplitsAtTopLevelSemicolons) {
  std::string rest;
  auto v = SplitStatements("USE ks; INSERT INTO t (a) VALUES ('x;y'); -- c;\nSELECT", &rest);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1], " INSERT INTO t (a) VALUES ('x;y')");
  EXPECT_EQ(rest, " -- c;\nSELECT");
}

// A Rows RESULT with the No_metadata flag (what skip-metadata EXECUTEs get): two columns,
// one row holding "a" and "b".
ClientFrame SkippedMetadataRows(int32_t column_count) {
  ClientFrame f;
  f.opcode = Opcode::kResult;
  WireWriter w(&f.body);
  w.Int(2);       // Rows
  w.Int(0x0004);  // No_metadata
  w.Int(column_count);
  w.Int(1);
  w.Bytes("a");
  w.Bytes("b");
  return f;
}

TEST(DecodeResult, SkippedMetadataSharesThePreparedColumns) {
  ClientColumns known = std::make_shared<const std::vector<ClientColumn>>(
      std::vector<ClientColumn>{{"ks", "t", "k", store::TypeKind::kText},
                                {"ks", "t", "v", store::TypeKind::kText}});
  auto r = DecodeResult(SkippedMetadataRows(2), &known);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->columns.get(), known.get());  // shared, not copied
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][1].ToString(), "b");

  // No prepared columns (or a different count): blank specs, cells read as text.
  auto blank = DecodeResult(SkippedMetadataRows(2), nullptr);
  ASSERT_TRUE(blank.ok()) << blank.status().ToString();
  ASSERT_EQ(blank->columns->size(), 2u);
  EXPECT_EQ((*blank->columns)[0].name, "");
  EXPECT_EQ(blank->rows[0][0].ToString(), "a");

  // A hostile column count is refused instead of allocated.
  auto hostile = DecodeResult(SkippedMetadataRows(1 << 30), nullptr);
  ASSERT_FALSE(hostile.ok());
  EXPECT_NE(hostile.status().message().find("too many columns"), std::string::npos);
}

// An ERROR body ([int code][string message], then fields of the code not read here).
std::string ErrorBody(int32_t code, std::string_view message) {
  std::string body;
  WireWriter w(&body);
  w.Int(code);
  w.String(message);
  w.Short(0x0001);  // e.g. WriteTimeout's consistency: ignored
  return body;
}

TEST(ErrorFromBody, KeepsTheCqlCodeAsACodeAndTheClassAsAStatus) {
  Status t = ErrorFromBody(ErrorBody(0x1100, "timed out"));
  EXPECT_EQ(ErrorCodeOf(t), ErrorCode::kWriteTimeout);
  EXPECT_EQ(t.code(), Status::Code::kTimedOut);
  EXPECT_EQ(t.message(), "Error from server: code=1100 [Write timeout] message=\"timed out\"");
  Status u = ErrorFromBody(ErrorBody(0x1000, "not enough replicas"));
  EXPECT_EQ(ErrorCodeOf(u), ErrorCode::kUnavailable);
  EXPECT_TRUE(u.IsUnavailable());
  Status bad = ErrorFromBody(ErrorBody(0x0100, "Provided username u and/or password are incorrect"));
  EXPECT_EQ(ErrorCodeOf(bad), ErrorCode::kBadCredentials);
  EXPECT_TRUE(bad.IsInvalidArgument());
  // Server error is code 0: still a code, not "no code".
  Status server = ErrorFromBody(ErrorBody(0x0000, "boom"));
  EXPECT_EQ(ErrorCodeOf(server), ErrorCode::kServerError);
  EXPECT_TRUE(server.IsIOError());
  // A code this client has no name for keeps its number.
  Status unknown = ErrorFromBody(ErrorBody(0x7777, "?"));
  EXPECT_EQ(unknown.protocol_code(), 0x7777);
  EXPECT_NE(unknown.message().find("code=7777 [Error]"), std::string::npos);
  // Not an error answer: no code.
  Status torn = ErrorFromBody(std::string("\0\0", 2));
  EXPECT_TRUE(torn.IsCorruption());
  EXPECT_FALSE(ErrorCodeOf(torn));
  EXPECT_FALSE(ErrorCodeOf(Status::IOError("connection reset")));
}

class ClientTest : public testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.data_dir = dir_.path();
    auto s = store::Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    StartServer(0);
  }
  void StartServer(uint16_t port, ServerOptions so = {}) {
    so.port = port;
    so.threads = 1;
    auto srv = Server::Start(store_.get(), so);
    ASSERT_TRUE(srv.ok()) << srv.status().ToString();
    server_ = std::move(srv).value();
    port_ = server_->port();
  }
  // Stops the server; StartServer(port_) brings it back on the same port (where the
  // client's background reconnection finds it).
  void StopServer() {
    server_->Stop();
    server_.reset();
  }
  // Retries `op` every 50 ms for up to 5 s (the client reconnects in the background).
  template <typename Op>
  static Result<ClientResult> UntilOk(Op op) {
    Result<ClientResult> r = Status::Unavailable("not tried");
    for (int i = 0; i < 100 && !r.ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      r = op();
    }
    return r;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    store_.reset();
  }
  std::unique_ptr<Client> Connect(int connections_per_host = 2) {
    ClientOptions o;
    o.contact_points = {"127.0.0.1:" + std::to_string(port_)};
    o.connections_per_host = connections_per_host;
    o.consistency = Consistency::kLocalOne;
    auto c = Client::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  testutil::TempDir dir_{"kappa-cql-client-test"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ClientTest, DiscoversTheNodeAndRoutesByToken) {
  auto c = Connect();
  ASSERT_TRUE(c);
  auto hosts = c->hosts();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].address, "127.0.0.1");
  EXPECT_EQ(hosts[0].port, port_);
  EXPECT_EQ(hosts[0].datacenter, "datacenter1");
  EXPECT_EQ(hosts[0].tokens, 1u);
  EXPECT_EQ(hosts[0].live_connections, 2);
  ASSERT_TRUE(c->Query("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                       "'replication_factor': 1}").ok());
  ASSERT_TRUE(c->Query("USE ks").ok());
  ASSERT_TRUE(c->Query("CREATE TABLE t (a text, b int, v text, PRIMARY KEY ((a, b)))").ok());
  auto p = c->Prepare("INSERT INTO t (v, b, a) VALUES (?, ?, ?)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->pk_indexes, (std::vector<int>{2, 1}));
  std::vector<Value> row = {Value::Text("x"), Value::Int32(1), Value::Text("k")};
  EXPECT_EQ(c->RouteOf(**p, row), 0);
  EXPECT_EQ(c->RouteOf(**p, {Value::Text("x"), Value::Null(), Value::Text("k")}), -1);
  for (int i = 0; i < 50; ++i) {
    row[1] = Value::Int32(i);
    auto r = c->Execute(**p, row);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto n = c->Query("SELECT count(*) FROM t");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->rows.size(), 1u);
  EXPECT_EQ(n->rows[0][0].as_int(), 50);
}

TEST_F(ClientTest, ReconnectsAfterTheServerRestarts) {
  auto c = Connect(1);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Query("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                       "'replication_factor': 1}").ok());
  ASSERT_TRUE(c->Query("CREATE TABLE ks.t (k int PRIMARY KEY, v int)").ok());
  auto p = c->Prepare("INSERT INTO ks.t (k, v) VALUES (?, ?)");
  ASSERT_TRUE(p.ok());
  StopServer();
  auto down = c->Execute(**p, {Value::Int32(1), Value::Int32(1)});
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(down.status().IsUnavailable()) << down.status().ToString();
  StartServer(port_);
  auto up = UntilOk([&] { return c->Execute(**p, {Value::Int32(1), Value::Int32(1)}); });
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(c->hosts()[0].live_connections, 1);
}

TEST_F(ClientTest, BatchesPreparedStatementsAndReprepares) {
  auto c = Connect(1);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Query("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                       "'replication_factor': 1}").ok());
  ASSERT_TRUE(c->Query("CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c))").ok());
  auto ins = c->Prepare("INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)");
  auto del = c->Prepare("DELETE FROM ks.t WHERE k = ? AND c = ?");
  ASSERT_TRUE(ins.ok() && del.ok());
  auto batch = [&](int k, int from, int to) {
    std::vector<BatchStatement> b;
    for (int i = from; i < to; ++i) b.push_back({*ins, {Value::Int32(k), Value::Int32(i), Value::Text("v")}});
    b.push_back({*del, {Value::Int32(k), Value::Int32(from)}});
    return b;
  };
  auto r = c->Batch(BatchType::kUnlogged, batch(1, 0, 10));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, ClientResult::Kind::kVoid);
  auto n = c->Query("SELECT count(*) FROM ks.t WHERE k = 1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rows[0][0].as_int(), 9);  // 10 inserted, the first deleted in the same batch

  EXPECT_TRUE(c->Batch(BatchType::kLogged, {}).status().IsInvalidArgument());
  auto bad = c->Batch(BatchType::kLogged, {{*ins, {Value::Int32(2), Value::Int32(0)}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorCodeOf(bad.status()), ErrorCode::kInvalid) << bad.status().ToString();

  // A restarted server has forgotten both statements: each is prepared again, once.
  StopServer();
  StartServer(port_);
  auto again = UntilOk([&] { return c->Batch(BatchType::kLogged, batch(2, 0, 5)); });
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  n = c->Query("SELECT count(*) FROM ks.t WHERE k = 2");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rows[0][0].as_int(), 4);
}

TEST_F(ClientTest, ServerErrorsCarryTheirCqlCode) {
  auto c = Connect(1);
  ASSERT_TRUE(c);
  auto syntax = c->Query("SELEC * FROM nowhere");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(ErrorCodeOf(syntax.status()), ErrorCode::kSyntaxError) << syntax.status().ToString();
  auto invalid = c->Query("SELECT * FROM no_such_ks.t");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(ErrorCodeOf(invalid.status()), ErrorCode::kInvalid) << invalid.status().ToString();
  const std::string ks = "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                         "'replication_factor': 1}";
  ASSERT_TRUE(c->Query(ks).ok());
  auto exists = c->Query(ks);
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(ErrorCodeOf(exists.status()), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(exists.status().IsAlreadyExists());
  // A request that never got an answer has no CQL code.
  StopServer();
  auto down = c->Query("SELECT * FROM system.local");
  ASSERT_FALSE(down.ok());
  EXPECT_FALSE(ErrorCodeOf(down.status())) << down.status().ToString();
}

TEST_F(ClientTest, BadCredentialsCarryTheirCode) {
  StopServer();
  ServerOptions so;
  so.auth = ServerOptions::Auth::kRequired;
  so.users = {{"app", "secret"}};
  StartServer(port_, so);
  ClientOptions o;
  o.contact_points = {"127.0.0.1:" + std::to_string(port_)};
  o.username = "app";
  o.password = "wrong";
  auto c = Client::Connect(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(ErrorCodeOf(c.status()), ErrorCode::kBadCredentials) << c.status().ToString();
  o.password = "secret";
  auto ok = Client::Connect(o);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(ClientTest, ContactPointsAreParsedLikeEveryKappaAddress) {
  auto connect = [](std::vector<std::string> points, uint16_t port) {
    ClientOptions o;
    o.contact_points = std::move(points);
    o.port = port;
    o.connect_timeout_ms = 2000;
    return Client::Connect(o);
  };
  // Refused before any connection, with the address and the reason.
  auto big = connect({"127.0.0.1:70000"}, 9042);
  ASSERT_FALSE(big.ok());
  EXPECT_TRUE(big.status().IsInvalidArgument());
  EXPECT_NE(big.status().message().find("contact point '127.0.0.1:70000'"), std::string::npos)
      << big.status().ToString();
  auto zero = connect({"127.0.0.1:0"}, 9042);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("1..65535"), std::string::npos) << zero.status().ToString();
  auto bare_v6 = connect({"::1:9042"}, 9042);
  ASSERT_FALSE(bare_v6.ok());
  EXPECT_NE(bare_v6.status().message().find("brackets"), std::string::npos)
      << bare_v6.status().ToString();
  // A host without a port takes ClientOptions::port.
  auto named = connect({"localhost"}, port_);
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ((*named)->hosts()[0].port, port_);
  // A bracketed IPv6 literal, to a server listening on ::1.
  StopServer();
  ServerOptions v6;
  v6.host = "::1";
  StartServer(0, v6);
  auto c = connect({"[::1]:" + std::to_string(port_)}, 9042);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->hosts()[0].address, "::1");
  EXPECT_EQ((*c)->hosts()[0].port, port_);
  auto r = (*c)->Query("SELECT release_version FROM system.local");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

}  // namespace
}  // namespace kappa::cql
