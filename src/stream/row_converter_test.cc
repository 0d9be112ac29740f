#include "stream/row_converter.h"

#include <gtest/gtest.h>

namespace kappa::stream {
namespace {

using store::ColumnKind;
using store::TypeKind;
using store::Value;

struct ColumnDef {
  const char* name;
  TypeKind type;
  ColumnKind kind = ColumnKind::kRegular;
  int position = -1;
};

std::shared_ptr<const store::TableSchema> MakeTable(const char* keyspace, const char* name,
                                                    std::vector<ColumnDef> defs) {
  auto t = std::make_shared<store::TableSchema>();
  t->keyspace = keyspace;
  t->name = name;
  for (const ColumnDef& d : defs) {
    store::ColumnSchema c;
    c.name = d.name;
    c.type = d.type;
    c.kind = d.kind;
    c.position = d.position;
    t->columns.push_back(c);
  }
  EXPECT_TRUE(t->Finish().ok());
  return t;
}

std::shared_ptr<const store::TableSchema> SeedTable() {
  std::vector<ColumnDef> defs = {{"id", TypeKind::kUuid, ColumnKind::kPartitionKey, 0}};
  for (const char* n : {"first_name", "last_name", "gender", "address", "post_code", "email",
                        "username", "dob", "registered_date", "phone", "picture"}) {
    defs.push_back({n, TypeKind::kText});
  }
  return MakeTable("spark_streams", "created_users", defs);
}

std::shared_ptr<const store::TableSchema> TypedTable() {
  return MakeTable("ks", "typed", {{"k", TypeKind::kInt, ColumnKind::kPartitionKey, 0},
                                   {"big", TypeKind::kBigint},
                                   {"d", TypeKind::kDouble},
                                   {"b", TypeKind::kBoolean},
                                   {"ts", TypeKind::kTimestamp},
                                   {"txt", TypeKind::kText},
                                   {"small", TypeKind::kSmallint}});
}

constexpr std::string_view kSeedRecord =
    R"({"id":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f","first_name":"Zoë","last_name":"Durand",)"
    R"("gender":"female","address":"4 Rue de la Paix, Lyon, Rhône, France","post_code":"69001",)"
    R"("email":"zoe.durand@example.com","username":"bluebird42","dob":"1990-05-01T10:00:00.000Z",)"
    R"("registered_date":"2015-03-02T08:00:00.000Z","phone":"04-12-34-56-78",)"
    R"("picture":"https://randomuser.me/api/portraits/med/women/42.jpg","extra":{"a":[1,2]}})";

TEST(RowConverter, SeedRecordBecomesARow) {
  RowConverter c(SeedTable());
  store::Row row;
  Status st = c.Convert(kSeedRecord, &row);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(row.size(), 12u);
  ASSERT_TRUE(row[0].is_set());
  EXPECT_EQ(row[0].kind(), TypeKind::kUuid);
  EXPECT_EQ(row[0].as_uuid().ToString(), "0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f");
  EXPECT_EQ(row[1].as_bytes(), "Zoë");
  EXPECT_EQ(row[4].as_bytes(), "4 Rue de la Paix, Lyon, Rhône, France");
  EXPECT_EQ(row[11].as_bytes(), "https://randomuser.me/api/portraits/med/women/42.jpg");
}

TEST(RowConverter, MissingColumnsAreUnsetAndNullIsNull) {
  RowConverter c(SeedTable());
  store::Row row;
  ASSERT_TRUE(c.Convert(R"({"id":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f","phone":null})", &row).ok());
  EXPECT_TRUE(row[1].is_unset());
  EXPECT_TRUE(row[10].is_null());
}

TEST(RowConverter, PerRecordErrorsNameTheField) {
  RowConverter c(SeedTable());
  store::Row row;
  struct Case {
    std::string_view json;
    std::string_view error;
  } cases[] = {
      {"not json at all", "not JSON"},
      {"[1,2,3]", "not a JSON object"},
      {"\"a string\"", "not a JSON object"},
      {R"({"first_name":"x"})", "field 'id': missing (it is part of the primary key)"},
      {R"({"id":null})", "field 'id': null (it is part of the primary key)"},
      {R"({"id":"not-a-uuid"})", "field 'id':"},
      {R"({"id":42})", "field 'id': a number (42) cannot be stored in a uuid column"},
      {R"({"id":true})", "field 'id': a boolean cannot be stored in a uuid column"},
      {R"({"id":{"a":1}})", "field 'id': a JSON object cannot be stored in a uuid column"},
      {R"({"id":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f","first_name":"unterminated)", "JSON"},
      {"", "not JSON"},
  };
  for (const auto& k : cases) {
    Status st = c.Convert(k.json, &row);
    ASSERT_FALSE(st.ok()) << k.json;
    EXPECT_TRUE(st.IsInvalidArgument()) << k.json;
    EXPECT_NE(st.message().find(k.error), std::string::npos)
        << k.json << " -> " << st.message() << " (wanted " << k.error << ")";
  }
  // The converter is reusable after errors.
  EXPECT_TRUE(c.Convert(kSeedRecord, &row).ok());
}

TEST(RowConverter, TypeConversions) {
  RowConverter c(TypedTable());
  store::Row row;
  Status st = c.Convert(
      R"({"k":"7","big":9007199254740993,"d":2.5,"b":true,"ts":"2026-01-01T00:00:00Z","txt":3.25,"small":-5})",
      &row);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(row[0].as_int(), 7);
  EXPECT_EQ(row[1].as_int(), 9007199254740993);  // no precision loss through double
  EXPECT_EQ(row[2].as_double(), 2.5);
  EXPECT_TRUE(row[3].as_bool());
  EXPECT_EQ(row[4].as_int(), 1767225600000);
  EXPECT_EQ(row[5].as_bytes(), "3.25");
  EXPECT_EQ(row[6].as_int(), -5);

  ASSERT_TRUE(c.Convert(R"({"k":1,"ts":1767225600000,"txt":{"x":[1, 2]},"b":false})", &row).ok());
  EXPECT_EQ(row[4].as_int(), 1767225600000);
  EXPECT_EQ(row[5].as_bytes(), R"({"x":[1, 2]})");
  EXPECT_FALSE(row[3].as_bool());

  ASSERT_TRUE(c.Convert(R"({"k":1,"txt":true})", &row).ok());
  EXPECT_EQ(row[5].as_bytes(), "true");

  st = c.Convert(R"({"k":1,"small":100000})", &row);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("field 'small'"), std::string::npos) << st.message();
  st = c.Convert(R"({"k":1,"b":1})", &row);
  EXPECT_NE(st.message().find("field 'b': a number (1) cannot be stored in a boolean column"),
            std::string::npos) << st.message();
  st = c.Convert(R"({"k":1,"d":"abc"})", &row);
  EXPECT_NE(st.message().find("field 'd'"), std::string::npos) << st.message();
  st = c.Convert(R"({"k":1,"ts":"yesterday"})", &row);
  EXPECT_NE(st.message().find("field 'ts'"), std::string::npos) << st.message();
  st = c.Convert(R"({"k":1.5})", &row);
  EXPECT_NE(st.message().find("field 'k'"), std::string::npos) << st.message();
}

// ConvertNative (the embedded job's path) must give exactly the bytes the Value path stores:
// for every record, each regular cell equals SerializeNative of Convert's value, unset and
// null agree, and a record one path rejects the other rejects with the same message.
std::shared_ptr<const store::TableSchema> NativeTable() {
  return MakeTable("ks", "native", {{"k", TypeKind::kUuid, ColumnKind::kPartitionKey, 0},
                                    {"txt", TypeKind::kText},
                                    {"a", TypeKind::kAscii},
                                    {"big", TypeKind::kBigint},
                                    {"ts", TypeKind::kTimestamp},
                                    {"small", TypeKind::kSmallint},
                                    {"u", TypeKind::kUuid}});
}

TEST(RowConverter, NativeCellsMatchTheValuePath) {
  EXPECT_TRUE(RowConverter(SeedTable()).native_ok());
  EXPECT_FALSE(RowConverter(TypedTable()).native_ok());  // double and boolean columns
  // Every text column of one record unescaped into the parser's buffer: each view must stay
  // its own.
  {
    RowConverter v(SeedTable()), n(SeedTable());
    const std::string seed = std::string(kSeedRecord).replace(
        kSeedRecord.find("Durand"), 6, R"(Du\u0072and \"D\")");
    store::Row row, nrow;
    std::vector<store::NativeCell> cells;
    ASSERT_TRUE(v.Convert(seed, &row).ok());
    ASSERT_TRUE(n.ConvertNative(seed, &nrow, &cells).ok());
    EXPECT_EQ(std::string(cells[1].bytes), "Durand \"D\"");
    for (size_t i = 1; i < row.size(); ++i) EXPECT_EQ(std::string(cells[i - 1].bytes), row[i].as_bytes());
  }
  auto table = NativeTable();
  RowConverter by_value(table), native(table);
  const std::string key = R"("k":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f")";
  const std::string records[] = {
      "{" + key + R"(,"txt":"plain","a":"ascii","big":42,"ts":"2026-01-01T00:00:00Z","small":-5,"u":"11111111-2222-3333-4444-555555555555"})",
      "{" + key + R"(,"txt":"esc \"q\" \n tab\t \u00e9 \ud83d\ude00 Zo\u00eb","a":null})",
      "{" + key + R"(,"txt":3.25,"big":"9007199254740993","ts":1767225600000})",
      "{" + key + R"(,"txt":{"x":[1, 2]},"small":"7"})",
      "{" + key + R"(,"txt":true,"extra":[1,2,3],"txt":"last wins"})",
      "{" + key + R"(,"txt":"","u":null})",
      "{" + key + R"(})",
      "{" + key + R"(,"a":"caf\u00e9"})",          // not ascii: rejected
      "{" + key + R"(,"small":100000})",            // out of range
      "{" + key + R"(,"big":true})",                // wrong JSON type
      R"({"txt":"no key"})",
      "{" + key + R"(,"txt":"unterminated)",
  };
  const size_t npk = table->primary_key_size();
  for (const std::string& json : records) {
    SCOPED_TRACE(json);
    store::Row row, nrow;
    std::vector<store::NativeCell> cells;
    Status sv = by_value.Convert(json, &row);
    // The Value path's store write checks the values too (WriteBatch::Upsert).
    for (size_t i = npk; sv.ok() && i < row.size(); ++i) {
      if (!row[i].is_set()) continue;
      Status c = store::CheckValue(table->columns[i].type, row[i]);
      if (!c.ok()) sv = c.WithContext("column '" + table->columns[i].name + "'");
    }
    Status sn = native.ConvertNative(json, &nrow, &cells);
    ASSERT_EQ(sv.ok(), sn.ok()) << sv.ToString() << " vs " << sn.ToString();
    if (!sv.ok()) {
      EXPECT_EQ(sv.message(), sn.message());
      continue;
    }
    ASSERT_EQ(cells.size(), table->columns.size() - npk);
    EXPECT_EQ(row[0].as_uuid(), nrow[0].as_uuid());
    for (size_t i = npk; i < row.size(); ++i) {
      const store::NativeCell& c = cells[i - npk];
      SCOPED_TRACE(table->columns[i].name);
      if (row[i].is_unset()) {
        EXPECT_EQ(c.state, store::NativeCell::State::kUnset);
      } else if (row[i].is_null()) {
        EXPECT_EQ(c.state, store::NativeCell::State::kNull);
      } else {
        std::string want;
        store::SerializeNative(row[i], &want);
        EXPECT_EQ(c.state, store::NativeCell::State::kSet);
        EXPECT_EQ(std::string(c.bytes), want);
      }
    }
  }
}

}  // namespace
}  // namespace kappa::stream
