#include <gtest/gtest.h>

#include "store/schema.h"
#include "store/store_test_fixture.h"

namespace kappa::store {
namespace {

using store_testing::Col;

TEST(SchemaCqlTest, RendersTablesAsCassandraDescribes) {
  TableSchema t;
  t.keyspace = "ks";
  t.name = "events";
  Type frozen_list = Type::List(TypeKind::kInt);
  frozen_list.frozen = true;
  t.columns = {Col("b", TypeKind::kInt, ColumnKind::kPartitionKey, 1),
               Col("a", TypeKind::kText, ColumnKind::kPartitionKey, 0),
               Col("c", TypeKind::kBigint, ColumnKind::kClustering, 0),
               Col("zeta", frozen_list),
               Col("Mixed", Type::Map(TypeKind::kText, TypeKind::kInt)),
               Col("s", TypeKind::kText, ColumnKind::kStatic),
               Col("select", TypeKind::kBoolean)};
  t.columns[2].order = ClusteringOrder::kDesc;
  t.options = {{"comment", "it's"}, {"default_time_to_live", "60"}, {"kappa_private", "x"}};
  ASSERT_TRUE(t.Finish().ok());
  EXPECT_EQ(t.ToCql(),
            "CREATE TABLE ks.events (\n"
            "    a text,\n"
            "    b int,\n"
            "    c bigint,\n"
            "    s text static,\n"
            "    \"Mixed\" map<text, int>,\n"
            "    \"select\" boolean,\n"
            "    zeta frozen<list<int>>,\n"
            "    PRIMARY KEY ((a, b), c)\n"
            ") WITH CLUSTERING ORDER BY (c DESC)\n"
            "    AND comment = 'it''s'\n"
            "    AND default_time_to_live = 60;");
  TableSchema::CqlFormat all;
  all.options = TableSchema::CqlFormat::Options::kAll;
  std::string full = t.ToCql(all);
  EXPECT_NE(full.find("    AND additional_write_policy = '99p'\n"), std::string::npos) << full;
  EXPECT_NE(full.find("    AND comment = 'it''s'\n"), std::string::npos) << full;
  EXPECT_NE(full.find("    AND speculative_retry = '99p';"), std::string::npos) << full;
  EXPECT_EQ(full.find("kappa_private"), std::string::npos) << full;
}

TEST(SchemaCqlTest, SinglePartitionKeyIsInline) {
  TableSchema t;
  t.keyspace = "Ks";
  t.name = "users";
  t.columns = {Col("id", TypeKind::kUuid, ColumnKind::kPartitionKey, 0), Col("name", TypeKind::kText)};
  ASSERT_TRUE(t.Finish().ok());
  TableSchema::CqlFormat f;
  f.if_not_exists = true;
  f.options = TableSchema::CqlFormat::Options::kNone;
  EXPECT_EQ(t.ToCql(f),
            "CREATE TABLE IF NOT EXISTS \"Ks\".users (\n    id uuid PRIMARY KEY,\n    name text\n);");
}

TEST(SchemaCqlTest, RendersKeyspaces) {
  KeyspaceSchema k;
  k.name = "ks";
  k.replication = {{"replication_factor", "3"}, {"class", "SimpleStrategy"}};
  EXPECT_EQ(k.ToCql(),
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
            "'replication_factor': '3'}  AND durable_writes = true;");
  k.durable_writes = false;
  EXPECT_EQ(k.ToCql(true).substr(0, 30), "CREATE KEYSPACE IF NOT EXISTS ");
  EXPECT_NE(k.ToCql().find("durable_writes = false;"), std::string::npos);
}

TEST(SchemaCqlTest, QuotesWhatCassandraWouldMisread) {
  EXPECT_EQ(QuoteCqlIdentifier("plain_1"), "plain_1");
  EXPECT_EQ(QuoteCqlIdentifier("CamelCase"), "\"CamelCase\"");
  EXPECT_EQ(QuoteCqlIdentifier("1abc"), "\"1abc\"");
  EXPECT_EQ(QuoteCqlIdentifier("table"), "\"table\"");
  EXPECT_EQ(QuoteCqlIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteCqlString("o'k"), "'o''k'");
}

}  // namespace
}  // namespace kappa::store
