// SaslHandshake (key 17), versions 0..1 (docs/formats/kafka.md, "SASL").
//   request  mechanism (string)
//   response error_code, mechanisms [string] (the enabled ones)
// v0: the mechanism's tokens follow as bare size-prefixed frames (kafka-python 2.0);
// v1: they follow in SaslAuthenticate requests (librdkafka, KafkaJS). On a listener without
// SASL, and out of order, the answer is ILLEGAL_SASL_STATE; an unknown or disabled mechanism
// is UNSUPPORTED_SASL_MECHANISM, then the connection is closed, as Kafka does.
#include "kafka/handlers/handlers.h"
#include "kafka/sasl_session.h"

namespace kappa::kafka {

static void HandleSaslHandshake(RequestContext& ctx, Reader& in, Responder respond) {
  std::string_view mechanism = in.String();
  if (!in.ok()) {
    respond.Close("malformed SaslHandshake");
    return;
  }
  ErrorCode e = ctx.sasl ? ctx.sasl->Handshake(mechanism, ctx.api_version)
                         : ErrorCode::kIllegalSaslState;
  Writer w(ctx.flexible);
  w.Error(e);
  static const std::vector<std::string> kNone;
  const auto& mechs = ctx.sasl && ctx.sasl->required() ? ctx.sasl->mechanisms() : kNone;
  w.ArrayLength(int32_t(mechs.size()));
  for (const auto& m : mechs) w.String(m);
  if (e == ErrorCode::kNone) {
    respond.Send(w);
  } else {
    respond.SendAndClose(w.Take(), std::string("SaslHandshake: ") + ErrorName(e), w.TakeErrors());
  }
}

const ApiSpec kSaslHandshakeApi = {17, "SaslHandshake", 0, 1, kNeverFlexible, &HandleSaslHandshake};

}  // namespace kappa::kafka
