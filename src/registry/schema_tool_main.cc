// A test-only command line over the JSON and PROTOBUF schema types, so that process tests
// (tests/registry/test_json_schema_python.py) can hold them against independent tools:
//   registry_schema_tool check TYPE FILE          -> "OK <canonical>" or "INVALID <message>"
//   registry_schema_tool compat TYPE WRITER READER -> one incompatibility per line
// A FILE of "-" is stdin. Exit status: 0 valid/compatible, 1 invalid/incompatible, 2 misuse.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "registry/schema_type.h"

using kappa::registry::SchemaType;

namespace {

std::string ReadAll(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream f(path, std::ios::binary);
    ss << f.rdbuf();
  }
  return ss.str();
}

const SchemaType* TypeOf(const std::string& name) {
  if (name == "JSON") return &kappa::registry::JsonSchemaType();
  if (name == "PROTOBUF") return &kappa::registry::ProtobufSchemaType();
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 2 ? argv[1] : "";
  const SchemaType* type = argc > 2 ? TypeOf(argv[2]) : nullptr;
  if (!type || !((cmd == "check" && argc == 4) || (cmd == "compat" && argc == 5))) {
    std::cerr << "usage: registry_schema_tool check JSON|PROTOBUF FILE\n"
                 "       registry_schema_tool compat JSON|PROTOBUF WRITER READER\n";
    return 2;
  }
  auto first = type->Parse(ReadAll(argv[3]), {});
  if (!first.ok()) {
    std::cout << "INVALID " << first.status().message() << "\n";
    return 1;
  }
  if (cmd == "check") {
    std::cout << "OK " << (*first)->canonical() << "\n";
    return 0;
  }
  auto second = type->Parse(ReadAll(argv[4]), {});
  if (!second.ok()) {
    std::cout << "INVALID " << second.status().message() << "\n";
    return 1;
  }
  auto reasons = (*second)->ReadIncompatibilities(**first);
  for (const auto& r : reasons) std::cout << r << "\n";
  return reasons.empty() ? 0 : 1;
}
