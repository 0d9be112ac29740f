#include "console/schema_diff.h"

#include <nlohmann/json.hpp>

namespace kappa::console {

namespace {

// Myers' forward search from (0,0) to (n,m) over a[lo..], b[lo..]; returns the script's
// lines or false when it needs more than max_edits edits. `trace[d]` is the furthest x
// reached on each diagonal k in [-d, d] after d edits (index k + d), kept for the walk back.
bool Myers(const std::vector<std::string>& a, const std::vector<std::string>& b, size_t lo,
           size_t n, size_t m, size_t max_edits, std::vector<DiffLine>* out) {
  const long N = long(n), M = long(m);
  const long max_d = std::min<long>(N + M, long(max_edits));
  std::vector<std::vector<long>> trace;
  auto eq = [&](long x, long y) { return a[lo + x] == b[lo + y]; };
  long end_d = -1;
  for (long d = 0; d <= max_d && end_d < 0; ++d) {
    std::vector<long> v(2 * d + 1);
    const std::vector<long>* prev = d > 0 ? &trace[d - 1] : nullptr;
    auto at = [&](long k) { return (*prev)[k + d - 1]; };  // prev's diagonal k
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (d == 0) {
        x = 0;
      } else if (k == -d || (k != d && at(k - 1) < at(k + 1))) {
        x = at(k + 1);  // down: an insertion from b
      } else {
        x = at(k - 1) + 1;  // right: a deletion from a
      }
      long y = x - k;
      while (x < N && y < M && eq(x, y)) ++x, ++y;
      v[k + d] = x;
      if (x >= N && y >= M) end_d = d;
    }
    trace.push_back(std::move(v));
  }
  if (end_d < 0) return false;

  // Walk back from (N, M), collecting lines in reverse.
  std::vector<DiffLine> rev;
  long x = N, y = M;
  auto same = [&](long xi, long yi) {
    rev.push_back({' ', a[lo + xi], int(lo + xi + 1), int(lo + yi + 1)});
  };
  for (long d = end_d; d > 0; --d) {
    const std::vector<long>& p = trace[d - 1];
    auto at = [&](long k) { return p[k + d - 1]; };
    long k = x - y;
    bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
    long pk = down ? k + 1 : k - 1;
    long px = at(pk), py = px - pk;
    long sx = down ? px : px + 1;  // where the edit lands, before the snake
    long sy = sx - k;
    while (x > sx && y > sy) --x, --y, same(x, y);
    if (down) {
      rev.push_back({'+', b[lo + py], 0, int(lo + py + 1)});
    } else {
      rev.push_back({'-', a[lo + px], int(lo + px + 1), 0});
    }
    x = px, y = py;
  }
  while (x > 0 && y > 0) --x, --y, same(x, y);
  out->insert(out->end(), rev.rbegin(), rev.rend());
  return true;
}

}  // namespace

LineDiff DiffLines(const std::vector<std::string>& a, const std::vector<std::string>& b,
                   size_t max_edits) {
  LineDiff diff;
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) {
    ++suf;
  }
  for (size_t i = 0; i < pre; ++i) diff.lines.push_back({' ', a[i], int(i + 1), int(i + 1)});
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  if (!Myers(a, b, pre, n, m, max_edits, &diff.lines)) {
    diff.minimal = false;
    for (size_t i = 0; i < n; ++i) diff.lines.push_back({'-', a[pre + i], int(pre + i + 1), 0});
    for (size_t i = 0; i < m; ++i) diff.lines.push_back({'+', b[pre + i], 0, int(pre + i + 1)});
  }
  for (size_t i = 0; i < suf; ++i) {
    size_t ai = a.size() - suf + i, bi = b.size() - suf + i;
    diff.lines.push_back({' ', a[ai], int(ai + 1), int(bi + 1)});
  }
  return diff;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = nl + 1;
  }
  return lines;
}

std::string PrettySchema(std::string_view type, std::string_view text) {
  if (type != "AVRO" && type != "JSON") return std::string(text);
  // ordered_json keeps the keys as written: a field's "name" stays above its "type".
  auto doc = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::string(text);
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace kappa::console
