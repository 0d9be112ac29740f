// libFuzzer target: arbitrary bytes as a CQL request frame. Decodes the header, decompresses
// the body both ways, and walks every notation the request handlers read. Must never crash,
// hang or read out of bounds. Run by fuzz/cql_fuzz.sh (CTest: cql.fuzz_frame).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cql/protocol/frame.h"
#include "cql/protocol/wire.h"

using namespace kappa::cql;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* p = reinterpret_cast<const char*>(data);
  if (size >= kFrameHeaderSize) {
    FrameHeader h;
    (void)DecodeFrameHeader(p, &h);
  }
  std::string_view body(p, size);
  (void)DecompressBody(Compression::kLz4, body);
  (void)DecompressBody(Compression::kSnappy, body);
  // QUERY-shaped body: [long string][short][byte] values...
  WireReader r(body);
  std::string_view s;
  uint16_t n = 0;
  uint8_t b = 0;
  r.LongString(&s);
  r.Short(&n);
  r.Byte(&b);
  r.Short(&n);
  for (uint16_t i = 0; i < n && r.ok(); ++i) {
    WireValue v;
    r.Value(&v);
  }
  WireReader r2(body);
  std::map<std::string, std::string> m;
  r2.StringMap(&m);
  std::map<std::string, std::vector<std::string>> mm;
  r2.StringMultimap(&mm);
  std::vector<std::string> l;
  r2.StringList(&l);
  bool null;
  r2.Bytes(&s, &null);
  r2.ShortBytes(&s);
  return 0;
}
