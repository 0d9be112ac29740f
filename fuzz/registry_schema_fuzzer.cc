// libFuzzer target: arbitrary bytes as schemas registered with kappa's schema registry. The
// first byte picks the type (JSON Schema or .proto) and the rest is split at the first NUL
// into two schema texts. Each is parsed; when both are valid the compatibility check runs
// both ways (recursive $refs, unions, oneofs), and a JSON schema's canonical text must parse
// to the same canonical text. Must never crash, hang, leak or read out of bounds. Run by
// fuzz/registry_schema_fuzz.sh (CTest: registry.fuzz_schema).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/schema_type.h"

using namespace kappa::registry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const SchemaType& type = (data[0] & 1) ? ProtobufSchemaType() : JsonSchemaType();
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nul = rest.find('\0');
  std::string_view a = rest.substr(0, nul);
  std::string_view b = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  // A reference by name, so $ref "r.json" / import "r.proto" has something to resolve to.
  std::vector<ResolvedReference> refs;
  if (!b.empty())
    refs.push_back({&type == &JsonSchemaType() ? "r.json" : "r.proto", "r", 1, std::string(b), {}});
  auto first = type.Parse(a, refs);
  auto second = type.Parse(b, {});
  if (first.ok()) {
    (void)(*first)->Text(true);
    if (&type == &JsonSchemaType()) {
      auto again = type.Parse((*first)->canonical(), refs);
      if (!again.ok() || (*again)->canonical() != (*first)->canonical()) abort();
    }
  }
  if (first.ok() && second.ok()) {
    (void)(*first)->ReadIncompatibilities(**second);
    (void)(*second)->ReadIncompatibilities(**first);
    (void)(*first)->ReadIncompatibilities(**first);
  }
  return 0;
}
