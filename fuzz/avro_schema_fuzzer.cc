// libFuzzer target: arbitrary bytes as Avro schema texts, as a registry client sends them.
// The input is split at NUL bytes into up to four texts: the first ones are references, the
// last is the schema, and the one before it (when there are two or more) is also checked
// as a writer against it. Must never crash, hang, leak or read out of bounds, and every
// parsed schema must be able to read its own data. Run by fuzz/avro_fuzz.sh (CTest:
// avro.fuzz_schema).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "avro/avro.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0 && parts.size() < 4) {
      parts.emplace_back();
    } else {
      parts.back().push_back(static_cast<char>(data[i]));
    }
  }
  const std::string text = parts.back();
  parts.pop_back();
  auto schema = kappa::avro::Parse(text, parts);
  if (!schema.ok()) return 0;
  const auto& s = **schema;
  volatile size_t n = s.CanonicalForm().size() + s.IdentityForm().size() + s.SelfContainedForm().size();
  (void)n;
  if (!kappa::avro::CheckCompatibility(s, s).empty()) {
    std::fprintf(stderr, "a schema cannot read its own data: %s\n", text.c_str());
    std::abort();
  }
  if (!parts.empty()) {
    auto other = kappa::avro::Parse(parts.back());
    if (other.ok()) {
      for (const auto& i : kappa::avro::CheckCompatibility(s, **other)) {
        volatile size_t m = kappa::avro::Describe(i, "new", "old").size();
        (void)m;
      }
      (void)kappa::avro::CheckCompatibility(**other, s);
    }
  }
  return 0;
}
