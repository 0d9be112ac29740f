// TlsServerStream (tls_stream.h): OpenSSL over memory BIOs, the socket read and written in
// large pieces.
#include "common/tls_stream.h"

#include <openssl/err.h>

#include <stdexcept>

namespace kappa {

namespace asio = boost::asio;

TlsServerStream::TlsServerStream(asio::ip::tcp::socket socket, asio::ssl::context& ctx)
    : socket_(std::move(socket)), cipher_in_(new char[kCipherReadBytes]) {
  ssl_ = SSL_new(ctx.native_handle());
  rbio_ = BIO_new(BIO_s_mem());
  wbio_ = BIO_new(BIO_s_mem());
  if (ssl_ == nullptr || rbio_ == nullptr || wbio_ == nullptr) {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (rbio_ != nullptr) BIO_free(rbio_);
    if (wbio_ != nullptr) BIO_free(wbio_);
    throw std::bad_alloc();
  }
  // An empty read BIO means "wait for more", not end of file.
  BIO_set_mem_eof_return(rbio_, -1);
  BIO_set_mem_eof_return(wbio_, -1);
  SSL_set_bio(ssl_, rbio_, wbio_);  // ssl_ owns both from here
  SSL_set_accept_state(ssl_);
}

TlsServerStream::TlsServerStream(TlsServerStream&& o) noexcept
    : socket_(std::move(o.socket_)),
      ssl_(std::exchange(o.ssl_, nullptr)),
      rbio_(std::exchange(o.rbio_, nullptr)),
      wbio_(std::exchange(o.wbio_, nullptr)),
      cipher_in_(std::move(o.cipher_in_)),
      out_(std::move(o.out_)) {}

TlsServerStream::~TlsServerStream() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

boost::system::error_code TlsServerStream::SslError(int ret) {
  const int e = SSL_get_error(ssl_, ret);
  if (e == SSL_ERROR_ZERO_RETURN) return asio::error::eof;  // the peer's close_notify
  if (unsigned long code = ERR_get_error()) {
    ERR_clear_error();
    return {static_cast<int>(code), asio::error::get_ssl_category()};
  }
  return asio::ssl::error::stream_truncated;
}

bool TlsServerStream::ReadPlain(char* p, size_t len, size_t* n,
                                boost::system::error_code* ec) {
  *n = 0;
  while (*n < len) {
    size_t got = 0;
    ERR_clear_error();
    const int r = SSL_read_ex(ssl_, p + *n, len - *n, &got);
    if (r == 1) {
      *n += got;
      continue;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && ec != nullptr && *n == 0) *ec = SslError(r);
    return false;
  }
  return true;
}

void TlsServerStream::FeedCipher(size_t n) {
  // A memory BIO grows as needed: the write takes all of it.
  if (n > 0) BIO_write(rbio_, cipher_in_.get(), static_cast<int>(n));
}

bool TlsServerStream::WritePlain(const char* p, size_t len, boost::system::error_code* ec) {
  size_t written = 0;
  ERR_clear_error();
  const int r = SSL_write_ex(ssl_, p, len, &written);
  if (r == 1 && written == len) return true;
  *ec = SslError(r);
  return false;
}

void TlsServerStream::TakeOutput() {
  const size_t pending = BIO_ctrl_pending(wbio_);
  if (pending == 0) return;
  const size_t at = out_.size();
  out_.resize(at + pending);
  const int got = BIO_read(wbio_, out_.data() + at, static_cast<int>(pending));
  out_.resize(at + static_cast<size_t>(got > 0 ? got : 0));
}

asio::awaitable<void> TlsServerStream::Handshake() {
  for (;;) {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    boost::system::error_code failed;
    if (r != 1 && SSL_get_error(ssl_, r) != SSL_ERROR_WANT_READ) failed = SslError(r);
    // What OpenSSL has for the peer (its flight, or the alert of a failure) goes out first.
    TakeOutput();
    if (!out_.empty()) {
      auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(out_),
                                                asio::as_tuple(asio::use_awaitable));
      out_.clear();
      if (ec && !failed) failed = ec;
    }
    if (failed) throw boost::system::system_error(failed);
    if (r == 1) co_return;
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(cipher_in_.get(), kCipherReadBytes),
                                                    asio::as_tuple(asio::use_awaitable));
    if (ec) throw boost::system::system_error(ec);
    FeedCipher(n);
  }
}

}  // namespace kappa
