// The server's side of a streaming body (http.h StreamWriter): a queue of chunks that any
// thread fills and the connection's coroutine drains, waking it through a timer on the
// connection's strand. Private to src/http.
#pragma once

#include <boost/asio.hpp>

#include <deque>
#include <vector>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "http/http.h"

namespace kappa::http {

class StreamWriterImpl final : public StreamWriter,
                               public std::enable_shared_from_this<StreamWriterImpl> {
 public:
  // `strand`: the connection's; `max_queued`: bytes the client may fall behind by.
  StreamWriterImpl(boost::asio::any_io_executor strand, uint64_t max_queued);

  bool Write(std::string chunk) override;
  void Close() override;
  bool closed() const override;
  void OnClose(std::function<void()> fn) override;

  // The connection's side (on its strand).
  // Moves the queued chunks out; `*ended` once Close() was called (and nothing is queued).
  // False if the stream is dead (client too slow, or Kill()).
  bool Take(std::vector<std::string>* chunks, bool* ended);
  // The stream is over for good (client gone, server stopping, body ended): refuses further
  // writes, runs the OnClose functions. Any thread; idempotent.
  void Kill();
  // Woken (cancelled) when there is something to Take. On the strand only.
  boost::asio::steady_timer& wakeup() { return wakeup_; }

 private:
  void Wake();

  boost::asio::any_io_executor strand_;
  const uint64_t max_queued_;
  boost::asio::steady_timer wakeup_;
  mutable Mutex mu_;
  std::deque<std::string> queue_ GUARDED_BY(mu_);
  uint64_t queued_bytes_ GUARDED_BY(mu_) = 0;
  bool ended_ GUARDED_BY(mu_) = false;  // Close() was called
  bool dead_ GUARDED_BY(mu_) = false;
  std::vector<std::function<void()>> on_close_ GUARDED_BY(mu_);
};

}  // namespace kappa::http
