#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <random>

#include "common/uuid.h"
#include "connect/connect.h"
#include "connect/mapping_program.h"
#include "connect/testdata_sample.h"

namespace kappa::connect {
namespace {

constexpr std::string_view kUser = R"({"gender":"female","name":{"title":"Miss","first":"Jennie","last":"Nichols"},
 "location":{"street":{"number":8929,"name":"Valwood Pkwy"},"city":"Billings","state":"Michigan",
 "country":"United States","postcode":63104,"coordinates":{"latitude":"-69.8246","longitude":"134.8719"}},
 "email":"jennie.nichols@example.com","login":{"username":"yellowpeacock117"},
 "dob":{"date":"1992-03-08T15:13:16.688Z","age":30},"registered":{"date":"2007-07-09T05:51:59.390Z","age":14},
 "phone":"(272) 790-0888","picture":{"medium":"https://randomuser.me/api/portraits/med/men/75.jpg"},
 "tags":["a","b"],"score":2.5,"active":true,"nothing":null,"quote":"say \"hi\"\n","pad":"  x y  ",
 "numtext":" 42 ","floattext":"2.75"})";

Mapping MustCompile(const std::string& fields_yaml, std::string extra = "") {
  std::string y = "mappings:\n  m:\n" + extra + "    fields:\n" + fields_yaml;
  auto m = Mapping::FromYaml(y, "m", "t.yaml");
  EXPECT_TRUE(m.ok()) << m.status().ToString() << "\n" << y;
  return std::move(m).value();
}

std::string CompileError(const std::string& yaml) {
  auto m = Mapping::FromYaml(yaml, "", "kappa.yaml");
  EXPECT_FALSE(m.ok()) << yaml;
  return m.ok() ? "" : m.status().message();
}

// Maps kUser with one field `v: <expr>` and returns the JSON text of v (or "ERR: msg").
std::string Eval(const std::string& expr, std::string on_missing = "error") {
  Mapping m = MustCompile("      v: " + expr + "\n", "    on_missing: " + on_missing + "\n");
  Mapper mapper(m);
  MappedPage out;
  Status s = mapper.MapUser(kUser, &out);
  if (!s.ok()) return "STATUS: " + s.ToString();
  if (!out.errors.empty()) return "ERR: " + out.errors[0].message;
  EXPECT_EQ(out.records.size(), 1u);
  std::string_view v = out.records[0].value;
  EXPECT_EQ(v.substr(0, 5), "{\"v\":");
  return std::string(v.substr(5, v.size() - 6));
}

TEST(Mapping, SeedMappingHappyPath) {
  auto m = Mapping::FromYaml(kSeedMappingYaml, kSeedMappingName, "builtin");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->name(), "users_to_created_users");
  EXPECT_EQ(m->key_field(), "id");
  EXPECT_EQ(m->fields(), (std::vector<std::string>{"id", "first_name", "last_name", "gender",
                                                    "address", "post_code", "email", "username",
                                                    "dob", "registered_date", "phone", "picture"}));
  Mapper mapper(*m);
  MappedPage out;
  ASSERT_TRUE(mapper.MapPage(testdata::kRealRandomUserPage, &out).ok());
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.users, 3u);
  simdjson::dom::parser p;
  simdjson::dom::element rec;
  ASSERT_EQ(p.parse(out.records[0].value).get(rec), simdjson::SUCCESS);
  std::string_view id, addr, post, first, pic, dob;
  ASSERT_EQ(rec["id"].get(id), simdjson::SUCCESS);
  auto uuid = Uuid::Parse(id);
  ASSERT_TRUE(uuid.has_value());
  EXPECT_EQ(uuid->version(), 4);
  EXPECT_EQ(out.records[0].key, id);  // keyed by id
  ASSERT_EQ(rec["address"].get(addr), simdjson::SUCCESS);
  EXPECT_EQ(addr, "8929 Valwood Pkwy, Billings, Michigan, United States");
  ASSERT_EQ(rec["post_code"].get(post), simdjson::SUCCESS);
  EXPECT_EQ(post, "63104");  // a number in the source, text in the record
  ASSERT_EQ(rec["first_name"].get(first), simdjson::SUCCESS);
  EXPECT_EQ(first, "Jennie");
  ASSERT_EQ(rec["picture"].get(pic), simdjson::SUCCESS);
  EXPECT_EQ(pic, "https://randomuser.me/api/portraits/med/men/75.jpg");
  ASSERT_EQ(rec["dob"].get(dob), simdjson::SUCCESS);
  EXPECT_EQ(dob, "1992-03-08T15:13:16.688Z");
  // The GB user has a string postcode: unchanged.
  ASSERT_EQ(p.parse(out.records[1].value).get(rec), simdjson::SUCCESS);
  ASSERT_EQ(rec["post_code"].get(post), simdjson::SUCCESS);
  EXPECT_EQ(post, "VT0 7WF");
  // Fresh ids.
  EXPECT_NE(out.records[0].key, out.records[1].key);
}

TEST(Mapping, ExactOutputText) {
  Mapping m = MustCompile("      a: name.first\n      b: location.street.number\n      c: nothing\n"
                          "      d: \"{name.first} {{x}}\"\n      e: active\n      f: score\n");
  Mapper mapper(m);
  MappedPage out;
  ASSERT_TRUE(mapper.MapUser(kUser, &out).ok());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].value,
            R"({"a":"Jennie","b":8929,"c":null,"d":"Jennie {x}","e":true,"f":2.5})");
  EXPECT_EQ(out.records[0].key, "");  // no id field, no key
}

TEST(Mapping, Functions) {
  EXPECT_EQ(Eval("lower(name.first)"), R"("jennie")");
  EXPECT_EQ(Eval("upper(name.last)"), R"("NICHOLS")");
  EXPECT_EQ(Eval("trim(pad)"), R"("x y")");
  EXPECT_EQ(Eval("concat(name.first, ' ', name.last, '-', dob.age)"), R"("Jennie Nichols-30")");
  EXPECT_EQ(Eval("str(location.postcode)"), R"("63104")");
  EXPECT_EQ(Eval("str(score)"), R"("2.5")");
  EXPECT_EQ(Eval("str(active)"), R"("true")");
  EXPECT_EQ(Eval("str(tags)"), R"("[\"a\",\"b\"]")");
  EXPECT_EQ(Eval("str(nothing)"), "null");
  EXPECT_EQ(Eval("int(numtext)"), "42");
  EXPECT_EQ(Eval("int(score)"), "2");
  EXPECT_EQ(Eval("int(active)"), "1");
  EXPECT_EQ(Eval("int(dob.age)"), "30");
  EXPECT_EQ(Eval("float(floattext)"), "2.75");
  EXPECT_EQ(Eval("float(dob.age)"), "30");
  EXPECT_EQ(Eval("coalesce(missing.a, nothing, name.first)"), R"("Jennie")");
  EXPECT_EQ(Eval("coalesce(missing.a, nothing)"), "null");
  EXPECT_EQ(Eval("default(missing.a, 'n/a')"), R"("n/a")");
  EXPECT_EQ(Eval("default(name.first, 'n/a')"), R"("Jennie")");
  EXPECT_EQ(Eval("default(nothing, 7)"), "7");
  EXPECT_EQ(Eval("tags[1]"), R"("b")");
  EXPECT_EQ(Eval("name['first']"), R"("Jennie")");
  EXPECT_EQ(Eval("name"), R"({"title":"Miss","first":"Jennie","last":"Nichols"})");
  EXPECT_EQ(Eval("quote"), R"("say \"hi\"\n")");  // escaped on output
  EXPECT_EQ(Eval("\"'lit'\""), R"("lit")");
  EXPECT_EQ(Eval("-12"), "-12");
  EXPECT_EQ(Eval("1.5e3"), "1500");
  EXPECT_EQ(Eval("true"), "true");
  EXPECT_EQ(Eval("null"), "null");
  EXPECT_EQ(Eval("\"{upper(name.first)}/{lower(name.last)}/{dob.age}\""), R"("JENNIE/nichols/30")");
  const std::string u = Eval("uuid()");
  ASSERT_EQ(u.size(), 38u);
  EXPECT_TRUE(Uuid::Parse(u.substr(1, 36)).has_value());
  EXPECT_NE(u, Eval("uuid()"));
}

TEST(Mapping, RuntimeErrorsAreRecordErrors) {
  EXPECT_EQ(Eval("int(name.first)"), "ERR: field 'v': int(): cannot convert \"Jennie\" to an integer");
  EXPECT_EQ(Eval("float(tags)"), "ERR: field 'v': float(): cannot convert an array to a number");
  EXPECT_EQ(Eval("name.middle"), "ERR: field 'v': path 'name.middle' not found");
  EXPECT_EQ(Eval("tags[5]"), "ERR: field 'v': path 'tags[5]' not found");
  EXPECT_EQ(Eval("name.first.x"), "ERR: field 'v': path 'name.first.x' not found");
  EXPECT_EQ(Eval("\"{name.first} {name.middle}\""), "ERR: field 'v': path 'name.middle' not found");
  EXPECT_EQ(Eval("lower(name.middle)"), "ERR: field 'v': path 'name.middle' not found");
  EXPECT_EQ(Eval("concat(name.first, name.middle)"), "ERR: field 'v': path 'name.middle' not found");
  // on_missing: null turns a missing field into null instead.
  EXPECT_EQ(Eval("name.middle", "null"), "null");
  EXPECT_EQ(Eval("\"{name.first} {name.middle}\"", "null"), "null");
}

TEST(Mapping, PageWithABadUserKeepsTheRest) {
  Mapping m = MustCompile("      id: uuid()\n      first: name.first\n");
  Mapper mapper(m);
  MappedPage out;
  ASSERT_TRUE(mapper.MapPage(R"({"results":[{"name":{"first":"A"}},{"nom":1},{"name":{"first":"C"}}]})", &out).ok());
  ASSERT_EQ(out.records.size(), 2u);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].index, 1u);
  EXPECT_EQ(out.errors[0].raw, R"({"nom":1})");
  EXPECT_EQ(out.errors[0].message, "field 'first': path 'name.first' not found");
  EXPECT_EQ(out.users, 3u);
  EXPECT_NE(out.records[1].value.find("\"C\""), std::string::npos);
  // Appending a second page keeps the first page's records valid.
  ASSERT_TRUE(mapper.MapPage(testdata::kRealRandomUserPage, &out).ok());
  ASSERT_EQ(out.records.size(), 5u);
  EXPECT_NE(out.records[0].value.find("\"A\""), std::string::npos);
  EXPECT_EQ(out.records[0].key.size(), 36u);
  // Not a page.
  EXPECT_TRUE(mapper.MapPage("<html>", &out).IsInvalidArgument());
  EXPECT_TRUE(mapper.MapPage(R"({"error":"Uh oh"})", &out).IsInvalidArgument());
  EXPECT_TRUE(mapper.MapPage(R"({"results":{}})", &out).IsInvalidArgument());
  EXPECT_EQ(out.records.size(), 5u);
}

TEST(Mapping, LoadErrorsPointAtLineAndColumn) {
  EXPECT_EQ(CompileError("mappings:\n  users_to_created_users:\n    fields:\n      id: uuidd()\n"),
            "kappa.yaml:4:11: unknown function 'uuidd' in mapping users_to_created_users.fields.id");
  // Quoted scalar: the column is inside the quotes.
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: \"{name.first} {upper(x)\"\n"),
            "kappa.yaml:4:24: unbalanced '{' in template: no closing '}' in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: name.first}\n"),
            "kappa.yaml:4:20: unbalanced '}' in template (write '}}' for a literal brace) in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: name..first\n"),
            "kappa.yaml:4:15: bad path: expected a field name after '.' in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: tags[x]\n"),
            "kappa.yaml:4:15: bad path: expected an array index or a quoted key after '[' in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: lower(a, b)\n"),
            "kappa.yaml:4:10: lower() takes 1 argument, got 2 in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: default(a)\n"),
            "kappa.yaml:4:10: default() takes 2 arguments, got 1 in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: concat(a b)\n"),
            "kappa.yaml:4:19: expected ',' or ')' in arguments of concat(), found 'b' in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: lower(a\n"),
            "kappa.yaml:4:17: missing ')' to close lower( in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: \"'abc\"\n"),
            "kappa.yaml:4:11: unterminated string literal in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: name first\n"),
            "kappa.yaml:4:15: unexpected 'f' after expression in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: [1, 2]\n"),
            "kappa.yaml:4:10: the value of a field must be an expression or template (a string) in mapping m.fields.a");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    feilds:\n      a: x\n"),
            "kappa.yaml:3:5: unknown key 'feilds' in mapping m (expected fields, key, on_missing)");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    key: idx\n    fields:\n      id: x\n"),
            "kappa.yaml:3:10: key 'idx' is not a field of mapping m");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    on_missing: skip\n    fields:\n      id: x\n"),
            "kappa.yaml:3:17: mapping m.on_missing must be 'error' or 'null'");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: x\n      a: y\n"),
            "kappa.yaml:5:7: duplicate field 'a' in mapping m");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields: {}\n"),
            "kappa.yaml:3:13: mapping m.fields must be a non-empty map of field: expression");
  EXPECT_EQ(CompileError("mappings:\n  m: 3\n"),
            "kappa.yaml:2:6: mapping m must be a map with a 'fields:' key");
  EXPECT_EQ(CompileError("mappings:\n  m:\n    fields:\n      a: [\n"),
            "kappa.yaml:5:1: end of sequence flow not found");
  EXPECT_EQ(CompileError("other: 1\n"), "kappa.yaml: expected a top-level 'mappings:' key");
}

TEST(Mapping, CompileFromNodeInsideALargerConfig) {
  YAML::Node root = YAML::Load(
      "topics:\n  - name: users_created\nmappings:\n  a:\n    fields:\n      x: name.first\n"
      "  b:\n    fields:\n      y: nope(\n");
  auto all = Mapping::CompileAll(root["mappings"], "kappa.yaml");
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().message(), "kappa.yaml:9:10: unknown function 'nope' in mapping b.fields.y");
  root = YAML::Load("mappings:\n  a:\n    fields:\n      x: name.first\n");
  auto one = Mapping::CompileAll(root["mappings"], "kappa.yaml");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(one->at("a").fields(), std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace kappa::connect

namespace kappa::connect {
namespace {

// Reference escaper: one byte at a time.
std::string SlowEscape(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\r') o += "\\r";
    else if (c == '\t') o += "\\t";
    else if (c == '\b') o += "\\b";
    else if (c == '\f') o += "\\f";
    else if (c < 0x20) o += fmt::format("\\u{:04x}", c);
    else o += char(c);
  }
  return o;
}

TEST(JsonEscape, MatchesByteAtATimeReference) {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("abcXYZ019 ~\x7f\"\\\n\t\x01\x1f") + "\xc3\xa9\xe2\x82\xac";
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    const int len = int(rng() % 40);
    for (int i = 0; i < len; ++i) {
      // Mostly clean text so escapes land after long clean runs too.
      s += rng() % 10 ? char('a' + rng() % 26) : alphabet[rng() % alphabet.size()];
    }
    std::string got;
    AppendJsonEscaped(&got, s);
    ASSERT_EQ(got, SlowEscape(s)) << s;
  }
}

}  // namespace
}  // namespace kappa::connect
