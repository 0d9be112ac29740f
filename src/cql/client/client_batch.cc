// The CQL client's BATCH of prepared statements (protocol section 4.1.7): encoding, routing,
// re-prepare on UNPREPARED and retries, as for EXECUTE (client.cc).
#include <future>

#include "cql/client/client_impl.h"

namespace kappa::cql {

Result<ClientResult> Client::Batch(BatchType type, std::vector<BatchStatement> statements) {
  std::promise<Result<ClientResult>> done;
  auto fut = done.get_future();
  BatchAsync(type, std::move(statements),
             [&done](Result<ClientResult> r) { done.set_value(std::move(r)); });
  return fut.get();
}

namespace client_internal {

void ClientImpl::BatchAsync(BatchType type, std::vector<BatchStatement> statements,
                            std::function<void(Result<ClientResult>)> done) {
  if (statements.empty() || statements.size() > 65535) {
    done(Status::InvalidArgument("a BATCH needs 1 to 65535 statements, not " +
                                 std::to_string(statements.size())));
    return;
  }
  for (const auto& s : statements) {
    if (!s.prepared) {
      done(Status::InvalidArgument("a BATCH statement has no prepared statement"));
      return;
    }
  }
  auto st = std::make_shared<BatchState>();
  st->type = type;
  st->statements = std::move(statements);
  st->retries = options_.max_retries;
  st->done = std::move(done);
  BatchImpl(std::move(st));
}

void ClientImpl::BatchImpl(std::shared_ptr<BatchState> st) {
  const BatchStatement& first = st->statements.front();
  auto conn = Pick(first.prepared.get(), &first.values);
  if (!conn) {
    st->done(NoLiveHost());
    return;
  }
  // <type><n>{<kind=1><id><n values><value>...}<consistency><flags=0>
  std::string body;
  size_t size = 8;
  for (const auto& s : st->statements) size += 3 + s.prepared->id.size() + BoundValuesSize(s.values);
  body.reserve(size);
  WireWriter w(&body);
  w.Byte(uint8_t(st->type));
  w.Short(uint16_t(st->statements.size()));
  for (const auto& s : st->statements) {
    w.Byte(1);
    w.ShortBytes(s.prepared->id);
    EncodeValues(s.values, &w);
  }
  w.Short(uint16_t(options_.consistency));
  w.Byte(0);
  conn->Send(Opcode::kBatch, std::move(body), [this, st, conn](Result<ClientFrame> f) {
    if (!f.ok()) {
      if (st->retries > 0 && f.status().IsUnavailable()) {
        --st->retries;
        BatchImpl(st);
        return;
      }
      st->done(f.status());
      return;
    }
    if (f->opcode != Opcode::kError) {
      st->done(DecodeResult(*f, nullptr));
      return;
    }
    Status s = ErrorFromBody(f->body);
    std::optional<ErrorCode> code = ErrorCodeOf(s);
    if (code == ErrorCode::kUnprepared && st->reprepares < int(st->statements.size())) {
      // The host does not know one of the statements: prepare it there, then send again.
      std::string id = UnpreparedIdOf(f->body);
      const PreparedStatement* missing = nullptr;
      for (const auto& b : st->statements) {
        if (b.prepared->id == id) missing = b.prepared.get();
      }
      if (missing) {
        ++st->reprepares;
        PrepareAgain(conn, missing->query, [this, st](Status ps) {
          if (ps.ok()) BatchImpl(st); else st->done(ps);
        });
        return;
      }
    }
    if (RetryElsewhere(code) && st->retries > 0) {
      --st->retries;
      BatchImpl(st);
      return;
    }
    st->done(s);
  });
}

}  // namespace client_internal
}  // namespace kappa::cql
