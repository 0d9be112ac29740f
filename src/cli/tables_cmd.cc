// `kappa tables ...`: list, describe, scan and count the tables of the store; `create` and
// `insert` make tables and rows from the command line (tests, demos, loading JSON lines).
#include <simdjson.h>

#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"

namespace kappa::cli {
namespace {

using store::TableSchema;

struct TableRef {
  std::string keyspace, table;
};

TableRef SplitName(const std::string& name) {
  size_t dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
    Fail("name tables as KEYSPACE.TABLE, got '" + name + "'", 2);
  }
  return {name.substr(0, dot), name.substr(dot + 1)};
}

std::unique_ptr<app::Runtime> OpenForRead(const std::string& dir, const std::string& what) {
  auto s = OpenDataDir(dir, what, Access::kReadOnly, /*log=*/false, /*store=*/true);
  if (!s.ok()) Fail(s.status());
  return std::move(*s);
}

std::shared_ptr<const TableSchema> GetTable(store::Store& st, const std::string& name) {
  TableRef r = SplitName(name);
  auto t = st.GetTable(r.keyspace, r.table);
  if (!t.ok()) Fail(t.status().message() + " (see `kappa tables list`)");
  return *t;
}

// One line: ks.t (a text, b int, ...) PRIMARY KEY ((a), b DESC)
std::string OneLine(const TableSchema& t) {
  std::string s = t.keyspace + "." + t.name + " (";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    s += (i ? ", " : "") + t.columns[i].name + " " + t.columns[i].type.ToString();
  }
  s += ") PRIMARY KEY ((";
  for (size_t i = 0; i < t.partition_key_size(); ++i) s += (i ? ", " : "") + t.columns[i].name;
  s += ")";
  for (size_t i = t.partition_key_size(); i < t.primary_key_size(); ++i) {
    s += ", " + t.columns[i].name;
    if (t.columns[i].order == store::ClusteringOrder::kDesc) s += " DESC";
  }
  return s + ")";
}

std::string JsonStr(std::string_view s) {
  std::string out;
  store::Value::Text(std::string(s)).AppendJson(&out);
  return out;
}

std::string TableJson(const TableSchema& t) {
  std::string s = "{\"keyspace\": " + JsonStr(t.keyspace) + ", \"table\": " + JsonStr(t.name) +
                  ", \"id\": \"" + t.id.ToString() + "\", \"columns\": [";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const auto& c = t.columns[i];
    s += std::string(i ? ", " : "") + "{\"name\": " + JsonStr(c.name) +
         ", \"type\": " + JsonStr(c.type.ToString()) + ", \"kind\": \"" +
         std::string(store::ColumnKindName(c.kind)) + "\"";
    if (c.kind == store::ColumnKind::kPartitionKey || c.kind == store::ColumnKind::kClustering) {
      s += ", \"position\": " + std::to_string(c.position);
    }
    if (c.kind == store::ColumnKind::kClustering) {
      s += std::string(", \"order\": ") +
           (c.order == store::ClusteringOrder::kDesc ? "\"desc\"" : "\"asc\"");
    }
    s += "}";
  }
  return s + "]}";
}

std::string RowText(const TableSchema& t, const store::Row& row) {
  std::string s;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) s += "  ";
    s += t.columns[i].name + "=" + row[i].ToCqlLiteral();
  }
  return EscapeLine(s);
}

std::string RowJson(const TableSchema& t, const store::Row& row) {
  std::string s = "{";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) s += ", ";
    s += JsonStr(t.columns[i].name) + ": ";
    row[i].AppendJson(&s);
  }
  return s + "}";
}

// "a text, b map<text, int>" -> [("a","text"), ("b","map<text, int>")]
std::vector<std::pair<std::string, std::string>> SplitColumns(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  int depth = 0;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
    if (b == std::string::npos) Fail("empty column in --columns '" + spec + "'", 2);
    std::string c = cur.substr(b, e - b + 1);
    size_t sp = c.find(' ');
    if (sp == std::string::npos) Fail("column '" + c + "' needs a type, e.g. 'name text'", 2);
    out.emplace_back(c.substr(0, sp), c.substr(sp + 1));
    cur.clear();
  };
  for (char ch : spec) {
    if (ch == '<') ++depth;
    if (ch == '>') --depth;
    if (ch == ',' && depth == 0) flush();
    else cur += ch;
  }
  flush();
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = part.find_first_not_of(' '), e = part.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void CreateTable(const std::string& dir, const std::string& name, const std::string& columns,
                 const std::string& pk, const std::string& clustering, bool if_not_exists) {
  TableRef r = SplitName(name);
  TableSchema t;
  t.keyspace = r.keyspace;
  t.name = r.table;
  for (auto& [n, ty] : SplitColumns(columns)) {
    auto type = store::Type::Parse(ty);
    if (!type.ok()) Fail(type.status());
    store::ColumnSchema c;
    c.name = n;
    c.type = *type;
    t.columns.push_back(std::move(c));
  }
  auto mark = [&](const std::string& col, store::ColumnKind kind, int pos, bool desc) {
    int i = t.FindColumn(col);
    if (i < 0) Fail("key column '" + col + "' is not in --columns", 2);
    t.columns[i].kind = kind;
    t.columns[i].position = pos;
    t.columns[i].order = desc ? store::ClusteringOrder::kDesc : store::ClusteringOrder::kAsc;
  };
  int pos = 0;
  for (const auto& c : SplitList(pk)) mark(c, store::ColumnKind::kPartitionKey, pos++, false);
  pos = 0;
  for (const auto& c : SplitList(clustering)) {
    size_t sp = c.find(' ');
    std::string col = c.substr(0, sp), ord = sp == std::string::npos ? "" : c.substr(sp + 1);
    for (char& ch : ord) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (!ord.empty() && ord != "asc" && ord != "desc") Fail("clustering order must be asc or desc", 2);
    mark(col, store::ColumnKind::kClustering, pos++, ord == "desc");
  }
  auto s = OpenDataDir(dir, "kappa tables create", Access::kOwner, /*log=*/false, /*store=*/true);
  if (!s.ok()) Fail(s.status());
  Check((*s)->store().CreateKeyspace(
      {t.keyspace, {{"class", "SimpleStrategy"}, {"replication_factor", "1"}}, true}, true));
  Check((*s)->store().CreateTable(t, if_not_exists));
  std::cout << OneLine(**(*s)->store().GetTable(t.keyspace, t.name)) << "\n";
}

// Reads JSON objects, one per line, and upserts them (fields by column name; strings are
// parsed as the column's type, so "2024-05-01T12:00:00Z" fills a timestamp).
void InsertRows(const std::string& dir, const std::string& name, int ttl) {
  auto s = OpenDataDir(dir, "kappa tables insert", Access::kOwner, /*log=*/false, /*store=*/true);
  if (!s.ok()) Fail(s.status());
  auto t = GetTable((*s)->store(), name);
  store::WriteOptions w;
  w.ttl_seconds = ttl;
  simdjson::dom::parser parser;
  store::WriteBatch batch = (*s)->store().NewWriteBatch();
  std::string line;
  uint64_t n = 0, lineno = 0;
  while (std::getline(std::cin, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = "line " + std::to_string(lineno) + ": ";
    simdjson::dom::object obj;
    if (parser.parse(line).get(obj) != simdjson::SUCCESS) Fail(where + "not a JSON object", 1);
    store::Row row(t->columns.size(), store::Value::Unset());
    for (auto field : obj) {
      int i = t->FindColumn(field.key);
      if (i < 0) Fail(where + "no column '" + std::string(field.key) + "' in " + name, 1);
      const auto& type = t->columns[size_t(i)].type;
      std::string_view str;
      Result<store::Value> v = store::Value::Null();
      if (field.value.is_null()) v = store::Value::Null();
      else if (field.value.get_string().get(str) == simdjson::SUCCESS) v = store::ParseFromString(type, str);
      else v = store::ParseFromString(type, simdjson::minify(field.value));
      if (!v.ok()) Fail(where + v.status().message(), 1);
      row[size_t(i)] = std::move(*v);
    }
    Status st = batch.Upsert(*t, row, w);
    if (!st.ok()) Fail(where + st.message(), 1);
    if (batch.count() >= 1000) {
      Check((*s)->store().Write(batch));
      batch.Clear();
    }
    if (++n % 100000 == 0) std::cerr << "inserted " << n << " rows\n";
  }
  Check((*s)->store().Write(batch, true));
  std::cerr << "inserted " << n << " rows into " << name << "\n";
}

}  // namespace

void RegisterTablesCommands(CLI::App& app, const Groups& g) {
  auto* list = g.tables->add_subcommand("list", "List tables (KEYSPACE.TABLE, columns, key)");
  static std::string list_dir;
  static bool list_json = false;
  AddDataDirOption(list, &list_dir);
  list->add_flag("--json", list_json, "One JSON object per table and line");
  list->callback([] {
    auto s = OpenDataDir(list_dir, "kappa tables list", Access::kReadOnly, /*log=*/false, /*store=*/true);
    if (!s.ok() && s.status().IsNotFound()) return;  // no store yet: no tables
    if (!s.ok()) Fail(s.status());
    for (const auto& t : (*s)->store().ListTables()) {
      std::cout << (list_json ? TableJson(*t) : OneLine(*t)) << "\n";
    }
  });

  auto* describe = g.tables->add_subcommand("describe", "Print a table's CREATE TABLE statement");
  static std::string desc_dir, desc_name;
  AddDataDirOption(describe, &desc_dir);
  describe->add_option("table", desc_name, "KEYSPACE.TABLE")->required();
  describe->callback([] {
    auto s = OpenForRead(desc_dir, "kappa tables describe");
    std::cout << GetTable(s->store(), desc_name)->ToCql() << "\n";
  });

  auto* scan = g.tables->add_subcommand(
      "scan", "Print rows in token order, one per line (column=CQL literal ...)");
  static std::string scan_dir, scan_name;
  static size_t scan_limit = 10;
  static bool scan_json = false;
  AddDataDirOption(scan, &scan_dir);
  scan->add_option("table", scan_name, "KEYSPACE.TABLE")->required();
  scan->add_option("--limit", scan_limit, "Rows to print; 0 = all")->capture_default_str();
  scan->add_flag("--json", scan_json, "One JSON object per row and line (Cassandra's toJson forms)");
  scan->callback([] {
    auto s = OpenForRead(scan_dir, "kappa tables scan");
    auto t = GetTable(s->store(), scan_name);
    std::string state;
    size_t printed = 0;
    do {
      size_t want = scan_limit ? std::min<size_t>(1000, scan_limit - printed) : 1000;
      auto page = s->store().Scan(*t, {}, state, want);
      if (!page.ok()) Fail(page.status());
      for (const auto& row : page->rows) {
        std::cout << (scan_json ? RowJson(*t, row) : RowText(*t, row)) << "\n";
      }
      printed += page->rows.size();
      state = page->paging_state;
    } while (!state.empty() && (scan_limit == 0 || printed < scan_limit));
  });

  auto* count = g.tables->add_subcommand("count", "Print the number of live rows of a table");
  static std::string count_dir, count_name;
  AddDataDirOption(count, &count_dir);
  count->add_option("table", count_name, "KEYSPACE.TABLE")->required();
  count->callback([] {
    auto s = OpenForRead(count_dir, "kappa tables count");
    auto n = s->store().Count(*GetTable(s->store(), count_name));
    if (!n.ok()) Fail(n.status());
    std::cout << *n << "\n";
  });

  auto* create = g.tables->add_subcommand(
      "create", "Create a table (and its keyspace) from a column list; for tests and demos");
  static std::string cr_dir, cr_name, cr_cols, cr_pk, cr_ck;
  static bool cr_ine = false;
  AddDataDirOption(create, &cr_dir);
  create->add_option("table", cr_name, "KEYSPACE.TABLE")->required();
  create->add_option("--columns", cr_cols, "Columns, e.g. 'id uuid, name text, tags set<text>'")
      ->required();
  create->add_option("--partition-key", cr_pk, "Partition key columns, e.g. 'id' or 'a,b'")
      ->required();
  create->add_option("--clustering", cr_ck, "Clustering columns with order, e.g. 'ts desc, seq'");
  create->add_flag("--if-not-exists", cr_ine, "Succeed if the table exists");
  create->callback([] { CreateTable(cr_dir, cr_name, cr_cols, cr_pk, cr_ck, cr_ine); });

  auto* insert = g.tables->add_subcommand(
      "insert", "Upsert JSON objects read from stdin, one per line (fields by column name)");
  static std::string in_dir, in_name;
  static int64_t in_ttl_ms = -1;  // not given: the table's default_time_to_live
  AddDataDirOption(insert, &in_dir);
  insert->add_option("table", in_name, "KEYSPACE.TABLE")->required();
  AddDurationOption(insert, "--ttl", &in_ttl_ms,
                    "How long until the written cells expire, in whole seconds (3600s, 1h, "
                    "7d); 0 = never; default: the table's default_time_to_live",
                    /*show_default=*/false);
  insert->callback([] {
    int ttl = store::WriteOptions::kTableDefaultTtl;
    if (in_ttl_ms >= 0) {
      // CQL's USING TTL counts whole seconds, up to 20 years (Cassandra's limit).
      if (in_ttl_ms % 1000 != 0) Fail("--ttl: a TTL is whole seconds (e.g. 90s, 2m)", 2);
      if (in_ttl_ms / 1000 > 630'720'000) Fail("--ttl: at most 20 years (7300d)", 2);
      ttl = int(in_ttl_ms / 1000);
    }
    InsertRows(in_dir, in_name, ttl);
  });
}

}  // namespace kappa::cli
