// The schema diff: the shortest line diff (checked against an LCS oracle on random texts,
// every size up to 9 lines from a 3-word alphabet), the bounded fallback, pretty-printing.
#include "console/schema_diff.h"

#include <gtest/gtest.h>

#include <random>

namespace kappa::console {
namespace {

size_t Lcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t[a.size()][b.size()];
}

// The diff's ' ' and '-' lines are `a`, its ' ' and '+' lines are `b`, with line numbers.
void ExpectRebuilds(const LineDiff& d, const std::vector<std::string>& a,
                    const std::vector<std::string>& b) {
  std::vector<std::string> ra, rb;
  for (const auto& l : d.lines) {
    if (l.op != '+') {
      EXPECT_EQ(l.old_line, int(ra.size() + 1));
      ra.push_back(l.text);
    }
    if (l.op != '-') {
      EXPECT_EQ(l.new_line, int(rb.size() + 1));
      rb.push_back(l.text);
    }
    if (l.op == '+') {
      EXPECT_EQ(l.old_line, 0);
    }
    if (l.op == '-') {
      EXPECT_EQ(l.new_line, 0);
    }
  }
  EXPECT_EQ(ra, a);
  EXPECT_EQ(rb, b);
}

TEST(SchemaDiff, ShortestOnRandomTexts) {
  std::mt19937 rng(23);
  const char* words[] = {"x", "y", "z"};
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> a(rng() % 10), b(rng() % 10);
    for (auto& s : a) s = words[rng() % 3];
    for (auto& s : b) s = words[rng() % 3];
    LineDiff d = DiffLines(a, b);
    ASSERT_TRUE(d.minimal);
    ExpectRebuilds(d, a, b);
    size_t same = 0;
    for (const auto& l : d.lines) same += l.op == ' ';
    ASSERT_EQ(same, Lcs(a, b)) << "round " << round;
  }
}

TEST(SchemaDiff, EditsBeyondTheBoundStillRebuild) {
  std::vector<std::string> a, b;
  for (int i = 0; i < 50; ++i) a.push_back(std::string(1, 'a').append(std::to_string(i)));
  for (int i = 0; i < 50; ++i) b.push_back(std::string(1, 'b').append(std::to_string(i)));
  a.insert(a.begin(), "head");
  b.insert(b.begin(), "head");
  LineDiff d = DiffLines(a, b, /*max_edits=*/10);
  EXPECT_FALSE(d.minimal);
  ExpectRebuilds(d, a, b);
  EXPECT_EQ(d.lines.front().op, ' ');
  EXPECT_TRUE(DiffLines(a, b, 100).minimal);
}

TEST(SchemaDiff, EmptyAndEqual) {
  EXPECT_TRUE(DiffLines({}, {}).lines.empty());
  LineDiff d = DiffLines({"a", "b"}, {"a", "b"});
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_EQ(d.lines[1].op, ' ');
  d = DiffLines({}, {"a"});
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_EQ(d.lines[0].op, '+');
}

TEST(SchemaDiff, PrettyKeepsKeyOrderAndLeavesOtherTextAlone) {
  std::string avro = R"({"type":"record","name":"U","fields":[{"name":"a","type":"int"}]})";
  std::string pretty = PrettySchema("AVRO", avro);
  EXPECT_EQ(SplitLines(pretty).size(), 10u) << pretty;
  EXPECT_LT(pretty.find("\"type\": \"record\""), pretty.find("\"name\": \"U\""));
  EXPECT_EQ(PrettySchema("PROTOBUF", "syntax = \"proto3\";\nmessage M {}"),
            "syntax = \"proto3\";\nmessage M {}");
  EXPECT_EQ(PrettySchema("AVRO", "\"string\""), "\"string\"");
  EXPECT_EQ(PrettySchema("AVRO", "{not json"), "{not json");
  EXPECT_EQ(SplitLines("a\r\nb\n"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace kappa::console
