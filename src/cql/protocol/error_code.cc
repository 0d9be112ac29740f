#include "cql/protocol/error_code.h"

namespace kappa::cql {

std::string_view ErrorCodeName(int32_t code) {
  switch (ErrorCode(code)) {
    case ErrorCode::kServerError: return "Server error";
    case ErrorCode::kProtocolError: return "Protocol error";
    case ErrorCode::kBadCredentials: return "Bad credentials";
    case ErrorCode::kUnavailable: return "Unavailable exception";
    case ErrorCode::kOverloaded: return "Overloaded";
    case ErrorCode::kIsBootstrapping: return "Is bootstrapping";
    case ErrorCode::kTruncateError: return "Truncate error";
    case ErrorCode::kWriteTimeout: return "Write timeout";
    case ErrorCode::kReadTimeout: return "Read timeout";
    case ErrorCode::kReadFailure: return "Read failure";
    case ErrorCode::kFunctionFailure: return "Function failure";
    case ErrorCode::kWriteFailure: return "Write failure";
    case ErrorCode::kSyntaxError: return "Syntax error in CQL query";
    case ErrorCode::kUnauthorized: return "Unauthorized";
    case ErrorCode::kInvalid: return "Invalid query";
    case ErrorCode::kConfigError: return "Config error";
    case ErrorCode::kAlreadyExists: return "Already exists";
    case ErrorCode::kUnprepared: return "Unprepared";
  }
  return "Error";
}

}  // namespace kappa::cql
