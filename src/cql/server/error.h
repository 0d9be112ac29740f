// CQL error responses (native_protocol_v4.spec section 9) and the translation of kappa
// Status codes into them. Errors are translated only here, at the protocol edge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "common/status.h"
#include "cql/protocol/error_code.h"

namespace kappa::cql {

struct CqlError {
  CqlError() = default;
  CqlError(ErrorCode c, std::string m, std::string ks = {}, std::string t = {})
      : code(c), message(std::move(m)), keyspace(std::move(ks)), table(std::move(t)) {}

  ErrorCode code = ErrorCode::kServerError;
  std::string message;
  std::string keyspace;     // kAlreadyExists
  std::string table;        // kAlreadyExists (empty for a keyspace)
  std::string prepared_id;  // kUnprepared

  static CqlError Syntax(std::string m) { return {ErrorCode::kSyntaxError, std::move(m)}; }
  static CqlError Invalid(std::string m) { return {ErrorCode::kInvalid, std::move(m)}; }
  static CqlError Protocol(std::string m) { return {ErrorCode::kProtocolError, std::move(m)}; }
  static CqlError Server(std::string m) { return {ErrorCode::kServerError, std::move(m)}; }
};

// Invalid for InvalidArgument/NotFound/NotSupported, AlreadyExists (without names: callers
// that know them fill them in), Unavailable/IOError as server errors with the message.
CqlError FromStatus(const Status& s);

// The ERROR message body: [int code][string message] + code-specific fields.
std::string EncodeErrorBody(const CqlError& e);

// A value or a CqlError: what executors and handlers return.
template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T v) : v_(std::move(v)) {}         // NOLINT: implicit by design
  Outcome(CqlError e) : v_(std::move(e)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const CqlError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, CqlError> v_;
};

// The outcome of a step that yields no value (a check, a write): success or a CqlError.
// `return {};` is success.
template <>
class [[nodiscard]] Outcome<void> {
 public:
  Outcome() = default;
  Outcome(CqlError e) : error_(std::move(e)) {}  // NOLINT: implicit by design
  bool ok() const { return !error_.has_value(); }
  const CqlError& error() const { return *error_; }

 private:
  std::optional<CqlError> error_;
};

}  // namespace kappa::cql

// Early return of a CqlError from a function returning Outcome<...>.
#define CQL_RETURN_IF_ERROR(expr)                           \
  do {                                                      \
    ::kappa::Status _cst = (expr);                          \
    if (!_cst.ok()) return ::kappa::cql::FromStatus(_cst);  \
  } while (0)
#define CQL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)              \
  auto tmp = (expr);                                           \
  if (!tmp.ok()) return ::kappa::cql::FromStatus(tmp.status()); \
  lhs = std::move(tmp).value()
#define CQL_ASSIGN_OR_RETURN(lhs, expr) \
  CQL_ASSIGN_OR_RETURN_IMPL(KAPPA_CONCAT(_cres_, __LINE__), lhs, expr)
// For expressions that are themselves Outcome<...>.
#define CQL_TRY_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                 \
  if (!tmp.ok()) return tmp.error(); \
  lhs = std::move(tmp).value()
#define CQL_TRY(lhs, expr) CQL_TRY_IMPL(KAPPA_CONCAT(_ctry_, __LINE__), lhs, expr)
// For expressions that are Outcome<void>.
#define CQL_TRY_VOID(expr)                          \
  do {                                              \
    auto _ctv = (expr);                             \
    if (!_ctv.ok()) return _ctv.error();            \
  } while (0)
