// Transport (transport.h): plain TCP or TLS for the servers' connections.
#include "common/transport.h"

namespace kappa {

namespace asio = boost::asio;

namespace {
// The first byte of every TLS (and SSL 3) handshake: ContentType handshake(22), RFC 8446
// section 5.1. Anything else is a client speaking plaintext (or SSL 2) to a TLS port.
constexpr unsigned char kTlsHandshakeRecord = 22;
}  // namespace

Transport::Transport(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls)
    : plain_(std::move(socket)), tls_(std::move(tls)) {
  if (tls_) {
    ssl_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(plain_), *tls_);
  }
}

asio::awaitable<Transport::HandshakeResult> Transport::Handshake() {
  if (!ssl_) co_return HandshakeResult::kOk;
  unsigned char first = 0;
  auto [pec, n] = co_await socket().async_receive(asio::buffer(&first, 1),
                                                 asio::socket_base::message_peek,
                                                 asio::as_tuple(asio::use_awaitable));
  if (pec || n == 0) {
    error_ = pec ? pec.message() : "the client closed the connection";
    co_return HandshakeResult::kFailed;
  }
  if (first != kTlsHandshakeRecord) {
    error_ = "not a TLS handshake (a plaintext client on a TLS port?)";
    co_return HandshakeResult::kNotTls;
  }
  auto [ec] = co_await ssl_->async_handshake(asio::ssl::stream_base::server,
                                             asio::as_tuple(asio::use_awaitable));
  if (ec) {
    error_ = ec.message();
    co_return HandshakeResult::kFailed;
  }
  co_return HandshakeResult::kOk;
}

}  // namespace kappa
