#include "cql/server/exec/paging_state.h"

#include "common/coding.h"
#include "common/crc32c.h"

namespace kappa::cql {
namespace {

void AppendStrings(const std::vector<std::string>& v, std::string* out) {
  coding::AppendBE16(out, uint16_t(v.size()));
  for (const auto& s : v) {
    coding::AppendBE32(out, uint32_t(s.size()));
    *out += s;
  }
}

// A bounds-checked cursor over the state's bytes.
struct Reader {
  std::string_view in;
  bool ok = true;

  bool Take(size_t n, std::string_view* out) {
    if (!ok || in.size() < n) return ok = false;
    *out = in.substr(0, n);
    in.remove_prefix(n);
    return true;
  }
  uint64_t U(size_t n) {
    std::string_view b;
    if (!Take(n, &b)) return 0;
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | uint8_t(c);
    return v;
  }
  int64_t NonNegative() {
    int64_t v = int64_t(U(8));
    if (v < 0) ok = false;
    return v;
  }
  std::vector<std::string> Strings() {
    std::vector<std::string> out(size_t(U(2)));
    for (auto& s : out) {
      std::string_view b;
      if (!Take(size_t(U(4)), &b)) return {};
      s.assign(b);
    }
    return out;
  }
};

}  // namespace

CqlError InvalidPagingState() { return CqlError::Protocol("Invalid value for the paging state"); }

std::string EncodePagingState(const PagingState& p) {
  std::string out;
  out.push_back(char(p.kind));
  coding::AppendBE64(&out, uint64_t(p.returned));
  coding::AppendBE32(&out, p.table_id);
  switch (p.kind) {
    case PagingState::Kind::kOffset:
      coding::AppendBE64(&out, uint64_t(p.offset));
      break;
    case PagingState::Kind::kScan:
      coding::AppendBE64(&out, uint64_t(p.in_partition));
      AppendStrings(p.last_partition, &out);
      coding::AppendBE32(&out, uint32_t(p.scan_state.size()));
      out += p.scan_state;
      break;
    case PagingState::Kind::kPartition:
      coding::AppendBE32(&out, p.partition);
      coding::AppendBE32(&out, p.prefix);
      coding::AppendBE64(&out, uint64_t(p.in_partition));
      AppendStrings(p.last_clustering, &out);
      break;
    case PagingState::Kind::kNone:
      return {};
  }
  coding::AppendBE32(&out, crc32c::Value(out));
  return out;
}

Outcome<PagingState> DecodePagingState(std::string_view s) {
  PagingState p;
  if (s.empty()) return p;
  if (s.size() < 4) return InvalidPagingState();
  std::string_view body = s.substr(0, s.size() - 4);
  if (crc32c::Value(body) != coding::GetBE32(s.data() + body.size())) return InvalidPagingState();
  Reader r{body};
  uint8_t kind = uint8_t(r.U(1));
  p.returned = r.NonNegative();
  p.table_id = uint32_t(r.U(4));
  switch (kind) {
    case uint8_t(PagingState::Kind::kOffset):
      p.offset = r.NonNegative();
      break;
    case uint8_t(PagingState::Kind::kScan): {
      p.in_partition = r.NonNegative();
      p.last_partition = r.Strings();
      std::string_view st;
      if (r.Take(size_t(r.U(4)), &st)) p.scan_state.assign(st);
      if (p.scan_state.empty()) r.ok = false;
      break;
    }
    case uint8_t(PagingState::Kind::kPartition):
      p.partition = uint32_t(r.U(4));
      p.prefix = uint32_t(r.U(4));
      p.in_partition = r.NonNegative();
      p.last_clustering = r.Strings();
      break;
    default:
      return InvalidPagingState();
  }
  if (!r.ok || !r.in.empty()) return InvalidPagingState();
  p.kind = PagingState::Kind(kind);
  return p;
}

std::vector<std::string> SerializeKey(const store::Row& row, size_t from, size_t n) {
  std::vector<std::string> out(n);
  for (size_t i = 0; i < n; ++i) store::SerializeNative(row[from + i], &out[i]);
  return out;
}

Outcome<std::vector<store::Value>> DeserializeKey(const store::TableSchema& t, size_t from,
                                                  const std::vector<std::string>& bytes) {
  std::vector<store::Value> out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (from + i >= t.columns.size()) return InvalidPagingState();
    auto v = store::DeserializeNative(t.columns[from + i].type, bytes[i]);
    if (!v.ok() || !v.value().is_set()) return InvalidPagingState();
    out.push_back(std::move(v).value());
  }
  return out;
}

}  // namespace kappa::cql
