// SaslAuthenticate (key 36), versions 0..2; v2 is flexible (docs/formats/kafka.md, "SASL").
//   request  auth_bytes (bytes)
//   response error_code, error_message (nullable string), auth_bytes, v1+ session_lifetime_ms
// One token of the mechanism chosen by SaslHandshake v1. A failed login is answered with
// SASL_AUTHENTICATION_FAILED and the reason after the failure delay (sasl_session.h), then
// the connection is closed, as Kafka does.
#include "kafka/handlers/handlers.h"
#include "kafka/sasl_session.h"

namespace kappa::kafka {

static void HandleSaslAuthenticate(RequestContext& ctx, Reader& in, Responder respond) {
  std::string_view token = in.Bytes();
  if (ctx.flexible) in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed SaslAuthenticate");
    return;
  }
  SaslSession::Outcome out;
  if (ctx.sasl && ctx.sasl->required()) {
    out = ctx.sasl->Authenticate(token);
  } else {
    out.error = ErrorCode::kIllegalSaslState;
    out.message = "SASL is not enabled on this listener";
    out.close = true;
  }
  Writer w(ctx.flexible);
  w.Error(out.error);
  w.NullableString(out.error == ErrorCode::kNone ? std::nullopt
                                                 : std::optional<std::string_view>(out.message));
  w.Bytes(out.token);
  if (ctx.api_version >= 1) w.Int64(out.session_lifetime_ms);
  w.EmptyTaggedFields();
  if (!out.close) {
    respond.Send(w);
    return;
  }
  auto errors = w.TakeErrors();
  auto body = w.Take();
  std::string reason = "SASL authentication failed: " + out.message;
  if (out.delay_ms > 0 && ctx.scheduler) {
    ctx.scheduler->RunAfter(out.delay_ms, [respond, body = std::move(body), reason = std::move(reason),
                                           errors = std::move(errors)]() mutable {
      respond.SendAndClose(std::move(body), std::move(reason), std::move(errors));
    });
    return;
  }
  respond.SendAndClose(std::move(body), std::move(reason), std::move(errors));
}

const ApiSpec kSaslAuthenticateApi = {36, "SaslAuthenticate", 0, 2, 2, &HandleSaslAuthenticate};

}  // namespace kappa::kafka
