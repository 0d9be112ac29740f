// CQL native protocol frames, versions 3 and 4 (docs/formats/cql.md):
//   version(1) flags(1) stream(2, signed) opcode(1) length(4) body(length)
// The top bit of `version` is the direction (0x80 = response). Body compression (flag 0x01)
// uses the algorithm agreed in STARTUP: "lz4" (4-byte big-endian uncompressed length, then
// an LZ4 block) or "snappy" (raw snappy).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa::cql {

inline constexpr size_t kFrameHeaderSize = 9;
// Largest frame body kappa accepts (Cassandra's default native_transport_max_frame_size).
inline constexpr uint32_t kMaxFrameBody = 256u << 20;
inline constexpr uint8_t kMinProtocolVersion = 3;
inline constexpr uint8_t kMaxProtocolVersion = 4;

enum class Opcode : uint8_t {
  kError = 0x00,
  kStartup = 0x01,
  kReady = 0x02,
  kAuthenticate = 0x03,
  kOptions = 0x05,
  kSupported = 0x06,
  kQuery = 0x07,
  kResult = 0x08,
  kPrepare = 0x09,
  kExecute = 0x0A,
  kRegister = 0x0B,
  kEvent = 0x0C,
  kBatch = 0x0D,
  kAuthChallenge = 0x0E,
  kAuthResponse = 0x0F,
  kAuthSuccess = 0x10,
};
const char* OpcodeName(Opcode op);

namespace frame_flags {
inline constexpr uint8_t kCompression = 0x01;
inline constexpr uint8_t kTracing = 0x02;
inline constexpr uint8_t kCustomPayload = 0x04;
inline constexpr uint8_t kWarning = 0x08;
inline constexpr uint8_t kUseBeta = 0x10;
}  // namespace frame_flags

enum class Compression : uint8_t { kNone, kLz4, kSnappy };

struct FrameHeader {
  uint8_t version = kMaxProtocolVersion;  // without the direction bit
  bool response = false;
  uint8_t flags = 0;
  int16_t stream = 0;
  Opcode opcode = Opcode::kError;
  uint32_t length = 0;
};

// Decodes the 9-byte header at p. Does not validate the version (the caller answers an
// unsupported version with a protocol error) but does reject a body over kMaxFrameBody.
Status DecodeFrameHeader(const char* p, FrameHeader* h);
void EncodeFrameHeader(const FrameHeader& h, char* out);

// Builds a complete frame: header + (possibly compressed) body. `compression` applies only
// when not kNone; bodies of STARTUP/OPTIONS/SUPPORTED/READY are never compressed by callers.
std::string EncodeFrame(FrameHeader h, std::string_view body, Compression compression);
// The same frame, appended to *out (no intermediate string when not compressing).
void AppendFrame(FrameHeader h, std::string_view body, Compression compression, std::string* out);

// Compresses/decompresses a frame body.
Result<std::string> CompressBody(Compression c, std::string_view body);
Result<std::string> DecompressBody(Compression c, std::string_view body);

}  // namespace kappa::cql
