// The merge rule must be commutative and associative (RocksDB merges operands in any
// grouping), and the encoding must round-trip and reject garbage without crashing.
#include "store/row_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace kappa::store {
namespace {

std::mt19937_64 row_rng(777);
const std::string kValues[] = {"", "a", "b", "zz"};

RowState RandomState() {
  RowState s;
  if (row_rng() % 3 == 0) {
    s.has_marker = true;
    s.marker_ts = int64_t(row_rng() % 5);
    s.marker_expiry = row_rng() % 2 ? 0 : uint32_t(100 + row_rng() % 3);
    s.marker_ttl = s.marker_expiry ? 10 : 0;
  }
  if (row_rng() % 4 == 0) {
    s.tombstone_ts = int64_t(row_rng() % 5);
    s.tombstone_time = uint32_t(50 + row_rng() % 3);
  }
  for (uint32_t id = 1; id <= 4; ++id) {
    if (row_rng() % 2) continue;
    CellState c;
    c.column_id = id;
    c.timestamp = int64_t(row_rng() % 5);
    c.tombstone = row_rng() % 4 == 0;
    c.expiry = c.tombstone ? 60 : (row_rng() % 2 ? 0 : uint32_t(100 + row_rng() % 3));
    c.ttl = (!c.tombstone && c.expiry) ? 10 : 0;
    if (!c.tombstone) c.value = kValues[row_rng() % 4];
    s.cells.push_back(c);
  }
  return s;
}

std::string Enc(const RowState& s) {
  std::string o;
  EncodeRowState(s, &o);
  return o;
}

TEST(RowState, RoundTrip) {
  for (int i = 0; i < 500; ++i) {
    RowState s = RandomState();
    std::string e = Enc(s);
    RowState d;
    ASSERT_TRUE(DecodeRowState(e, &d));
    EXPECT_EQ(Enc(d), e);
    // Every truncation is rejected, never a crash.
    for (size_t n = 0; n < e.size(); ++n) {
      RowState x;
      EXPECT_FALSE(DecodeRowState(std::string_view(e.data(), n), &x));
    }
  }
}

// The documented byte format (docs/formats/store.md, "Row values"), written field by field:
// EncodeRowState's single-allocation writer must produce exactly these bytes.
std::string ReferenceEncoding(const RowState& s) {
  std::string o;
  auto uv = [&](uint64_t v) {
    while (v >= 0x80) {
      o.push_back(char(v | 0x80));
      v >>= 7;
    }
    o.push_back(char(v));
  };
  auto zv = [&](int64_t v) { uv((uint64_t(v) << 1) ^ uint64_t(v >> 63)); };
  o.push_back(1);
  o.push_back(char((s.has_marker ? 1 : 0) | (s.tombstone_ts != kNoTimestamp ? 2 : 0)));
  if (s.has_marker) {
    zv(s.marker_ts);
    uv(s.marker_expiry);
    if (s.marker_expiry) uv(s.marker_ttl);
  }
  if (s.tombstone_ts != kNoTimestamp) {
    zv(s.tombstone_ts);
    uv(s.tombstone_time);
  }
  uv(s.cells.size());
  for (const CellState& c : s.cells) {
    uv(c.column_id);
    const bool counter = c.counter && !c.tombstone;
    o.push_back(char((c.tombstone ? 1 : 0) | (c.expiry ? 2 : 0) | (counter ? 4 : 0)));
    zv(c.timestamp);
    if (c.expiry) {
      uv(c.expiry);
      if (!c.tombstone) uv(c.ttl);
    }
    if (counter) {
      zv(c.delta);
    } else if (!c.tombstone) {
      uv(c.value.size());
      o.append(c.value);
    }
  }
  return o;
}

TEST(RowState, EncodingMatchesTheDocumentedFormat) {
  const std::string big(300, 'x');
  for (int i = 0; i < 2000; ++i) {
    RowState s = RandomState();
    // Real-sized numbers: microsecond timestamps (8-byte varints), negative ones, big ids.
    for (CellState& c : s.cells) {
      if (row_rng() % 2) c.timestamp = 1764750000000000 + int64_t(row_rng() % 1000);
      if (row_rng() % 5 == 0) c.timestamp = -int64_t(row_rng() % 100000);
      if (row_rng() % 7 == 0) c.column_id = uint32_t(row_rng());
      if (!c.tombstone && row_rng() % 6 == 0) c.value = big;
      if (!c.tombstone && row_rng() % 8 == 0) {
        c.counter = true;
        c.delta = int64_t(row_rng());
      }
    }
    if (s.has_marker && row_rng() % 2) s.marker_ts = INT64_MIN + 1;
    std::string prefix(row_rng() % 3, 'p');  // appends after what the string holds
    std::string out = prefix;
    EncodeRowState(s, &out);
    ASSERT_EQ(out, prefix + ReferenceEncoding(s)) << "state " << i;
  }
}

TEST(RowState, MergeIsCommutativeAndAssociative) {
  for (int i = 0; i < 2000; ++i) {
    std::vector<RowState> ops = {RandomState(), RandomState(), RandomState()};
    RowState left;  // ((a b) c)
    for (const auto& o : ops) MergeRowState(o, &left);
    std::vector<RowState> perm = ops;
    std::shuffle(perm.begin(), perm.end(), row_rng);
    RowState bc;  // (a (b c)) in a shuffled order
    MergeRowState(perm[1], &bc);
    MergeRowState(perm[2], &bc);
    RowState right = perm[0];
    MergeRowState(bc, &right);
    ASSERT_EQ(Enc(left), Enc(right)) << "iteration " << i;
  }
}

TEST(RowState, NewestCellWinsAndTombstoneShadows) {
  RowState a, b;
  a.cells.push_back({1, false, 10, 0, 0, "old"});
  b.cells.push_back({1, false, 20, 0, 0, "new"});
  MergeRowState(b, &a);
  ASSERT_EQ(a.cells.size(), 1u);
  EXPECT_EQ(a.cells[0].value, "new");
  RowState del;
  del.tombstone_ts = 15;
  del.tombstone_time = 1;
  RowState older;
  older.cells.push_back({2, false, 12, 0, 0, "x"});
  MergeRowState(older, &a);
  MergeRowState(del, &a);
  ASSERT_EQ(a.cells.size(), 1u);  // cell 2 (ts 12) is shadowed, cell 1 (ts 20) survives
  EXPECT_EQ(a.cells[0].column_id, 1u);
  EXPECT_TRUE(a.LiveAt(0));
}

TEST(RowState, CounterCellsAddUpInAnyGrouping) {
  auto inc = [](int64_t ts, int64_t delta) {
    RowState s;
    CellState c;
    c.column_id = 1;
    c.timestamp = ts;
    c.counter = true;
    c.delta = delta;
    s.cells.push_back(c);
    return s;
  };
  std::vector<RowState> ops;
  int64_t sum = 0;
  for (int i = 0; i < 20; ++i) {
    int64_t d = int64_t(row_rng() % 200) - 100;
    sum += d;
    ops.push_back(inc(int64_t(row_rng() % 50), d));
  }
  for (int round = 0; round < 50; ++round) {
    std::shuffle(ops.begin(), ops.end(), row_rng);
    // Random grouping: merge a random prefix into one operand, the rest into another.
    size_t cut = row_rng() % ops.size();
    RowState a, b;
    for (size_t i = 0; i < cut; ++i) MergeRowState(ops[i], &a);
    for (size_t i = cut; i < ops.size(); ++i) MergeRowState(ops[i], &b);
    MergeRowState(b, &a);
    // Through the encoding, as RocksDB sees it.
    RowState decoded;
    std::string e = Enc(a);
    ASSERT_TRUE(DecodeRowState(e, &decoded));
    ASSERT_EQ(decoded.cells.size(), 1u);
    EXPECT_TRUE(decoded.cells[0].counter);
    EXPECT_EQ(decoded.cells[0].delta, sum);
  }
  // A newer row deletion drops the increments before it, not those after it, whichever
  // way the operands are grouped.
  RowState del;
  del.tombstone_ts = 100;
  del.tombstone_time = 1;
  RowState seq;  // before, delete, after: merged in order
  MergeRowState(inc(50, 7), &seq);
  MergeRowState(del, &seq);
  MergeRowState(inc(150, 3), &seq);
  RowState grouped = inc(50, 7);  // before + (delete + after)
  RowState tail = del;
  MergeRowState(inc(150, 3), &tail);
  MergeRowState(tail, &grouped);
  ASSERT_EQ(seq.cells.size(), 1u);
  EXPECT_EQ(seq.cells[0].delta, 3);
  EXPECT_EQ(Enc(seq), Enc(grouped));
}

TEST(RowState, PurgeAfterGrace) {
  RowState s;
  s.cells.push_back({1, false, 10, 100, 10, "ttl"});
  s.cells.push_back({2, false, 10, 0, 0, "keep"});
  EXPECT_FALSE(PurgeRowState(99, 60, &s));  // nothing expired yet
  EXPECT_TRUE(PurgeRowState(101, 60, &s));  // expired -> tombstone, kept within grace
  ASSERT_EQ(s.cells.size(), 2u);
  EXPECT_TRUE(s.cells[0].tombstone);
  EXPECT_TRUE(PurgeRowState(200, 60, &s));  // past grace: dropped
  ASSERT_EQ(s.cells.size(), 1u);
  EXPECT_EQ(s.cells[0].value, "keep");
}

}  // namespace
}  // namespace kappa::store
