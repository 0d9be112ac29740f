#include "cql/server/error.h"

#include "cql/protocol/wire.h"

namespace kappa::cql {

CqlError FromStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
    case Status::Code::kNotSupported:
    case Status::Code::kOutOfRange:
      return CqlError::Invalid(s.message());
    case Status::Code::kAlreadyExists:
      return {ErrorCode::kAlreadyExists, s.message()};
    default:
      return CqlError::Server(s.ToString());
  }
}

std::string EncodeErrorBody(const CqlError& e) {
  std::string body;
  WireWriter w(&body);
  w.Int(int32_t(e.code));
  w.String(e.message);
  switch (e.code) {
    case ErrorCode::kAlreadyExists:
      w.String(e.keyspace);
      w.String(e.table);
      break;
    case ErrorCode::kUnprepared:
      w.ShortBytes(e.prepared_id);
      break;
    case ErrorCode::kUnavailable:
      w.Short(0x0001);  // consistency ONE
      w.Int(1);
      w.Int(0);
      break;
    default:
      break;
  }
  return body;
}

}  // namespace kappa::cql
