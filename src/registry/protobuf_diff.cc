// Confluent's Protobuf compatibility rules over descriptors. Messages and fields are matched
// by name and by field number; the breaking changes are Confluent's: PACKAGE_CHANGED,
// MESSAGE_REMOVED, FIELD_KIND_CHANGED (scalar/message/map), FIELD_SCALAR_KIND_CHANGED
// (outside the wire-compatible groups, e.g. int32<->int64 is fine, int32<->sint32 is not),
// FIELD_NAMED_TYPE_CHANGED, REQUIRED_FIELD_ADDED/REMOVED, ONEOF_FIELD_REMOVED,
// MULTIPLE_FIELDS_MOVED_TO_ONEOF, FIELD_MOVED_TO_EXISTING_ONEOF. Added/removed optional
// fields, enums and their constants, renamed fields and reordered messages are compatible.
#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "registry/protobuf_internal.h"

namespace kappa::registry::protobuf {
namespace {

namespace gp = google::protobuf;
using FD = gp::FieldDescriptor;

class Ctx {
 public:
  using Pair = std::pair<const gp::Descriptor*, const gp::Descriptor*>;

  void Add(const std::string& type) {
    std::string path = "#/" + scope_;
    for (const auto& p : path_) path += (path.size() > 2 ? "/" : "") + p;
    AddMessage("Found incompatible change: Difference{fullPath='" + path + "', type=" + type + "}");
  }
  void AddMessage(std::string msg) {
    if (seen_.insert(msg).second) out_.push_back(std::move(msg));
  }
  // A context for comparing another pair of messages, sharing the memo.
  Ctx Sub(std::string scope) const {
    Ctx c;
    c.scope_ = std::move(scope);
    c.compared_ = compared_;
    return c;
  }

  std::vector<std::string> out_;
  std::string scope_;              // "Outer/Inner": the message being compared
  std::vector<std::string> path_;  // within it: a field number, a oneof name
  // Referenced message pairs already compared, and whether they broke: each pair is compared
  // once however many fields use it (no exponential walk through a diamond of types), and a
  // pair met again while in progress (a recursive type) counts as compatible.
  std::shared_ptr<std::map<Pair, bool>> compared_ = std::make_shared<std::map<Pair, bool>>();

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
    case FD::TYPE_INT32:
    case FD::TYPE_INT64:
    case FD::TYPE_UINT32:
    case FD::TYPE_UINT64:
    case FD::TYPE_BOOL:
    case FD::TYPE_ENUM:
      return 0;
    case FD::TYPE_SINT32:
    case FD::TYPE_SINT64:
      return 1;
    case FD::TYPE_STRING:
    case FD::TYPE_BYTES:
      return 2;
    case FD::TYPE_FIXED32:
    case FD::TYPE_SFIXED32:
      return 3;
    case FD::TYPE_FIXED64:
    case FD::TYPE_SFIXED64:
      return 4;
    case FD::TYPE_FLOAT:
      return 5;
    case FD::TYPE_DOUBLE:
      return 6;
    default:
      return 7;
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

// The label as written in the .proto: none (proto3 singular, oneof members, maps) or
// optional/required/repeated.
enum class Label { kNone, kOptional, kRequired, kRepeated };
Label LabelOf(const FD* f) {
  if (f->is_map() || f->real_containing_oneof()) return Label::kNone;
  if (f->is_repeated()) return Label::kRepeated;
  if (f->is_required()) return Label::kRequired;
  if (f->has_optional_keyword()) return Label::kOptional;
  return f->file()->syntax() == gp::FileDescriptor::SYNTAX_PROTO2 ? Label::kOptional : Label::kNone;
}

void CompareFieldTypes(Ctx& ctx, const FD* o, const FD* u, bool labels) {
  Kind ko = KindOf(o), ku = KindOf(u);
  if (ko != ku) return ctx.Add("FIELD_KIND_CHANGED");
  if (ko == Kind::kScalar) {
    if (ScalarGroup(o) != ScalarGroup(u)) return ctx.Add("FIELD_SCALAR_KIND_CHANGED");
    Label lo = LabelOf(o), lu = LabelOf(u);
    // A number read as repeated (or a repeated one as singular) changes meaning; string and
    // bytes are length-delimited either way (FIELD_STRING_OR_BYTES_LABEL_CHANGED, compatible).
    if (labels && lo != Label::kNone && lu != Label::kNone && lo != lu && ScalarGroup(o) != 2) {
      ctx.Add("FIELD_NUMERIC_LABEL_CHANGED");
    }
    return;
  }
  if (ko == Kind::kMap) {
    CompareFieldTypes(ctx, o->message_type()->map_key(), u->message_type()->map_key(), false);
    CompareFieldTypes(ctx, o->message_type()->map_value(), u->message_type()->map_value(), false);
    return;
  }
  const gp::Descriptor* mo = o->message_type();
  const gp::Descriptor* mu = u->message_type();
  if (LocalName(mo) != LocalName(mu)) return ctx.Add("FIELD_NAMED_TYPE_CHANGED");
  // A type of the schema itself is compared where it is declared; one from an imported file
  // (a reference) is compared here, as Confluent does for references.
  if (mo->file()->name() == kMainFile && mu->file()->name() == kMainFile) return;
  if (ctx.compared_->emplace(Ctx::Pair{mo, mu}, false).second) {
    std::string scope = LocalName(mo);
    std::replace(scope.begin(), scope.end(), '.', '/');
    Ctx sub = ctx.Sub(scope);
    CompareMessages(sub, mo, mu);
    (*ctx.compared_)[{mo, mu}] = !sub.out_.empty();
    for (auto& m : sub.out_) ctx.AddMessage(std::move(m));
  }
  if ((*ctx.compared_)[{mo, mu}]) ctx.Add("FIELD_NAMED_TYPE_CHANGED");
}

void CompareTypes(Ctx& ctx, const std::vector<const gp::Descriptor*>& o,
                  const std::vector<const gp::Descriptor*>& u);

void CompareFields(Ctx& ctx, const FD* o, const FD* u) { CompareFieldTypes(ctx, o, u, true); }

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

struct Fields {
  std::map<int, const FD*> by_number;   // every field, oneof members too
  std::map<int, std::string> oneof_of;  // number -> enclosing (real) oneof
  std::map<std::string, const gp::OneofDescriptor*> oneofs;
};

Fields Collect(const gp::Descriptor* d) {
  Fields f;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* field = d->field(i);
    f.by_number[field->number()] = field;
    if (const gp::OneofDescriptor* o = field->real_containing_oneof()) {
      f.oneof_of[field->number()] = o->name();
    }
  }
  for (int i = 0; i < d->real_oneof_decl_count(); ++i)
    f.oneofs[d->oneof_decl(i)->name()] = d->oneof_decl(i);
  return f;
}

// Fields are matched by number across the whole message, whatever oneof they sit in, so a
// oneof renamed or a field moved in or out of one cannot hide a type change or a removal.
void CompareMessages(Ctx& ctx, const gp::Descriptor* o, const gp::Descriptor* u) {
  Fields a = Collect(o), b = Collect(u);
  // A oneof deleted together with all its members is a plain deletion (compatible).
  std::set<std::string> deleted_oneofs;
  for (const auto& [name, oneof] : a.oneofs) {
    if (b.oneofs.count(name)) continue;
    bool survives = false;
    for (int i = 0; i < oneof->field_count(); ++i) {
      survives |= b.by_number.count(oneof->field(i)->number()) > 0;
    }
    if (!survives) deleted_oneofs.insert(name);
  }
  // New mutual exclusion: a reader's oneof whose existing members were independent in the
  // writer (top-level fields, or members of different oneofs) keeps only one of them.
  for (const auto& [name, oneof] : b.oneofs) {
    Path p(ctx, name);
    std::set<std::string> origins;
    int moved_from_top = 0;
    for (int i = 0; i < oneof->field_count(); ++i) {
      int n = oneof->field(i)->number();
      if (auto it = a.oneof_of.find(n); it != a.oneof_of.end()) {
        origins.insert("oneof:" + it->second);
      } else if (a.by_number.count(n)) {
        origins.insert("field:" + std::to_string(n));
        ++moved_from_top;
      }
    }
    if (origins.size() > 1) {
      ctx.Add(moved_from_top > 1 ? "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
                                 : "FIELD_MOVED_TO_EXISTING_ONEOF");
    }
  }
  std::set<int> numbers;
  for (const auto& [n, f] : a.by_number) numbers.insert(n);
  for (const auto& [n, f] : b.by_number) numbers.insert(n);
  for (int n : numbers) {
    auto fa = a.by_number.find(n), fb = b.by_number.find(n);
    auto oa = a.oneof_of.find(n), ob = b.oneof_of.find(n);
    if (fb == b.by_number.end()) {
      if (oa != a.oneof_of.end()) {
        if (!deleted_oneofs.count(oa->second)) {
          Path p(ctx, oa->second);
          Path q(ctx, std::to_string(n));
          ctx.Add("ONEOF_FIELD_REMOVED");
        }
      } else if (fa->second->is_required()) {
        Path p(ctx, std::to_string(n));
        ctx.Add("REQUIRED_FIELD_REMOVED");  // an optional one: FIELD_REMOVED, compatible
      }
    } else if (fa == a.by_number.end()) {
      if (ob == b.oneof_of.end() && fb->second->is_required()) {
        Path p(ctx, std::to_string(n));
        ctx.Add("REQUIRED_FIELD_ADDED");
      }
    } else if (ob != b.oneof_of.end()) {
      Path p(ctx, ob->second);
      Path q(ctx, std::to_string(n));
      CompareFields(ctx, fa->second, fb->second);
    } else {
      Path p(ctx, std::to_string(n));
      CompareFields(ctx, fa->second, fb->second);
    }
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
    ctx.scope_ = parent.empty() ? d->name() : parent + "/" + d->name();
    auto it = um.find(d->name());
    if (it == um.end())
      ctx.Add("MESSAGE_REMOVED");  // MESSAGE_ADDED is compatible
    else
      CompareMessages(ctx, d, it->second);
  }
  ctx.scope_ = parent;
  ctx.path_.swap(saved_path);
}

}  // namespace

std::vector<std::string> Incompatibilities(const gp::FileDescriptor& writer,
                                           const gp::FileDescriptor& reader) {
  Ctx ctx;
  if (writer.package() != reader.package()) ctx.Add("PACKAGE_CHANGED");
  CompareTypes(ctx,
               Messages(&writer, writer.message_type_count(), &gp::FileDescriptor::message_type),
               Messages(&reader, reader.message_type_count(), &gp::FileDescriptor::message_type));
  return ctx.out_;
}

}  // namespace kappa::registry::protobuf
