// Private to the console's Schemas page API (routes_schemas.cc): a line diff between two
// schema versions, as `diff -u` shows it, over a pretty-printed form of each schema so that
// a schema registered on one line still diffs field by field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::console {

struct DiffLine {
  char op = ' ';     // ' ' both, '-' only in the old text, '+' only in the new one
  std::string text;  // the line, without its newline
  int old_line = 0;  // 1-based line in the old text (0 for '+')
  int new_line = 0;  // 1-based line in the new text (0 for '-')
};

struct LineDiff {
  std::vector<DiffLine> lines;  // every line of both texts, in order
  // False when the texts differ in more than `max_edits` lines: the answer is then still a
  // correct diff (the differing middle removed, then added) but not the shortest.
  bool minimal = true;
};

// The shortest edit script (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its
// Variations", 1986) after trimming the common prefix and suffix. Memory grows with the
// square of the number of edits, hence the bound.
LineDiff DiffLines(const std::vector<std::string>& a, const std::vector<std::string>& b,
                   size_t max_edits = 2000);

std::vector<std::string> SplitLines(std::string_view text);

// AVRO and JSON schemas (JSON documents) re-indented by 2 with keys in their written order;
// PROTOBUF and anything that does not parse as JSON, as registered.
std::string PrettySchema(std::string_view type, std::string_view text);

}  // namespace kappa::console
