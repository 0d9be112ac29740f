#include "cql/server/connection.h"

#include <cstring>

#include "common/coding.h"
#include "common/input_buffer.h"
#include "cql/server/server_metrics.h"
#include "cql/server/write_group.h"
#include "common/logging.h"

namespace kappa::cql {

namespace asio = boost::asio;
using asio::ip::tcp;

Connection::Connection(tcp::socket socket, ServerContext* ctx,
                       std::shared_ptr<ConnectionWatch> watch)
    : transport_(std::move(socket), ctx->options->tls),
      strand_(asio::make_strand(transport_.get_executor())), ctx_(ctx),
      watch_(std::move(watch)), output_room_(strand_, asio::steady_timer::time_point::max()) {
  boost::system::error_code ec;
  transport_.socket().set_option(tcp::no_delay(true), ec);
  state_.peer = watch_->peer();
  auto remote = transport_.socket().remote_endpoint(ec);
  if (!ec) state_.session.host = remote.address().to_string();
}

void Connection::Start() {
  // The listener calls this from its own thread. It takes no reference to the connection
  // there: the one the strand takes may be the last (the read loop can end meanwhile), and
  // the connection must be destroyed on its own thread, never on the listener's.
  watch_->OnExpire([weak = weak_from_this(), strand = strand_](const std::string&) {
    asio::post(strand, [weak] {
      if (auto c = weak.lock()) c->CloseOnStrand();
    });
  });
  asio::co_spawn(strand_, [self = shared_from_this()] { return self->ReadLoop(); },
                 asio::detached);
}

void Connection::Close() {
  asio::post(strand_, [self = shared_from_this()] { self->CloseOnStrand(); });
}

void Connection::CloseOnStrand() {
  closed_ = true;
  transport_.Close();
  output_room_.cancel();
}

asio::awaitable<void> Connection::WaitForOutputRoom() {
  while (!closed_ && OutputBytes() > watch_->limits().max_output_bytes) {
    watch_->AwaitingClientRead();
    output_room_.expires_at(asio::steady_timer::time_point::max());
    (void)co_await output_room_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

void Connection::SendSchemaEvent(const SchemaChangeResult& change) {
  if (!state_.want_schema_events) return;
  asio::post(strand_, [self = shared_from_this(), change] {
    std::string body;
    WireWriter w(&body);
    w.String("SCHEMA_CHANGE");
    EncodeSchemaChange(change, &w);
    self->Send(-1, Response{Opcode::kEvent, std::move(body)});
  });
}

void Connection::Queue(int16_t stream, const Response& r) {
  if (closed_) return;
  FrameHeader h;
  h.version = state_.version;
  h.response = true;
  h.stream = stream;
  h.opcode = r.opcode;
  // Compression applies once STARTUP negotiated it, and never to READY/SUPPORTED.
  Compression c = r.opcode == Opcode::kReady || r.opcode == Opcode::kSupported
                      ? Compression::kNone
                      : state_.compression;
  AppendFrame(h, r.body, c, &pending_);
  if (r.opcode == Opcode::kError) ctx_->metrics->CountError(r.body);
  if (r.close_after) close_after_write_ = true;
}

void Connection::Send(int16_t stream, const Response& r) {
  Queue(stream, r);
  Flush();
}

void Connection::Flush() {
  if (write_in_flight_ || pending_.empty()) return;
  write_in_flight_ = true;
  writing_.swap(pending_);
  pending_.clear();
  asio::async_write(transport_, asio::buffer(writing_),
                    asio::bind_executor(strand_, [self = shared_from_this()](
                                                     boost::system::error_code ec, size_t) {
                      self->write_in_flight_ = false;
                      self->writing_.clear();
                      if (ec) {
                        self->closed_ = true;
                        self->transport_.Close();
                        self->output_room_.cancel();
                        return;
                      }
                      if (self->close_after_write_ && self->pending_.empty()) {
                        self->closed_ = true;
                        self->transport_.Close();
                        return;
                      }
                      self->Flush();
                      if (self->OutputBytes() <= self->watch_->limits().max_output_bytes) {
                        self->output_room_.cancel();  // the read loop may go on
                      }
                    }));
}

namespace {

// True if `in` holds a whole v3+ frame (header and body), i.e. the next request can be read
// without waiting for the socket.
bool FrameBuffered(const InputBuffer& in) {
  if (in.size() < kFrameHeaderSize) return false;
  if ((uint8_t(in.data()[0]) & 0x7f) < 3) return false;
  return in.size() - kFrameHeaderSize >= coding::GetBE32(in.data() + 5);
}

}  // namespace

void Connection::RunBurst(std::vector<BurstRequest>* burst, bool all) {
  if (burst->empty()) return;
  // Runs on the connection's own thread, where it was read: no hand-off to another thread
  // and back. Plain writes of the burst are committed together before any of them is
  // answered (write_group.h), and the answers leave in one write. Unless `all`, it stops
  // before a request once the unsent answers exceed max_output_bytes; the rest stays in
  // `burst` for when the client has read (ReadLoop).
  const size_t limit = watch_->limits().max_output_bytes;
  size_t done = 0;
  {
    WriteGroup group(ctx_->executor->store());
    std::vector<size_t> grouped;  // indexes of responses whose writes are in the group
    responses_.clear();
    size_t answered = OutputBytes();
    for (BurstRequest& q : *burst) {
      if (!all && answered > limit) break;
      size_t before = group.count();
      responses_.emplace_back(q.stream, q.handler->handle(*ctx_, state_, std::string_view(q.data).substr(q.offset)));
      answered += responses_.back().second.body.size();
      ++done;
      if (group.count() != before) grouped.push_back(responses_.size() - 1);
    }
    Status st = group.Commit();
    if (!st.ok()) {
      for (size_t i : grouped) responses_[i].second = Response::Error(FromStatus(st));
    }
  }
  for (const auto& [stream, r] : responses_) Queue(stream, r);
  responses_.clear();
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < done; ++i) {
    const BurstRequest& q = (*burst)[i];
    ctx_->metrics->Latency(q.handler->opcode).ObserveDuration(now - q.received);
  }
  burst->erase(burst->begin(), burst->begin() + ptrdiff_t(done));
  Flush();
}

asio::awaitable<void> Connection::ReadLoop() {
  auto self = shared_from_this();
  char header[kFrameHeaderSize];
  std::string body;
  InputBuffer in(watch_.get());
  std::vector<BurstRequest> burst;
  const ServerOptions& opts = *ctx_->options;
  try {
    if (transport_.tls()) {
      // Within request_timeout, or the watch closes the socket (a client that never
      // speaks TLS holds no connection slot for long). Cassandra closes the connection on a
      // failed handshake, plaintext clients included; so does kappa.
      watch_->ReceivingRequest();
      if (co_await transport_.Handshake() != Transport::HandshakeResult::kOk) {
        KLOG_DEBUG("cql: TLS handshake with {} failed: {}", watch_->peer(), transport_.error());
        closed_ = true;
        transport_.Close();
        co_return;
      }
    }
    for (;;) {
      // Invariant: nothing waits in `burst` while the loop waits for the socket.
      if (!FrameBuffered(in)) RunBurst(&burst);
      // The client is not reading its answers: run and read no more requests until it does.
      // Afterwards the burst is empty (RunBurst stops early only over the limit).
      while (OutputBytes() > watch_->limits().max_output_bytes) {
        co_await WaitForOutputRoom();
        if (closed_) break;
        RunBurst(&burst);
      }
      if (closed_) break;
      watch_->AwaitingRequest();
      // 8 bytes first: protocol v1/v2 headers are 8 bytes long, v3+ 9.
      co_await in.Fill(transport_, 8);
      std::memcpy(header, in.data(), 8);
      uint8_t version = uint8_t(header[0]) & 0x7f;
      bool is_response = (uint8_t(header[0]) & 0x80) != 0;
      if (version < kMinProtocolVersion || version > kMaxProtocolVersion || is_response) {
        int16_t stream = version >= 3 ? int16_t(coding::GetBE16(header + 2)) : int16_t(int8_t(header[2]));
        state_.version = kMaxProtocolVersion;
        Response r = Response::Error(CqlError::Protocol(
            "Invalid or unsupported protocol version (" + std::to_string(version) +
            "); supported versions are (3/v3, 4/v4)"));
        r.close_after = true;
        Send(stream, r);
        co_return;
      }
      co_await in.Fill(transport_, kFrameHeaderSize);
      header[8] = in.data()[8];
      FrameHeader h;
      Status st = DecodeFrameHeader(header, &h);
      if (!st.ok()) {
        Response r = Response::Error(CqlError::Protocol(st.message()));
        r.close_after = true;
        Send(h.stream, r);
        co_return;
      }
      if (state_.started && h.version != state_.version) {
        Response r = Response::Error(CqlError::Protocol(
            "Invalid message version. Got " + std::to_string(h.version) + " but previous messages on this connection had version " +
            std::to_string(state_.version)));
        r.close_after = true;
        Send(h.stream, r);
        co_return;
      }
      state_.version = h.version;
      if (h.length > opts.max_frame_bytes) {
        // Refused before its body is read: the announced length costs nothing.
        Response r = Response::Error(CqlError::Protocol(
            "frame body of " + std::to_string(h.length) + " bytes exceeds the server's " +
            "max_frame_size of " + std::to_string(opts.max_frame_bytes) + " bytes"));
        r.close_after = true;
        Send(h.stream, r);
        co_return;
      }
      co_await in.Fill(transport_, kFrameHeaderSize + size_t(h.length));
      watch_->Working();
      const auto received = std::chrono::steady_clock::now();
      body.assign(in.data() + kFrameHeaderSize, h.length);
      in.Consume(kFrameHeaderSize + size_t(h.length));
      std::string plain;
      if (h.flags & frame_flags::kCompression) {
        auto d = DecompressBody(state_.compression == Compression::kNone ? Compression::kLz4
                                                                         : state_.compression,
                                body);
        if (!d.ok() || state_.compression == Compression::kNone) {
          Send(h.stream, Response::Error(CqlError::Protocol(
                             d.ok() ? "Compressed frame without negotiated compression"
                                    : d.status().message())));
          continue;
        }
        plain = std::move(d).value();
      } else {
        plain.swap(body);
      }
      std::string_view payload = plain;
      if (h.flags & frame_flags::kCustomPayload) {
        // Skip the [bytes map] of custom payload: kappa ignores it.
        WireReader r(payload);
        uint16_t n = 0;
        bool ok = r.Short(&n);
        for (uint16_t i = 0; ok && i < n; ++i) {
          std::string_view k, v;
          bool null;
          ok = r.String(&k) && r.Bytes(&v, &null);
        }
        if (!ok) {
          Send(h.stream, Response::Error(CqlError::Protocol("Malformed custom payload")));
          continue;
        }
        payload = payload.substr(payload.size() - r.remaining());
      }
      const HandlerInfo* handler = FindHandler(h.opcode);
      if (!handler) {
        Send(h.stream, Response::Error(CqlError::Protocol(
                           "Unknown or unexpected opcode " + std::to_string(int(h.opcode)))));
        continue;
      }
      if (!state_.started && h.opcode != Opcode::kOptions && h.opcode != Opcode::kStartup) {
        Send(h.stream, Response::Error(CqlError::Protocol(
                           std::string("Unexpected message ") + OpcodeName(h.opcode) +
                           ", expecting STARTUP or OPTIONS")));
        continue;
      }
      if (state_.started && !state_.authenticated && h.opcode != Opcode::kAuthResponse &&
          h.opcode != Opcode::kOptions) {
        Send(h.stream, Response::Error({ErrorCode::kBadCredentials,
                                        "Authentication required: send AUTH_RESPONSE first"}));
        continue;
      }
      if (!handler->in_burst) {
        RunBurst(&burst, /*all=*/true);  // keep requests before a state change ahead of it
        Send(h.stream, handler->handle(*ctx_, state_, payload));
        ctx_->metrics->Latency(h.opcode).ObserveDuration(std::chrono::steady_clock::now() -
                                                         received);
        continue;
      }
      size_t offset = size_t(payload.data() - plain.data());
      burst.push_back(BurstRequest{handler, h.stream, std::move(plain), offset, received});
      plain = std::string();
      if (burst.size() >= kMaxBurst || !FrameBuffered(in)) RunBurst(&burst);
    }
  } catch (const boost::system::system_error& e) {
    // EOF or reset: the client went away.
  }
  closed_ = true;
  transport_.Close();
}

}  // namespace kappa::cql
