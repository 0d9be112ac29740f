#include "kafka/legacy_message_set.h"

#include <zlib.h>

#include "common/coding.h"
#include "log/record_batch.h"

namespace kappa::kafka {

namespace {

struct LegacyMessage {
  int64_t offset;
  int8_t magic;
  int8_t attributes;
  int64_t timestamp;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
};

bool ReadBytes(const char** p, const char* end, std::optional<std::string_view>* out) {
  if (end - *p < 4) return false;
  int32_t n = int32_t(coding::GetBE32(*p));
  *p += 4;
  if (n < 0) {
    *out = std::nullopt;
    return n == -1;
  }
  if (end - *p < n) return false;
  *out = std::string_view(*p, size_t(n));
  *p += n;
  return true;
}

// Parses one message set level; calls fn for each message. A trailing partial message (a
// fetch-size artifact in Kafka) is not allowed in a produce request.
Status ParseLevel(std::string_view set, std::vector<LegacyMessage>* out) {
  const char* p = set.data();
  const char* end = p + set.size();
  while (p < end) {
    if (end - p < 12) return Status::Corruption("truncated message header");
    LegacyMessage m;
    m.offset = int64_t(coding::GetBE64(p));
    int32_t size = int32_t(coding::GetBE32(p + 8));
    p += 12;
    if (size < 14 || end - p < size) return Status::Corruption("bad message size");
    const char* msg = p;
    const char* msg_end = p + size;
    p = msg_end;
    uint32_t crc = coding::GetBE32(msg);
    uint32_t actual = uint32_t(crc32(0, reinterpret_cast<const Bytef*>(msg + 4), uInt(size - 4)));
    if (crc != actual) return Status::Corruption("message CRC mismatch");
    const char* q = msg + 4;
    m.magic = int8_t(*q++);
    m.attributes = int8_t(*q++);
    if (m.magic > 1 || m.magic < 0) return Status::Corruption("unknown message magic");
    m.timestamp = -1;
    if (m.magic == 1) {
      if (msg_end - q < 8) return Status::Corruption("truncated timestamp");
      m.timestamp = int64_t(coding::GetBE64(q));
      q += 8;
    }
    if (!ReadBytes(&q, msg_end, &m.key) || !ReadBytes(&q, msg_end, &m.value) || q != msg_end) {
      return Status::Corruption("bad message key/value");
    }
    out->push_back(m);
  }
  return Status::OK();
}

}  // namespace

Result<std::string> ConvertLegacyMessageSet(std::string_view message_set, int64_t now_ms) {
  std::vector<LegacyMessage> outer;
  RETURN_IF_ERROR(ParseLevel(message_set, &outer));
  if (outer.empty()) return Status::InvalidArgument("empty message set");
  log::RecordBatchBuilder builder(log::Compression::kNone, now_ms);
  std::vector<std::string> decompressed;  // keeps inner views alive
  decompressed.reserve(outer.size());
  for (const auto& m : outer) {
    int codec = m.attributes & 0x7;
    if (codec == 0) {
      builder.Add(m.key, m.value, TimestampMs(m.timestamp));
      continue;
    }
    if (codec > 4 || !m.value) return Status::Corruption("bad compressed wrapper message");
    auto raw = log::Decompress(log::Compression(codec), *m.value);
    if (!raw.ok()) return raw.status();
    decompressed.push_back(std::move(*raw));
    std::vector<LegacyMessage> inner;
    RETURN_IF_ERROR(ParseLevel(decompressed.back(), &inner));
    for (const auto& im : inner) {
      if ((im.attributes & 0x7) != 0) return Status::Corruption("nested compression");
      int64_t ts = im.magic == 1 ? (m.attributes & 0x8 ? m.timestamp : im.timestamp) : -1;
      builder.Add(im.key, im.value, TimestampMs(ts));
    }
  }
  if (builder.empty()) return Status::InvalidArgument("empty message set");
  return builder.Finish();
}

Result<std::string> DownConvertToMessageSet(std::string_view batches, int8_t magic) {
  std::string out;
  size_t pos = 0;
  while (pos < batches.size()) {
    auto h = log::ParseBatchHeader(batches.substr(pos));
    if (!h.ok()) return h.status();
    size_t size = h->size_bytes();
    if (size > batches.size() - pos) return Status::Corruption("truncated batch");
    auto view = log::RecordBatchView::Parse(batches.substr(pos, size));
    if (!view.ok()) return view.status();
    pos += size;
    if (h->is_control()) continue;
    Status s = view->ForEachRecord([&](const log::RecordView& r) {
      std::string msg;
      msg.push_back(char(magic));
      msg.push_back(0);  // attributes: uncompressed, CreateTime
      if (magic == 1) coding::AppendBE64(&msg, uint64_t(r.timestamp.value()));
      auto put = [&](const std::optional<std::string_view>& b) {
        if (!b) {
          coding::AppendBE32(&msg, uint32_t(-1));
        } else {
          coding::AppendBE32(&msg, uint32_t(b->size()));
          msg.append(*b);
        }
      };
      put(r.key);
      put(r.value);
      uint32_t crc = uint32_t(crc32(0, reinterpret_cast<const Bytef*>(msg.data()), uInt(msg.size())));
      coding::AppendBE64(&out, uint64_t(r.offset.value()));
      coding::AppendBE32(&out, uint32_t(msg.size() + 4));
      coding::AppendBE32(&out, crc);
      out.append(msg);
      return true;
    });
    if (!s.ok()) return s;
  }
  return out;
}

}  // namespace kappa::kafka
