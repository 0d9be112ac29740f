#include "cql/protocol/frame.h"

#include <lz4.h>
#include <snappy.h>

#include "common/coding.h"

namespace kappa::cql {

const char* OpcodeName(Opcode op) {
  switch (op) {
    case Opcode::kError: return "ERROR";
    case Opcode::kStartup: return "STARTUP";
    case Opcode::kReady: return "READY";
    case Opcode::kAuthenticate: return "AUTHENTICATE";
    case Opcode::kOptions: return "OPTIONS";
    case Opcode::kSupported: return "SUPPORTED";
    case Opcode::kQuery: return "QUERY";
    case Opcode::kResult: return "RESULT";
    case Opcode::kPrepare: return "PREPARE";
    case Opcode::kExecute: return "EXECUTE";
    case Opcode::kRegister: return "REGISTER";
    case Opcode::kEvent: return "EVENT";
    case Opcode::kBatch: return "BATCH";
    case Opcode::kAuthChallenge: return "AUTH_CHALLENGE";
    case Opcode::kAuthResponse: return "AUTH_RESPONSE";
    case Opcode::kAuthSuccess: return "AUTH_SUCCESS";
  }
  return "UNKNOWN";
}

Status DecodeFrameHeader(const char* p, FrameHeader* h) {
  uint8_t v = uint8_t(p[0]);
  h->response = (v & 0x80) != 0;
  h->version = v & 0x7f;
  h->flags = uint8_t(p[1]);
  h->stream = int16_t(coding::GetBE16(p + 2));
  h->opcode = Opcode(uint8_t(p[4]));
  h->length = coding::GetBE32(p + 5);
  if (h->length > kMaxFrameBody) {
    return Status::InvalidArgument("frame body of " + std::to_string(h->length) +
                                   " bytes exceeds the maximum of " +
                                   std::to_string(kMaxFrameBody));
  }
  return Status::OK();
}

void EncodeFrameHeader(const FrameHeader& h, char* out) {
  out[0] = char(h.version | (h.response ? 0x80 : 0));
  out[1] = char(h.flags);
  coding::PutBE16(out + 2, uint16_t(h.stream));
  out[4] = char(h.opcode);
  coding::PutBE32(out + 5, h.length);
}

void AppendFrame(FrameHeader h, std::string_view body, Compression compression, std::string* out) {
  std::string compressed;
  if (compression != Compression::kNone && !body.empty()) {
    auto r = CompressBody(compression, body);
    if (r.ok()) {
      compressed = std::move(r).value();
      body = compressed;
      h.flags |= frame_flags::kCompression;
    }
  } else {
    h.flags &= uint8_t(~frame_flags::kCompression);
  }
  h.length = uint32_t(body.size());
  const size_t start = out->size();
  out->resize(start + kFrameHeaderSize);
  EncodeFrameHeader(h, out->data() + start);
  out->append(body);
}

std::string EncodeFrame(FrameHeader h, std::string_view body, Compression compression) {
  std::string out;
  AppendFrame(h, body, compression, &out);
  return out;
}

Result<std::string> CompressBody(Compression c, std::string_view body) {
  std::string out;
  switch (c) {
    case Compression::kNone:
      return std::string(body);
    case Compression::kLz4: {
      int bound = LZ4_compressBound(int(body.size()));
      out.resize(4 + size_t(bound));
      coding::PutBE32(out.data(), uint32_t(body.size()));
      int n = LZ4_compress_default(body.data(), out.data() + 4, int(body.size()), bound);
      if (n <= 0) return Status::Internal("lz4 compression failed");
      out.resize(4 + size_t(n));
      return out;
    }
    case Compression::kSnappy:
      snappy::Compress(body.data(), body.size(), &out);
      return out;
  }
  return Status::Internal("unknown compression");
}

Result<std::string> DecompressBody(Compression c, std::string_view body) {
  std::string out;
  switch (c) {
    case Compression::kNone:
      return std::string(body);
    case Compression::kLz4: {
      if (body.size() < 4) return Status::InvalidArgument("lz4 frame body shorter than 4 bytes");
      uint32_t n = coding::GetBE32(body.data());
      if (n > kMaxFrameBody) return Status::InvalidArgument("lz4 uncompressed length too large");
      out.resize(n);
      int got = LZ4_decompress_safe(body.data() + 4, out.data(), int(body.size() - 4), int(n));
      if (got < 0 || uint32_t(got) != n) {
        return Status::InvalidArgument("corrupt lz4 frame body");
      }
      return out;
    }
    case Compression::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(body.data(), body.size(), &n) || n > kMaxFrameBody ||
          !snappy::Uncompress(body.data(), body.size(), &out)) {
        return Status::InvalidArgument("corrupt snappy frame body");
      }
      return out;
    }
  }
  return Status::Internal("unknown compression");
}

}  // namespace kappa::cql
