// The four Kafka compression codecs. Framing follows what Kafka clients put on the wire:
//  gzip:   RFC 1952 gzip stream (zlib windowBits 16+15); several members are accepted.
//  snappy: the Java client's xerial framing ("\x82SNAPPY\0", version 1, compatible 1, then
//          [int32 BE length][raw snappy block]...). librdkafka also writes xerial; a bare raw
//          snappy block is accepted on decode too.
//  lz4:    the LZ4 frame format (Kafka >= 0.10 magic 1+ uses a correct header checksum).
//  zstd:   a zstd frame (the content size may be absent; streaming decode).
#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "common/coding.h"
#include "log/record_batch.h"

namespace kappa::log {
namespace {

constexpr char kXerialMagic[8] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', '\0'};
constexpr size_t kXerialHeader = 16;
constexpr size_t kXerialBlock = 32 * 1024;  // the Java client's default block size
// Decompressed batches larger than this are rejected (a decompression bomb).
constexpr size_t kMaxDecompressed = 256u << 20;

Status CodecError(std::string_view codec, std::string_view what) {
  return Status::Corruption(std::string(codec) + " decompression failed: " + std::string(what));
}

Result<std::string> GzipCompress(std::string_view raw) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Status::Internal("deflateInit2 failed");
  std::string out(deflateBound(&zs, uLong(raw.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = uInt(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("gzip compression failed");
  return out;
}

Result<std::string> GzipDecompress(std::string_view in) {
  std::string out;
  z_stream zs{};
  if (inflateInit2(&zs, 16 + 15) != Z_OK) return Status::Internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  char buf[64 * 1024];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > kMaxDecompressed) {
      inflateEnd(&zs);
      return CodecError("gzip", "output too large");
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc != Z_OK) {
      inflateEnd(&zs);
      return CodecError("gzip", zs.msg ? zs.msg : "bad data");
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return CodecError("gzip", "truncated stream");
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<std::string> SnappyCompress(std::string_view raw) {
  std::string out(kXerialMagic, 8);
  coding::AppendBE32(&out, 1);  // version
  coding::AppendBE32(&out, 1);  // minimum compatible version
  std::string block;
  for (size_t pos = 0; pos < raw.size(); pos += kXerialBlock) {
    size_t n = std::min(kXerialBlock, raw.size() - pos);
    block.clear();
    snappy::Compress(raw.data() + pos, n, &block);
    coding::AppendBE32(&out, uint32_t(block.size()));
    out += block;
  }
  return out;
}

Status SnappyRawAppend(std::string_view block, std::string* out) {
  size_t n;
  if (!snappy::GetUncompressedLength(block.data(), block.size(), &n) ||
      out->size() + n > kMaxDecompressed)
    return CodecError("snappy", "bad block length");
  size_t old = out->size();
  out->resize(old + n);
  if (!snappy::RawUncompress(block.data(), block.size(), out->data() + old))
    return CodecError("snappy", "corrupt block");
  return Status::OK();
}

Result<std::string> SnappyDecompress(std::string_view in) {
  std::string out;
  if (in.size() >= kXerialHeader && std::memcmp(in.data(), kXerialMagic, 8) == 0) {
    size_t pos = kXerialHeader;
    while (pos < in.size()) {
      if (in.size() - pos < 4) return CodecError("snappy", "truncated xerial block header");
      size_t len = coding::GetBE32(in.data() + pos);
      pos += 4;
      if (len > in.size() - pos) return CodecError("snappy", "truncated xerial block");
      RETURN_IF_ERROR(SnappyRawAppend(in.substr(pos, len), &out));
      pos += len;
    }
    return out;
  }
  RETURN_IF_ERROR(SnappyRawAppend(in, &out));
  return out;
}

Result<std::string> Lz4Compress(std::string_view raw) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  std::string out(LZ4F_compressFrameBound(raw.size(), &prefs), '\0');
  size_t n = LZ4F_compressFrame(out.data(), out.size(), raw.data(), raw.size(), &prefs);
  if (LZ4F_isError(n)) return Status::Internal(std::string("lz4: ") + LZ4F_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> Lz4Decompress(std::string_view in) {
  LZ4F_dctx* dctx;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
    return Status::Internal("LZ4F_createDecompressionContext failed");
  std::string out;
  char buf[64 * 1024];
  const char* src = in.data();
  size_t left = in.size();
  Status st;
  while (true) {
    size_t dst_size = sizeof(buf), src_size = left;
    size_t rc = LZ4F_decompress(dctx, buf, &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(rc)) {
      st = CodecError("lz4", LZ4F_getErrorName(rc));
      break;
    }
    out.append(buf, dst_size);
    src += src_size;
    left -= src_size;
    if (out.size() > kMaxDecompressed) {
      st = CodecError("lz4", "output too large");
      break;
    }
    if (rc == 0) break;  // frame complete
    if (left == 0 && dst_size == 0) {
      st = CodecError("lz4", "truncated frame");
      break;
    }
  }
  LZ4F_freeDecompressionContext(dctx);
  if (!st.ok()) return st;
  return out;
}

Result<std::string> ZstdCompress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
  if (ZSTD_isError(n)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view in) {
  ZSTD_DCtx* d = ZSTD_createDCtx();
  if (!d) return Status::Internal("ZSTD_createDCtx failed");
  std::string out;
  char buf[64 * 1024];
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  Status st;
  size_t rc = 1;
  while (true) {
    ZSTD_outBuffer ob{buf, sizeof(buf), 0};
    rc = ZSTD_decompressStream(d, &ob, &ib);
    if (ZSTD_isError(rc)) {
      st = CodecError("zstd", ZSTD_getErrorName(rc));
      break;
    }
    out.append(buf, ob.pos);
    if (out.size() > kMaxDecompressed) {
      st = CodecError("zstd", "output too large");
      break;
    }
    if (rc == 0 && ib.pos == ib.size) break;  // frame(s) complete
    if (ib.pos == ib.size && ob.pos < ob.size) {
      st = CodecError("zstd", "truncated frame");
      break;
    }
  }
  ZSTD_freeDCtx(d);
  if (!st.ok()) return st;
  return out;
}

}  // namespace

Result<std::string> Compress(Compression c, std::string_view raw) {
  switch (c) {
    case Compression::kNone: return std::string(raw);
    case Compression::kGzip: return GzipCompress(raw);
    case Compression::kSnappy: return SnappyCompress(raw);
    case Compression::kLz4: return Lz4Compress(raw);
    case Compression::kZstd: return ZstdCompress(raw);
  }
  return Status::InvalidArgument("unknown compression codec " + std::to_string(int(c)));
}

Result<std::string> Decompress(Compression c, std::string_view compressed) {
  switch (c) {
    case Compression::kNone: return std::string(compressed);
    case Compression::kGzip: return GzipDecompress(compressed);
    case Compression::kSnappy: return SnappyDecompress(compressed);
    case Compression::kLz4: return Lz4Decompress(compressed);
    case Compression::kZstd: return ZstdDecompress(compressed);
  }
  return Status::Corruption("unknown compression codec " + std::to_string(int(c)) +
                            " in batch attributes");
}

}  // namespace kappa::log
