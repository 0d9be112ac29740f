// Buffered socket input for the frame readers: one read_some fetches as many pipelined
// frames as the kernel has, instead of two or three reads per frame.
#pragma once

#include <boost/asio.hpp>

#include <algorithm>
#include <cstring>
#include <string>

namespace kappa::cql {

class InputBuffer {
 public:
  // Ensures at least n bytes are buffered. Throws boost::system::system_error on EOF/errors.
  template <typename Socket>
  boost::asio::awaitable<void> Fill(Socket& socket, size_t n) {
    if (size() >= n) co_return;
    if (start_ > 0) {  // keep the unread bytes at the front
      std::memmove(buf_.data(), buf_.data() + start_, size());
      end_ -= start_;
      start_ = 0;
    }
    if (buf_.size() < kMinCapacity) buf_.resize(kMinCapacity);
    while (size() < n) {
      // Grow with the data actually received, not with the length a header claims, so a
      // hostile header cannot make the server allocate its maximum frame size up front.
      if (end_ == buf_.size()) buf_.resize(std::min(n, buf_.size() * 2));
      size_t got = co_await socket.async_read_some(
          boost::asio::buffer(buf_.data() + end_, buf_.size() - end_), boost::asio::use_awaitable);
      end_ += got;
    }
  }
  const char* data() const { return buf_.data() + start_; }
  size_t size() const { return end_ - start_; }
  void Consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
    // Give back memory after a huge frame.
    if (start_ == 0 && buf_.size() > 4 * kMinCapacity) buf_.resize(kMinCapacity);
  }

 private:
  static constexpr size_t kMinCapacity = 64 * 1024;
  std::string buf_;
  size_t start_ = 0;
  size_t end_ = 0;
};

}  // namespace kappa::cql
