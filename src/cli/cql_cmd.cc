// `kappa cql`: a cqlsh-like shell over kappa's CQL client (interactive with history and
// multi-line statements, -e, -f), and `kappa cql-server`: a standalone CQL server owning a
// data directory.
#include <fmt/format.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "common/strings.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "security/security.h"
#include "common/host_port.h"
#include "cli/listener_flags.h"
#include "cli/stop_signals.h"
#include "common/logging.h"
#include "cql/client.h"
#include "cql/cql.h"

namespace kappa::cli {
namespace {

using cql::Client;
using cql::ClientResult;

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& s, size_t w, bool right) {
  size_t d = DisplayWidth(s);
  if (d >= w) return s;
  return right ? std::string(w - d, ' ') + s : s + std::string(w - d, ' ');
}

std::string CellText(const store::Value& v) { return EscapeLine(v.ToString()); }

// Prints rows as cqlsh does: names left-aligned, values right-aligned, then "(N rows)".
void PrintRows(const std::vector<cql::ClientColumn>& cols,
               const std::vector<std::vector<store::Value>>& rows, std::ostream& out) {
  std::vector<size_t> w(cols.size());
  std::vector<std::vector<std::string>> text;
  for (size_t i = 0; i < cols.size(); ++i) w[i] = DisplayWidth(cols[i].name);
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < cols.size() && i < r.size(); ++i) {
      line.push_back(CellText(r[i]));
      w[i] = std::max(w[i], DisplayWidth(line.back()));
    }
    text.push_back(std::move(line));
  }
  std::string header, rule;
  for (size_t i = 0; i < cols.size(); ++i) {
    header += (i ? " | " : " ") + Pad(cols[i].name, w[i], false);
    rule += (i ? "-+-" : "-") + std::string(w[i], '-');
  }
  while (!header.empty() && header.back() == ' ') header.pop_back();
  out << "\n" << header << "\n" << rule << "-\n";
  for (const auto& line : text) {
    std::string s;
    for (size_t i = 0; i < line.size(); ++i) s += (i ? " | " : " ") + Pad(line[i], w[i], true);
    out << s << "\n";
  }
  out << "\n(" << rows.size() << " rows)\n\n";
}

std::string Trim(std::string_view s) { return std::string(TrimSpace(s)); }

class Shell {
 public:
  explicit Shell(Client* c) : client_(c) {}

  // Runs one statement; prints results to stdout, errors to stderr. False on error.
  bool Run(const std::string& raw) {
    std::string stmt = Trim(raw);
    if (stmt.empty()) return true;
    std::string low = AsciiLower(stmt);
    if (low.rfind("describe", 0) == 0 || low.rfind("desc ", 0) == 0) return Describe(stmt);
    if (low == "exit" || low == "quit") {
      quit_ = true;
      return true;
    }
    std::vector<cql::ClientColumn> cols;
    std::vector<std::vector<store::Value>> rows;
    std::string paging;
    bool has_rows = false;
    do {
      auto r = client_->Query(stmt, {}, 5000, paging);
      if (!r.ok()) {
        std::cerr << r.status().message() << "\n";
        return false;
      }
      if (r->kind == ClientResult::Kind::kSetKeyspace) keyspace_ = r->keyspace;
      if (r->kind != ClientResult::Kind::kRows) return true;
      has_rows = true;
      cols = *r->columns;
      for (auto& row : r->rows) rows.push_back(std::move(row));
      paging = r->paging_state;
    } while (!paging.empty());
    if (has_rows) PrintRows(cols, rows, std::cout);
    return true;
  }

  bool quit() const { return quit_; }
  void set_keyspace(std::string ks) { keyspace_ = std::move(ks); }
  const std::string& keyspace() const { return keyspace_; }

 private:
  Result<ClientResult> All(const std::string& q, const std::vector<store::Value>& values) {
    ClientResult all;
    std::string paging;
    do {
      ASSIGN_OR_RETURN(ClientResult r, client_->Query(q, values, 5000, paging));
      all.kind = r.kind;
      all.columns = r.columns;
      for (auto& row : r.rows) all.rows.push_back(std::move(row));
      paging = r.paging_state;
    } while (!paging.empty());
    return all;
  }

  static std::string Col(const ClientResult& r, const std::vector<store::Value>& row,
                         const std::string& name) {
    const auto& cols = *r.columns;
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i].name == name && row[i].is_set()) return row[i].ToString();
    }
    return "";
  }

  bool Describe(const std::string& stmt) {
    std::istringstream in(stmt);
    std::string word, what, name;
    in >> word >> what;
    std::getline(in, name);
    name = Trim(name);
    if (!name.empty() && name.back() == ';') name.pop_back();
    what = AsciiLower(what);
    if (what == "keyspaces") {
      auto r = All("SELECT keyspace_name FROM system_schema.keyspaces", {});
      if (!r.ok()) return Error(r.status());
      std::vector<std::string> names;
      for (auto& row : r->rows) names.push_back(row[0].ToString());
      std::sort(names.begin(), names.end());
      std::cout << "\n";
      for (auto& n : names) std::cout << n << "  ";
      std::cout << "\n\n";
      return true;
    }
    if (what == "tables") {
      auto r = All("SELECT keyspace_name, table_name FROM system_schema.tables", {});
      if (!r.ok()) return Error(r.status());
      std::map<std::string, std::vector<std::string>> by_ks;
      for (auto& row : r->rows) {
        std::string ks = row[0].ToString();
        if (!keyspace_.empty() && ks != keyspace_) continue;
        by_ks[ks].push_back(row[1].ToString());
      }
      for (auto& [ks, tables] : by_ks) {
        if (keyspace_.empty()) std::cout << "\nKeyspace " << ks << "\n" << std::string(9 + ks.size(), '-') << "\n";
        else std::cout << "\n";
        for (auto& t : tables) std::cout << t << "  ";
        std::cout << "\n";
      }
      std::cout << "\n";
      return true;
    }
    if (what == "table" || what == "columnfamily") {
      std::string ks = keyspace_, table = AsciiLower(name);
      if (auto dot = table.find('.'); dot != std::string::npos) {
        ks = table.substr(0, dot);
        table = table.substr(dot + 1);
      }
      if (ks.empty()) {
        std::cerr << "No keyspace specified and no current keyspace\n";
        return false;
      }
      auto r = All("SELECT * FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
                   {store::Value::Text(ks), store::Value::Text(table)});
      if (!r.ok()) return Error(r.status());
      if (r->rows.empty()) {
        std::cerr << "'" << table << "' not found in keyspace '" << ks << "'\n";
        return false;
      }
      store::TableSchema t;
      t.keyspace = ks;
      t.name = table;
      std::vector<store::ColumnSchema> cols;
      for (auto& row : r->rows) {
        store::ColumnSchema c;
        c.name = Col(*r, row, "column_name");
        auto type = store::Type::Parse(Col(*r, row, "type"));
        if (!type.ok()) return Error(type.status());
        c.type = type.value();
        std::string kind = Col(*r, row, "kind");
        c.kind = kind == "partition_key" ? store::ColumnKind::kPartitionKey
                 : kind == "clustering"  ? store::ColumnKind::kClustering
                 : kind == "static"      ? store::ColumnKind::kStatic
                                         : store::ColumnKind::kRegular;
        c.position = std::stoi(Col(*r, row, "position"));
        c.order = Col(*r, row, "clustering_order") == "desc" ? store::ClusteringOrder::kDesc
                                                             : store::ClusteringOrder::kAsc;
        cols.push_back(std::move(c));
      }
      std::stable_sort(cols.begin(), cols.end(), [](const auto& a, const auto& b) {
        auto rank = [](const store::ColumnSchema& c) {
          return c.kind == store::ColumnKind::kPartitionKey ? 0 : c.kind == store::ColumnKind::kClustering ? 1 : 2;
        };
        if (rank(a) != rank(b)) return rank(a) < rank(b);
        return rank(a) < 2 ? a.position < b.position : a.name < b.name;
      });
      t.columns = std::move(cols);
      Status st = t.Finish();
      if (!st.ok()) return Error(st);
      std::cout << "\n" << t.ToCql() << "\n\n";
      return true;
    }
    std::cerr << "Improper DESCRIBE command: use DESCRIBE KEYSPACES, DESCRIBE TABLES or DESCRIBE TABLE name\n";
    return false;
  }

  bool Error(const Status& s) {
    std::cerr << s.message() << "\n";
    return false;
  }

  Client* client_;
  std::string keyspace_;
  bool quit_ = false;
};

// Runs a script; returns false if any statement failed (the rest still run, as cqlsh -f).
bool RunScript(Shell& sh, const std::string& text) {
  std::string rest;
  bool ok = true;
  for (const auto& s : cql::SplitStatements(text, &rest)) ok = sh.Run(s) && ok;
  if (!Trim(rest).empty()) ok = sh.Run(rest) && ok;
  return ok;
}

void Interactive(Shell& sh) {
  std::string history_file = std::string(getenv("HOME") ? getenv("HOME") : ".") + "/.kappa_cql_history";
  read_history(history_file.c_str());
  std::string buffer;
  while (!sh.quit()) {
    std::string prompt = buffer.empty()
                             ? (sh.keyspace().empty() ? "cqlsh> " : "cqlsh:" + sh.keyspace() + "> ")
                             : "   ... ";
    char* line = readline(prompt.c_str());
    if (!line) break;
    std::string l(line);
    free(line);
    if (Trim(l).empty() && buffer.empty()) continue;
    buffer += (buffer.empty() ? "" : "\n") + l;
    std::string low = AsciiLower(Trim(buffer));
    bool shell_cmd = low.rfind("desc", 0) == 0 || low == "exit" || low == "quit";
    std::string rest;
    auto stmts = cql::SplitStatements(buffer, &rest);
    if (stmts.empty() && !shell_cmd) continue;  // multi-line: wait for ';'
    add_history(Trim(buffer).c_str());
    append_history(1, history_file.c_str());
    if (stmts.empty()) {
      sh.Run(buffer);
      buffer.clear();
      continue;
    }
    for (const auto& s : stmts) sh.Run(s);
    buffer = Trim(rest);
  }
  std::cout << "\n";
}


}  // namespace

void RegisterCqlCommands(CLI::App& app, const Groups& g) {
  // ---- kappa cql ----
  auto* shell = app.add_subcommand("cql", "CQL shell (like cqlsh) for kappa, Cassandra or ScyllaDB");
  auto opts = std::make_shared<cql::ClientOptions>();
  auto host = std::make_shared<std::string>("127.0.0.1");
  auto execute = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  shell->add_option("--host", *host, "Server address")->capture_default_str();
  shell->add_option("--port", opts->port, "Server CQL port")->capture_default_str();
  shell->add_option("-u,--username", opts->username, "User name (when the server requires auth)");
  shell->add_option("-p,--password", opts->password, "Password");
  shell->add_option("-k,--keyspace", opts->keyspace, "Keyspace to USE first");
  shell->add_option("-e,--execute", *execute, "Run these statements (';'-separated) and exit");
  shell->add_option("-f,--file", *file, "Run the statements of this file and exit");
  auto ctls = std::make_shared<security::ClientTlsOptions>();
  auto use_tls = std::make_shared<bool>(false);
  shell->add_flag("--tls,--ssl", *use_tls,
                  "Connect with TLS (the server's certificate checked against --tls-ca, else "
                  "the system's CAs, and the host name)");
  shell->add_option("--tls-ca", ctls->ca_file, "PEM CA certificates to trust (implies --tls)");
  shell->add_option("--tls-cert", ctls->cert_file,
                    "PEM client certificate, for servers that require one (with --tls-key)");
  shell->add_option("--tls-key", ctls->key_file, "PEM private key of --tls-cert");
  shell->footer(
      "Without -e or -f, an interactive shell: statements end with ';' and may span lines;\n"
      "history is kept in ~/.kappa_cql_history. Shell commands: DESCRIBE KEYSPACES,\n"
      "DESCRIBE TABLES, DESCRIBE TABLE [ks.]name, EXIT. Exit code 2 if a statement failed.");
  shell->callback([=] {
    opts->contact_points = {*host};
    if (*use_tls || !ctls->ca_file.empty() || !ctls->cert_file.empty()) {
      auto ctx = security::MakeClientTlsContext(*ctls);
      if (!ctx.ok()) Fail(ctx.status(), 2);
      opts->tls = std::move(ctx).value();
    }
    auto c = Client::Connect(*opts);
    if (!c.ok()) Fail("cannot connect to " + *host + ":" + std::to_string(opts->port) + ": " + c.status().message());
    Shell sh(c->get());
    sh.set_keyspace(opts->keyspace);
    bool ok = true;
    if (!execute->empty()) {
      ok = RunScript(sh, *execute);
    } else if (!file->empty()) {
      std::ifstream in(*file);
      if (!in) Fail("cannot read " + *file);
      std::stringstream ss;
      ss << in.rdbuf();
      ok = RunScript(sh, ss.str());
    } else if (isatty(0)) {
      Interactive(sh);
    } else {
      std::stringstream ss;
      ss << std::cin.rdbuf();
      ok = RunScript(sh, ss.str());
    }
    (*c)->Close();
    if (!ok) throw CLI::RuntimeError(2);
  });

  // ---- kappa cql-server ----
  auto* server = app.add_subcommand(
      "cql-server", "Serve a data directory's tables over the CQL native protocol (v3, v4)");
  auto dir = std::make_shared<std::string>();
  auto so = std::make_shared<cql::ServerOptions>();
  auto users = std::make_shared<std::vector<std::string>>();
  auto auth = std::make_shared<std::string>("auto");
  AddDataDirOption(server, dir.get());
  server->add_option("--host", so->host, "Listen address")->capture_default_str();
  server->add_option("--port", so->port, "Listen port (0: any free port, printed at start)")->capture_default_str();
  server->add_option("--threads", so->threads, "Server threads (0: one per CPU)")->capture_default_str();
  server->add_option("--auth", *auth, "auto (required off loopback), required, off")->capture_default_str();
  server->add_option("--user", *users, "NAME:PASSWORD of a user allowed to log in (repeatable)");
  server->add_flag("--allow-default-credentials", so->allow_default_credentials,
                   "Accept the well-known cassandra/cassandra login (refused by default)");
  auto acls = std::make_shared<security::AuthorizerOptions>();
  server->add_flag("--acls", acls->enabled,
                   "Check every statement against the data directory's permissions (GRANT; "
                   "Unauthorized otherwise), as security.acls.enabled does for kappa up");
  server->add_option("--super-user", acls->super_users,
                     "A role that bypasses the permission checks (repeatable)");
  auto tls = std::make_shared<ServerTlsFlags>();
  AddServerTlsFlags(server, tls.get(),
                    "the listener: clients must then connect with TLS");
  auto limits = std::make_shared<ListenerFlags>();
  AddListenerFlags(server, limits.get());
  auto frame = std::make_shared<int64_t>(int64_t(so->max_frame_bytes));
  auto statement = std::make_shared<int64_t>(int64_t(so->max_statement_bytes));
  auto prepared = std::make_shared<int64_t>(int64_t(so->prepared_cache_bytes));
  auto result = std::make_shared<int64_t>(int64_t(so->max_result_bytes));
  AddSizeOption(server, "--max-frame-size", frame.get(), "Largest request frame body accepted");
  AddSizeOption(server, "--max-statement-size", statement.get(),
                "Longest statement text accepted (QUERY, PREPARE, BATCH)");
  AddSizeOption(server, "--prepared-cache-size", prepared.get(),
                "Bytes of prepared statements kept (least recently used evicted beyond)");
  AddSizeOption(server, "--max-result-size", result.get(),
                "Row bytes one result holds at most: pages end early there, an unpaged SELECT "
                "beyond it is refused");
  server->footer("Runs until interrupted (Ctrl-C / SIGTERM). Prints 'CQL server listening on HOST:PORT'.");
  server->callback([=] {
    const StopSignals signals;  // blocked in every server thread; this one waits for them
    for (const auto& u : *users) {
      auto colon = u.find(':');
      if (colon == std::string::npos) Fail("--user expects NAME:PASSWORD, got '" + u + "'");
      so->users[u.substr(0, colon)] = u.substr(colon + 1);
    }
    if (*auth == "required") so->auth = cql::ServerOptions::Auth::kRequired;
    else if (*auth == "off") so->auth = cql::ServerOptions::Auth::kDisabled;
    else if (*auth != "auto") Fail("--auth must be auto, required or off");
    // Say which flag adds users before anything is opened (the server's own check cannot
    // know how its caller takes users).
    bool required = so->auth == cql::ServerOptions::Auth::kRequired ||
                    (so->auth == cql::ServerOptions::Auth::kAuto && !IsLoopbackHost(so->host));
    if (tls->given()) so->tls = ServerTlsFromFlags(*tls);
    // The data directory's users (kappa users add, CREATE ROLE) log in too, and its ACLs
    // hold the permissions of GRANT.
    if (!dir->empty()) {
      auto store = security::UserStore::Open(security::SecurityDir(*dir));
      if (!store.ok()) Fail(store.status().WithContext("opening the users"), 2);
      so->user_store = std::move(store).value();
      auto authz = security::Authorizer::Open(security::SecurityDir(*dir), *acls, so->user_store);
      if (!authz.ok()) Fail(authz.status().WithContext("opening the ACLs"), 2);
      so->authorizer = std::move(authz).value();
    }
    const bool store_users = so->user_store && !so->user_store->Empty();
    if (required && so->users.empty() && !store_users) {
      Fail(fmt::format("--host {}: CQL clients must log in here ({}), but no users are given: "
                       "add --user NAME:PASSWORD (repeatable) or kappa users add NAME, or "
                       "listen on 127.0.0.1",
                       so->host, so->auth == cql::ServerOptions::Auth::kRequired
                                     ? "--auth required" : "not a loopback address"), 2);
    }
    so->limits = ListenerLimitsFromFlags(*limits);
    if (*frame > int64_t(UINT32_MAX)) Fail("--max-frame-size: at most 4GiB", 2);
    so->max_frame_bytes = uint32_t(*frame);
    so->max_statement_bytes = size_t(*statement);
    so->prepared_cache_bytes = size_t(*prepared);
    if (*result < 1024 || *result > (int64_t(1) << 30)) Fail("--max-result-size: between 1KiB and 1GiB", 2);
    so->max_result_bytes = size_t(*result);
    auto rt = OpenDataDir(*dir, "kappa cql-server", Access::kOwner, /*log=*/false,
                          /*store=*/true);
    if (!rt.ok()) Fail(rt.status());
    auto srv = cql::Server::Start(&(*rt)->store(), *so);
    if (!srv.ok()) Fail(srv.status());
    std::cout << "CQL server listening on " << so->host << ":" << (*srv)->port() << std::endl;
    const int sig = signals.Wait();
    std::cerr << "stopping CQL server (" << StopSignals::Name(sig) << ")\n";
    (*srv)->Stop();
  });
  (void)g;
}

}  // namespace kappa::cli
