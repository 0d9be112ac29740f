// The PROTOBUF schema type's internals (private to src/registry): .proto text parsed with
// libprotobuf's own compiler front end (compiler::Parser over io::Tokenizer) into a
// FileDescriptorProto, then built in a DescriptorPool together with the files it imports
// (references named by import path; google/protobuf/*.proto from the library itself), which
// is protoc's full validation (protobuf_load.cc); Confluent's compatibility rules over the
// resulting descriptors (protobuf_diff.cc).
#pragma once

#include <google/protobuf/descriptor.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "registry/schema_type.h"

namespace kappa::registry::protobuf {

// The file name the registered schema itself gets in its pool (imports name the others).
inline constexpr const char* kMainFile = "schema.proto";

// Brace nesting deeper than this is refused before parsing (the parser recurses).
inline constexpr int kMaxNesting = 64;

// One schema and everything it imports, built. Immutable; `file` lives as long as the pool.
struct LoadedProto {
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
  const google::protobuf::FileDescriptor* file = nullptr;
};

// InvalidArgument("Invalid schema: ...") naming the line and column of a syntax error, an
// import that is neither a reference nor a well-known type, or protoc's semantic error
// (unknown type, duplicate field number, ...).
Result<LoadedProto> Load(std::string_view text, const std::vector<ResolvedReference>& refs);

// The schema as .proto text, printed from its descriptor: comments and formatting dropped,
// declarations in a fixed form, so equal schemas print equally.
std::string Canonical(const google::protobuf::FileDescriptor& file);

// Confluent's Protobuf compatibility: every breaking change from `writer` ("original") to
// `reader` ("update"), as
// "Found incompatible change: Difference{fullPath='#/User/2', type=FIELD_SCALAR_KIND_CHANGED}".
std::vector<std::string> Incompatibilities(const google::protobuf::FileDescriptor& writer,
                                           const google::protobuf::FileDescriptor& reader);

}  // namespace kappa::registry::protobuf
