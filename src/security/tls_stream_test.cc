// TlsServerStream (common/tls_stream.h) against Boost.Asio's OpenSSL client stream over real
// loopback sockets: a handshake and megabytes echoed both ways through reads and writes of
// every size; the peer closing; a plaintext client, a client that stops mid-handshake and one
// that does not trust the certificate each end the server's handshake with an error. The
// Kafka listeners' SSL and SASL_SSL connections run on it (the process tests drive them with
// kcat, confluent-kafka, kafka-python and KafkaJS).
#include "common/tls_stream.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "security/security.h"
#include "testutil/temp_dir.h"

namespace kappa::security {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class TlsStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testutil::TempDir("kappa-tls-stream-test");
    const std::string cmd =
        "cd " + dir_->path() + " && exec >/dev/null 2>&1 && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
        "-keyout server.key -out server.pem -days 30";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    TlsOptions o;
    o.cert_file = dir_->path() + "/server.pem";
    o.key_file = dir_->path() + "/server.key";
    auto ctx = MakeServerTlsContext(o);
    ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
    server_ctx_ = *ctx;
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    acceptor_.listen();
  }

  // A client context that trusts the server's certificate (or not).
  asio::ssl::context Client(bool trust) {
    asio::ssl::context c(asio::ssl::context::tls_client);
    if (trust) {
      c.load_verify_file(dir_->path() + "/server.pem");
      c.set_verify_mode(asio::ssl::verify_peer);
    } else {
      c.set_default_verify_paths();
      c.set_verify_mode(asio::ssl::verify_peer);
    }
    return c;
  }

  // Accepts one connection and runs the server handshake; "" or the error.
  asio::awaitable<std::string> AcceptAndHandshake(std::unique_ptr<TlsServerStream>* out) {
    tcp::socket s = co_await acceptor_.async_accept(asio::use_awaitable);
    *out = std::make_unique<TlsServerStream>(std::move(s), *server_ctx_);
    try {
      co_await (*out)->Handshake();
    } catch (const std::exception& e) {
      boost::system::error_code ec;
      (*out)->socket().close(ec);  // as the listeners do
      co_return std::string(e.what());
    }
    co_return std::string();
  }

  void Run() {
    io_.run_for(std::chrono::seconds(60));
    ASSERT_TRUE(io_.stopped()) << "the exchange did not finish";
  }

  static testutil::TempDir* dir_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::shared_ptr<asio::ssl::context> server_ctx_;
};
testutil::TempDir* TlsStreamTest::dir_ = nullptr;

TEST_F(TlsStreamTest, EchoesMegabytesBothWaysThroughReadsAndWritesOfEverySize) {
  // 6 MB of random bytes: the client writes them in pieces of 1 byte to 300 KB while the
  // server echoes what each read returns (buffers of 1 byte to 200 KB).
  std::string data(6 * 1024 * 1024, '\0');
  std::mt19937 rng(7);
  for (char& c : data) c = static_cast<char>(rng());
  std::string echoed, server_error;
  bool server_saw_end = false;
  std::unique_ptr<TlsServerStream> server;
  asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
    server_error = co_await AcceptAndHandshake(&server);
    if (!server_error.empty()) co_return;
    std::vector<char> buf(200 * 1024);
    size_t sizes[] = {1, 7, 4096, 16384, 16385, 65536, 200 * 1024};
    for (size_t i = 0;; ++i) {
      auto [ec, n] = co_await server->async_read_some(asio::buffer(buf.data(), sizes[i % 7]),
                                                      asio::as_tuple(asio::use_awaitable));
      if (ec) {
        server_saw_end = true;
        co_return;
      }
      co_await asio::async_write(*server, asio::buffer(buf.data(), n), asio::use_awaitable);
    }
  }, asio::detached);
  auto client_ctx = Client(true);
  asio::ssl::stream<tcp::socket> client(io_, client_ctx);
  asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
    co_await client.next_layer().async_connect(acceptor_.local_endpoint(), asio::use_awaitable);
    co_await client.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    // Read the echo concurrently with the writes.
    asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
      std::vector<char> buf(64 * 1024);
      while (echoed.size() < data.size()) {
        size_t n = co_await client.async_read_some(asio::buffer(buf), asio::use_awaitable);
        echoed.append(buf.data(), n);
      }
      boost::system::error_code ec;
      client.next_layer().shutdown(tcp::socket::shutdown_both, ec);
      client.next_layer().close(ec);
    }, asio::detached);
    size_t pieces[] = {1, 100, 16384, 300 * 1024, 5000};
    for (size_t off = 0, i = 0; off < data.size(); ++i) {
      size_t n = std::min(pieces[i % 5], data.size() - off);
      co_await asio::async_write(client, asio::buffer(data.data() + off, n), asio::use_awaitable);
      off += n;
    }
  }, asio::detached);
  Run();
  ASSERT_EQ(server_error, "");
  EXPECT_EQ(echoed.size(), data.size());
  EXPECT_TRUE(echoed == data) << "the echo differs from what was sent";
  EXPECT_TRUE(server_saw_end) << "the server's read did not end when the client left";
}

TEST_F(TlsStreamTest, BadClientsEndTheHandshakeWithAnError) {
  // A plaintext client (a Kafka ApiVersions request), a client that stops after five bytes of
  // its hello, and a client that does not trust the certificate.
  std::vector<std::string> errors(3);
  std::vector<std::unique_ptr<TlsServerStream>> servers(3);
  asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) errors[i] = co_await AcceptAndHandshake(&servers[i]);
    acceptor_.close();
  }, asio::detached);
  auto untrusting = Client(false);
  asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
    {
      tcp::socket s(io_);
      co_await s.async_connect(acceptor_.local_endpoint(), asio::use_awaitable);
      const char plaintext[] = "\0\0\0\x14\0\x12\0\0\0\0\0\x01\0\x07rdkafka";
      co_await asio::async_write(s, asio::buffer(plaintext, sizeof plaintext - 1),
                                 asio::use_awaitable);
      char b[64];
      co_await s.async_read_some(asio::buffer(b), asio::as_tuple(asio::use_awaitable));
    }
    {
      tcp::socket s(io_);
      co_await s.async_connect(acceptor_.local_endpoint(), asio::use_awaitable);
      const char partial[] = "\x16\x03\x01\x02\x00";
      co_await asio::async_write(s, asio::buffer(partial, 5), asio::use_awaitable);
      s.close();
    }
    {
      asio::ssl::stream<tcp::socket> c(io_, untrusting);
      co_await c.next_layer().async_connect(acceptor_.local_endpoint(), asio::use_awaitable);
      auto [ec] = co_await c.async_handshake(asio::ssl::stream_base::client,
                                             asio::as_tuple(asio::use_awaitable));
      EXPECT_TRUE(ec) << "a client that does not trust the certificate completed";
    }
  }, asio::detached);
  Run();
  for (int i = 0; i < 3; ++i) EXPECT_NE(errors[i], "") << "bad client " << i << " completed";
  EXPECT_NE(errors[0].find("SSL routines"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace kappa::security
