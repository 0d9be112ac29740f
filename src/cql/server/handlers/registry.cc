#include "cql/server/handlers/handlers.h"

namespace kappa::cql {

const HandlerInfo* FindHandler(Opcode op) {
  static const HandlerInfo kHandlers[] = {
      {Opcode::kOptions, HandleOptions, false},
      {Opcode::kStartup, HandleStartup, false},
      {Opcode::kAuthResponse, HandleAuthResponse, false},
      {Opcode::kRegister, HandleRegister, false},
      {Opcode::kQuery, HandleQuery, true},
      {Opcode::kPrepare, HandlePrepare, true},
      {Opcode::kExecute, HandleExecute, true},
      {Opcode::kBatch, HandleBatch, true},
  };
  for (const auto& h : kHandlers) {
    if (h.opcode == op) return &h;
  }
  return nullptr;
}

Response ToResponse(Outcome<ResultMessage> r, uint8_t version) {
  if (!r.ok()) return Response::Error(r.error());
  return Response::Result(r.value(), version);
}

}  // namespace kappa::cql
