// Confluent's Protobuf compatibility rules over descriptors. Messages and fields are matched
// by name and by field number; the breaking changes are Confluent's: PACKAGE_CHANGED,
// MESSAGE_REMOVED, FIELD_KIND_CHANGED (scalar/message/map), FIELD_SCALAR_KIND_CHANGED
// (outside the wire-compatible groups, e.g. int32<->int64 is fine, int32<->sint32 is not),
// FIELD_NAMED_TYPE_CHANGED, REQUIRED_FIELD_ADDED/REMOVED, ONEOF_FIELD_REMOVED,
// MULTIPLE_FIELDS_MOVED_TO_ONEOF, FIELD_MOVED_TO_EXISTING_ONEOF. Added/removed optional
// fields, enums and their constants, renamed fields and reordered messages are compatible.
#include <map>
#include <set>

#include <google/protobuf/descriptor.pb.h>

#include "registry/protobuf_internal.h"

namespace kappa::registry::protobuf {
namespace {

namespace gp = google::protobuf;
using FD = gp::FieldDescriptor;

class Ctx {
 public:
  void Add(const std::string& type) {
    std::string path = "#/" + scope_;
    for (const auto& p : path_) path += (path.size() > 2 ? "/" : "") + p;
    std::string msg = "Found incompatible change: Difference{fullPath='" + path +
                      "', type=" + type + "}";
    if (seen_.insert(msg).second) out_.push_back(std::move(msg));
  }
  std::vector<std::string> out_;
  std::string scope_;               // "Outer.Inner": the message being compared
  std::vector<std::string> path_;   // within it: a field number, a oneof name
  std::set<std::pair<const gp::Descriptor*, const gp::Descriptor*>> visited_;

 private:
  std::set<std::string> seen_;
};

class Path {
 public:
  Path(Ctx& c, std::string seg) : c_(c) { c_.path_.push_back(std::move(seg)); }
  ~Path() { c_.path_.pop_back(); }

 private:
  Ctx& c_;
};

enum class Kind { kScalar, kMessage, kMap };

Kind KindOf(const FD* f) {
  if (f->is_map()) return Kind::kMap;
  if (f->type() == FD::TYPE_MESSAGE || f->type() == FD::TYPE_GROUP) return Kind::kMessage;
  return Kind::kScalar;  // enums count as scalars: they are varints on the wire
}

// Groups of scalar types that read each other's wire data.
int ScalarGroup(const FD* f) {
  switch (f->type()) {
    case FD::TYPE_INT32: case FD::TYPE_INT64: case FD::TYPE_UINT32: case FD::TYPE_UINT64:
    case FD::TYPE_BOOL: case FD::TYPE_ENUM:
      return 0;
    case FD::TYPE_SINT32: case FD::TYPE_SINT64: return 1;
    case FD::TYPE_STRING: case FD::TYPE_BYTES: return 2;
    case FD::TYPE_FIXED32: case FD::TYPE_SFIXED32: return 3;
    case FD::TYPE_FIXED64: case FD::TYPE_SFIXED64: return 4;
    case FD::TYPE_FLOAT: return 5;
    case FD::TYPE_DOUBLE: return 6;
    default: return 7;
  }
}

// A message type's name without its package (moving a schema to another package is
// reported once, as PACKAGE_CHANGED).
std::string LocalName(const gp::Descriptor* d) {
  const std::string& pkg = d->file()->package();
  const std::string& full = d->full_name();
  return pkg.empty() ? full : full.substr(pkg.size() + 1);
}

void CompareMessages(Ctx& ctx, const gp::Descriptor* o, const gp::Descriptor* u);

void CompareFieldTypes(Ctx& ctx, const FD* o, const FD* u) {
  Kind ko = KindOf(o), ku = KindOf(u);
  if (ko != ku) return ctx.Add("FIELD_KIND_CHANGED");
  if (ko == Kind::kScalar) {
    if (ScalarGroup(o) != ScalarGroup(u)) ctx.Add("FIELD_SCALAR_KIND_CHANGED");
    return;
  }
  if (ko == Kind::kMap) {
    CompareFieldTypes(ctx, o->message_type()->map_key(), u->message_type()->map_key());
    CompareFieldTypes(ctx, o->message_type()->map_value(), u->message_type()->map_value());
    return;
  }
  const gp::Descriptor* mo = o->message_type();
  const gp::Descriptor* mu = u->message_type();
  if (LocalName(mo) != LocalName(mu)) return ctx.Add("FIELD_NAMED_TYPE_CHANGED");
  // A type of the schema itself is compared where it is declared; one from an imported file
  // (a reference) is compared here, as Confluent does for references.
  if (mo->file()->name() == kMainFile && mu->file()->name() == kMainFile) return;
  Ctx sub;
  sub.scope_ = LocalName(mo);
  sub.visited_ = ctx.visited_;
  CompareMessages(sub, mo, mu);
  if (!sub.out_.empty()) {
    ctx.out_.insert(ctx.out_.end(), sub.out_.begin(), sub.out_.end());
    ctx.Add("FIELD_NAMED_TYPE_CHANGED");
  }
}

void CompareTypes(Ctx& ctx, const std::vector<const gp::Descriptor*>& o,
                  const std::vector<const gp::Descriptor*>& u);

template <typename Parent>
std::vector<const gp::Descriptor*> Messages(const Parent* p, int n,
                                            const gp::Descriptor* (Parent::*get)(int) const) {
  std::vector<const gp::Descriptor*> out;
  for (int i = 0; i < n; ++i) {
    const gp::Descriptor* d = (p->*get)(i);
    if (!d->options().map_entry()) out.push_back(d);  // map<K,V>'s entry type is implicit
  }
  return out;
}

void CompareMessages(Ctx& ctx, const gp::Descriptor* o, const gp::Descriptor* u) {
  if (!ctx.visited_.insert({o, u}).second) return;  // recursive types: compared once
  std::map<int, const FD*> o_top, u_top, o_oneof_fields, o_all, u_all;
  std::map<int, std::string> o_oneof_of, u_oneof_of;
  for (int i = 0; i < o->field_count(); ++i) {
    const FD* f = o->field(i);
    o_all[f->number()] = f;
    if (const gp::OneofDescriptor* oo = f->real_containing_oneof()) {
      o_oneof_fields[f->number()] = f;
      o_oneof_of[f->number()] = oo->name();
    } else {
      o_top[f->number()] = f;
    }
  }
  for (int i = 0; i < u->field_count(); ++i) {
    const FD* f = u->field(i);
    u_all[f->number()] = f;
    if (const gp::OneofDescriptor* oo = f->real_containing_oneof()) {
      u_oneof_of[f->number()] = oo->name();
    } else {
      u_top[f->number()] = f;
    }
  }
  // Fields moved into a oneof: one is fine (a oneof of one set field reads the same), more
  // than one is not (the reader keeps only the last), nor is joining an existing oneof.
  std::map<std::string, const gp::OneofDescriptor*> o_oneofs, u_oneofs;
  for (int i = 0; i < o->real_oneof_decl_count(); ++i) o_oneofs[o->oneof_decl(i)->name()] = o->oneof_decl(i);
  for (int i = 0; i < u->real_oneof_decl_count(); ++i) u_oneofs[u->oneof_decl(i)->name()] = u->oneof_decl(i);
  for (const auto& [name, oneof] : u_oneofs) {
    Path p(ctx, name);
    int moved = 0, existing = 0;
    for (int i = 0; i < oneof->field_count(); ++i) {
      int n = oneof->field(i)->number();
      if (o_top.erase(n)) ++moved;
      else if (o_oneof_fields.count(n)) ++existing;
    }
    if (moved > 1) ctx.Add("MULTIPLE_FIELDS_MOVED_TO_ONEOF");
    else if (moved == 1 && existing > 0) ctx.Add("FIELD_MOVED_TO_EXISTING_ONEOF");
  }
  for (const auto& [name, oo] : o_oneofs) {
    auto it = u_oneofs.find(name);
    if (it == u_oneofs.end()) continue;  // ONEOF_REMOVED: compatible
    Path p(ctx, name);
    const gp::OneofDescriptor* uo = it->second;
    for (int i = 0; i < oo->field_count(); ++i) {
      const FD* f = oo->field(i);
      const FD* g = u->FindFieldByNumber(f->number());
      Path q(ctx, std::to_string(f->number()));
      if (g && g->real_containing_oneof() == uo) {
        CompareFieldTypes(ctx, f, g);
      } else if (!u_all.count(f->number())) {
        ctx.Add("ONEOF_FIELD_REMOVED");
      }
    }
  }
  std::set<int> tags;
  for (const auto& [n, f] : o_top) tags.insert(n);
  for (const auto& [n, f] : u_top) tags.insert(n);
  for (int n : tags) {
    Path p(ctx, std::to_string(n));
    auto a = o_top.find(n), b = u_top.find(n);
    if (b == u_top.end()) {
      if (a->second->is_required()) ctx.Add("REQUIRED_FIELD_REMOVED");  // else FIELD_REMOVED
    } else if (a == o_top.end()) {
      if (b->second->is_required()) ctx.Add("REQUIRED_FIELD_ADDED");  // else FIELD_ADDED
    } else {
      CompareFieldTypes(ctx, a->second, b->second);
    }
  }
  // Fields whose oneof membership changed keep their number: compare their types too.
  for (const auto& [n, f] : o_all) {
    auto g = u_all.find(n);
    if (g == u_all.end()) continue;
    auto oa = o_oneof_of.find(n), ub = u_oneof_of.find(n);
    bool top_both = oa == o_oneof_of.end() && ub == u_oneof_of.end();
    bool same_oneof = oa != o_oneof_of.end() && ub != u_oneof_of.end() && oa->second == ub->second;
    if (top_both || same_oneof) continue;
    Path p(ctx, std::to_string(n));
    CompareFieldTypes(ctx, f, g->second);
  }
  std::string saved = ctx.scope_;
  CompareTypes(ctx, Messages(o, o->nested_type_count(), &gp::Descriptor::nested_type),
               Messages(u, u->nested_type_count(), &gp::Descriptor::nested_type));
  ctx.scope_ = saved;
}

void CompareTypes(Ctx& ctx, const std::vector<const gp::Descriptor*>& o,
                  const std::vector<const gp::Descriptor*>& u) {
  std::map<std::string, const gp::Descriptor*> um;
  for (const auto* d : u) um[d->name()] = d;
  std::string parent = ctx.scope_;
  std::vector<std::string> saved_path;
  saved_path.swap(ctx.path_);
  for (const auto* d : o) {
    ctx.scope_ = parent.empty() ? d->name() : parent + "." + d->name();
    auto it = um.find(d->name());
    if (it == um.end()) ctx.Add("MESSAGE_REMOVED");  // MESSAGE_ADDED is compatible
    else CompareMessages(ctx, d, it->second);
  }
  ctx.scope_ = parent;
  ctx.path_.swap(saved_path);
}

}  // namespace

std::vector<std::string> Incompatibilities(const gp::FileDescriptor& writer,
                                           const gp::FileDescriptor& reader) {
  Ctx ctx;
  if (writer.package() != reader.package()) ctx.Add("PACKAGE_CHANGED");
  CompareTypes(ctx, Messages(&writer, writer.message_type_count(), &gp::FileDescriptor::message_type),
               Messages(&reader, reader.message_type_count(), &gp::FileDescriptor::message_type));
  return ctx.out_;
}

}  // namespace kappa::registry::protobuf
