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
      first_ = "line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
               message;
    }
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

class BuildErrors : public gp::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const gp::Message*, ErrorLocation, const std::string& message) override {
    if (first_.empty()) first_ = filename + ": " + (element_name.empty() ? "" : element_name + ": ") + message;
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
    return Status::InvalidArgument("Invalid schema: " + name + ": " +
                                   (errors.first().empty() ? "cannot parse" : errors.first()));
  }
  out->set_name(name);
  return Status::OK();
}

// Builds `name` into the pool after its imports, depth first.
class Builder {
 public:
  explicit Builder(gp::DescriptorPool* pool) : pool_(pool) {}

  void Add(const std::string& name, gp::FileDescriptorProto proto) {
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
