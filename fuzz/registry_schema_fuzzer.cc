// libFuzzer target: arbitrary bytes as schemas registered with kappa's schema registry. The
// first byte picks the type (JSON Schema or .proto) and the rest is split at the first NUL
// into two schema texts; or, with both low bits set, the rest is one serialized
// FileDescriptorProto, sent base64-encoded as confluent-kafka-python sends schemas. Each is parsed; when both are valid the compatibility check runs
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

namespace {

std::string Base64(std::string_view bytes) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const SchemaType& type = (data[0] & 1) ? ProtobufSchemaType() : JsonSchemaType();
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nul = (data[0] & 3) == 3 ? std::string_view::npos : rest.find('\0');
  std::string_view a = rest.substr(0, nul);
  std::string_view b = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  // A reference by name, so $ref "r.json" / import "r.proto" has something to resolve to.
  std::vector<ResolvedReference> refs;
  if (!b.empty())
    refs.push_back({&type == &JsonSchemaType() ? "r.json" : "r.proto", "r", 1, std::string(b), {}});
  std::string encoded;
  if ((data[0] & 3) == 3) {
    encoded = Base64(a);
    a = encoded;
  }
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
