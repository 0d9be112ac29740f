// Request parameters and RESULT decoding of the CQL client.
#include "cql/client/client_codec.h"

#include <algorithm>
#include <cctype>

#include "common/coding.h"
#include "cql/protocol/type_option.h"

namespace kappa::cql {

Result<Consistency> ParseConsistency(std::string_view name) {
  static constexpr std::pair<std::string_view, Consistency> kNames[] = {
      {"any", Consistency::kAny},          {"one", Consistency::kOne},
      {"two", Consistency::kTwo},          {"three", Consistency::kThree},
      {"quorum", Consistency::kQuorum},    {"all", Consistency::kAll},
      {"local_quorum", Consistency::kLocalQuorum},
      {"each_quorum", Consistency::kEachQuorum},
      {"local_one", Consistency::kLocalOne}};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  std::string valid;
  for (const auto& [n, c] : kNames) {
    if (n == lower) return c;
    valid += valid.empty() ? std::string(n) : ", " + std::string(n);
  }
  return Status::InvalidArgument("unknown consistency level '" + std::string(name) +
                                 "' (one of: " + valid + ")");
}

namespace {

size_t ValueSize(const store::Value& v) {
  if (!v.is_set()) return 4;
  switch (v.kind()) {
    case store::TypeKind::kText: case store::TypeKind::kAscii: case store::TypeKind::kBlob:
    case store::TypeKind::kVarint: case store::TypeKind::kInet:
      return 4 + v.as_bytes().size();
    case store::TypeKind::kList: case store::TypeKind::kSet: case store::TypeKind::kMap: {
      size_t n = 8;
      for (const auto& e : v.as_elements()) n += ValueSize(e);
      return n;
    }
    default:
      return 4 + 16;
  }
}

}  // namespace

size_t BoundValuesSize(const std::vector<store::Value>& values) {
  size_t n = 2;
  for (const auto& v : values) n += ValueSize(v);
  return n;
}

void EncodeValues(const std::vector<store::Value>& values, WireWriter* w) {
  w->Short(uint16_t(values.size()));
  for (const auto& v : values) {
    if (v.is_null()) { w->Int(-1); continue; }
    if (v.is_unset()) { w->Int(-2); continue; }
    std::string* out = w->out();
    size_t at = out->size();
    out->append(4, '\0');
    store::SerializeNative(v, out);
    coding::PutBE32(out->data() + at, uint32_t(out->size() - at - 4));
  }
}

void EncodeParams(Consistency consistency, const std::vector<store::Value>& values,
                  int page_size, const std::string& paging_state, WireWriter* w,
                  bool skip_metadata) {
  w->Short(uint16_t(consistency));
  uint8_t flags = skip_metadata ? 0x02 : 0;
  if (!values.empty()) flags |= 0x01;
  if (page_size > 0) flags |= 0x04;
  if (!paging_state.empty()) flags |= 0x08;
  w->Byte(flags);
  if (!values.empty()) EncodeValues(values, w);
  if (page_size > 0) w->Int(page_size);
  if (!paging_state.empty()) w->Bytes(paging_state);
}

Result<std::vector<ClientColumn>> DecodeMetadata(WireReader* r, std::string* paging_state,
                                                 bool prepared_bind,
                                                 std::vector<int>* pk_indexes,
                                                 int32_t* skipped) {
  if (skipped) *skipped = -1;
  int32_t flags = 0, count = 0;
  if (!r->Int(&flags) || !r->Int(&count) || count < 0) return Status::Corruption("malformed result metadata");
  if (prepared_bind) {
    int32_t pkc = 0;
    if (!r->Int(&pkc) || pkc < 0) return Status::Corruption("malformed prepared metadata");
    for (int i = 0; i < pkc; ++i) {
      uint16_t idx;
      if (!r->Short(&idx)) return Status::Corruption("malformed pk indexes");
      if (pk_indexes) pk_indexes->push_back(idx);
    }
  }
  if (!prepared_bind && (flags & 0x0002)) {
    std::string_view ps;
    bool null = false;
    if (!r->Bytes(&ps, &null)) return Status::Corruption("malformed paging state");
    if (paging_state) *paging_state = std::string(ps);
  }
  std::vector<ClientColumn> cols;
  if (flags & 0x0004) {
    // No specs to read, so nothing bounds the count but this: refuse rather than allocate.
    if (count > 0xFFFF) return Status::Corruption("result metadata: too many columns");
    if (skipped) {
      *skipped = count;
      return cols;
    }
    cols.resize(size_t(count));
    return cols;
  }
  std::string_view gks, gtable;
  bool global = flags & 0x0001;
  if (global && (!r->String(&gks) || !r->String(&gtable))) return Status::Corruption("malformed table spec");
  for (int i = 0; i < count; ++i) {
    ClientColumn c;
    std::string_view ks = gks, table = gtable, name;
    if (!global && (!r->String(&ks) || !r->String(&table))) return Status::Corruption("malformed column spec");
    if (!r->String(&name)) return Status::Corruption("malformed column name");
    c.keyspace = std::string(ks);
    c.table = std::string(table);
    c.name = std::string(name);
    ASSIGN_OR_RETURN(c.type, DecodeTypeOption(r));
    cols.push_back(std::move(c));
  }
  return cols;
}

const ClientColumns& NoClientColumns() {
  static const ClientColumns none = std::make_shared<const std::vector<ClientColumn>>();
  return none;
}

Result<ClientResult> DecodeResult(const ClientFrame& f, const ClientColumns* known) {
  if (f.opcode == Opcode::kError) return ErrorFromBody(f.body);
  if (f.opcode != Opcode::kResult) return Status::Corruption(std::string("unexpected ") + OpcodeName(f.opcode));
  WireReader r(f.body);
  int32_t kind;
  if (!r.Int(&kind)) return Status::Corruption("empty RESULT");
  ClientResult out;
  switch (kind) {
    case 1: out.kind = ClientResult::Kind::kVoid; return out;
    case 3: {
      std::string_view ks;
      if (!r.String(&ks)) return Status::Corruption("malformed SetKeyspace");
      out.kind = ClientResult::Kind::kSetKeyspace;
      out.keyspace = std::string(ks);
      return out;
    }
    case 5: {
      std::string_view change, target, ks, name;
      if (!r.String(&change) || !r.String(&target) || !r.String(&ks)) return Status::Corruption("malformed SchemaChange");
      out.kind = ClientResult::Kind::kSchemaChange;
      out.schema_change = std::string(change) + " " + std::string(target) + " " + std::string(ks);
      if (target != "KEYSPACE" && r.String(&name)) out.schema_change += "." + std::string(name);
      return out;
    }
    case 2: {
      out.kind = ClientResult::Kind::kRows;
      int32_t skipped = -1;
      ASSIGN_OR_RETURN(std::vector<ClientColumn> cols,
                       DecodeMetadata(&r, &out.paging_state, false, nullptr, &skipped));
      // Without metadata, the prepared statement's columns stand in (shared, not copied).
      if (skipped >= 0 && known && (*known)->size() == size_t(skipped)) {
        out.columns = *known;
      } else {
        // No specs and no prepared columns: blank specs (cells decode as text).
        if (skipped >= 0) cols.resize(size_t(skipped));
        out.columns = std::make_shared<const std::vector<ClientColumn>>(std::move(cols));
      }
      const std::vector<ClientColumn>& columns = *out.columns;
      int32_t n;
      if (!r.Int(&n) || n < 0) return Status::Corruption("malformed row count");
      // Each row takes at least 4 bytes per column: a hostile count cannot reserve more.
      out.rows.reserve(std::min(size_t(n), r.remaining() / std::max<size_t>(1, 4 * columns.size())));
      for (int32_t i = 0; i < n; ++i) {
        std::vector<store::Value>& row = out.rows.emplace_back(columns.size());
        for (size_t j = 0; j < columns.size(); ++j) {
          std::string_view cell;
          bool null = false;
          if (!r.Bytes(&cell, &null)) return Status::Corruption("truncated row");
          if (!null) RETURN_IF_ERROR(store::DeserializeNativeInto(columns[j].type, cell, &row[j]));
        }
      }
      return out;
    }
    default:
      return Status::Corruption("unknown RESULT kind " + std::to_string(kind));
  }
}

}  // namespace kappa::cql
