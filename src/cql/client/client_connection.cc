#include "cql/client/client_connection.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>

#include "common/input_buffer.h"
#include "cql/protocol/error_code.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string UnpreparedIdOf(std::string_view body) {
  WireReader r(body);
  int32_t code = 0;
  std::string_view msg, id;
  if (!r.Int(&code) || ErrorCode(code) != ErrorCode::kUnprepared || !r.String(&msg) ||
      !r.ShortBytes(&id)) {
    return {};
  }
  return std::string(id);
}

namespace {

// The Status class of a server error: what a caller that only looks at Status codes should
// conclude (InvalidArgument: the request is wrong; Unavailable: try again, maybe elsewhere).
Status StatusOfError(int32_t code, std::string_view msg, const std::string& text) {
  switch (ErrorCode(code)) {
    case ErrorCode::kProtocolError:
      // Cassandra answers an unsupported version with a protocol error whose message says
      // so (there is no code of its own); the client then steps down a version.
      if (msg.find("unsupported protocol version") != std::string_view::npos ||
          msg.find("Invalid or unsupported protocol version") != std::string_view::npos) {
        return Status::NotSupported(text);
      }
      return Status::InvalidArgument(text);
    case ErrorCode::kInvalid:
    case ErrorCode::kSyntaxError:
    case ErrorCode::kConfigError:
    case ErrorCode::kUnauthorized:
    case ErrorCode::kBadCredentials:
      return Status::InvalidArgument(text);
    case ErrorCode::kAlreadyExists:
      return Status::AlreadyExists(text);
    case ErrorCode::kUnprepared:
      return Status::NotFound(text);
    case ErrorCode::kUnavailable:
    case ErrorCode::kOverloaded:
    case ErrorCode::kIsBootstrapping:
      return Status::Unavailable(text);
    case ErrorCode::kWriteTimeout:
    case ErrorCode::kReadTimeout:
      return Status::TimedOut(text);
    default:
      return Status::IOError(text);
  }
}

}  // namespace

Status ErrorFromBody(std::string_view body) {
  WireReader r(body);
  int32_t code = 0;
  std::string_view msg;
  if (!r.Int(&code) || !r.String(&msg)) return Status::Corruption("malformed ERROR response");
  // The message reads as cqlsh prints server errors; the code travels as protocol_code().
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04x", unsigned(code));
  std::string text = "Error from server: code=" + std::string(hex) + " [" +
                     std::string(ErrorCodeName(code)) + "] message=\"" + std::string(msg) + "\"";
  return StatusOfError(code, msg, text).WithProtocolCode(code);
}

std::optional<ErrorCode> ErrorCodeOf(const Status& s) {
  std::optional<int32_t> code = s.protocol_code();
  if (!code) return std::nullopt;
  return ErrorCode(*code);
}

ClientConnection::~ClientConnection() { socket_.Close(); }

Status ClientConnection::AwaitIo(std::future<size_t>& op, const char* what) {
  if (handshake_timeout_ms_ > 0 &&
      op.wait_for(std::chrono::milliseconds(handshake_timeout_ms_)) != std::future_status::ready) {
    asio::post(strand_, [self = shared_from_this()] {
      self->socket_.Close();
    });
    op.wait();
    return Status::Unavailable(std::string(what) + ": no answer within " +
                               std::to_string(handshake_timeout_ms_) + " ms");
  }
  try {
    op.get();
  } catch (const boost::system::system_error& e) {
    return Status::Unavailable(std::string(what) + ": " + e.code().message());
  }
  return Status::OK();
}

// The handshake runs before the read loop, one request at a time on stream 0; each step is
// bounded by the connect timeout so a server that accepts but never answers cannot hang us.
Result<ClientFrame> ClientConnection::SyncRequest(Opcode op, const std::string& body) {
  FrameHeader h;
  h.version = version_;
  h.opcode = op;
  h.stream = 0;
  std::string frame = EncodeFrame(h, body, op == Opcode::kStartup ? Compression::kNone : compression_);
  auto w = asio::async_write(socket_, asio::buffer(frame), asio::use_future);
  RETURN_IF_ERROR(AwaitIo(w, "write failed during handshake"));
  char hdr[kFrameHeaderSize];
  auto rh_op = asio::async_read(socket_, asio::buffer(hdr, kFrameHeaderSize), asio::use_future);
  RETURN_IF_ERROR(AwaitIo(rh_op, "connection closed during handshake"));
  FrameHeader rh;
  RETURN_IF_ERROR(DecodeFrameHeader(hdr, &rh));
  std::string rbody(rh.length, '\0');
  auto rb_op = asio::async_read(socket_, asio::buffer(rbody.data(), rbody.size()), asio::use_future);
  RETURN_IF_ERROR(AwaitIo(rb_op, "connection closed during handshake"));
  if (rh.flags & frame_flags::kCompression) {
    ASSIGN_OR_RETURN(rbody, DecompressBody(compression_, rbody));
  }
  return ClientFrame{rh.opcode, std::move(rbody)};
}

Status ClientConnection::Open(const std::string& host, uint16_t port, uint8_t version,
                              const ClientOptions& o) {
  version_ = version;
  boost::system::error_code ec;
  tcp::resolver resolver(socket_.socket().get_executor());
  auto eps = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return Status::Unavailable("cannot resolve " + host + ": " + ec.message());
  // Asynchronous connect so an unreachable host costs at most connect_timeout_ms (the
  // client's I/O threads complete it).
  handshake_timeout_ms_ = o.connect_timeout_ms;
  std::promise<size_t> connect_done;
  auto connected = connect_done.get_future();
  asio::async_connect(socket_.socket(), eps, [&connect_done](boost::system::error_code e, const tcp::endpoint&) {
    if (e) connect_done.set_exception(std::make_exception_ptr(boost::system::system_error(e)));
    else connect_done.set_value(0);
  });
  RETURN_IF_ERROR(AwaitIo(connected, ("cannot connect to " + host + ":" + std::to_string(port)).c_str()));
  socket_.socket().set_option(tcp::no_delay(true), ec);
  if (auto* ssl = socket_.ssl_stream()) {
    // SNI and the certificate's name checked against the host connected to (an IP address
    // is matched against the certificate's IP entries).
    if (!SSL_set_tlsext_host_name(ssl->native_handle(), host.c_str())) {
      return Status::InvalidArgument("TLS: cannot use " + host + " as the server name");
    }
    ssl->set_verify_callback(asio::ssl::host_name_verification(host));
    std::promise<size_t> hs_done;
    auto handshaken = hs_done.get_future();
    ssl->async_handshake(asio::ssl::stream_base::client, [&hs_done](boost::system::error_code e) {
      if (e) hs_done.set_exception(std::make_exception_ptr(boost::system::system_error(e)));
      else hs_done.set_value(0);
    });
    RETURN_IF_ERROR(AwaitIo(handshaken, ("TLS handshake with " + host + ":" +
                                         std::to_string(port) + " failed").c_str()));
  }
  std::map<std::string, std::string> startup = {{"CQL_VERSION", "3.0.0"},
                                                {"DRIVER_NAME", "kappa"}};
  if (o.compression == "lz4") compression_ = Compression::kLz4;
  else if (o.compression == "snappy") compression_ = Compression::kSnappy;
  if (compression_ != Compression::kNone) startup["COMPRESSION"] = o.compression;
  std::string body;
  WireWriter(&body).StringMap(startup);
  ASSIGN_OR_RETURN(ClientFrame resp, SyncRequest(Opcode::kStartup, body));
  if (resp.opcode == Opcode::kError) return ErrorFromBody(resp.body);
  if (resp.opcode == Opcode::kAuthenticate) {
    if (o.username.empty()) {
      return Status::InvalidArgument("the server at " + host + " requires authentication: pass a username and password");
    }
    std::string token;
    token.push_back('\0');
    token += o.username;
    token.push_back('\0');
    token += o.password;
    std::string ab;
    WireWriter(&ab).Bytes(token);
    ASSIGN_OR_RETURN(ClientFrame ar, SyncRequest(Opcode::kAuthResponse, ab));
    if (ar.opcode == Opcode::kError) return ErrorFromBody(ar.body);
    if (ar.opcode != Opcode::kAuthSuccess) {
      return Status::NotSupported("unsupported authentication challenge from " + host);
    }
  } else if (resp.opcode != Opcode::kReady) {
    return Status::Corruption(std::string("unexpected ") + OpcodeName(resp.opcode) + " in answer to STARTUP");
  }
  request_timeout_ms_ = o.request_timeout_ms;
  {
    MutexLock lock(mu_);  // uncontended (not alive yet); lets the analysis check these
    sent_ms_.assign(32768, 0);
    pending_.assign(32768, nullptr);
    for (int i = 32767; i >= 1; --i) free_streams_.push_back(int16_t(i));
  }
  alive_ = true;
  return Status::OK();
}

namespace {
int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void ClientConnection::StartReading() {
  asio::co_spawn(strand_, [self = shared_from_this()] { return self->ReadLoop(); }, asio::detached);
  if (request_timeout_ms_ > 0) {
    asio::co_spawn(strand_, [self = shared_from_this()] { return self->Watchdog(); }, asio::detached);
  }
}

asio::awaitable<void> ClientConnection::Watchdog() {
  auto self = shared_from_this();
  const auto period = std::chrono::milliseconds(std::clamp<int64_t>(request_timeout_ms_ / 4, 10, 1000));
  while (alive_) {
    watchdog_.expires_after(period);
    boost::system::error_code ec;
    co_await watchdog_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!alive_) co_return;
    int64_t oldest = INT64_MAX;
    {
      MutexLock lock(mu_);
      for (size_t i = 1; i < pending_.size(); ++i) {
        if (pending_[i] && sent_ms_[i] < oldest) oldest = sent_ms_[i];
      }
    }
    if (oldest != INT64_MAX && SteadyMs() - oldest > request_timeout_ms_) {
      FailAll(Status::TimedOut("no answer from the server within " +
                               std::to_string(request_timeout_ms_) + " ms (request_timeout)"));
      co_return;
    }
  }
}

void ClientConnection::Send(Opcode op, std::string body, ClientCallback cb) {
  int16_t stream;
  {
    MutexLock lock(mu_);
    if (!alive_) {
      lock.unlock();
      cb(Status::Unavailable("connection closed"));
      return;
    }
    if (free_streams_.empty()) {
      // Every stream is in flight: wait for one to free up (bounded by the caller's own
      // in-flight limit; callbacks never run under mu_).
      backlog_.push_back(Queued{op, std::move(body), std::move(cb)});
      return;
    }
    stream = free_streams_.back();
    free_streams_.pop_back();
    pending_[size_t(stream)] = std::move(cb);
    sent_ms_[size_t(stream)] = SteadyMs();
  }
  Transmit(op, stream, body);
}

void ClientConnection::Transmit(Opcode op, int16_t stream, std::string_view body) {
  FrameHeader h;
  h.version = version_;
  h.opcode = op;
  h.stream = stream;
  bool post;
  {
    MutexLock lock(out_mu_);
    AppendFrame(h, body, compression_, &out_);
    post = !flush_pending_;
    flush_pending_ = true;
  }
  if (post) asio::post(strand_, [self = shared_from_this()] { self->Flush(); });
}

void ClientConnection::Flush() {
  if (writing_now_) return;  // the write's completion flushes again
  {
    MutexLock lock(out_mu_);
    if (out_.empty()) {
      flush_pending_ = false;
      return;
    }
    writing_.swap(out_);  // writing_ is empty here; out_ keeps its old capacity
  }
  writing_now_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code ec, size_t) {
                      self->writing_now_ = false;
                      self->writing_.clear();
                      if (ec) {
                        self->FailAll(Status::Unavailable("write failed: " + ec.message()));
                        return;
                      }
                      self->Flush();
                    }));
}

asio::awaitable<void> ClientConnection::ReadLoop() {
  auto self = shared_from_this();
  InputBuffer in;
  try {
    for (;;) {
      co_await in.Fill(socket_, kFrameHeaderSize);
      FrameHeader h;
      Status st = DecodeFrameHeader(in.data(), &h);
      if (!st.ok()) {
        FailAll(st);
        co_return;
      }
      co_await in.Fill(socket_, kFrameHeaderSize + size_t(h.length));
      std::string body(in.data() + kFrameHeaderSize, h.length);
      in.Consume(kFrameHeaderSize + size_t(h.length));
      if (h.flags & frame_flags::kCompression) {
        auto d = DecompressBody(compression_, body);
        if (!d.ok()) {
          FailAll(d.status());
          co_return;
        }
        body = std::move(d).value();
      }
      if (h.stream < 0) continue;  // events: not subscribed
      ClientCallback cb;
      std::optional<Queued> next;
      {
        MutexLock lock(mu_);
        if (size_t(h.stream) < pending_.size() && pending_[size_t(h.stream)]) {
          cb = std::move(pending_[size_t(h.stream)]);
          pending_[size_t(h.stream)] = nullptr;
          if (!backlog_.empty()) {
            // Hand the freed stream straight to the oldest waiting request.
            next = std::move(backlog_.front());
            backlog_.pop_front();
            pending_[size_t(h.stream)] = std::move(next->cb);
            sent_ms_[size_t(h.stream)] = SteadyMs();
          } else {
            free_streams_.push_back(h.stream);
          }
        }
      }
      if (next) Transmit(next->op, h.stream, next->body);
      if (cb) cb(ClientFrame{h.opcode, std::move(body)});
    }
  } catch (const boost::system::system_error& e) {
    FailAll(Status::Unavailable(std::string("connection lost: ") + e.what()));
  }
}

void ClientConnection::FailAll(const Status& s) {
  std::vector<ClientCallback> cbs;
  {
    MutexLock lock(mu_);
    alive_ = false;
    for (auto& q : backlog_) cbs.push_back(std::move(q.cb));
    backlog_.clear();
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i]) {
        cbs.push_back(std::move(pending_[i]));
        pending_[i] = nullptr;
        free_streams_.push_back(int16_t(i));
      }
    }
  }
  socket_.Close();
  watchdog_.cancel();
  for (auto& cb : cbs) cb(s);
}

void ClientConnection::Close() {
  asio::post(strand_, [self = shared_from_this()] {
    self->FailAll(Status::Aborted("connection closed by the client"));
  });
}

}  // namespace kappa::cql
