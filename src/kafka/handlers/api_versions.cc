// ApiVersions (key 18), versions 0..3; v3 is flexible (compact arrays, tagged fields) but,
// as in Kafka, its response header is always v0 so a client can parse it before it knows
// which versions the broker speaks.
//   request  v3+: client_software_name, client_software_version (compact strings)
//   response error_code, api_keys[api_key, min_version, max_version], v1+ throttle_time_ms
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

std::string EncodeApiVersionsResponse(int16_t version, ErrorCode error) {
  Writer w(version >= 3);
  w.Error(error);
  const auto& apis = AllApis();
  w.ArrayLength(int32_t(apis.size()));
  for (const ApiSpec* s : apis) {
    w.Int16(s->key);
    w.Int16(s->min_version);
    w.Int16(s->max_version);
    w.EmptyTaggedFields();
  }
  if (version >= 1) w.Int32(0);  // throttle_time_ms
  w.EmptyTaggedFields();
  return w.Take();
}

static void HandleApiVersions(RequestContext& ctx, Reader& in, Responder respond) {
  if (ctx.api_version >= 3) {
    in.String();  // client_software_name
    in.String();  // client_software_version
    in.SkipTaggedFields();
  }
  if (!in.ok()) {
    // Kafka answers a malformed ApiVersions with INVALID_REQUEST rather than closing.
    respond.Send(EncodeApiVersionsResponse(ctx.api_version, ErrorCode::kInvalidRequest));
    return;
  }
  respond.Send(EncodeApiVersionsResponse(ctx.api_version, ErrorCode::kNone));
}

const ApiSpec kApiVersionsApi = {18, "ApiVersions", 0, 3, 3, &HandleApiVersions};

}  // namespace kappa::kafka
