// CQL error codes: the [int] that starts an ERROR message body (native_protocol_v4.spec
// section 9). The server answers with them (server/error.h) and the client hands them to its
// callers as Status::protocol_code() (cql/client.h, ErrorCodeOf).
#pragma once

#include <cstdint>
#include <string_view>

namespace kappa::cql {

enum class ErrorCode : int32_t {
  kServerError = 0x0000,
  kProtocolError = 0x000A,
  kBadCredentials = 0x0100,
  kUnavailable = 0x1000,
  kOverloaded = 0x1001,
  kIsBootstrapping = 0x1002,
  kTruncateError = 0x1003,
  kWriteTimeout = 0x1100,
  kReadTimeout = 0x1200,
  kReadFailure = 0x1300,
  kFunctionFailure = 0x1400,
  kWriteFailure = 0x1500,
  kSyntaxError = 0x2000,
  kUnauthorized = 0x2100,
  kInvalid = 0x2200,
  kConfigError = 0x2300,
  kAlreadyExists = 0x2400,
  kUnprepared = 0x2500,
};

// The name cqlsh prints in brackets ("Invalid query", "Syntax error in CQL query"); "Error"
// for a code it does not know.
std::string_view ErrorCodeName(int32_t code);

}  // namespace kappa::cql
