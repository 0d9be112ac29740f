// Parsing and building .proto schemas with libprotobuf (Debian's libprotobuf-dev 3.21): the
// same parser and descriptor checks protoc runs, without files on disk.
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <set>

#include "registry/protobuf_internal.h"

namespace kappa::registry::protobuf {
namespace {

namespace gp = google::protobuf;

class SyntaxErrors : public gp::io::ErrorCollector {
 public:
  void AddError(int line, gp::io::ColumnNumber column, const std::string& message) override {
    if (first_.empty()) {
      first_ =
          "line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
    }
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

class BuildErrors : public gp::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name, const gp::Message*,
                ErrorLocation, const std::string& message) override {
    if (first_.empty())
      first_ = filename + ": " + (element_name.empty() ? "" : element_name + ": ") + message;
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// libprotobuf logs some parser warnings itself ("No syntax specified ..."); route its log
// to kappa's (debug level for warnings: a client's schema is not the server's problem). No
// other part of kappa uses libprotobuf, so the process-wide handler is ours to set.
void RouteProtobufLog() {
  static std::once_flag once;
  std::call_once(once, [] {
    gp::SetLogHandler([](gp::LogLevel level, const char* file, int line, const std::string& msg) {
      if (level >= gp::LOGLEVEL_ERROR) {
        spdlog::error("libprotobuf {}:{}: {}", file, line, msg);
      } else {
        spdlog::debug("libprotobuf {}:{}: {}", file, line, msg);
      }
    });
  });
}

int BraceDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  for (char c : text) {
    if (c == '{' || c == '(' || c == '[' || c == '<') max_depth = std::max(max_depth, ++depth);
    if (c == '}' || c == ')' || c == ']' || c == '>') --depth;
  }
  return max_depth;
}

// Standard base64 (RFC 4648, padding optional, whitespace ignored); false on anything else.
bool DecodeBase64(std::string_view in, std::string* out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    int v = value(c);
    if (v < 0 || pad > 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return pad <= 2 && !out->empty();
}

// Confluent also takes a schema as a base64-encoded, serialized FileDescriptorProto; that is
// how confluent-kafka-python's ProtobufSerializer registers its schemas.
bool ParseDescriptor(std::string_view text, gp::FileDescriptorProto* out) {
  std::string bytes;
  return text.find_first_of("{};") == std::string_view::npos && DecodeBase64(text, &bytes) &&
         out->ParseFromString(bytes);
}

Status ParseProto(std::string_view text, const std::string& name, gp::FileDescriptorProto* out) {
  if (BraceDepth(text) > kMaxNesting) {
    return Status::InvalidArgument("Invalid schema: nested deeper than " +
                                   std::to_string(kMaxNesting) + " levels");
  }
  gp::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  SyntaxErrors errors;
  gp::io::Tokenizer tokenizer(&input, &errors);
  gp::compiler::Parser parser;
  parser.RecordErrorsTo(&errors);
  // Confluent accepts a schema without a syntax line (proto2, as protoc does).
  parser.SetRequireSyntaxIdentifier(false);
  if (!parser.Parse(&tokenizer, out) || !errors.first().empty()) {
    out->Clear();
    if (ParseDescriptor(text, out)) {
      out->set_name(name);
      return Status::OK();
    }
    return Status::InvalidArgument("Invalid schema: " + name + ": " +
                                   (errors.first().empty() ? "cannot parse" : errors.first()));
  }
  out->set_name(name);
  return Status::OK();
}

// protoc writes every field's json_name into the descriptors it emits; the .proto parser
// only records one given explicitly. Dropping those equal to the default (lowerCamelCase of
// the field name, protobuf's ToJsonName) makes a serialized descriptor and its .proto text
// the same schema.
std::string DefaultJsonName(const std::string& name) {
  std::string out;
  bool upper = false;
  for (char c : name) {
    if (c == '_') {
      upper = true;
    } else {
      out += upper ? static_cast<char>(toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return out;
}

void DropDefaultJsonNames(gp::DescriptorProto* m) {
  for (auto& f : *m->mutable_field()) {
    if (f.has_json_name() && f.json_name() == DefaultJsonName(f.name())) f.clear_json_name();
  }
  for (auto& f : *m->mutable_extension()) {
    if (f.has_json_name() && f.json_name() == DefaultJsonName(f.name())) f.clear_json_name();
  }
  for (auto& nested : *m->mutable_nested_type()) DropDefaultJsonNames(&nested);
}

void Normalize(gp::FileDescriptorProto* f) {
  f->clear_source_code_info();
  for (auto& m : *f->mutable_message_type()) DropDefaultJsonNames(&m);
  for (auto& e : *f->mutable_extension()) {
    if (e.has_json_name() && e.json_name() == DefaultJsonName(e.name())) e.clear_json_name();
  }
}

// Builds `name` into the pool after its imports, depth first.
class Builder {
 public:
  explicit Builder(gp::DescriptorPool* pool) : pool_(pool) {}

  void Add(const std::string& name, gp::FileDescriptorProto proto) {
    Normalize(&proto);
    protos_.emplace(name, std::move(proto));
  }

  Result<const gp::FileDescriptor*> Build(const std::string& name, const std::string& importer) {
    if (const gp::FileDescriptor* f = pool_->FindFileByName(name)) return f;
    auto it = protos_.find(name);
    gp::FileDescriptorProto well_known;
    const gp::FileDescriptorProto* proto = nullptr;
    if (it != protos_.end()) {
      proto = &it->second;
    } else if (const gp::FileDescriptor* builtin =
                   gp::DescriptorPool::generated_pool()->FindFileByName(name)) {
      builtin->CopyTo(&well_known);  // google/protobuf/timestamp.proto and friends
      proto = &well_known;
    } else {
      return Status::InvalidArgument("Invalid schema: " + importer + " imports \"" + name +
                                     "\", which is not among the schema's references");
    }
    if (!building_.insert(name).second) {
      return Status::InvalidArgument("Invalid schema: import cycle through \"" + name + "\"");
    }
    for (const std::string& dep : proto->dependency()) {
      ASSIGN_OR_RETURN(const gp::FileDescriptor* unused, Build(dep, name));
      (void)unused;
    }
    building_.erase(name);
    BuildErrors errors;
    const gp::FileDescriptor* f = pool_->BuildFileCollectingErrors(*proto, &errors);
    if (!f) {
      return Status::InvalidArgument("Invalid schema: " +
                                     (errors.first().empty() ? name : errors.first()));
    }
    return f;
  }

 private:
  gp::DescriptorPool* pool_;
  std::map<std::string, gp::FileDescriptorProto> protos_;
  std::set<std::string> building_;
};

}  // namespace

Result<LoadedProto> Load(std::string_view text, const std::vector<ResolvedReference>& refs) {
  RouteProtobufLog();
  LoadedProto out;
  out.pool = std::make_unique<gp::DescriptorPool>();
  Builder builder(out.pool.get());
  gp::FileDescriptorProto main;
  RETURN_IF_ERROR(ParseProto(text, kMainFile, &main));
  builder.Add(kMainFile, std::move(main));
  std::vector<const ResolvedReference*> pending;
  for (const auto& r : refs) pending.push_back(&r);
  std::set<std::string> seen;
  while (!pending.empty()) {
    const ResolvedReference* r = pending.back();
    pending.pop_back();
    for (const auto& nested : r->references) pending.push_back(&nested);
    if (!seen.insert(r->name).second) continue;
    gp::FileDescriptorProto proto;
    RETURN_IF_ERROR(ParseProto(r->schema, r->name, &proto));
    builder.Add(r->name, std::move(proto));
  }
  ASSIGN_OR_RETURN(out.file, builder.Build(kMainFile, kMainFile));
  return out;
}

std::string Canonical(const gp::FileDescriptor& file) {
  // DebugString prints the descriptor as .proto source: comments dropped (none are kept),
  // one declaration per line, fixed spacing, in declaration order.
  return file.DebugString();
}

}  // namespace kappa::registry::protobuf
