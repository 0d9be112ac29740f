#include "store/row_state.h"

#include <algorithm>
#include <cstring>

#include "common/coding.h"

namespace kappa::store {
namespace {

enum : uint8_t { kHasMarker = 1, kHasTombstone = 2 };
enum : uint8_t { kCellTombstone = 1, kCellExpiring = 2, kCellCounter = 4 };
constexpr uint8_t kFormatVersion = 1;

// Which of two versions of a cell wins. Highest timestamp; then a tombstone; then the later
// expiry (0 = never, the latest); then the greater value. Deterministic, so merges commute.
bool Wins(const CellState& a, const CellState& b) {
  if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp;
  if (a.tombstone != b.tombstone) return a.tombstone;
  uint64_t ea = a.expiry == 0 ? UINT64_MAX : a.expiry, eb = b.expiry == 0 ? UINT64_MAX : b.expiry;
  if (ea != eb) return ea > eb;
  return a.value > b.value;
}

}  // namespace

bool RowState::LiveAt(uint32_t now_s, int64_t shadow_ts) const {
  int64_t shadow = std::max(shadow_ts, tombstone_ts);
  if (has_marker && marker_ts > shadow && (marker_expiry == 0 || now_s < marker_expiry)) {
    return true;
  }
  for (const CellState& c : cells) {
    if (c.timestamp > shadow && c.LiveAt(now_s)) return true;
  }
  return false;
}

void EncodeRowState(const RowState& s, std::string* out) {
  // One pass for an upper bound, one resize, then raw writes: appending field by field costs
  // a capacity check per varint, and this runs for every row written and every merge.
  size_t bound = 2 + 3 * 10 + 10;
  for (const CellState& c : s.cells) bound += 1 + 5 + 10 + 5 + 5 + 10 + c.value.size();
  const size_t start = out->size();
  out->resize(start + bound);
  char* const base = out->data() + start;
  char* p = base;
  *p++ = char(kFormatVersion);
  *p++ = char((s.has_marker ? kHasMarker : 0) |
              (s.tombstone_ts != kNoTimestamp ? kHasTombstone : 0));
  if (s.has_marker) {
    p += coding::PutUVarint(p, coding::ZigZag64(s.marker_ts));
    p += coding::PutUVarint(p, s.marker_expiry);
    if (s.marker_expiry) p += coding::PutUVarint(p, s.marker_ttl);
  }
  if (s.tombstone_ts != kNoTimestamp) {
    p += coding::PutUVarint(p, coding::ZigZag64(s.tombstone_ts));
    p += coding::PutUVarint(p, s.tombstone_time);
  }
  p += coding::PutUVarint(p, s.cells.size());
  // Cells of one write share a timestamp: encode it once, copy its bytes.
  int64_t last_ts = 0;
  char ts_bytes[10] = {};
  int ts_len = 0;
  for (const CellState& c : s.cells) {
    p += coding::PutUVarint(p, c.column_id);
    const bool counter = c.counter && !c.tombstone;
    *p++ = char((c.tombstone ? kCellTombstone : 0) | (c.expiry ? kCellExpiring : 0) |
                (counter ? kCellCounter : 0));
    if (ts_len == 0 || c.timestamp != last_ts) {
      last_ts = c.timestamp;
      ts_len = coding::PutUVarint(ts_bytes, coding::ZigZag64(c.timestamp));
    }
    std::memcpy(p, ts_bytes, 10);  // a fixed-size copy (the bound has room); ts_len count
    p += ts_len;
    if (c.expiry) {
      p += coding::PutUVarint(p, c.expiry);
      if (!c.tombstone) p += coding::PutUVarint(p, c.ttl);
    }
    if (counter) {
      p += coding::PutUVarint(p, coding::ZigZag64(c.delta));
    } else if (!c.tombstone) {
      p += coding::PutUVarint(p, c.value.size());
      if (!c.value.empty()) std::memcpy(p, c.value.data(), c.value.size());
      p += c.value.size();
    }
  }
  out->resize(start + size_t(p - base));
}

bool DecodeRowState(std::string_view in, RowState* s) {
  const char* p = in.data();
  const char* end = p + in.size();
  // Keeps the cells' capacity: a decoder reusing its RowState (per thread on the read and
  // merge paths) allocates nothing once warmed up.
  s->Clear();
  if (end - p < 2 || uint8_t(p[0]) != kFormatVersion) return false;
  uint8_t flags = uint8_t(p[1]);
  p += 2;
  uint64_t u;
  if (flags & kHasMarker) {
    s->has_marker = true;
    if (!coding::DecodeVarint(&p, end, &s->marker_ts)) return false;
    if (!coding::DecodeUVarint(&p, end, &u) || u > UINT32_MAX) return false;
    s->marker_expiry = uint32_t(u);
    if (s->marker_expiry) {
      if (!coding::DecodeUVarint(&p, end, &u) || u > UINT32_MAX) return false;
      s->marker_ttl = uint32_t(u);
    }
  }
  if (flags & kHasTombstone) {
    if (!coding::DecodeVarint(&p, end, &s->tombstone_ts)) return false;
    if (!coding::DecodeUVarint(&p, end, &u) || u > UINT32_MAX) return false;
    s->tombstone_time = uint32_t(u);
  }
  uint64_t n;
  if (!coding::DecodeUVarint(&p, end, &n) || n > in.size()) return false;
  s->cells.resize(n);
  uint32_t prev_id = 0;
  for (uint64_t i = 0; i < n; ++i) {
    CellState& c = s->cells[i];
    if (!coding::DecodeUVarint(&p, end, &u) || u > UINT32_MAX) return false;
    c.column_id = uint32_t(u);
    if (i > 0 && c.column_id <= prev_id) return false;
    prev_id = c.column_id;
    if (p >= end) return false;
    uint8_t cf = uint8_t(*p++);
    c.tombstone = cf & kCellTombstone;
    if (!coding::DecodeVarint(&p, end, &c.timestamp)) return false;
    if (cf & kCellExpiring) {
      if (!coding::DecodeUVarint(&p, end, &u) || u > UINT32_MAX) return false;
      c.expiry = uint32_t(u);
      if (!c.tombstone) {
        if (!coding::DecodeUVarint(&p, end, &u) || u > UINT32_MAX) return false;
        c.ttl = uint32_t(u);
      }
    }
    if (cf & kCellCounter) {
      if (c.tombstone) return false;
      c.counter = true;
      if (!coding::DecodeVarint(&p, end, &c.delta)) return false;
    } else if (!c.tombstone) {
      if (!coding::DecodeUVarint(&p, end, &u) || u > uint64_t(end - p)) return false;
      c.value = std::string_view(p, size_t(u));
      p += u;
    }
  }
  return p == end;
}

void MergeRowState(const RowState& in, RowState* acc) {
  // A newer row tombstone first removes what it shadows in `acc`, so that counter cells
  // written after it (in `in`) are not added to increments it deleted.
  if (in.tombstone_ts > acc->tombstone_ts && !acc->cells.empty()) {
    int64_t t = in.tombstone_ts;
    acc->cells.erase(std::remove_if(acc->cells.begin(), acc->cells.end(),
                                    [t](const CellState& c) { return c.timestamp <= t; }),
                     acc->cells.end());
  }
  if (in.tombstone_ts > acc->tombstone_ts) {
    acc->tombstone_ts = in.tombstone_ts;
    acc->tombstone_time = in.tombstone_time;
  } else if (in.tombstone_ts == acc->tombstone_ts) {
    acc->tombstone_time = std::max(acc->tombstone_time, in.tombstone_time);
  }
  if (in.has_marker) {
    bool take = !acc->has_marker || in.marker_ts > acc->marker_ts;
    if (!take && in.marker_ts == acc->marker_ts) {
      uint64_t ei = in.marker_expiry ? in.marker_expiry : UINT64_MAX;
      uint64_t ea = acc->marker_expiry ? acc->marker_expiry : UINT64_MAX;
      take = ei > ea;
    }
    if (take) {
      acc->has_marker = true;
      acc->marker_ts = in.marker_ts;
      acc->marker_expiry = in.marker_expiry;
      acc->marker_ttl = in.marker_ttl;
    }
  }
  if (!in.cells.empty()) {
    std::vector<CellState> merged;
    merged.reserve(acc->cells.size() + in.cells.size());
    auto a = acc->cells.begin(), ae = acc->cells.end();
    auto b = in.cells.begin(), be = in.cells.end();
    while (a != ae || b != be) {
      if (b == be || (a != ae && a->column_id < b->column_id)) {
        merged.push_back(*a++);
      } else if (a == ae || b->column_id < a->column_id) {
        merged.push_back(*b++);
      } else if (a->counter && b->counter && !a->tombstone && !b->tombstone) {
        CellState sum = a->timestamp >= b->timestamp ? *a : *b;
        sum.delta = int64_t(uint64_t(a->delta) + uint64_t(b->delta));  // wraps like Cassandra
        merged.push_back(sum);
        ++a;
        ++b;
      } else {
        merged.push_back(Wins(*b, *a) ? *b : *a);
        ++a;
        ++b;
      }
    }
    acc->cells = std::move(merged);
  }
  // What the row tombstone shadows is gone for good.
  if (acc->tombstone_ts != kNoTimestamp) {
    if (acc->has_marker && acc->marker_ts <= acc->tombstone_ts) {
      acc->has_marker = false;
      acc->marker_ts = kNoTimestamp;
      acc->marker_expiry = acc->marker_ttl = 0;
    }
    int64_t t = acc->tombstone_ts;
    acc->cells.erase(std::remove_if(acc->cells.begin(), acc->cells.end(),
                                    [t](const CellState& c) { return c.timestamp <= t; }),
                     acc->cells.end());
  }
}

bool PurgeRowState(uint32_t now_s, int64_t gc_grace_s, RowState* s) {
  bool changed = false;
  auto purgeable = [&](uint32_t when) { return int64_t(when) + gc_grace_s < int64_t(now_s); };
  if (s->has_marker && s->marker_expiry && now_s >= s->marker_expiry &&
      purgeable(s->marker_expiry)) {
    s->has_marker = false;
    changed = true;
  }
  if (s->tombstone_ts != kNoTimestamp && purgeable(s->tombstone_time)) {
    s->tombstone_ts = kNoTimestamp;
    s->tombstone_time = 0;
    changed = true;
  }
  size_t before = s->cells.size();
  for (CellState& c : s->cells) {
    if (!c.tombstone && c.expiry && now_s >= c.expiry) {  // expired: now a tombstone
      c.tombstone = true;
      c.value = {};
      c.ttl = 0;
      changed = true;
    }
  }
  s->cells.erase(std::remove_if(s->cells.begin(), s->cells.end(),
                                [&](const CellState& c) {
                                  return c.tombstone && purgeable(c.expiry);
                                }),
                 s->cells.end());
  return changed || s->cells.size() != before;
}

}  // namespace kappa::store
