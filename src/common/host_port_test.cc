#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/host_port.h"

namespace kappa {
namespace {

TEST(HostPortTest, ParsesWhatListenersAccept) {
  auto a = ParseHostPort("127.0.0.1:9092");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9092);
  EXPECT_EQ(a->ToString(), "127.0.0.1:9092");
  auto b = ParseHostPort("[::1]:0");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  EXPECT_EQ(b->ToString(), "[::1]:0");
  EXPECT_EQ(ParseHostPort("kafka-1.example.com:65535")->port, 65535);
  EXPECT_EQ(ParseHostPort("localhost:1")->host, "localhost");
  EXPECT_EQ(ParseHostPort("0.0.0.0:9042")->host, "0.0.0.0");
  // A default port makes it optional.
  EXPECT_EQ(ParseHostPort("db1", 9042)->port, 9042);
  EXPECT_EQ(ParseHostPort("db1:19042", 9042)->port, 19042);
  EXPECT_EQ(ParseHostPort("[fe80::1]", 9042)->host, "fe80::1");
}

TEST(HostPortTest, RefusesWhatCannotBeBound) {
  auto big = ParseHostPort("127.0.0.1:70000");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("0..65535"), std::string::npos) << big.status().message();
  EXPECT_NE(big.status().message().find("127.0.0.1:70000"), std::string::npos);
  for (const char* bad : {"", ":9092", "127.0.0.1", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:9x",
                          "127.0.0.1:99999999999", "256.1.1.1:9092", "1.2.3:9092", "::1:9092",
                          "[::1", "[::1]9092", "[nothost]:1", "bad/host:9092", "-a.com:1",
                          "a..b:1", "host name:1"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
  auto v6 = ParseHostPort("::1:9092");
  EXPECT_NE(v6.status().message().find("brackets"), std::string::npos);
}

// Every form a caller accepts, each caller's way of calling: listeners (`listeners.*`,
// --listen, --advertised, --kafka-listen, --cql-listen: port required, 0 allowed), Cassandra
// contact points (default port 9042), and Kafka bootstrap lists (log.bootstrap, --bootstrap).
TEST(HostPortTest, EveryFormTheCallersAccept) {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
    const char* round_trip;
  };
  for (const Case& c : {Case{"127.0.0.1:9092", "127.0.0.1", 9092, "127.0.0.1:9092"},
                        Case{"0.0.0.0:0", "0.0.0.0", 0, "0.0.0.0:0"},
                        Case{"[::1]:9092", "::1", 9092, "[::1]:9092"},
                        Case{"[::]:9042", "::", 9042, "[::]:9042"},
                        Case{"[fe80::1:2]:1", "fe80::1:2", 1, "[fe80::1:2]:1"},
                        Case{"[::ffff:127.0.0.1]:9092", "::ffff:127.0.0.1", 9092,
                             "[::ffff:127.0.0.1]:9092"},
                        Case{"localhost:9092", "localhost", 9092, "localhost:9092"},
                        Case{"kafka_1:9092", "kafka_1", 9092, "kafka_1:9092"},
                        Case{"broker.example.com.:9093", "broker.example.com.", 9093,
                             "broker.example.com.:9093"}}) {
    auto hp = ParseHostPort(c.text);
    ASSERT_TRUE(hp.ok()) << c.text << ": " << hp.status().ToString();
    EXPECT_EQ(hp->host, c.host) << c.text;
    EXPECT_EQ(hp->port, c.port) << c.text;
    EXPECT_EQ(hp->ToString(), c.round_trip);
    EXPECT_EQ(ParseHostPort(hp->ToString())->host, c.host);  // ToString parses back
  }
  // Contact points: the port is optional, for every host form.
  for (const char* cp : {"db1", "10.0.0.5", "[::1]", "[2001:db8::7]", "cassandra.local"}) {
    auto hp = ParseHostPort(cp, uint16_t{9042});
    ASSERT_TRUE(hp.ok()) << cp << ": " << hp.status().ToString();
    EXPECT_EQ(hp->port, 9042) << cp;
  }
  EXPECT_EQ(ParseHostPort("[2001:db8::7]:19042", uint16_t{9042})->port, 19042);
  EXPECT_FALSE(ParseHostPort("2001:db8::7", uint16_t{9042}).ok());  // brackets needed
}

TEST(HostPortTest, BootstrapLists) {
  auto one = ParseHostPortList("127.0.0.1:9092");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].ToString(), "127.0.0.1:9092");
  auto many = ParseHostPortList("h1:9092, PLAINTEXT://h2:9093,[::1]:9094 ,SSL://[fe80::1]:9095");
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  ASSERT_EQ(many->size(), 4u);
  EXPECT_EQ((*many)[0].ToString(), "h1:9092");
  EXPECT_EQ((*many)[1].ToString(), "h2:9093");
  EXPECT_EQ((*many)[2].ToString(), "[::1]:9094");
  EXPECT_EQ((*many)[3].ToString(), "[fe80::1]:9095");
  // Each bad entry is named in the message.
  struct Bad {
    const char* text;
    const char* says;
  };
  for (const Bad& b : {Bad{"a:1,b", "'b': expected HOST:PORT"},
                       Bad{"a:1,,b:2", "an empty entry"},
                       Bad{"", "an empty entry"},
                       Bad{"a:1,b:0", "'b:0': the port must be 1..65535"},
                       Bad{"a:70000", "0..65535"},
                       Bad{"::1:9092", "brackets"},
                       Bad{"a:1;b:2", "'a:1;b:2'"}}) {
    auto r = ParseHostPortList(b.text);
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_NE(r.status().message().find(b.says), std::string::npos)
        << b.text << ": " << r.status().message();
  }
}

TEST(HostPortTest, Loopback) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.1", "example.com", "128.0.0.1",
                        "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

// The one temp-dir helper of the tests (testutil/temp_dir.h).

}  // namespace
}  // namespace kappa

namespace kappa {
namespace {

TEST(HostPortTest, ListenListsWithTlsSchemes) {
  auto l = ParseListenList("127.0.0.1:8081, HTTPS://0.0.0.0:8443,http://[::1]:0", "http",
                           "https");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->size(), 3u);
  EXPECT_FALSE((*l)[0].tls);
  EXPECT_EQ((*l)[0].ToString(), "127.0.0.1:8081");
  EXPECT_TRUE((*l)[1].tls);
  EXPECT_EQ((*l)[1].ToString(), "https://0.0.0.0:8443");
  EXPECT_FALSE((*l)[2].tls);
  EXPECT_EQ((*l)[2].address.host, "::1");
  EXPECT_TRUE(ParseListenList("off", "http", "https")->empty());
  EXPECT_TRUE(ParseListenList("", "http", "https")->empty());

  auto bad = ParseListenList("tls://127.0.0.1:1", "http", "https");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown scheme 'tls'"), std::string::npos);
  EXPECT_FALSE(ParseListenList("127.0.0.1:1,,127.0.0.1:2", "", "tls").ok());
  EXPECT_FALSE(ParseListenList("tls://127.0.0.1:70000", "", "tls").ok());
  EXPECT_TRUE((*ParseListenList("tls://localhost:9142", "", "tls"))[0].tls);
}

}  // namespace
}  // namespace kappa
