#include "http/connection.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "common/input_buffer.h"
#include "common/logging.h"
#include "http/response_writer.h"
#include "http/stream_writer.h"

namespace kappa::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// Body bytes a request may hold before it pays the listener's budget of request bytes in
// flight (the same allowance InputBuffer gives each connection).
constexpr uint64_t kFreeBodyBytes = InputBuffer::kBaseCapacity;
// After a final error answer, how long and how much of the client's further bytes are read
// and dropped before the socket closes (see Linger).
constexpr auto kLingerTime = std::chrono::milliseconds(500);
constexpr size_t kLingerBytes = 1 << 20;

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<ConnectionWatch> watch,
                       const ListenerContext* ctx)
    : transport_(std::move(socket), ctx->options.tls), watch_(std::move(watch)), ctx_(ctx) {
  boost::system::error_code ec;
  transport_.socket().set_option(tcp::no_delay(true), ec);
}

void Connection::Start() {
  // No reference to the connection is taken on the listener's thread (see ConnectionWatch).
  watch_->OnExpire([weak = weak_from_this(), ex = transport_.get_executor()](const std::string&) {
    asio::post(ex, [weak] {
      if (auto c = weak.lock()) c->OnExpire();
    });
  });
  asio::co_spawn(transport_.get_executor(), [self = shared_from_this()] { return self->Run(); },
                 asio::detached);
}

void Connection::Shutdown() {
  // Set at once, so a handler running now already answers with "Connection: close".
  stopping_ = true;
  asio::post(transport_.get_executor(), [self = shared_from_this()] {
    if (self->idle_) self->transport_.Cancel();
    if (self->stream_) self->stream_->Kill();
  });
}

void Connection::Close() {
  asio::post(transport_.get_executor(), [self = shared_from_this()] { self->CloseSocket(); });
}

void Connection::CloseSocket() {
  if (closed_) return;
  closed_ = true;
  transport_.Close();
  if (stream_) stream_->Kill();
}

void Connection::OnExpire() {
  if (closed_) return;
  // Nothing to answer (idle, a stream whose client does not read, or the second deadline
  // after a 408 that the client does not read): close. Otherwise the read in progress is
  // cancelled and Run answers 408.
  if (timed_out_ || idle_ || stream_ || !receiving_) {
    CloseSocket();
    return;
  }
  timed_out_ = true;
  transport_.Cancel();
}

void Connection::GiveBackBudget() {
  if (charged_ > 0) watch_->request_budget().Give(charged_);
  charged_ = 0;
}

void Connection::Report(const Request* req, int status, uint64_t request_bytes,
                        uint64_t response_bytes, Clock::time_point t0) {
  const auto& observer = ctx_->server->observer;
  if (!observer) return;
  RequestRecord rec;
  rec.listener = ctx_->options.name;
  if (req != nullptr) {
    rec.method = req->method;
    rec.route = req->route;
  }
  rec.status = status;
  rec.duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  rec.request_bytes = request_bytes;
  rec.response_bytes = response_bytes;
  try {
    observer(rec);
  } catch (const std::exception& e) {
    KLOG_ERROR("{}: the request observer threw: {}", ctx_->options.name, e.what());
  }
}

asio::awaitable<void> Connection::Flush() {
  if (out_.empty()) co_return;
  std::string buf;
  buf.swap(out_);
  watch_->AwaitingClientRead();
  co_await asio::async_write(transport_, asio::buffer(buf), asio::use_awaitable);
  watch_->Working();
  buf.clear();
  if (out_.empty()) out_.swap(buf);  // keep the capacity for the next answers
}

asio::awaitable<bool> Connection::ReadRequest(RequestReader& reader) {
  InputBuffer& in = *in_;
  bool continue_sent = false;
  watch_->AwaitingRequest();
  for (;;) {
    if (in.size() > 0) {
      watch_->ReceivingRequest();
      size_t used = reader.Feed(std::string_view(in.data(), in.size()));
      in.Consume(used);
      if (reader.failed() || reader.done()) co_return true;
      if (reader.expects_continue() && !continue_sent) {
        out_ += kContinue;  // after the answers before it: they go out in order
        continue_sent = true;
      }
      // A body beyond the free allowance is paid from the listener's budget before more of
      // it is read; when the budget stays spent until the request's deadline, it is a 408.
      uint64_t need = reader.body_bytes() > kFreeBodyBytes ? reader.body_bytes() - kFreeBodyBytes : 0;
      if (need > charged_) {
        bool ok = co_await watch_->request_budget().Take(need - charged_, watch_->deadline());
        if (!ok) {
          timed_out_ = receiving_ = true;
          throw boost::system::system_error(asio::error::timed_out);
        }
        charged_ = need;
      }
    }
    // More bytes are needed. The answers waiting go out first: the client may wait for them
    // (or for 100 Continue) before it sends more.
    if (!out_.empty()) {
      co_await Flush();
      watch_->AwaitingRequest();
      if (reader.started() || in.size() > 0) watch_->ReceivingRequest();
    }
    if (stopping_ && !reader.started() && in.size() == 0) co_return false;
    idle_ = !reader.started() && in.size() == 0;
    receiving_ = !idle_;
    co_await in.Fill(transport_, in.size() + 1);
    idle_ = receiving_ = false;
  }
}

asio::awaitable<void> Connection::Linger() {
  // On the TCP socket itself, also under TLS: what the client sends now is dropped unread.
  tcp::socket& socket = transport_.socket();
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  asio::steady_timer timer(transport_.get_executor(), kLingerTime);
  timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->CloseSocket();
  });
  char scratch[4096];
  size_t total = 0;
  while (total < kLingerBytes && !closed_) {
    auto [rec, n] = co_await socket.async_read_some(asio::buffer(scratch),
                                                     asio::as_tuple(asio::use_awaitable));
    if (rec) break;
    total += n;
  }
  timer.cancel();
}

asio::awaitable<bool> Connection::StartTls() {
  // The handshake is a request: it must finish within request_timeout, or OnExpire closes
  // the socket (a client that connects and never speaks TLS holds no slot for long).
  watch_->ReceivingRequest();
  auto r = co_await transport_.Handshake();
  if (r == Transport::HandshakeResult::kOk) co_return true;
  if (r == Transport::HandshakeResult::kNotTls && !closed_) {
    // nginx's courtesy: a plain HTTP client on the HTTPS port gets a readable 400 (in
    // plaintext, since it speaks no TLS) instead of a reset.
    KLOG_DEBUG("{}: plaintext request from {} on the TLS port", ctx_->options.name,
               watch_->peer());
    Response e = Response::Error(
        400, "HTTP 400 Bad Request: this port speaks HTTPS; use https:// (the plain HTTP "
             "request was sent to the HTTPS port)");
    AnswerContext c;
    c.keep_alive = false;
    std::string bytes;
    uint64_t sent = AppendResponse(e, c, &bytes);
    Report(nullptr, 400, 0, sent, Clock::now());
    watch_->AwaitingClientRead();
    auto [ec, n] = co_await asio::async_write(transport_.socket(), asio::buffer(bytes),
                                              asio::as_tuple(asio::use_awaitable));
    if (!ec) co_await Linger();
    co_return false;
  }
  KLOG_DEBUG("{}: TLS handshake with {} failed: {}", ctx_->options.name, watch_->peer(),
             transport_.error());
  co_return false;
}

asio::awaitable<void> Connection::RunStream(Response& r, const AnswerContext& c) {
  AppendStreamHead(r, c, &out_);
  co_await Flush();
  auto w = std::make_shared<StreamWriterImpl>(transport_.get_executor(),
                                              watch_->limits().max_output_bytes);
  stream_ = w;
  watch_->Working();  // the producer decides when the stream ends
  if (stopping_) {
    w->Kill();
  } else {
    try {
      r.stream(w);
    } catch (const std::exception& e) {
      KLOG_ERROR("{}: a stream's start function threw: {}", ctx_->options.name, e.what());
      w->Kill();
    }
  }
  std::vector<std::string> chunks;
  char scratch[512];
  for (;;) {
    chunks.clear();
    bool ended = false;
    if (!w->Take(&chunks, &ended)) break;
    if (!chunks.empty()) {
      for (const auto& ch : chunks) AppendChunk(ch, c.version, &out_);
      co_await Flush();
      continue;
    }
    if (ended) {
      AppendLastChunk(c.version, &out_);
      co_await Flush();
      break;
    }
    // Wait for a chunk, the end, or the client: a byte or EOF from it ends the stream (the
    // stream is the connection's last answer; an SSE client sends nothing).
    w->wakeup().expires_at(asio::steady_timer::time_point::max());
    auto which = co_await (w->wakeup().async_wait(asio::as_tuple(asio::use_awaitable)) ||
                           transport_.async_read_some(asio::buffer(scratch),
                                                   asio::as_tuple(asio::use_awaitable)));
    if (which.index() == 1) break;
  }
}

asio::awaitable<void> Connection::Run() {
  auto self = shared_from_this();
  InputBuffer in(watch_.get());
  in_ = &in;
  const ListenerOptions& opts = ctx_->options;
  int pending = 0;  // answers in out_ since the last write
  try {
    if (transport_.tls() && !co_await StartTls()) {
      in_ = nullptr;
      CloseSocket();
      co_return;
    }
    for (;;) {
      RequestReader reader(ctx_->parse_limits);
      bool got = false;
      bool slow_client = false;
      try {
        got = co_await ReadRequest(reader);
      } catch (const boost::system::system_error&) {
        if (!timed_out_ || !receiving_ || closed_) throw;
        slow_client = true;
      }
      if (slow_client) {
        // A slow client: say so, then close (the request timeout passed, or the budget of
        // request bytes stayed spent until it).
        receiving_ = false;
        out_.clear();
        Response r = Response::Error(
            408, "HTTP 408 Request Timeout: the request did not arrive whole within "
                 "request_timeout (" + std::to_string(watch_->limits().request_timeout_ms) +
                 " ms)");
        AnswerContext c;
        c.keep_alive = false;
        uint64_t sent = AppendResponse(r, c, &out_);
        Report(nullptr, 408, reader.body_bytes(), sent, Clock::now());
        co_await Flush();
        break;
      }
      if (!got) break;
      auto t0 = Clock::now();
      watch_->Working();
      AnswerContext c;
      c.gzip_min_bytes = ctx_->server->gzip_min_bytes;
      c.gzip_level = ctx_->server->gzip_level;
      if (reader.failed()) {
        // Framing is lost: answer and close.
        Response r = Response::Error(reader.error_status(), reader.error_message());
        c.keep_alive = false;
        uint64_t sent = AppendResponse(r, c, &out_);
        Report(nullptr, r.status, reader.body_bytes(), sent, t0);
        co_await Flush();
        co_await Linger();
        break;
      }
      c.version = reader.version();
      c.head = reader.is_head();
      c.gzip_ok = reader.accepts_gzip();
      const bool keep_alive = reader.keep_alive();  // (the message moves out next)
      Request req = reader.TakeRequest(watch_->peer());
      req.tls = transport_.tls();
      Response r;
      if (reader.failed()) {
        r = Response::Error(reader.error_status(), reader.error_message());
      } else {
        try {
          r = opts.router->Dispatch(req);
        } catch (const std::exception& e) {  // Dispatch catches the handler's own; this is
                                             // running out of memory and the like
          KLOG_ERROR("{}: {} {}: {}", opts.name, req.method, req.path, e.what());
          r = Response::Error(500, "HTTP 500 Internal Server Error: the request failed in the server");
        }
      }
      GiveBackBudget();
      c.keep_alive = keep_alive && !stopping_;
      if (r.stream && !c.head && r.status >= 200 && r.status != 204 && r.status != 304) {
        Report(&req, r.status, req.body.size(), 0, t0);
        co_await RunStream(r, c);
        break;
      }
      r.stream = nullptr;
      if (out_.empty()) pending = 0;
      uint64_t sent = AppendResponse(r, c, &out_);
      Report(&req, r.status, req.body.size(), sent, t0);
      if (!c.keep_alive) {
        co_await Flush();
        break;
      }
      if (++pending >= opts.max_pipelined || out_.size() >= watch_->limits().max_output_bytes) {
        co_await Flush();
        pending = 0;
      }
    }
  } catch (const boost::system::system_error& e) {
    KLOG_DEBUG("{}: connection from {} ends: {}", opts.name, watch_->peer(), e.what());
  } catch (const std::exception& e) {
    KLOG_WARN("{}: connection from {} ends: {}", opts.name, watch_->peer(), e.what());
  }
  in_ = nullptr;
  GiveBackBudget();
  if (stream_) {
    stream_->Kill();
    stream_.reset();
  }
  CloseSocket();
}

}  // namespace kappa::http
