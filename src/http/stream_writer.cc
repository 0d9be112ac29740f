#include "http/stream_writer.h"

namespace kappa::http {

namespace asio = boost::asio;

StreamWriterImpl::StreamWriterImpl(asio::any_io_executor strand, uint64_t max_queued)
    : strand_(strand), max_queued_(max_queued),
      wakeup_(strand, asio::steady_timer::time_point::max()) {}

bool StreamWriterImpl::Write(std::string chunk) {
  {
    MutexLock l(mu_);
    if (dead_ || ended_) return false;
    if (queued_bytes_ + chunk.size() <= max_queued_) {
      queued_bytes_ += chunk.size();
      queue_.push_back(std::move(chunk));
      Wake();
      return true;
    }
  }
  // The client is not reading: end its stream rather than hold memory for it.
  Kill();
  return false;
}

void StreamWriterImpl::Close() {
  MutexLock l(mu_);
  if (dead_ || ended_) return;
  ended_ = true;
  Wake();
}

bool StreamWriterImpl::closed() const {
  MutexLock l(mu_);
  return dead_ || ended_;
}

void StreamWriterImpl::OnClose(std::function<void()> fn) {
  {
    MutexLock l(mu_);
    if (!dead_) {
      on_close_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

bool StreamWriterImpl::Take(std::vector<std::string>* chunks, bool* ended) {
  MutexLock l(mu_);
  if (dead_) return false;
  while (!queue_.empty()) {
    chunks->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_bytes_ = 0;
  *ended = ended_;
  return true;
}

void StreamWriterImpl::Kill() {
  std::vector<std::function<void()>> fns;
  {
    MutexLock l(mu_);
    if (dead_) return;
    dead_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    fns.swap(on_close_);
    Wake();
  }
  for (auto& fn : fns) fn();
}

void StreamWriterImpl::Wake() {
  // The timer belongs to the strand; the connection checks the queue before each wait, so a
  // wake-up that finds no waiter is not lost.
  asio::post(strand_, [self = shared_from_this()] { self->wakeup_.cancel(); });
}

}  // namespace kappa::http
