#include "cql/protocol/type_option.h"

#include <string>

namespace kappa::cql {

namespace {

// The marshal class Cassandra names, for types a v3 client knows only as custom types.
const char* V3CustomClass(store::TypeKind k) {
  switch (k) {
    case store::TypeKind::kDate: return "org.apache.cassandra.db.marshal.SimpleDateType";
    case store::TypeKind::kTime: return "org.apache.cassandra.db.marshal.TimeType";
    case store::TypeKind::kSmallint: return "org.apache.cassandra.db.marshal.ShortType";
    case store::TypeKind::kTinyint: return "org.apache.cassandra.db.marshal.ByteType";
    default: return nullptr;
  }
}

}  // namespace

void EncodeTypeOption(const store::Type& t, uint8_t version, WireWriter* w) {
  if (version < 4) {
    if (const char* custom = V3CustomClass(t.kind)) {
      w->Short(uint16_t(store::TypeKind::kCustom));
      w->String(custom);
      return;
    }
  }
  w->Short(uint16_t(t.kind));
  for (const auto& p : t.params) EncodeTypeOption(p, version, w);
}

Result<store::Type> DecodeTypeOption(WireReader* r) {
  uint16_t id;
  if (!r->Short(&id)) return Status::InvalidArgument("truncated type option");
  using store::TypeKind;
  switch (id) {
    case 0x0020:
    case 0x0022: {
      ASSIGN_OR_RETURN(store::Type e, DecodeTypeOption(r));
      return id == 0x0020 ? store::Type::List(e) : store::Type::Set(e);
    }
    case 0x0021: {
      ASSIGN_OR_RETURN(store::Type k, DecodeTypeOption(r));
      ASSIGN_OR_RETURN(store::Type v, DecodeTypeOption(r));
      return store::Type::Map(k, v);
    }
    case 0x0000: {  // custom: what a v3 server sends for date, time, smallint, tinyint
      std::string_view cls;
      if (!r->String(&cls)) return Status::InvalidArgument("truncated custom type");
      for (TypeKind k :
           {TypeKind::kDate, TypeKind::kTime, TypeKind::kSmallint, TypeKind::kTinyint}) {
        if (cls == V3CustomClass(k)) return store::Type(k);
      }
      return Status::InvalidArgument("unsupported custom type " + std::string(cls));
    }
    default:
      if ((id >= 0x0001 && id <= 0x0014 && id != 0x000A)) return store::Type(TypeKind(id));
      return Status::InvalidArgument("unsupported type id " + std::to_string(id));
  }
}

}  // namespace kappa::cql
