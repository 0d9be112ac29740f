// The Prometheus text exposition format, version 0.0.4 (docs/formats/metrics.md):
//
//   # HELP <name> <help, with \ and newline escaped>
//   # TYPE <name> counter|gauge|histogram
//   <name>{<label>="<value, with \ " and newline escaped>",...} <value>
//
// A histogram is <name>_bucket{...,le="<bound>"} per bound and le="+Inf" (cumulative),
// then <name>_sum and <name>_count. Values: integers print as integers, other numbers in
// the shortest form that reads back the same, and NaN, +Inf, -Inf as Prometheus spells them.
#include <charconv>
#include <cmath>

#include "metrics/metrics.h"

namespace kappa::metrics {

namespace {

void AppendValue(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buf[32];
  std::to_chars_result r;
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {  // 2^53: exact integers
    r = std::to_chars(buf, buf + sizeof buf, int64_t(v));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  out->append(buf, r.ptr);
}

void AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void AppendEscaped(std::string_view s, bool quote, std::string* out) {
  for (char c : s) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && quote) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// {a="x",b="y"} plus an optional extra label (le); nothing if there are no labels.
void AppendLabels(const Labels& labels, std::string_view extra_name, std::string_view extra_value,
                  std::string* out) {
  if (labels.empty() && extra_name.empty()) return;
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out->push_back(',');
    first = false;
    out->append(name);
    out->append("=\"");
    AppendEscaped(value, true, out);
    out->push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out->push_back(',');
    out->append(extra_name);
    out->append("=\"");
    out->append(extra_value);
    out->push_back('"');
  }
  out->push_back('}');
}

}  // namespace

std::string RenderText(const std::vector<FamilySnapshot>& families) {
  std::string out;
  out.reserve(4096);
  std::string le;
  for (const FamilySnapshot& f : families) {
    out.append("# HELP ");
    out.append(f.name);
    out.push_back(' ');
    AppendEscaped(f.help, false, &out);
    out.append("\n# TYPE ");
    out.append(f.name);
    out.push_back(' ');
    out.append(TypeName(f.type));
    out.push_back('\n');
    for (const Sample& s : f.samples) {
      out.append(f.name);
      AppendLabels(s.labels, {}, {}, &out);
      out.push_back(' ');
      AppendValue(s.value, &out);
      out.push_back('\n');
    }
    for (const HistogramSample& h : f.histograms) {
      for (size_t b = 0; b < h.cumulative.size(); ++b) {
        le.clear();
        if (b < f.bounds.size()) {
          AppendValue(f.bounds[b], &le);
        } else {
          le = "+Inf";
        }
        out.append(f.name);
        out.append("_bucket");
        AppendLabels(h.labels, "le", le, &out);
        out.push_back(' ');
        AppendUint(h.cumulative[b], &out);
        out.push_back('\n');
      }
      out.append(f.name);
      out.append("_sum");
      AppendLabels(h.labels, {}, {}, &out);
      out.push_back(' ');
      AppendValue(h.sum, &out);
      out.push_back('\n');
      out.append(f.name);
      out.append("_count");
      AppendLabels(h.labels, {}, {}, &out);
      out.push_back(' ');
      AppendUint(h.cumulative.empty() ? 0 : h.cumulative.back(), &out);
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace kappa::metrics
