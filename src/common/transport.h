// Transport: a server connection's byte stream, plain TCP or TLS over it, behind one type so
// the HTTP, CQL and Kafka connections keep a single code path (the listener plumbing of
// common/listener.h hands them a tcp::socket; a TLS listener wraps it here).
//
//   Transport t(std::move(socket), tls_context);   // tls_context null: plain
//   auto hs = co_await t.Handshake();              // TLS: the server handshake
//   if (hs == Transport::HandshakeResult::kNotTls) ...   // a plaintext client on a TLS port
//   co_await in.Fill(t, 8);                        // InputBuffer reads through it
//   co_await asio::async_write(t, buffers, asio::use_awaitable);
//
// It is an Asio AsyncReadStream/AsyncWriteStream (any completion token). Like a socket it is
// not thread-safe: use it from its connection's strand. Cancel() and Close() act on the TCP
// socket below, so a read or handshake in progress ends at once (the listener's deadlines
// use this: a handshake that never completes is closed like an idle connection).
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <memory>
#include <optional>
#include <string>

namespace kappa {

class Transport {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  enum class HandshakeResult {
    kOk,      // plain, or the TLS handshake completed
    kNotTls,  // the client's first byte is not a TLS handshake record (plaintext on a TLS
              // port); nothing was consumed, so the caller may answer in plaintext
    kFailed,  // the handshake failed (bad certificate, old protocol, the peer left): error()
  };

  explicit Transport(boost::asio::ip::tcp::socket socket,
                     std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

  bool tls() const { return ssl_ != nullptr; }
  executor_type get_executor() { return socket().get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return ssl_ ? ssl_->next_layer() : plain_; }

  // TLS: peeks the first byte (kNotTls unless it is 22, a handshake record), then runs the
  // server handshake. Plain: kOk at once. On kFailed, error() says why (OpenSSL's reason:
  // "wrong version number", "certificate verify failed", ...).
  boost::asio::awaitable<HandshakeResult> Handshake();
  const std::string& error() const { return error_; }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& b, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, size_t)>(
        [this](auto handler, const Buffers& bufs) {
          if (ssl_) {
            ssl_->async_read_some(bufs, std::move(handler));
          } else {
            plain_.async_read_some(bufs, std::move(handler));
          }
        },
        token, b);
  }
  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& b, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, size_t)>(
        [this](auto handler, const Buffers& bufs) {
          if (ssl_) {
            ssl_->async_write_some(bufs, std::move(handler));
          } else {
            plain_.async_write_some(bufs, std::move(handler));
          }
        },
        token, b);
  }

  // The TLS stream (null when plain), for a client's own handshake: the CQL client connects
  // socket() and then runs the client handshake on it (the handshake above is the server's).
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket>* ssl_stream() { return ssl_.get(); }

  // Cancels the operations in progress on the socket (they complete with operation_aborted).
  void Cancel() {
    boost::system::error_code ec;
    socket().cancel(ec);
  }
  // Shuts the TCP socket down both ways and closes it. No TLS close_notify is sent: the
  // protocols on top frame their own messages, and a peer that stopped reading must not
  // hold the close up.
  void Close() {
    boost::system::error_code ec;
    socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }

 private:
  boost::asio::ip::tcp::socket plain_;  // the socket when plain; moved into ssl_ when TLS
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> ssl_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // kept alive for ssl_
  std::string error_;
};

}  // namespace kappa
