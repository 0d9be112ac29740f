// TlsServerStream: the server side of TLS over a TCP socket, driven through memory BIOs.
//
//   TlsServerStream s(std::move(socket), *tls_context);
//   co_await s.Handshake();                                  // throws system_error on failure
//   co_await in.Fill(s, 8);                                  // an AsyncReadStream
//   co_await asio::async_write(s, buffers, asio::use_awaitable);   // an AsyncWriteStream
//
// Why not asio::ssl::stream: it moves ciphertext through a 17 KiB BIO pair, so every TLS
// record (16 KiB of data at most) costs a socket read and several trips through the I/O
// loop. A 300 MB produce over SSL made a kappa broker call epoll_wait 142,000 times and
// spend 0.8 CPU-seconds against 0.2 in plaintext (docs/benchmarks/kafka.md). Here a read
// takes up to 128 KiB of ciphertext from the socket at once and decrypts every record in it
// into the caller's buffer in one go; a write encrypts up to 256 KiB and sends the records
// with one socket write.
//
// Errors are asio's: OpenSSL's reason in asio's ssl category ("wrong version number (SSL
// routines)"), asio::error::eof when the peer closes. Messages the peer's records make
// OpenSSL answer (a TLS 1.3 KeyUpdate) go out with the next write. Like a socket it is not
// thread-safe: use it from its connection's strand, one read and one write at a time.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <memory>
#include <vector>

namespace kappa {

class TlsServerStream {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = boost::asio::ip::tcp::socket::lowest_layer_type;

  TlsServerStream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& ctx);
  ~TlsServerStream();
  TlsServerStream(TlsServerStream&& o) noexcept;
  TlsServerStream& operator=(TlsServerStream&&) = delete;
  TlsServerStream(const TlsServerStream&) = delete;
  TlsServerStream& operator=(const TlsServerStream&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return socket_; }
  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // The server handshake; throws boost::system::system_error if it fails.
  boost::asio::awaitable<void> Handshake();

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        ReadOp<MutableBuffers>{this, buffers}, token, socket_);
  }
  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        WriteOp<ConstBuffers>{this, buffers}, token, socket_);
  }

 private:
  static constexpr size_t kCipherReadBytes = 128 * 1024;
  static constexpr size_t kPlainWriteBytes = 256 * 1024;

  // Decrypts what the read BIO holds into `buffers` until they are full or a record is
  // incomplete. Sets `ec` only if nothing was read (the error waits for the next call).
  template <typename MutableBuffers>
  size_t Decrypt(const MutableBuffers& buffers, boost::system::error_code& ec) {
    size_t got = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b = *it;
      size_t n = 0;
      if (!ReadPlain(static_cast<char*>(b.data()), b.size(), &n, got == 0 ? &ec : nullptr)) {
        return got + n;
      }
      got += n;
    }
    return got;
  }
  // SSL_read into [p, p+len) until full: true if it filled it, false if it stopped (a
  // partial record, or an error, put in `ec` when given). `n`: the bytes read.
  bool ReadPlain(char* p, size_t len, size_t* n, boost::system::error_code* ec);
  // Feeds `n` bytes of cipher_in_ to OpenSSL.
  void FeedCipher(size_t n);
  // Encrypts up to kPlainWriteBytes of `buffers` and moves every pending record into out_.
  template <typename ConstBuffers>
  size_t Encrypt(const ConstBuffers& buffers, boost::system::error_code& ec) {
    size_t total = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && total < kPlainWriteBytes; ++it) {
      boost::asio::const_buffer b = *it;
      size_t len = std::min(b.size(), kPlainWriteBytes - total);
      if (len == 0) continue;
      if (!WritePlain(static_cast<const char*>(b.data()), len, &ec)) break;
      total += len;
    }
    TakeOutput();
    return total;
  }
  bool WritePlain(const char* p, size_t len, boost::system::error_code* ec);
  // Moves what OpenSSL wrote for the peer from the write BIO into out_.
  void TakeOutput();
  // The error of a failed SSL call, as asio reports it.
  boost::system::error_code SslError(int ret);

  template <typename MutableBuffers>
  struct ReadOp {
    TlsServerStream* s;
    MutableBuffers buffers;
    int state = 0;  // 0: started, 1: reading the socket, 2: completing a posted result
    template <typename Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0) {
      if (state == 2) return self.complete(ec, n);
      if (state == 1) {
        if (ec) return self.complete(ec, 0);
        s->FeedCipher(n);
      }
      boost::system::error_code err;
      size_t got = boost::asio::buffer_size(buffers) == 0 ? 0 : s->Decrypt(buffers, err);
      if (got > 0 || err || boost::asio::buffer_size(buffers) == 0) {
        if (state == 1) return self.complete(err, got);
        // Never complete inside the initiating call.
        state = 2;
        auto ex = s->get_executor();
        return boost::asio::post(ex, boost::asio::append(std::move(self), err, got));
      }
      state = 1;
      s->socket_.async_read_some(boost::asio::buffer(s->cipher_in_.get(), kCipherReadBytes),
                                 std::move(self));
    }
  };

  template <typename ConstBuffers>
  struct WriteOp {
    TlsServerStream* s;
    ConstBuffers buffers;
    int state = 0;  // 0: started, 1: writing the socket, 2: completing a posted error
    size_t plain = 0;
    template <typename Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t = 0) {
      if (state == 2) return self.complete(ec, 0);
      if (state == 1) {
        s->out_.clear();
        return self.complete(ec, ec ? 0 : plain);
      }
      boost::system::error_code err;
      plain = s->Encrypt(buffers, err);
      if (plain == 0 && s->out_.empty()) {
        state = 2;
        auto ex = s->get_executor();
        return boost::asio::post(ex, boost::asio::append(std::move(self), err, size_t{0}));
      }
      state = 1;
      boost::asio::async_write(s->socket_, boost::asio::buffer(s->out_), std::move(self));
    }
  };

  boost::asio::ip::tcp::socket socket_;
  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // ciphertext from the peer (owned by ssl_)
  BIO* wbio_ = nullptr;  // ciphertext for the peer (owned by ssl_)
  std::unique_ptr<char[]> cipher_in_;
  std::vector<char> out_;
};

}  // namespace kappa
