// A test-only command line over the JSON and PROTOBUF schema types, so that process tests
// (tests/registry/test_json_schema_python.py) can hold them against independent tools:
//   registry_schema_tool check TYPE FILE          -> "OK <canonical>" or "INVALID <message>"
//   registry_schema_tool compat TYPE WRITER READER [--wref NAME=FILE]... [--rref NAME=FILE]...
//                                                  -> one incompatibility per line
//     (--wref/--rref: a reference of the writer's/reader's schema, named as it imports it)
//   registry_schema_tool check-lines TYPE FILE    -> "OK ..."/"INVALID ..." per input line
// A FILE of "-" is stdin. Exit status: 0 valid/compatible, 1 invalid/incompatible, 2 misuse.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <vector>

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
  if (type && cmd == "check-lines" && argc == 4) {
    std::istringstream lines(ReadAll(argv[3]));
    std::string line;
    while (std::getline(lines, line)) {
      auto s = type->Parse(line, {});
      std::cout << (s.ok() ? "OK " + (*s)->canonical() : "INVALID " + s.status().message()) << "\n";
    }
    return 0;
  }
  std::vector<kappa::registry::ResolvedReference> wrefs, rrefs;
  for (int i = 5; cmd == "compat" && i + 1 < argc; i += 2) {
    std::string opt = argv[i], spec = argv[i + 1];
    size_t eq = spec.find('=');
    if ((opt != "--wref" && opt != "--rref") || eq == std::string::npos) return 2;
    kappa::registry::ResolvedReference r{
        spec.substr(0, eq), spec.substr(0, eq), 1, ReadAll(spec.substr(eq + 1)), {}};
    (opt == "--wref" ? wrefs : rrefs).push_back(r);
  }
  if (!type ||
      !((cmd == "check" && argc == 4) || (cmd == "compat" && argc >= 5 && argc % 2 == 1))) {
    std::cerr << "usage: registry_schema_tool check JSON|PROTOBUF FILE\n"
                 "       registry_schema_tool compat JSON|PROTOBUF WRITER READER\n"
                 "       registry_schema_tool check-lines JSON|PROTOBUF FILE\n";
    return 2;
  }
  auto first = type->Parse(ReadAll(argv[3]), wrefs);
  if (!first.ok()) {
    std::cout << "INVALID " << first.status().message() << "\n";
    return 1;
  }
  if (cmd == "check") {
    std::cout << "OK " << (*first)->canonical() << "\n";
    return 0;
  }
  auto second = type->Parse(ReadAll(argv[4]), rrefs);
  if (!second.ok()) {
    std::cout << "INVALID " << second.status().message() << "\n";
    return 1;
  }
  auto reasons = (*second)->ReadIncompatibilities(**first);
  for (const auto& r : reasons) std::cout << r << "\n";
  return reasons.empty() ? 0 : 1;
}
