// libFuzzer target for the Avro decoder (src/avro/avro.h). The first byte picks one of a few
// writer schemas (flat, nested with every complex type, recursive, zero-byte items); the rest
// is the payload. Checked on every input:
//   - nothing crashes, leaks or reads out of bounds (ASan+UBSan), and no input allocates or
//     loops beyond what its size allows (libFuzzer's -rss_limit and -timeout);
//   - kappa's reader and libavro-c agree: Validate accepts exactly what DecodeToJsonDirect
//     decodes, and then libavro-c (DecodeToJson) decodes it to the same JSON text;
//   - the record fast path (DecodeRecord) accepts exactly what Validate accepts;
//   - the encoder's direct path writes exactly libavro-c's bytes;
//   - what decodes re-encodes, and after that first trip (which reads a
//     string that is not UTF-8 as Latin-1) decoding and encoding are each other's inverse
//     (schemas without floating point, whose JSON spelling is not the binary's identity).
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <vector>

#include "avro/avro.h"

namespace {

using kappa::avro::Codec;

struct Case {
  const char* schema;
  bool round_trip;
};

const Case kCases[] = {
    {R"({"type":"record","name":"users_created","fields":[
        {"name":"id","type":{"type":"string","logicalType":"uuid"}},
        {"name":"first_name","type":["null","string"],"default":null},
        {"name":"age","type":["null","int"]},{"name":"big","type":"long"},
        {"name":"ok","type":"boolean"}]})", true},
    {R"({"type":"record","name":"R","fields":[
        {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
        {"name":"a","type":{"type":"array","items":["null","long"]}},
        {"name":"m","type":{"type":"map","values":"string"}},
        {"name":"f","type":{"type":"fixed","name":"Three","size":3}},
        {"name":"b","type":"bytes"},
        {"name":"n","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
        {"name":"u","type":["null","Inner","string"]}]})", true},
    {R"({"type":"record","name":"L","fields":[{"name":"v","type":"int"},
        {"name":"next","type":["null","L"]}]})", true},
    {R"({"type":"array","items":{"type":"array","items":"null"}})", true},
    {R"({"type":"record","name":"F","fields":[{"name":"f","type":"float"},
        {"name":"d","type":["double","null"]},{"name":"s","type":{"type":"map","values":"double"}}]})", false},
};
constexpr size_t kCount = sizeof(kCases) / sizeof(kCases[0]);

const std::vector<std::shared_ptr<const Codec>>& Codecs() {
  static auto* codecs = [] {
    auto* v = new std::vector<std::shared_ptr<const Codec>>();
    for (const Case& c : kCases) {
      auto codec = Codec::Compile(c.schema);
      if (!codec.ok()) {
        std::fprintf(stderr, "schema does not compile: %s\n", codec.status().ToString().c_str());
        std::abort();
      }
      v->push_back(*codec);
    }
    return v;
  }();
  return *codecs;
}

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t which = data[0] % kCount;
  const Codec& codec = *Codecs()[which];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);

  const bool valid = codec.Validate(payload).ok();
  std::string direct, lib;
  Require(codec.DecodeToJsonDirect(payload, &direct).ok() == valid, "Validate == DecodeToJsonDirect");
  Require(codec.DecodeToJson(payload, &lib).ok() == valid, "Validate == DecodeToJson");
  Require(direct == lib, "kappa's reader and libavro-c give the same JSON");
  if (codec.root().kind == kappa::avro::SchemaNode::Kind::kRecord) {
    std::vector<kappa::avro::FieldValue> fields;
    std::string scratch;
    Require(codec.DecodeRecord(payload, &fields, &scratch).ok() == valid, "Validate == DecodeRecord");
  }
  if (valid && kCases[which].round_trip) {
    kappa::avro::Encoder enc(Codecs()[which]);
    std::string once, json1, twice, json2;
    Require(enc.Encode(direct, &once).ok(), "decoded JSON re-encodes");
    std::string lib_once;
    Require(enc.EncodeWithLibavro(direct, &lib_once).ok() && lib_once == once,
            "the direct encoder writes libavro-c's bytes");
    Require(codec.DecodeToJsonDirect(once, &json1).ok(), "re-encoded decodes");
    Require(enc.Encode(json1, &twice).ok() && twice == once, "encoding is stable");
    Require(codec.DecodeToJson(twice, &json2).ok() && json2 == json1, "decoding is stable");
  }
  return 0;
}
