#include "store/schema_codec.h"

#include <cstring>

#include "common/coding.h"

namespace kappa::store::meta {
namespace {

constexpr uint8_t kVersion = 1;

void PutStr(std::string* out, std::string_view s) {
  coding::AppendUVarint(out, s.size());
  out->append(s);
}

class In {
 public:
  explicit In(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
  bool Str(std::string* s) {
    uint64_t n;
    if (!coding::DecodeUVarint(&p_, end_, &n) || n > uint64_t(end_ - p_)) return false;
    s->assign(p_, n);
    p_ += n;
    return true;
  }
  bool U(uint64_t* v) { return coding::DecodeUVarint(&p_, end_, v); }
  bool Byte(uint8_t* b) {
    if (p_ >= end_) return false;
    *b = uint8_t(*p_++);
    return true;
  }
  bool Raw(void* dst, size_t n) {
    if (size_t(end_ - p_) < n) return false;
    std::memcpy(dst, p_, n);
    p_ += n;
    return true;
  }
  bool Done() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

void PutMap(std::string* out, const std::map<std::string, std::string>& m) {
  coding::AppendUVarint(out, m.size());
  for (const auto& [k, v] : m) {
    PutStr(out, k);
    PutStr(out, v);
  }
}

bool GetMap(In* in, std::map<std::string, std::string>* m) {
  uint64_t n;
  if (!in->U(&n) || n > 100000) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!in->Str(&k) || !in->Str(&v)) return false;
    (*m)[k] = v;
  }
  return true;
}

}  // namespace

std::string KeyspaceKey(std::string_view keyspace) {
  return std::string(kKeyspacePrefix) + std::string(keyspace);
}
std::string TableKey(std::string_view keyspace, std::string_view table) {
  std::string k = kTablePrefix;
  k.append(keyspace);
  k.push_back('\0');
  k.append(table);
  return k;
}
std::string UserMetaKey(std::string_view key) {
  std::string k(1, kUserMetaPrefix);
  k.append(key);
  return k;
}

std::string EncodeKeyspace(const KeyspaceSchema& ks) {
  std::string out(1, char(kVersion));
  PutStr(&out, ks.name);
  out.push_back(ks.durable_writes ? 1 : 0);
  PutMap(&out, ks.replication);
  return out;
}

Result<KeyspaceSchema> DecodeKeyspace(std::string_view s) {
  In in(s);
  KeyspaceSchema ks;
  uint8_t v, d;
  if (!in.Byte(&v) || v != kVersion || !in.Str(&ks.name) || !in.Byte(&d) ||
      !GetMap(&in, &ks.replication) || !in.Done()) {
    return Status::Corruption("undecodable keyspace schema");
  }
  ks.durable_writes = d != 0;
  return ks;
}

std::string EncodeTable(const TableSchema& t) {
  std::string out(1, char(kVersion));
  PutStr(&out, t.keyspace);
  PutStr(&out, t.name);
  out.append(reinterpret_cast<const char*>(t.id.bytes.data()), 16);
  coding::AppendUVarint(&out, t.storage_id);
  coding::AppendUVarint(&out, t.next_column_id);
  coding::AppendUVarint(&out, t.columns.size());
  for (const ColumnSchema& c : t.columns) {
    PutStr(&out, c.name);
    PutStr(&out, c.type.ToString());
    out.push_back(char(c.kind));
    coding::AppendVarint(&out, c.position);
    out.push_back(char(c.order));
    coding::AppendUVarint(&out, c.id);
  }
  PutMap(&out, t.options);
  return out;
}

Result<TableSchema> DecodeTable(std::string_view s) {
  In in(s);
  TableSchema t;
  auto bad = [] { return Status::Corruption("undecodable table schema"); };
  uint8_t v;
  uint64_t sid, next, n;
  if (!in.Byte(&v) || v != kVersion || !in.Str(&t.keyspace) || !in.Str(&t.name) ||
      !in.Raw(t.id.bytes.data(), 16) || !in.U(&sid) || !in.U(&next) || !in.U(&n) ||
      n > 100000) {
    return bad();
  }
  t.storage_id = uint32_t(sid);
  t.next_column_id = uint32_t(next);
  for (uint64_t i = 0; i < n; ++i) {
    ColumnSchema c;
    std::string type;
    uint8_t kind, order;
    uint64_t pos, id;
    if (!in.Str(&c.name) || !in.Str(&type) || !in.Byte(&kind) || !in.U(&pos) ||
        !in.Byte(&order) || !in.U(&id) || kind > 3 || order > 1) {
      return bad();
    }
    auto ty = Type::Parse(type);
    if (!ty.ok()) return bad();
    c.type = *ty;
    c.kind = ColumnKind(kind);
    c.position = int(coding::UnZigZag64(pos));
    c.order = ClusteringOrder(order);
    c.id = uint32_t(id);
    t.columns.push_back(std::move(c));
  }
  if (!GetMap(&in, &t.options) || !in.Done()) return bad();
  Status st = t.Finish();
  if (!st.ok()) return Status::Corruption("stored table schema is invalid: " + st.message());
  return t;
}

}  // namespace kappa::store::meta
