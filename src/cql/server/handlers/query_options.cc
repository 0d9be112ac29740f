#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Outcome<QueryOptions> DecodeQueryOptions(WireReader* r, uint8_t version) {
  QueryOptions o;
  uint8_t flags = 0;
  if (!r->Short(&o.consistency) || !r->Byte(&flags)) {
    return CqlError::Protocol("Malformed query parameters: truncated consistency/flags");
  }
  if (flags & 0x01) {
    uint16_t n;
    if (!r->Short(&n)) return CqlError::Protocol("Malformed query parameters: truncated values");
    o.values.resize(n);
    for (uint16_t i = 0; i < n; ++i) {
      if (flags & 0x40) {
        std::string_view name;
        if (!r->String(&name)) return CqlError::Protocol("Malformed query parameters: truncated value name");
        o.names.emplace_back(name);
      }
      if (!r->Value(&o.values[i])) return CqlError::Protocol("Malformed query parameters: truncated value");
      if (version < 4 && o.values[i].is_unset()) {
        return CqlError::Protocol("Unset values need protocol v4");
      }
    }
  }
  o.skip_metadata = (flags & 0x02) != 0;
  if (flags & 0x04) {
    if (!r->Int(&o.page_size)) return CqlError::Protocol("Malformed query parameters: truncated page size");
  }
  if (flags & 0x08) {
    std::string_view ps;
    bool null = false;
    if (!r->Bytes(&ps, &null)) return CqlError::Protocol("Malformed query parameters: truncated paging state");
    o.paging_state = std::string(ps);
  }
  if (flags & 0x10) {
    uint16_t serial;
    if (!r->Short(&serial)) return CqlError::Protocol("Malformed query parameters: truncated serial consistency");
  }
  if (flags & 0x20) {
    int64_t ts;
    if (!r->Long(&ts)) return CqlError::Protocol("Malformed query parameters: truncated timestamp");
    o.default_timestamp = ts;
  }
  return o;
}

}  // namespace kappa::cql
