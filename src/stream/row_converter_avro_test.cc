// RowConverter::ConvertAvro against the JSON path: a record encoded as Avro must become the
// same row (values and native cells) as its JSON text, and bad records the same errors.
#include <gtest/gtest.h>

#include "avro/avro.h"
#include "stream/row_converter.h"

namespace kappa::stream {
namespace {

using store::ColumnKind;
using store::TypeKind;

std::shared_ptr<const store::TableSchema> Table(std::vector<std::pair<const char*, TypeKind>> cols) {
  auto t = std::make_shared<store::TableSchema>();
  t->keyspace = "ks";
  t->name = "t";
  for (size_t i = 0; i < cols.size(); ++i) {
    store::ColumnSchema c;
    c.name = cols[i].first;
    c.type = cols[i].second;
    c.kind = i == 0 ? ColumnKind::kPartitionKey : ColumnKind::kRegular;
    c.position = i == 0 ? 0 : -1;
    t->columns.push_back(c);
  }
  EXPECT_TRUE(t->Finish().ok());
  return t;
}

std::string Avro(const avro::Codec& c, std::string_view json) {
  avro::Encoder e(std::shared_ptr<const avro::Codec>(std::shared_ptr<const avro::Codec>{}, &c));
  std::string out;
  Status st = e.Encode(json, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

constexpr std::string_view kSeedSchema = R"({"type":"record","name":"users_created","fields":[
  {"name":"id","type":"string"},{"name":"first_name","type":["null","string"]},
  {"name":"last_name","type":["null","string"]},{"name":"extra","type":["null",{"type":"map","values":"long"}]},
  {"name":"post_code","type":["null","string"]}]})";

TEST(RowConverterAvro, SameRowAsTheJsonText) {
  auto table = Table({{"id", TypeKind::kUuid}, {"first_name", TypeKind::kText},
                      {"last_name", TypeKind::kText}, {"post_code", TypeKind::kText}});
  auto codec = *avro::Codec::Compile(kSeedSchema);
  RowConverter json(table), avro(table);
  ASSERT_TRUE(avro.native_ok());
  for (std::string_view rec : {
           R"({"id":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f","first_name":"Zoë \"Z\"","last_name":null,"extra":{"a":1},"post_code":"69001"})",
           // Every field is in an Avro record: the JSON text names them all (null for none).
           R"({"id":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f","first_name":"","last_name":"L","extra":null,"post_code":null})",
           R"({"id":"not a uuid","first_name":"x"})",
       }) {
    SCOPED_TRACE(rec);
    const std::string bin = Avro(*codec, rec);
    store::Row jrow, arow, nrow, jnrow;
    std::vector<store::NativeCell> cells, jcells;
    Status js = json.Convert(rec, &jrow);
    Status as = avro.ConvertAvro(*codec, bin, &arow, nullptr);
    ASSERT_EQ(js.ok(), as.ok()) << js.ToString() << " vs " << as.ToString();
    if (!js.ok()) {
      EXPECT_EQ(js.message(), as.message());
      continue;
    }
    ASSERT_EQ(jrow.size(), arow.size());
    for (size_t i = 0; i < jrow.size(); ++i) {
      EXPECT_EQ(jrow[i], arow[i]) << i << ": " << jrow[i].ToString() << " vs " << arow[i].ToString();
    }
    ASSERT_TRUE(json.ConvertNative(rec, &jnrow, &jcells).ok());
    ASSERT_TRUE(avro.ConvertAvro(*codec, bin, &nrow, &cells).ok());
    EXPECT_EQ(jnrow[0], nrow[0]);
    ASSERT_EQ(cells.size(), jcells.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      EXPECT_EQ(cells[i].state, jcells[i].state) << i;
      EXPECT_EQ(cells[i].bytes, jcells[i].bytes) << i;
    }
  }
  // Text cells are views into the payload: no copy.
  const std::string bin = Avro(*codec, R"({"id":"0b6c1e5e-3f1a-4c1e-9f43-5d3c2a1b0e9f","first_name":"abc"})");
  store::Row row;
  std::vector<store::NativeCell> cells;
  ASSERT_TRUE(avro.ConvertAvro(*codec, bin, &row, &cells).ok());
  EXPECT_GE(cells[0].bytes.data(), bin.data());
  EXPECT_LT(cells[0].bytes.data(), bin.data() + bin.size());
}

TEST(RowConverterAvro, TypeConversions) {
  auto table = Table({{"k", TypeKind::kInt}, {"big", TypeKind::kBigint}, {"d", TypeKind::kDouble},
                      {"b", TypeKind::kBoolean}, {"ts", TypeKind::kTimestamp}, {"txt", TypeKind::kText},
                      {"blob", TypeKind::kBlob}, {"small", TypeKind::kSmallint}});
  auto codec = *avro::Codec::Compile(R"({"type":"record","name":"r","fields":[
    {"name":"k","type":"int"},{"name":"big","type":"long"},{"name":"d","type":"float"},
    {"name":"b","type":"boolean"},{"name":"ts","type":"long"},
    {"name":"txt","type":{"type":"enum","name":"E","symbols":["ONE","TWO"]}},
    {"name":"blob","type":"bytes"},{"name":"small","type":["null","int"]},
    {"name":"ignored","type":{"type":"array","items":"string"}}]})");
  RowConverter c(table);
  store::Row row;
  Status st = c.ConvertAvro(*codec, Avro(*codec, R"({"k":7,"big":9007199254740993,"d":2.5,"b":true,
      "ts":1767225600000,"txt":"TWO","blob":"\u0000\u00ff","small":-5,"ignored":["x"]})"), &row, nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(row[0].as_int(), 7);
  EXPECT_EQ(row[1].as_int(), 9007199254740993);
  EXPECT_EQ(row[2].as_double(), 2.5);
  EXPECT_TRUE(row[3].as_bool());
  EXPECT_EQ(row[4].as_int(), 1767225600000);
  EXPECT_EQ(row[5].as_bytes(), "TWO");
  EXPECT_EQ(row[6].as_bytes(), std::string("\0\xff", 2));
  EXPECT_EQ(row[7].as_int(), -5);

  auto wrong = *avro::Codec::Compile(R"({"type":"record","name":"r","fields":[
    {"name":"k","type":"int"},{"name":"b","type":"long"},{"name":"small","type":"long"}]})");
  st = c.ConvertAvro(*wrong, Avro(*wrong, R"({"k":1,"b":1,"small":0})"), &row, nullptr);
  EXPECT_EQ(st.message(), "field 'b': an Avro long cannot be stored in a boolean column");
  auto small = *avro::Codec::Compile(R"({"type":"record","name":"r","fields":[
    {"name":"k","type":"int"},{"name":"small","type":"long"}]})");
  st = c.ConvertAvro(*small, Avro(*small, R"({"k":1,"small":100000})"), &row, nullptr);
  EXPECT_NE(st.message().find("field 'small'"), std::string::npos) << st.ToString();
  st = c.ConvertAvro(*wrong, std::string("\x02\x02", 2), &row, nullptr);
  EXPECT_NE(st.message().find("field 'small': Avro payload, byte 2: truncated"), std::string::npos)
      << st.ToString();
  auto no_key = *avro::Codec::Compile(R"({"type":"record","name":"r","fields":[{"name":"big","type":"long"}]})");
  st = c.ConvertAvro(*no_key, Avro(*no_key, R"({"big":1})"), &row, nullptr);
  EXPECT_EQ(st.message(), "field 'k': missing (it is part of the primary key)");
}

}  // namespace
}  // namespace kappa::stream
