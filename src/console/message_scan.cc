// The message browser's bounded scan; see message_scan.h.
//
// Each partition is read forward from its position until it has `limit` matches, reaches
// its end, or uses its share of the scan budget (max_scan / partitions, at least limit).
// The matches of all partitions are merged and the first `limit` kept (the last with
// `newest`); a partition whose matches were all kept continues after what it scanned,
// one whose matches were cut continues after the last one kept, so nothing is skipped or
// shown twice.
#include "console/message_scan.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace kappa::console::kafka_internal {

namespace {
constexpr size_t kReadChunk = 500;          // records per Read call
constexpr size_t kReadBytes = 1 << 20;      // batch bytes per Read call
// What a page holds of a message: keys, values and header values are cut to their first
// kShownBytes; and the matches kept over all partitions hold about kPageBytes (each
// partition its share, at least kMinShareBytes), the rest coming on later pages. A topic of
// 10 MB records, or of records with 100,000 headers, still gives pages of a few MB.
constexpr size_t kShownBytes = 64 << 10;
constexpr size_t kPageBytes = 32 << 20;
constexpr size_t kMinShareBytes = 1 << 20;

// Cut at a character boundary: text stays valid UTF-8.
void ClipBytes(std::string* s, bool* truncated) {
  if (s->size() <= kShownBytes) return;
  size_t cut = kShownBytes;
  while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xC0) == 0x80) --cut;
  s->resize(cut);
  s->shrink_to_fit();
  *truncated = true;
}

void Clip(std::optional<std::string>* s, bool* truncated) {
  if (s->has_value()) ClipBytes(&**s, truncated);
}

// Cuts `m` for display; returns what it then costs a page, roughly.
size_t ClipForDisplay(Message* m) {
  m->value_size = m->value ? m->value->size() : 0;
  Clip(&m->key, &m->truncated);
  Clip(&m->value, &m->truncated);
  size_t bytes = 64 + (m->key ? m->key->size() : 0) + (m->value ? m->value->size() : 0);
  for (auto& h : m->headers) {
    Clip(&h.value, &m->truncated);
    ClipBytes(&h.key, &m->truncated);
    bytes += 32 + h.key.size() + (h.value ? h.value->size() : 0);
  }
  return bytes;
}

struct PartitionScan {
  int32_t partition;
  int64_t scanned_to;            // next offset after what was examined
  std::vector<Message> matches;  // in offset order
  bool at_end = false;
};
}  // namespace

std::string FormatCursor(const Positions& p) {
  std::string out;
  for (const auto& [part, off] : p) {
    if (!out.empty()) out += ',';
    out += std::to_string(part) + ':' + std::to_string(off);
  }
  return out;
}

Result<Positions> ParseCursor(std::string_view cursor) {
  Positions out;
  auto bad = [&] { return Status::InvalidArgument("malformed cursor '" + std::string(cursor) + "'"); };
  if (cursor.empty() || cursor.size() > 200000) return bad();
  size_t pos = 0;
  while (pos < cursor.size()) {
    size_t comma = cursor.find(',', pos);
    std::string_view item = cursor.substr(pos, comma == cursor.npos ? cursor.npos : comma - pos);
    size_t colon = item.find(':');
    if (colon == item.npos) return bad();
    int32_t p = 0;
    int64_t o = 0;
    auto r1 = std::from_chars(item.data(), item.data() + colon, p);
    auto r2 = std::from_chars(item.data() + colon + 1, item.data() + item.size(), o);
    if (r1.ec != std::errc() || r1.ptr != item.data() + colon || r2.ec != std::errc() ||
        r2.ptr != item.data() + item.size() || p < 0 || o < 0) {
      return bad();
    }
    out.emplace_back(p, o);
    if (comma == cursor.npos) break;
    if (comma + 1 == cursor.size()) return bad();
    pos = comma + 1;
  }
  return out;
}

Result<ScanResult> ScanMessages(const KafkaSource& source, const ScanRequest& req) {
  ScanResult result;
  if (req.from.empty()) {
    result.exhausted = true;
    return result;
  }
  auto topic = source.DescribeTopic(req.topic);
  if (!topic.ok()) return topic.status();
  std::map<int32_t, PartitionStat> stats;
  for (const auto& p : topic->partitions) stats[p.partition] = p;

  const size_t share = std::max(req.limit, req.max_scan / req.from.size());
  const size_t byte_share = std::max(kMinShareBytes, kPageBytes / req.from.size());
  std::vector<PartitionScan> scans;
  for (const auto& [partition, from] : req.from) {
    auto it = stats.find(partition);
    if (it == stats.end()) {
      return Status::NotFound("topic " + req.topic + " has no partition " +
                              std::to_string(partition));
    }
    PartitionScan s{partition, std::clamp(from, it->second.start_offset, it->second.end_offset),
                    {}, false};
    size_t budget = req.match ? share : req.limit;
    size_t kept_bytes = 0;
    while (s.matches.size() < req.limit && budget > 0 && kept_bytes < byte_share) {
      auto msgs = source.Read(req.topic, partition, s.scanned_to, std::min(budget, kReadChunk),
                              kReadBytes);
      if (!msgs.ok()) return msgs.status();
      if (msgs->empty()) {
        s.at_end = true;
        break;
      }
      for (auto& m : *msgs) {
        if (s.matches.size() >= req.limit || budget == 0 || kept_bytes >= byte_share) break;
        --budget;
        ++result.scanned;
        s.scanned_to = m.offset + 1;
        if (!req.match || req.match(m)) {  // the filter sees the whole message
          kept_bytes += ClipForDisplay(&m);
          s.matches.push_back(std::move(m));
        }
      }
    }
    if (!s.at_end && s.scanned_to >= it->second.end_offset) s.at_end = true;
    scans.push_back(std::move(s));
  }

  // Merge by time; keep the first (or newest) `limit`.
  struct Ref {
    size_t scan, index;
  };
  std::vector<Ref> refs;
  for (size_t i = 0; i < scans.size(); ++i) {
    for (size_t k = 0; k < scans[i].matches.size(); ++k) refs.push_back({i, k});
  }
  auto key = [&](const Ref& r) {
    const Message& m = scans[r.scan].matches[r.index];
    return std::tuple(m.timestamp_ms, m.partition, m.offset);
  };
  std::sort(refs.begin(), refs.end(), [&](const Ref& a, const Ref& b) { return key(a) < key(b); });
  size_t keep_from = 0, keep_to = std::min(refs.size(), req.limit);
  if (req.newest && refs.size() > req.limit) {
    keep_from = refs.size() - req.limit;
    keep_to = refs.size();
  }
  std::vector<size_t> kept_per_scan(scans.size(), 0);
  std::vector<int64_t> last_kept(scans.size(), -1);
  for (size_t i = keep_from; i < keep_to; ++i) {
    const Ref& r = refs[i];
    ++kept_per_scan[r.scan];
    last_kept[r.scan] = std::max(last_kept[r.scan], scans[r.scan].matches[r.index].offset);
    result.items.push_back(scans[r.scan].matches[r.index]);
  }
  result.exhausted = true;
  for (size_t i = 0; i < scans.size(); ++i) {
    const auto& s = scans[i];
    int64_t next = s.scanned_to;
    // `newest` drops the oldest matches: the page continues after the newest (what the
    // user sees is the tail); otherwise the page continues after the last match shown.
    if (!req.newest && kept_per_scan[i] < s.matches.size()) {
      next = kept_per_scan[i] == 0 ? s.matches.front().offset : last_kept[i] + 1;
    }
    result.next.emplace_back(s.partition, next);
    if (next < stats[s.partition].end_offset) result.exhausted = false;
  }
  return result;
}

}  // namespace kappa::console::kafka_internal
