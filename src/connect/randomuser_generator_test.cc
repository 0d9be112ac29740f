#include "connect/randomuser_generator.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <regex>
#include <set>

#include "connect/connect.h"
#include "connect/testdata_sample.h"

namespace kappa::connect {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

simdjson::dom::array Arr(element e) {
  simdjson::dom::array a;
  EXPECT_EQ(e.get_array().get(a), simdjson::SUCCESS);
  return a;
}
simdjson::dom::object Obj(element e) {
  simdjson::dom::object o;
  EXPECT_EQ(e.get_object().get(o), simdjson::SUCCESS);
  return o;
}

std::string TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64: return "int";
    case element_type::DOUBLE: return "double";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "bool";
    case element_type::NULL_VALUE: return "null";
  }
  return "?";
}

// Flattens an object into "path -> type" in document order.
void Shape(element e, const std::string& prefix, std::vector<std::pair<std::string, std::string>>* out) {
  if (e.type() == element_type::OBJECT) {
    for (auto field : Obj(e)) {
      std::string p = prefix.empty() ? std::string(field.key) : prefix + "." + std::string(field.key);
      out->emplace_back(p, TypeName(field.value.type()));
      Shape(field.value, p, out);
    }
  }
}

std::string Str(element e, const char* path) {
  std::string_view v;
  EXPECT_EQ(e.at_pointer(path).get(v), simdjson::SUCCESS) << path;
  return std::string(v);
}

std::string HexDigest(const char* name, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), md, &len, EVP_get_digestbyname(name), nullptr), 1);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

TEST(RandomUserGenerator, ShapeMatchesRealSample) {
  simdjson::dom::parser sp, gp;
  element sample;
  ASSERT_EQ(sp.parse(testdata::kRealRandomUserPage).get(sample), simdjson::SUCCESS);
  std::vector<std::pair<std::string, std::string>> want;
  Shape(sample.at_pointer("/results/0").value_unsafe(), "", &want);

  RandomUserOptions o;
  o.seed = "shape";
  o.results = 200;
  std::string page;
  auto n = GenerateRandomUserPage(o, 1, &page);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(*n, 200u);
  element doc;
  ASSERT_EQ(gp.parse(page).get(doc), simdjson::SUCCESS) << page.substr(0, 300);

  // Top level and info exactly as the real API.
  std::vector<std::pair<std::string, std::string>> top_want, top_got;
  Shape(sample, "", &top_want);
  Shape(doc, "", &top_got);
  auto strip_results = [](auto v) {
    std::vector<std::pair<std::string, std::string>> r;
    for (auto& p : v) if (p.first.rfind("results.", 0) != 0) r.push_back(p);
    return r;
  };
  EXPECT_EQ(strip_results(top_got), strip_results(top_want));
  EXPECT_EQ(Str(doc, "/info/seed"), "shape");
  EXPECT_EQ(Str(doc, "/info/version"), "1.4");

  for (element u : Arr(doc["results"].value_unsafe())) {
    std::vector<std::pair<std::string, std::string>> got;
    Shape(u, "", &got);
    ASSERT_EQ(got.size(), want.size()) << simdjson::to_string(u);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first, want[i].first);  // same fields, same order
      if (got[i].first == "location.postcode" || got[i].first == "id.value") continue;
      EXPECT_EQ(got[i].second, want[i].second) << got[i].first;
    }
  }
}

TEST(RandomUserGenerator, PostcodeTypeAndIdPerNationality) {
  // As the real API: numbers for US/DE/FR/ES/AU/BR/IN/NZ, strings for GB/CA/NL/NO.
  const std::map<std::string, std::string> kPostcodeType = {
      {"US", "int"}, {"DE", "int"}, {"FR", "int"}, {"ES", "int"}, {"AU", "int"}, {"BR", "int"},
      {"IN", "int"}, {"NZ", "int"}, {"GB", "string"}, {"CA", "string"}, {"NL", "string"},
      {"NO", "string"}};
  ASSERT_EQ(SupportedNationalities().size(), kPostcodeType.size());
  simdjson::dom::parser p;
  for (const auto& [nat, type] : kPostcodeType) {
    RandomUserOptions o;
    o.results = 50;
    o.nationalities = {nat};
    std::string page;
    ASSERT_TRUE(GenerateRandomUserPage(o, 7, &page).ok());
    element doc;
    ASSERT_EQ(p.parse(page).get(doc), simdjson::SUCCESS);
    std::set<std::string> cities, firsts;
    for (element u : Arr(doc["results"].value_unsafe())) {
      EXPECT_EQ(Str(u, "/nat"), nat);
      EXPECT_EQ(TypeName(u.at_pointer("/location/postcode").type()), type) << nat;
      element idv = u.at_pointer("/id/value").value_unsafe();
      if (nat == "NZ") {
        EXPECT_TRUE(idv.is_null());
        EXPECT_EQ(Str(u, "/id/name"), "");
      } else {
        EXPECT_TRUE(idv.is_string()) << nat;
        EXPECT_FALSE(Str(u, "/id/name").empty());
      }
      cities.insert(Str(u, "/location/city"));
      firsts.insert(Str(u, "/name/first"));
    }
    EXPECT_GE(cities.size(), 5u) << nat;  // varied
    EXPECT_GE(firsts.size(), 8u) << nat;
  }
}

TEST(RandomUserGenerator, FieldFormats) {
  RandomUserOptions o;
  o.seed = "formats";
  o.results = 300;
  std::string page;
  ASSERT_TRUE(GenerateRandomUserPage(o, 3, &page).ok());
  simdjson::dom::parser p;
  element doc;
  ASSERT_EQ(p.parse(page).get(doc), simdjson::SUCCESS);
  const std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  const std::regex offset(R"([+-]?\d{1,2}:\d{2})");
  const std::regex uuid(R"([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
  const std::regex email(R"([a-z0-9]+\.[a-z0-9]+@example\.com)");
  const std::regex coord(R"(-?\d{1,3}\.\d{4})");
  const std::regex pic(R"(https://randomuser\.me/api/portraits/(med/|thumb/)?(men|women)/\d{1,2}\.jpg)");
  std::set<std::string> offsets;
  for (element u : Arr(doc["results"].value_unsafe())) {
    const std::string g = Str(u, "/gender");
    EXPECT_TRUE(g == "male" || g == "female");
    EXPECT_TRUE(std::regex_match(Str(u, "/dob/date"), iso));
    EXPECT_TRUE(std::regex_match(Str(u, "/registered/date"), iso));
    EXPECT_TRUE(std::regex_match(Str(u, "/location/timezone/offset"), offset));
    offsets.insert(Str(u, "/location/timezone/offset"));
    EXPECT_TRUE(std::regex_match(Str(u, "/login/uuid"), uuid));
    EXPECT_TRUE(std::regex_match(Str(u, "/email"), email)) << Str(u, "/email");
    const std::string lat = Str(u, "/location/coordinates/latitude");
    EXPECT_TRUE(std::regex_match(lat, coord)) << lat;
    EXPECT_LE(std::abs(std::stod(lat)), 90.0);
    EXPECT_LE(std::abs(std::stod(Str(u, "/location/coordinates/longitude"))), 180.0);
    for (const char* k : {"/picture/large", "/picture/medium", "/picture/thumbnail"}) {
      EXPECT_TRUE(std::regex_match(Str(u, k), pic)) << Str(u, k);
      EXPECT_NE(Str(u, k).find(g == "male" ? "/men/" : "/women/"), std::string::npos);
    }
    int64_t number = 0, age = 0, reg_age = 0;
    ASSERT_EQ(u.at_pointer("/location/street/number").get(number), simdjson::SUCCESS);
    EXPECT_GE(number, 1);
    ASSERT_EQ(u.at_pointer("/dob/age").get(age), simdjson::SUCCESS);
    EXPECT_GE(age, 20);
    EXPECT_LE(age, 78);
    ASSERT_EQ(u.at_pointer("/registered/age").get(reg_age), simdjson::SUCCESS);
    EXPECT_LT(reg_age, age);
    // Real digests of password + salt.
    const std::string salted = Str(u, "/login/password") + Str(u, "/login/salt");
    EXPECT_EQ(Str(u, "/login/salt").size(), 8u);
    EXPECT_EQ(Str(u, "/login/md5"), HexDigest("MD5", salted));
    EXPECT_EQ(Str(u, "/login/sha1"), HexDigest("SHA1", salted));
    EXPECT_EQ(Str(u, "/login/sha256"), HexDigest("SHA256", salted));
    EXPECT_LE(simdjson::to_string(u).size(), kMaxUserBytes);
  }
  EXPECT_GE(offsets.size(), 15u);
}

TEST(RandomUserGenerator, DeterministicPerSeedAndPage) {
  RandomUserOptions o;
  o.seed = "42";
  o.results = 20;
  std::string a, b, c, d;
  ASSERT_TRUE(GenerateRandomUserPage(o, 1, &a).ok());
  ASSERT_TRUE(GenerateRandomUserPage(o, 1, &b).ok());
  ASSERT_TRUE(GenerateRandomUserPage(o, 2, &c).ok());
  o.seed = "43";
  ASSERT_TRUE(GenerateRandomUserPage(o, 1, &d).ok());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  // The source hands out pages 1, 2, ... with the same bytes.
  o.seed = "42";
  auto src = NewRandomUserSource(o);
  ASSERT_TRUE(src.ok());
  std::string p1, p2;
  ASSERT_TRUE((*src)->NextPage(&p1).ok());
  ASSERT_TRUE((*src)->NextPage(&p2).ok());
  EXPECT_EQ(p1, a);
  EXPECT_EQ(p2, c);
  EXPECT_EQ((*src)->stats().users, 40u);
  (*src)->Stop();
  EXPECT_EQ((*src)->NextPage(&p1).code(), Status::Code::kAborted);
}

TEST(RandomUserGenerator, SeedIsEscapedInInfo) {
  RandomUserOptions o;
  o.seed = "a\"b\\c\n";
  o.results = 1;
  std::string page;
  ASSERT_TRUE(GenerateRandomUserPage(o, 1, &page).ok());
  simdjson::dom::parser p;
  element doc;
  ASSERT_EQ(p.parse(page).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(Str(doc, "/info/seed"), o.seed);
}

TEST(RandomUserGenerator, BadOptions) {
  RandomUserOptions o;
  o.results = 0;
  std::string page;
  EXPECT_TRUE(GenerateRandomUserPage(o, 1, &page).status().IsInvalidArgument());
  o.results = 5001;
  EXPECT_TRUE(GenerateRandomUserPage(o, 1, &page).status().IsInvalidArgument());
  o.results = 1;
  o.nationalities = {"XX"};
  auto r = GenerateRandomUserPage(o, 1, &page);
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("unknown nationality 'XX'"), std::string::npos);
  o.nationalities = {"gb"};  // case-insensitive, like the real API
  EXPECT_TRUE(GenerateRandomUserPage(o, 1, &page).ok());
}

}  // namespace
}  // namespace kappa::connect

namespace kappa::connect {
namespace {

// The synthetic source declares the structured capability (the producer's direct path
// finds it through AsStructured, not by the source's type), and a structured page is the
// page NextPage would have given, with its users as fields.
TEST(DirectPath, SyntheticSourceDeclaresStructuredPages) {
  RandomUserOptions o;
  o.results = 20;
  auto a = NewRandomUserSource(o);
  auto b = NewRandomUserSource(o);
  ASSERT_TRUE(a.ok() && b.ok());
  StructuredSource* structured = (*a)->AsStructured();
  ASSERT_NE(structured, nullptr);
  for (int i = 0; i < 2; ++i) {
    std::string page, plain;
    std::vector<SyntheticUser> users;
    ASSERT_TRUE(structured->NextPageStructured(&page, &users).ok());
    ASSERT_TRUE((*b)->NextPage(&plain).ok());
    EXPECT_EQ(page, plain);
    ASSERT_EQ(users.size(), 20u);
    EXPECT_NE(page.find(users[3].json), std::string::npos);
  }
  // Pages taken through either interface count in the same stats.
  EXPECT_EQ((*a)->stats().pages, 2u);
}

// The direct path maps generated users exactly as parsing their JSON would.
TEST(DirectPath, SameRecordsAsParsingTheJson) {
  std::string yaml = "mappings:\n  all:\n    key: key\n    fields:\n";
  for (int f = 0; f < kNumSynthFields; ++f) {
    std::string path(SynthFieldPath(SynthField(f)));
    std::string name = path;
    for (char& c : name) c = c == '.' ? '_' : c;
    yaml += "      " + name + ": " + path + "\n";
  }
  yaml +=
      "      key: login.uuid\n"
      "      address: \"{location.street.number} {location.street.name}, {location.city}\"\n"
      "      post_code: str(location.postcode)\n"
      "      upper_last: upper(name.last)\n"
      "      n: int(dob.age)\n"
      "      f: float(location.coordinates.latitude)\n"
      "      both: concat(name.first, '/', id.value)\n"
      "      idv: default(id.value, 'none')\n";
  auto m = Mapping::FromYaml(yaml, "all", "t.yaml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Mapper parsed(*m), direct(*m);
  ASSERT_TRUE(MapperAccess::CanMapSynthetic(direct));

  RandomUserOptions o;
  o.results = 200;
  auto gen = RandomUserGenerator::Create(o);
  ASSERT_TRUE(gen.ok());
  for (uint64_t page_no = 1; page_no <= 5; ++page_no) {
    std::string page;
    std::vector<SyntheticUser> users;
    (*gen)->GeneratePage(page_no, &page, &users);
    ASSERT_EQ(users.size(), 200u);
    MappedPage a, b;
    ASSERT_TRUE(parsed.MapPage(page, &a).ok());
    ASSERT_TRUE(MapperAccess::MapSynthetic(direct, users, &b).ok());
    ASSERT_EQ(a.records.size(), b.records.size());
    EXPECT_TRUE(a.errors.empty());
    for (size_t i = 0; i < a.records.size(); ++i) {
      ASSERT_EQ(a.records[i].value, b.records[i].value);
      ASSERT_EQ(a.records[i].key, b.records[i].key);
    }
    // Each user's text is its JSON object, as in the page.
    EXPECT_NE(page.find(users[7].json), std::string::npos);
    EXPECT_EQ(users[7].json.front(), '{');
  }

  // The seed mapping does not read the digests; this one does (its fields list every leaf).
  EXPECT_TRUE(MapperAccess::NeedsDigests(direct));
  {
    auto seed = Mapping::FromYaml(
        "mappings:\n  s:\n    fields:\n      id: uuid()\n      user: login.username\n", "s", "t.yaml");
    ASSERT_TRUE(seed.ok());
    Mapper ms(*seed);
    EXPECT_FALSE(MapperAccess::NeedsDigests(ms));
  }
  // Pages generated with the digests left pending: every other field is identical, the
  // mapped records (of a mapping that does not read digests) too, and SyntheticUserJson
  // gives the exact user text.
  for (uint64_t page_no = 1; page_no <= 3; ++page_no) {
    std::string exact, lazy;
    std::vector<SyntheticUser> eu, lu;
    (*gen)->GeneratePage(page_no, &exact, &eu, true);
    (*gen)->GeneratePage(page_no, &lazy, &lu, false);
    ASSERT_EQ(eu.size(), lu.size());
    ASSERT_EQ(exact.size(), lazy.size());
    for (size_t i = 0; i < eu.size(); ++i) {
      EXPECT_FALSE(eu[i].digests_pending);
      EXPECT_TRUE(lu[i].digests_pending);
      for (int f = 0; f < kNumSynthFields; ++f) {
        if (f == kMd5 || f == kSha1 || f == kSha256) continue;
        ASSERT_EQ(eu[i].f[f].kind, lu[i].f[f].kind) << SynthFieldPath(SynthField(f));
        ASSERT_EQ(eu[i].f[f].s, lu[i].f[f].s) << SynthFieldPath(SynthField(f));
        ASSERT_EQ(eu[i].f[f].i, lu[i].f[f].i) << SynthFieldPath(SynthField(f));
      }
      ASSERT_EQ(SyntheticUserJson(lu[i]), std::string(eu[i].json));
      ASSERT_EQ(SyntheticUserJson(eu[i]), std::string(eu[i].json));
    }
  }

  // Mappings with a path that is not a generated leaf take the parsing path.
  for (const char* f : {"name", "name.middle", "tags[0]"}) {
    auto other = Mapping::FromYaml(std::string("mappings:\n  m:\n    fields:\n      x: ") + f + "\n", "m", "t");
    ASSERT_TRUE(other.ok());
    Mapper mo(*other);
    EXPECT_FALSE(MapperAccess::CanMapSynthetic(mo)) << f;
  }
}

}  // namespace
}  // namespace kappa::connect
