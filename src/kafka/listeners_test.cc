#include <gtest/gtest.h>

#include "kafka/kafka.h"
#include "kafka/sasl_session.h"

namespace kappa::kafka {
namespace {

TEST(ListenersTest, ParsesKafkasListenerNames) {
  auto l = ParseKafkaListeners("SASL_PLAINTEXT://0.0.0.0:9094, 127.0.0.1:9092,SSL://[::1]:9093,SASL_SSL://localhost:0");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->size(), 4u);
  EXPECT_EQ((*l)[0].protocol, SecurityProtocol::kSaslPlaintext);
  EXPECT_EQ((*l)[0].host, "0.0.0.0");
  EXPECT_EQ((*l)[0].port, 9094);
  EXPECT_EQ((*l)[1].protocol, SecurityProtocol::kPlaintext);
  EXPECT_EQ((*l)[2].protocol, SecurityProtocol::kSsl);
  EXPECT_EQ((*l)[2].host, "::1");
  EXPECT_EQ((*l)[3].protocol, SecurityProtocol::kSaslSsl);
  for (const char* bad : {"", "a:1,", "TLS://1.2.3.4:1", "SASL_PLAINTEXT://", "1.2.3.4:1,1.2.3.4:1",
                          "127.0.0.1:70000"}) {
    EXPECT_FALSE(ParseKafkaListeners(bad).ok()) << bad;
  }
}

TEST(ListenersTest, AdvertisedListenersOnePerListenerInOrder) {
  auto l = ParseKafkaListeners("SASL_SSL://0.0.0.0:9094,0.0.0.0:9092");
  ASSERT_TRUE(l.ok());
  ASSERT_TRUE(ApplyAdvertisedListeners("SASL_SSL://kafka.example.com:19094, 10.0.0.7:9092", &*l).ok());
  EXPECT_EQ((*l)[0].advertised_host, "kafka.example.com");
  EXPECT_EQ((*l)[0].advertised_port, 19094);
  EXPECT_EQ((*l)[1].advertised_host, "10.0.0.7");
  EXPECT_EQ((*l)[1].advertised_port, 9092);
  for (const char* bad : {"kafka.example.com:9094",                          // one for two
                          "a:1,b:2,c:3",                                     // three for two
                          "PLAINTEXT://a:1,b:2",                             // protocol mismatch
                          "SASL_SSL://0.0.0.0:9094,b:2", "SASL_SSL://a:0,b:2",  // wildcard, port 0
                          "SASL_SSL://a:1,"}) {
    auto copy = *l;
    Status s = ApplyAdvertisedListeners(bad, &copy);
    EXPECT_TRUE(s.IsInvalidArgument()) << bad << ": " << s.ToString();
  }
}

TEST(SaslSessionTest, OnlySaslApisBeforeTheLoginAndStateErrors) {
  KafkaSaslOptions o;
  LoginLimiter limiter(o);
  SaslSession plain(&o, &limiter, false, "10.0.0.1");
  std::string why;
  EXPECT_TRUE(plain.Allows(3, &why));
  EXPECT_EQ(plain.Handshake("PLAIN", 1), ErrorCode::kIllegalSaslState);

  SaslSession s(&o, &limiter, true, "10.0.0.1");
  EXPECT_TRUE(s.Allows(18, &why));
  EXPECT_TRUE(s.Allows(17, &why));
  EXPECT_FALSE(s.Allows(0, &why));
  EXPECT_EQ(why, "Unexpected Kafka request of type Produce during SASL handshake");
  EXPECT_EQ(s.Authenticate("x").error, ErrorCode::kIllegalSaslState);
  EXPECT_EQ(s.Handshake("GSSAPI", 1), ErrorCode::kUnsupportedSaslMechanism);
  EXPECT_EQ(s.Handshake("PLAIN", 0), ErrorCode::kNone);
  EXPECT_TRUE(s.raw_tokens());
  // No users at all: the login fails with a delay and the connection is to be closed.
  auto out = s.Authenticate(std::string_view("\0a\0b", 4));
  EXPECT_EQ(out.error, ErrorCode::kSaslAuthenticationFailed);
  EXPECT_TRUE(out.close);
  EXPECT_EQ(out.delay_ms, 100);
  EXPECT_FALSE(s.principal().authenticated);
}

TEST(SaslSessionTest, LimiterDoublesTheDelayAndCapsFailures) {
  KafkaSaslOptions o;
  o.max_failed_logins_per_minute = 3;
  LoginLimiter l(o);
  EXPECT_EQ(l.Failed("p"), 100);
  EXPECT_EQ(l.Failed("p"), 200);
  EXPECT_TRUE(l.Allowed("p"));
  EXPECT_EQ(l.Failed("p"), 400);
  EXPECT_FALSE(l.Allowed("p"));
  EXPECT_TRUE(l.Allowed("q"));  // per peer
}

}  // namespace
}  // namespace kappa::kafka
