#include "cql/parser.h"

#include <algorithm>
#include <cctype>

#include "cql/lexer.h"

namespace kappa::cql {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = char(std::tolower(uint8_t(c)));
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(uint8_t(a[i])) != std::tolower(uint8_t(b[i]))) return false;
  }
  return true;
}

// Keywords that can never be used as unquoted identifiers (Cassandra's reserved list,
// trimmed to those that matter for the statements kappa parses).
bool IsReserved(std::string_view w) {
  static const char* kReserved[] = {
      "add", "allow", "alter", "and", "apply", "asc", "batch", "begin", "by", "create",
      "delete", "desc", "drop", "from", "if", "in", "insert", "into", "keyspace", "limit",
      "not", "null", "of", "on", "order", "primary", "select", "set", "table", "to",
      "token", "truncate", "update", "use", "using", "where", "with"};
  for (const char* r : kReserved) {
    if (IEquals(w, r)) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  Result<Statement> Parse() {
    Statement st;
    stmt_ = &st;
    auto body = ParseBody();
    if (!body.ok()) return body.status();
    st.body = std::move(body).value();
    if (PeekPunct(";")) ++pos_;
    if (Peek().kind != Token::Kind::kEnd) return NoViable();
    return st;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  bool PeekKw(std::string_view kw, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kIdent && IEquals(t.text, kw);
  }
  bool PeekPunct(std::string_view p, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kPunct && t.text == p;
  }
  bool AcceptKw(std::string_view kw) {
    if (!PeekKw(kw)) return false;
    ++pos_;
    return true;
  }
  bool AcceptPunct(std::string_view p) {
    if (!PeekPunct(p)) return false;
    ++pos_;
    return true;
  }
  std::string Where(const Token& t) const {
    return "line " + std::to_string(t.line) + ":" + std::to_string(t.column);
  }
  std::string InputText(const Token& t) const {
    return t.kind == Token::Kind::kEnd ? "<EOF>" : std::string(t.raw);
  }
  Status NoViable() const {
    const Token& t = Peek();
    return Status::InvalidArgument(Where(t) + " no viable alternative at input '" +
                                   InputText(t) + "'");
  }
  Status Mismatched(std::string_view expecting) const {
    const Token& t = Peek();
    return Status::InvalidArgument(Where(t) + " mismatched input '" + InputText(t) +
                                   "' expecting " + std::string(expecting));
  }
  Status ExpectKw(std::string_view kw) {
    if (AcceptKw(kw)) return Status::OK();
    return Mismatched("K_" + [&] { std::string u(kw); for (auto& c : u) c = char(std::toupper(uint8_t(c))); return u; }());
  }
  Status ExpectPunct(std::string_view p) {
    if (AcceptPunct(p)) return Status::OK();
    return Mismatched("'" + std::string(p) + "'");
  }

  // An identifier: unquoted (lower-cased; not a reserved word) or "quoted".
  Result<std::string> Ident() {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kQuotedIdent) { ++pos_; return t.text; }
    if (t.kind == Token::Kind::kIdent && !IsReserved(t.text)) { ++pos_; return Lower(t.text); }
    return NoViable();
  }

  Result<TableName> QualifiedName() {
    TableName n;
    ASSIGN_OR_RETURN(std::string first, Ident());
    if (AcceptPunct(".")) {
      n.keyspace = std::move(first);
      ASSIGN_OR_RETURN(n.name, Ident());
    } else {
      n.name = std::move(first);
    }
    return n;
  }

  Result<StatementBody> ParseBody() {
    if (AcceptKw("select")) return ParseSelect();
    if (AcceptKw("insert")) return ParseInsert();
    if (AcceptKw("update")) return ParseUpdate();
    if (AcceptKw("delete")) return ParseDelete();
    if (AcceptKw("begin")) return ParseBatch();
    if (AcceptKw("use")) {
      UseStmt u;
      ASSIGN_OR_RETURN(u.keyspace, Ident());
      return StatementBody(std::move(u));
    }
    if (AcceptKw("create")) {
      if (AcceptKw("keyspace") || AcceptKw("schema")) return ParseCreateKeyspace();
      if (AcceptKw("table") || AcceptKw("columnfamily")) return ParseCreateTable();
      return NoViable();
    }
    if (AcceptKw("drop")) {
      bool ks = AcceptKw("keyspace") || AcceptKw("schema");
      if (!ks && !AcceptKw("table") && !AcceptKw("columnfamily")) return NoViable();
      bool if_exists = false;
      if (AcceptKw("if")) {
        RETURN_IF_ERROR(ExpectKw("exists"));
        if_exists = true;
      }
      if (ks) {
        DropKeyspaceStmt d;
        d.if_exists = if_exists;
        ASSIGN_OR_RETURN(d.name, Ident());
        return StatementBody(std::move(d));
      }
      DropTableStmt d;
      d.if_exists = if_exists;
      ASSIGN_OR_RETURN(d.table, QualifiedName());
      return StatementBody(std::move(d));
    }
    if (AcceptKw("alter")) {
      if (!AcceptKw("table") && !AcceptKw("columnfamily")) return NoViable();
      return ParseAlterTable();
    }
    if (AcceptKw("truncate")) {
      AcceptKw("table");
      TruncateStmt t;
      ASSIGN_OR_RETURN(t.table, QualifiedName());
      return StatementBody(std::move(t));
    }
    return NoViable();
  }

  // ---- terms ----
  Result<Term> ParseTerm() {
    const Token& t = Peek();
    Term term;
    switch (t.kind) {
      case Token::Kind::kString: term.kind = Term::Kind::kString; break;
      case Token::Kind::kInteger: term.kind = Term::Kind::kInteger; break;
      case Token::Kind::kFloat: term.kind = Term::Kind::kFloat; break;
      case Token::Kind::kUuid: term.kind = Term::Kind::kUuid; break;
      case Token::Kind::kBlob: term.kind = Term::Kind::kBlob; break;
      case Token::Kind::kIdent:
        if (IEquals(t.text, "true") || IEquals(t.text, "false")) {
          term.kind = Term::Kind::kBoolean;
          term.text = Lower(t.text);
          ++pos_;
          return term;
        }
        if (IEquals(t.text, "null")) { ++pos_; term.kind = Term::Kind::kNull; return term; }
        if (IEquals(t.text, "nan") || IEquals(t.text, "infinity")) {
          ++pos_;
          term.kind = Term::Kind::kFloat;
          term.text = t.text;
          return term;
        }
        if (PeekPunct("(", 1)) {
          term.kind = Term::Kind::kFunction;
          term.text = Lower(t.text);
          pos_ += 2;
          if (!AcceptPunct(")")) {
            do {
              ASSIGN_OR_RETURN(Term a, ParseTerm());
              term.args.push_back(std::move(a));
            } while (AcceptPunct(","));
            RETURN_IF_ERROR(ExpectPunct(")"));
          }
          return term;
        }
        return NoViable();
      case Token::Kind::kPunct:
        if (t.text == "?") {
          ++pos_;
          return BindMarker("");
        }
        if (t.text == ":") {
          ++pos_;
          ASSIGN_OR_RETURN(std::string name, Ident());
          return BindMarker(name);
        }
        if (t.text == "[") {
          ++pos_;
          term.kind = Term::Kind::kList;
          if (!AcceptPunct("]")) {
            do {
              ASSIGN_OR_RETURN(Term a, ParseTerm());
              term.args.push_back(std::move(a));
            } while (AcceptPunct(","));
            RETURN_IF_ERROR(ExpectPunct("]"));
          }
          return term;
        }
        if (t.text == "{") {
          ++pos_;
          term.kind = Term::Kind::kSet;
          if (AcceptPunct("}")) return term;  // {} is an empty set/map
          ASSIGN_OR_RETURN(Term first, ParseTerm());
          if (AcceptPunct(":")) {
            term.kind = Term::Kind::kMap;
            ASSIGN_OR_RETURN(Term v, ParseTerm());
            term.args.push_back(std::move(first));
            term.args.push_back(std::move(v));
            while (AcceptPunct(",")) {
              ASSIGN_OR_RETURN(Term k2, ParseTerm());
              RETURN_IF_ERROR(ExpectPunct(":"));
              ASSIGN_OR_RETURN(Term v2, ParseTerm());
              term.args.push_back(std::move(k2));
              term.args.push_back(std::move(v2));
            }
          } else {
            term.args.push_back(std::move(first));
            while (AcceptPunct(",")) {
              ASSIGN_OR_RETURN(Term a, ParseTerm());
              term.args.push_back(std::move(a));
            }
          }
          RETURN_IF_ERROR(ExpectPunct("}"));
          return term;
        }
        return NoViable();
      default:
        return NoViable();
    }
    term.text = t.text;
    ++pos_;
    return term;
  }

  Term BindMarker(const std::string& name) {
    Term t;
    t.kind = Term::Kind::kBindMarker;
    t.bind_index = stmt_->bind_count++;
    t.bind_name = name;
    stmt_->bind_names.push_back(name);
    return t;
  }

  // ---- WHERE ----
  Result<RelationOp> ParseOp() {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kPunct) {
      static const std::pair<const char*, RelationOp> kOps[] = {
          {"=", RelationOp::kEq}, {"<", RelationOp::kLt},  {"<=", RelationOp::kLe},
          {">", RelationOp::kGt}, {">=", RelationOp::kGe}, {"!=", RelationOp::kNe}};
      for (auto& [s, op] : kOps) {
        if (t.text == s) { ++pos_; return op; }
      }
    }
    if (AcceptKw("in")) return RelationOp::kIn;
    if (AcceptKw("contains")) {
      if (AcceptKw("key")) return RelationOp::kContainsKey;
      return RelationOp::kContains;
    }
    return NoViable();
  }

  Result<Relation> ParseRelation() {
    Relation r;
    if (AcceptKw("token")) {
      r.token = true;
      RETURN_IF_ERROR(ExpectPunct("("));
      do {
        ASSIGN_OR_RETURN(std::string c, Ident());
        r.columns.push_back(std::move(c));
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct(")"));
    } else {
      ASSIGN_OR_RETURN(std::string c, Ident());
      r.columns.push_back(std::move(c));
    }
    ASSIGN_OR_RETURN(r.op, ParseOp());
    if (r.op == RelationOp::kIn && AcceptPunct("(")) {
      r.in_list = true;
      if (!AcceptPunct(")")) {
        do {
          ASSIGN_OR_RETURN(Term v, ParseTerm());
          r.in_values.push_back(std::move(v));
        } while (AcceptPunct(","));
        RETURN_IF_ERROR(ExpectPunct(")"));
      }
      return r;
    }
    ASSIGN_OR_RETURN(r.value, ParseTerm());
    return r;
  }

  Result<std::vector<Relation>> ParseRelations() {
    std::vector<Relation> out;
    do {
      ASSIGN_OR_RETURN(Relation r, ParseRelation());
      out.push_back(std::move(r));
    } while (AcceptKw("and"));
    return out;
  }

  // ---- SELECT ----
  Result<Selector> ParseSelector() {
    Selector s;
    if (PeekKw("count") && PeekPunct("(", 1)) {
      pos_ += 2;
      if (AcceptPunct("*") || (Peek().kind == Token::Kind::kInteger && Peek().text == "1" &&
                               (++pos_, true))) {
        s.kind = Selector::Kind::kCountStar;
      } else {
        s.kind = Selector::Kind::kCount;
        ASSIGN_OR_RETURN(std::string c, Ident());
        s.columns.push_back(std::move(c));
      }
      RETURN_IF_ERROR(ExpectPunct(")"));
    } else if ((PeekKw("token") || PeekKw("writetime") || PeekKw("ttl")) && PeekPunct("(", 1)) {
      s.kind = PeekKw("token") ? Selector::Kind::kToken
               : PeekKw("ttl") ? Selector::Kind::kTtl
                               : Selector::Kind::kWriteTime;
      pos_ += 2;
      do {
        ASSIGN_OR_RETURN(std::string c, Ident());
        s.columns.push_back(std::move(c));
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct(")"));
    } else {
      ASSIGN_OR_RETURN(std::string c, Ident());
      s.columns.push_back(std::move(c));
    }
    if (AcceptKw("as")) {
      ASSIGN_OR_RETURN(s.alias, Ident());
    }
    return s;
  }

  Result<StatementBody> ParseSelect() {
    SelectStmt s;
    if (AcceptKw("json")) s.json = true;
    if (AcceptKw("distinct")) s.distinct = true;
    if (!AcceptPunct("*")) {
      do {
        ASSIGN_OR_RETURN(Selector sel, ParseSelector());
        s.selectors.push_back(std::move(sel));
      } while (AcceptPunct(","));
    }
    RETURN_IF_ERROR(ExpectKw("from"));
    ASSIGN_OR_RETURN(s.table, QualifiedName());
    if (AcceptKw("where")) {
      ASSIGN_OR_RETURN(s.where, ParseRelations());
    }
    if (AcceptKw("order")) {
      RETURN_IF_ERROR(ExpectKw("by"));
      do {
        ASSIGN_OR_RETURN(std::string c, Ident());
        bool desc = false;
        if (AcceptKw("desc")) desc = true;
        else AcceptKw("asc");
        s.order_by.emplace_back(std::move(c), desc);
      } while (AcceptPunct(","));
    }
    if (AcceptKw("per")) {
      RETURN_IF_ERROR(ExpectKw("partition"));
      RETURN_IF_ERROR(ExpectKw("limit"));
      ASSIGN_OR_RETURN(Term t, ParseTerm());
      s.per_partition_limit = std::move(t);
    }
    if (AcceptKw("limit")) {
      ASSIGN_OR_RETURN(Term t, ParseTerm());
      s.limit = std::move(t);
    }
    if (AcceptKw("allow")) {
      RETURN_IF_ERROR(ExpectKw("filtering"));
      s.allow_filtering = true;
    }
    return StatementBody(std::move(s));
  }

  // ---- INSERT / UPDATE / DELETE ----
  Status ParseUsing(UsingClause* u) {
    if (!AcceptKw("using")) return Status::OK();
    do {
      if (AcceptKw("ttl")) {
        ASSIGN_OR_RETURN(Term t, ParseTerm());
        u->ttl = std::move(t);
      } else if (AcceptKw("timestamp")) {
        ASSIGN_OR_RETURN(Term t, ParseTerm());
        u->timestamp = std::move(t);
      } else {
        return NoViable();
      }
    } while (AcceptKw("and"));
    return Status::OK();
  }

  Result<StatementBody> ParseInsert() {
    InsertStmt s;
    RETURN_IF_ERROR(ExpectKw("into"));
    ASSIGN_OR_RETURN(s.table, QualifiedName());
    if (AcceptKw("json")) {
      ASSIGN_OR_RETURN(Term t, ParseTerm());
      s.json = std::move(t);
      if (AcceptKw("default")) {
        if (AcceptKw("unset")) s.json_default_unset = true;
        else RETURN_IF_ERROR(ExpectKw("null"));
      }
    } else {
      RETURN_IF_ERROR(ExpectPunct("("));
      do {
        ASSIGN_OR_RETURN(std::string c, Ident());
        s.columns.push_back(std::move(c));
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct(")"));
      RETURN_IF_ERROR(ExpectKw("values"));
      RETURN_IF_ERROR(ExpectPunct("("));
      do {
        ASSIGN_OR_RETURN(Term t, ParseTerm());
        s.values.push_back(std::move(t));
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct(")"));
    }
    if (AcceptKw("if")) {
      RETURN_IF_ERROR(ExpectKw("not"));
      RETURN_IF_ERROR(ExpectKw("exists"));
      s.if_not_exists = true;
    }
    RETURN_IF_ERROR(ParseUsing(&s.using_));
    return StatementBody(std::move(s));
  }

  Status ParseIf(bool* if_exists, std::vector<Relation>* conditions) {
    if (!AcceptKw("if")) return Status::OK();
    if (AcceptKw("exists")) {
      *if_exists = true;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(*conditions, ParseRelations());
    return Status::OK();
  }

  // The right side of `column = ...`: a term, or `column + term` / `column - term`. The
  // lexer reads `c -1` as an identifier and the integer -1: that is an addition of -1.
  Status ParseAssignedValue(Assignment* a) {
    const Token& t = Peek();
    bool self = (t.kind == Token::Kind::kIdent && !IsReserved(t.text) && Lower(t.text) == a->column) ||
                (t.kind == Token::Kind::kQuotedIdent && t.text == a->column);
    if (self && !PeekPunct("(", 1)) {
      ++pos_;
      if (AcceptPunct("+")) {
        a->op = Assignment::Op::kAdd;
      } else if (AcceptPunct("-")) {
        a->op = Assignment::Op::kSubtract;
      } else if ((Peek().kind == Token::Kind::kInteger || Peek().kind == Token::Kind::kFloat) &&
                 Peek().text.starts_with("-")) {
        a->op = Assignment::Op::kAdd;
      } else {
        return Mismatched("{'+', '-'}");
      }
      ASSIGN_OR_RETURN(a->value, ParseTerm());
      return Status::OK();
    }
    ASSIGN_OR_RETURN(a->value, ParseTerm());
    return Status::OK();
  }

  Result<StatementBody> ParseUpdate() {
    UpdateStmt s;
    ASSIGN_OR_RETURN(s.table, QualifiedName());
    RETURN_IF_ERROR(ParseUsing(&s.using_));
    RETURN_IF_ERROR(ExpectKw("set"));
    do {
      Assignment a;
      ASSIGN_OR_RETURN(a.column, Ident());
      RETURN_IF_ERROR(ExpectPunct("="));
      RETURN_IF_ERROR(ParseAssignedValue(&a));
      s.assignments.push_back(std::move(a));
    } while (AcceptPunct(","));
    RETURN_IF_ERROR(ExpectKw("where"));
    ASSIGN_OR_RETURN(s.where, ParseRelations());
    RETURN_IF_ERROR(ParseIf(&s.if_exists, &s.conditions));
    return StatementBody(std::move(s));
  }

  Result<StatementBody> ParseDelete() {
    DeleteStmt s;
    if (!PeekKw("from")) {
      do {
        ASSIGN_OR_RETURN(std::string c, Ident());
        s.columns.push_back(std::move(c));
      } while (AcceptPunct(","));
    }
    RETURN_IF_ERROR(ExpectKw("from"));
    ASSIGN_OR_RETURN(s.table, QualifiedName());
    RETURN_IF_ERROR(ParseUsing(&s.using_));
    RETURN_IF_ERROR(ExpectKw("where"));
    ASSIGN_OR_RETURN(s.where, ParseRelations());
    RETURN_IF_ERROR(ParseIf(&s.if_exists, &s.conditions));
    return StatementBody(std::move(s));
  }

  Result<StatementBody> ParseBatch() {
    BatchStmt b;
    if (AcceptKw("unlogged")) b.type = BatchStmt::Type::kUnlogged;
    else if (AcceptKw("counter")) b.type = BatchStmt::Type::kCounter;
    else AcceptKw("logged");
    RETURN_IF_ERROR(ExpectKw("batch"));
    RETURN_IF_ERROR(ParseUsing(&b.using_));
    while (!PeekKw("apply")) {
      Statement inner;
      if (AcceptKw("insert")) { ASSIGN_OR_RETURN(inner.body, ParseInsert()); }
      else if (AcceptKw("update")) { ASSIGN_OR_RETURN(inner.body, ParseUpdate()); }
      else if (AcceptKw("delete")) { ASSIGN_OR_RETURN(inner.body, ParseDelete()); }
      else return NoViable();
      b.statements.push_back(std::move(inner));
      AcceptPunct(";");
    }
    RETURN_IF_ERROR(ExpectKw("apply"));
    RETURN_IF_ERROR(ExpectKw("batch"));
    return StatementBody(std::move(b));
  }

  // ---- DDL ----
  Status ParseIfNotExists(bool* out) {
    if (!AcceptKw("if")) return Status::OK();
    RETURN_IF_ERROR(ExpectKw("not"));
    RETURN_IF_ERROR(ExpectKw("exists"));
    *out = true;
    return Status::OK();
  }

  // A constant or identifier-ish option value, as text.
  Result<std::string> OptionValue() {
    const Token& t = Peek();
    switch (t.kind) {
      case Token::Kind::kString:
      case Token::Kind::kInteger:
      case Token::Kind::kFloat:
      case Token::Kind::kIdent:
      case Token::Kind::kQuotedIdent:
        ++pos_;
        return t.text;
      default:
        return NoViable();
    }
  }

  Result<std::map<std::string, std::string>> MapLiteral() {
    std::map<std::string, std::string> m;
    RETURN_IF_ERROR(ExpectPunct("{"));
    if (AcceptPunct("}")) return m;
    do {
      ASSIGN_OR_RETURN(std::string k, OptionValue());
      RETURN_IF_ERROR(ExpectPunct(":"));
      ASSIGN_OR_RETURN(std::string v, OptionValue());
      m[k] = v;
    } while (AcceptPunct(","));
    RETURN_IF_ERROR(ExpectPunct("}"));
    return m;
  }

  Result<StatementBody> ParseCreateKeyspace() {
    CreateKeyspaceStmt s;
    RETURN_IF_ERROR(ParseIfNotExists(&s.if_not_exists));
    ASSIGN_OR_RETURN(s.name, Ident());
    RETURN_IF_ERROR(ExpectKw("with"));
    do {
      ASSIGN_OR_RETURN(std::string opt, Ident());
      RETURN_IF_ERROR(ExpectPunct("="));
      if (opt == "replication") {
        ASSIGN_OR_RETURN(s.replication, MapLiteral());
      } else if (opt == "durable_writes") {
        ASSIGN_OR_RETURN(std::string v, OptionValue());
        s.durable_writes = Lower(v) != "false";
      } else {
        return Status::InvalidArgument("Unknown property '" + opt + "'");
      }
    } while (AcceptKw("and"));
    return StatementBody(std::move(s));
  }

  // A CQL type: name, or name<type, ...> (frozen<...> is accepted and kept).
  Result<std::string> ParseType() {
    const Token& t = Peek();
    if (t.kind != Token::Kind::kIdent && t.kind != Token::Kind::kQuotedIdent) return NoViable();
    std::string name = t.kind == Token::Kind::kIdent ? Lower(t.text) : t.text;
    ++pos_;
    if (!AcceptPunct("<")) return name;
    name += "<";
    bool first = true;
    do {
      ASSIGN_OR_RETURN(std::string inner, ParseType());
      if (!first) name += ", ";
      name += inner;
      first = false;
    } while (AcceptPunct(","));
    RETURN_IF_ERROR(ExpectPunct(">"));
    return name + ">";
  }

  Result<std::vector<std::string>> IdentList() {
    std::vector<std::string> out;
    RETURN_IF_ERROR(ExpectPunct("("));
    do {
      ASSIGN_OR_RETURN(std::string c, Ident());
      out.push_back(std::move(c));
    } while (AcceptPunct(","));
    RETURN_IF_ERROR(ExpectPunct(")"));
    return out;
  }

  Status ParsePrimaryKey(CreateTableStmt* s) {
    RETURN_IF_ERROR(ExpectPunct("("));
    if (PeekPunct("(")) {
      ASSIGN_OR_RETURN(s->partition_key, IdentList());
    } else {
      ASSIGN_OR_RETURN(std::string c, Ident());
      s->partition_key.push_back(std::move(c));
    }
    while (AcceptPunct(",")) {
      ASSIGN_OR_RETURN(std::string c, Ident());
      s->clustering.push_back(std::move(c));
    }
    return ExpectPunct(")");
  }

  Result<StatementBody> ParseCreateTable() {
    CreateTableStmt s;
    RETURN_IF_ERROR(ParseIfNotExists(&s.if_not_exists));
    ASSIGN_OR_RETURN(s.table, QualifiedName());
    RETURN_IF_ERROR(ExpectPunct("("));
    do {
      if (PeekKw("primary")) {
        ++pos_;
        RETURN_IF_ERROR(ExpectKw("key"));
        if (!s.partition_key.empty()) {
          return Status::InvalidArgument("Multiple PRIMARY KEYs specified (exactly one required)");
        }
        RETURN_IF_ERROR(ParsePrimaryKey(&s));
        continue;
      }
      ColumnDef c;
      ASSIGN_OR_RETURN(c.name, Ident());
      ASSIGN_OR_RETURN(c.type, ParseType());
      if (AcceptKw("static")) c.is_static = true;
      if (AcceptKw("primary")) {
        RETURN_IF_ERROR(ExpectKw("key"));
        if (!s.partition_key.empty()) {
          return Status::InvalidArgument("Multiple PRIMARY KEYs specified (exactly one required)");
        }
        s.partition_key.push_back(c.name);
      }
      s.columns.push_back(std::move(c));
    } while (AcceptPunct(","));
    RETURN_IF_ERROR(ExpectPunct(")"));
    if (AcceptKw("with")) {
      do {
        if (AcceptKw("clustering")) {
          RETURN_IF_ERROR(ExpectKw("order"));
          RETURN_IF_ERROR(ExpectKw("by"));
          RETURN_IF_ERROR(ExpectPunct("("));
          do {
            ASSIGN_OR_RETURN(std::string c, Ident());
            bool desc = false;
            if (AcceptKw("desc")) desc = true;
            else if (!AcceptKw("asc")) return Mismatched("{K_ASC, K_DESC}");
            s.clustering_order.emplace_back(std::move(c), desc);
          } while (AcceptPunct(","));
          RETURN_IF_ERROR(ExpectPunct(")"));
        } else if (AcceptKw("compact")) {
          RETURN_IF_ERROR(ExpectKw("storage"));
          s.options["compact_storage"] = "true";
        } else {
          ASSIGN_OR_RETURN(std::string opt, Ident());
          RETURN_IF_ERROR(ExpectPunct("="));
          if (PeekPunct("{")) {
            ASSIGN_OR_RETURN(auto m, MapLiteral());
            std::string text = "{";
            for (auto& [k, v] : m) text += (text.size() > 1 ? ", '" : "'") + k + "': '" + v + "'";
            s.options[opt] = text + "}";
          } else {
            ASSIGN_OR_RETURN(s.options[opt], OptionValue());
          }
        }
      } while (AcceptKw("and"));
    }
    return StatementBody(std::move(s));
  }

  Result<StatementBody> ParseAlterTable() {
    AlterTableStmt s;
    ASSIGN_OR_RETURN(s.table, QualifiedName());
    if (AcceptKw("add")) {
      s.add = true;
      bool paren = AcceptPunct("(");
      do {
        ColumnDef c;
        ASSIGN_OR_RETURN(c.name, Ident());
        ASSIGN_OR_RETURN(c.type, ParseType());
        if (AcceptKw("static")) c.is_static = true;
        s.columns.push_back(std::move(c));
      } while (paren && AcceptPunct(","));
      if (paren) RETURN_IF_ERROR(ExpectPunct(")"));
    } else if (AcceptKw("drop")) {
      s.add = false;
      bool paren = AcceptPunct("(");
      do {
        ColumnDef c;
        ASSIGN_OR_RETURN(c.name, Ident());
        s.columns.push_back(std::move(c));
      } while (paren && AcceptPunct(","));
      if (paren) RETURN_IF_ERROR(ExpectPunct(")"));
    } else {
      return NoViable();
    }
    return StatementBody(std::move(s));
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  Statement* stmt_ = nullptr;
};

}  // namespace

Result<Statement> ParseStatement(std::string_view cql) {
  auto toks = Tokenize(cql);
  if (!toks.ok()) return toks.status();
  Parser p(std::move(toks).value());
  return p.Parse();
}

std::vector<std::string> SplitStatements(std::string_view s, std::string* rest) {
  std::vector<std::string> out;
  size_t start = 0;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\'' || c == '"') {
      ++i;
      while (i < s.size() && s[i] != c) ++i;
      ++i;
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      size_t e = s.find("$$", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
    } else if ((c == '-' && i + 1 < s.size() && s[i + 1] == '-') ||
               (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
    } else if (c == ';') {
      std::string stmt(s.substr(start, i - start));
      if (stmt.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(stmt);
      start = ++i;
    } else {
      ++i;
    }
  }
  if (rest) {
    *rest = std::string(s.substr(std::min(start, s.size())));
    if (rest->find_first_not_of(" \t\r\n") == std::string::npos) rest->clear();
  }
  return out;
}

}  // namespace kappa::cql
