// Status and Result<T>: how kappa reports errors across subsystem boundaries (no exceptions).
// Modelled on leveldb's Status. An OK status is cheap (no allocation). Thread-compatible.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kappa {

class [[nodiscard]] Status {
 public:
  enum class Code : int {
    kOk = 0,
    kNotFound,         // the named thing does not exist
    kCorruption,       // stored bytes failed validation (CRC, framing)
    kIOError,          // the OS refused a read/write/fsync; `retryable()` may be set
    kInvalidArgument,  // the caller's input is bad (a frame, a query, a record, a config)
    kAlreadyExists,    // create of something that exists
    kUnavailable,      // temporarily cannot serve (owned by another process, shutting down)
    kOutOfRange,       // an offset or index outside what is stored
    kNotSupported,     // a valid request kappa does not implement
    kTimedOut,
    kAborted,          // cancelled or stopped on purpose
    kInternal,         // a bug; never expected
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string_view m) { return Status(Code::kNotFound, m); }
  static Status Corruption(std::string_view m) { return Status(Code::kCorruption, m); }
  static Status IOError(std::string_view m, bool retryable = false) {
    Status s(Code::kIOError, m);
    s.state_->retryable = retryable;
    return s;
  }
  static Status InvalidArgument(std::string_view m) { return Status(Code::kInvalidArgument, m); }
  static Status AlreadyExists(std::string_view m) { return Status(Code::kAlreadyExists, m); }
  static Status Unavailable(std::string_view m) { return Status(Code::kUnavailable, m); }
  static Status OutOfRange(std::string_view m) { return Status(Code::kOutOfRange, m); }
  static Status NotSupported(std::string_view m) { return Status(Code::kNotSupported, m); }
  static Status TimedOut(std::string_view m) { return Status(Code::kTimedOut, m); }
  static Status Aborted(std::string_view m) { return Status(Code::kAborted, m); }
  static Status Internal(std::string_view m) { return Status(Code::kInternal, m); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsIOError() const { return code() == Code::kIOError; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsAlreadyExists() const { return code() == Code::kAlreadyExists; }
  bool IsUnavailable() const { return code() == Code::kUnavailable; }
  bool IsOutOfRange() const { return code() == Code::kOutOfRange; }
  bool retryable() const { return state_ && state_->retryable; }
  // The error code of the wire protocol whose peer reported this error (the [int] code of a
  // CQL ERROR message, as cql::Client returns it). Callers that decide on the
  // peer's reason (retry, re-prepare) test it instead of parsing the message. Empty when the
  // error did not come from the peer's error answer (OK, a lost connection, a timeout).
  std::optional<int32_t> protocol_code() const {
    return state_ ? state_->protocol_code : std::nullopt;
  }
  const std::string& message() const;

  // "IOError: write /d/x.log: No space left on device"
  std::string ToString() const;

  // Prefixes the message with context: s.WithContext("segment 00000042.log").
  Status WithContext(std::string_view ctx) const;
  // A copy carrying `protocol_code` (same Code, message and retryable flag).
  Status WithProtocolCode(int32_t protocol_code) const;

 private:
  struct State {
    Code code;
    std::string msg;
    bool retryable = false;
    std::optional<int32_t> protocol_code;
  };
  Status(Code c, std::string_view m)
      : state_(std::make_shared<State>(State{c, std::string(m), false, std::nullopt})) {}
  std::shared_ptr<State> state_;  // null == OK
};

std::string_view CodeName(Status::Code c);

// Result<T>: a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : v_(std::move(s)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kappa

// Early-return helpers.
#define KAPPA_CONCAT_INNER(a, b) a##b
#define KAPPA_CONCAT(a, b) KAPPA_CONCAT_INNER(a, b)
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::kappa::Status _st = (expr);                  \
    if (!_st.ok()) return _st;                     \
  } while (0)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(KAPPA_CONCAT(_res_, __LINE__), lhs, expr)
