// Buffered socket input for the servers' frame readers (Kafka, CQL). One read_some fetches as
// many pipelined frames as the kernel has. The buffer grows only with bytes that actually
// arrived, never with the length a header announces, so a hostile size prefix costs nothing;
// growth beyond the first kBaseCapacity bytes is taken from the listener's ByteBudget (bytes
// of requests in flight for the whole server) and given back when the buffer shrinks.
//
// One connection, one coroutine: not thread-safe.
#pragma once

#include <boost/asio.hpp>

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/listener.h"

namespace kappa {

class InputBuffer {
 public:
  static constexpr size_t kBaseCapacity = 64 * 1024;

  // `watch` may be null (no deadlines, no budget: tests and clients).
  explicit InputBuffer(ConnectionWatch* watch = nullptr) : watch_(watch) {}
  ~InputBuffer() { GiveBack(charged_); }
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  // Ensures at least n bytes are buffered. Throws boost::system::system_error on EOF or a
  // socket error, and with errc::timed_out when the budget stayed spent until the request's
  // deadline. The first byte received moves the watch from AwaitingRequest to
  // ReceivingRequest.
  template <typename Socket>
  boost::asio::awaitable<void> Fill(Socket& socket, size_t n) {
    if (size() > 0 && watch_) watch_->ReceivingRequest();
    if (size() >= n) co_return;
    if (start_ > 0) {  // keep the unread bytes at the front
      std::memmove(buf_.get(), buf_.get() + start_, size());
      end_ -= start_;
      start_ = 0;
    }
    if (cap_ < kBaseCapacity) Reallocate(kBaseCapacity);
    while (size() < n) {
      if (end_ == cap_) co_await Grow(std::min(n, cap_ * 2));
      size_t got = co_await socket.async_read_some(
          boost::asio::buffer(buf_.get() + end_, cap_ - end_), boost::asio::use_awaitable);
      end_ += got;
      if (watch_) watch_->ReceivingRequest();
    }
  }
  const char* data() const { return buf_.get() + start_; }
  size_t size() const { return end_ - start_; }
  void Consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
    // Give back memory after a huge frame once it was consumed.
    if (cap_ > 4 * kBaseCapacity && size() <= kBaseCapacity) Shrink();
  }

 private:
  template <typename = void>
  boost::asio::awaitable<void> Grow(size_t new_size) {
    size_t want = new_size > kBaseCapacity ? new_size - kBaseCapacity : 0;
    if (want > charged_ && watch_) {
      uint64_t more = want - charged_;
      bool ok = co_await watch_->request_budget().Take(more, watch_->deadline());
      if (!ok) {
        throw boost::system::system_error(
            boost::asio::error::timed_out,
            "the server's budget for requests in flight stayed spent until the request timed out");
      }
      charged_ += more;
    }
    Reallocate(new_size);
  }
  // Moves the unread bytes to the front of a buffer of `capacity` bytes (at least size()).
  // The new bytes are left uninitialized: the socket writes them.
  void Reallocate(size_t capacity) {
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (size() > 0) std::memcpy(bigger.get(), buf_.get() + start_, size());
    end_ = size();
    start_ = 0;
    buf_ = std::move(bigger);
    cap_ = capacity;
  }
  void Shrink() {
    Reallocate(std::max(kBaseCapacity, size()));
    size_t now = cap_ > kBaseCapacity ? cap_ - kBaseCapacity : 0;
    if (charged_ > now) {
      GiveBack(charged_ - now);
      charged_ = now;
    }
  }
  void GiveBack(size_t n) {
    if (n > 0 && watch_) watch_->request_budget().Give(n);
  }

  ConnectionWatch* watch_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t start_ = 0;
  size_t end_ = 0;
  size_t charged_ = 0;  // bytes taken from the budget
};

}  // namespace kappa
