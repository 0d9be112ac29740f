#include "common/status.h"

namespace kappa {

std::string_view CodeName(Status::Code c) {
  switch (c) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kNotFound: return "NotFound";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kIOError: return "IOError";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kAlreadyExists: return "AlreadyExists";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kOutOfRange: return "OutOfRange";
    case Status::Code::kNotSupported: return "NotSupported";
    case Status::Code::kTimedOut: return "TimedOut";
    case Status::Code::kAborted: return "Aborted";
    case Status::Code::kInternal: return "Internal";
  }
  return "Unknown";
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->msg : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(CodeName(code()));
  s += ": ";
  s += state_->msg;
  return s;
}

Status Status::WithContext(std::string_view ctx) const {
  if (ok()) return *this;
  Status s(code(), std::string(ctx) + ": " + state_->msg);
  s.state_->retryable = state_->retryable;
  s.state_->protocol_code = state_->protocol_code;
  return s;
}

Status Status::WithProtocolCode(int32_t protocol_code) const {
  if (ok()) return *this;
  Status s(code(), state_->msg);
  s.state_->retryable = state_->retryable;
  s.state_->protocol_code = protocol_code;
  return s;
}

}  // namespace kappa
