// MakeServerTlsContext: the errors it names, and real handshakes through an in-memory BIO
// pair against OpenSSL clients (TLS 1.1 refused, 1.2 and 1.3 accepted, client certificates
// checked per client_auth). Certificates come from the openssl CLI, as the process tests'.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/context.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "security/security.h"
#include "testutil/temp_dir.h"

namespace kappa::security {
namespace {

class TlsContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testutil::TempDir("kappa-tls-test");
    const std::string d = dir_->path();
    // A CA, a server certificate it signs, a client certificate it signs, and a self-signed
    // "other" certificate for the mismatch cases.
    std::string cmd =
        "cd " + d + " && exec >/dev/null 2>&1 && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=ca "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
        "-keyout ca.key -out ca.pem -days 30 && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
        "-keyout server.key -out server.csr && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
        "-days 30 -out server.pem && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=alice "
        "-keyout client.key -out client.csr && "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
        "-days 30 -out client.pem && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=x "
        "-keyout other.key -out other.pem -days 30 && "
        "openssl pkey -in server.key -aes256 -passout pass:secret -out encrypted.key";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ofstream(d + "/garbage.pem") << "not a certificate\n";
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string F(const std::string& name) { return dir_->path() + "/" + name; }
  static TlsOptions Server() {
    TlsOptions o;
    o.cert_file = F("server.pem");
    o.key_file = F("server.key");
    return o;
  }

  static testutil::TempDir* dir_;
};
testutil::TempDir* TlsContextTest::dir_ = nullptr;

// One handshake between `server` and a fresh client context, pumped through a BIO pair;
// true when both sides finish. `setup` configures the client (versions, certificate).
template <typename Setup>
bool Handshake(boost::asio::ssl::context& server, Setup setup) {
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  setup(cctx);
  SSL* c = SSL_new(cctx);
  SSL* s = SSL_new(server.native_handle());
  BIO *cb = nullptr, *sb = nullptr;
  BIO_new_bio_pair(&cb, 0, &sb, 0);
  SSL_set_bio(c, cb, cb);
  SSL_set_bio(s, sb, sb);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  bool c_done = false, s_done = false, failed = false;
  for (int i = 0; i < 20 && !(c_done && s_done) && !failed; ++i) {
    if (!c_done) {
      int r = SSL_do_handshake(c);
      if (r == 1) c_done = true;
      else if (SSL_get_error(c, r) != SSL_ERROR_WANT_READ) failed = true;
    }
    if (!s_done) {
      int r = SSL_do_handshake(s);
      if (r == 1) s_done = true;
      else if (SSL_get_error(s, r) != SSL_ERROR_WANT_READ) failed = true;
    }
  }
  // TLS 1.3 servers check the client certificate after the client thinks it is done: one
  // round of application data shows whether the server accepted it.
  if (c_done && s_done) {
    char buf[1];
    SSL_write(c, "x", 1);
    failed = SSL_read(s, buf, 1) != 1;
  }
  SSL_free(c);
  SSL_free(s);
  SSL_CTX_free(cctx);
  ERR_clear_error();
  return c_done && s_done && !failed;
}

TEST_F(TlsContextTest, HandshakesWithTls12And13AndRefusesOlder) {
  auto ctx = MakeServerTlsContext(Server());
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_TRUE(Handshake(**ctx, [](SSL_CTX*) {}));
  EXPECT_TRUE(Handshake(**ctx, [](SSL_CTX* c) {
    SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
  }));
  EXPECT_FALSE(Handshake(**ctx, [](SSL_CTX* c) {
    SSL_CTX_set_security_level(c, 0);
    SSL_CTX_set_max_proto_version(c, TLS1_1_VERSION);
  }));
}

TEST(SelfSignedTest, ServesAndIsTrustedAsItsOwnCaFor127001) {
  testutil::TempDir dir("kappa-selfsigned-test");
  auto o = WriteSelfSignedCertificate(dir.path() + "/tls");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  auto ctx = MakeServerTlsContext(*o);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  const std::string ca = o->cert_file;
  // A client verifying the peer against the certificate as its CA, with hostname checks.
  EXPECT_TRUE(Handshake(**ctx, [&](SSL_CTX* c) {
    SSL_CTX_load_verify_locations(c, ca.c_str(), nullptr);
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(c), "127.0.0.1");
  }));
  EXPECT_FALSE(Handshake(**ctx, [&](SSL_CTX* c) {  // no CA: untrusted
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  }));
}

TEST_F(TlsContextTest, RequiredClientAuthNeedsACertificateFromTheCa) {
  TlsOptions o = Server();
  o.ca_file = F("ca.pem");
  o.client_auth = TlsOptions::ClientAuth::kRequired;
  auto ctx = MakeServerTlsContext(o);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  auto with_cert = [](const std::string& cert, const std::string& key) {
    return [cert, key](SSL_CTX* c) {
      SSL_CTX_use_certificate_file(c, cert.c_str(), SSL_FILETYPE_PEM);
      SSL_CTX_use_PrivateKey_file(c, key.c_str(), SSL_FILETYPE_PEM);
    };
  };
  EXPECT_TRUE(Handshake(**ctx, with_cert(F("client.pem"), F("client.key"))));
  EXPECT_FALSE(Handshake(**ctx, [](SSL_CTX*) {}));
  EXPECT_FALSE(Handshake(**ctx, with_cert(F("other.pem"), F("other.key"))));

  o.client_auth = TlsOptions::ClientAuth::kRequested;
  auto requested = MakeServerTlsContext(o);
  ASSERT_TRUE(requested.ok());
  EXPECT_TRUE(Handshake(**requested, [](SSL_CTX*) {}));
  EXPECT_FALSE(Handshake(**requested, with_cert(F("other.pem"), F("other.key"))));
}

TEST_F(TlsContextTest, ErrorsNameTheFile) {
  TlsOptions o = Server();
  o.cert_file = F("missing.pem");
  auto r = MakeServerTlsContext(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing.pem"), std::string::npos);
  EXPECT_NE(r.status().message().find("No such file"), std::string::npos);

  o = Server();
  o.cert_file = F("garbage.pem");
  r = MakeServerTlsContext(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("garbage.pem: not a PEM certificate"),
            std::string::npos)
      << r.status().message();

  o = Server();
  o.key_file = F("other.key");
  r = MakeServerTlsContext(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not match the certificate"), std::string::npos)
      << r.status().message();

  o = Server();
  o.key_file = F("encrypted.key");
  r = MakeServerTlsContext(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("encrypted.key: not an unencrypted PEM private key"),
            std::string::npos)
      << r.status().message();

  o = Server();
  o.client_auth = TlsOptions::ClientAuth::kRequired;
  r = MakeServerTlsContext(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("needs a CA file"), std::string::npos);

  o.ca_file = F("garbage.pem");
  r = MakeServerTlsContext(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("garbage.pem"), std::string::npos);
}

TEST(ParseClientAuthTest, KafkaWords) {
  EXPECT_EQ(*ParseClientAuth("none"), TlsOptions::ClientAuth::kNone);
  EXPECT_EQ(*ParseClientAuth("requested"), TlsOptions::ClientAuth::kRequested);
  EXPECT_EQ(*ParseClientAuth("required"), TlsOptions::ClientAuth::kRequired);
  EXPECT_FALSE(ParseClientAuth("true").ok());
}

}  // namespace
}  // namespace kappa::security
