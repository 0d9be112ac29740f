#include "common/strings.h"
#include "cql/protocol/parser.h"

#include <algorithm>
#include <cctype>

#include "cql/protocol/parser_impl.h"

namespace kappa::cql {
namespace parser_internal {

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

Result<Statement> Parser::Parse() {
  Statement st;
  stmt_ = &st;
  auto body = ParseBody();
  // A lexical error ended the tokens early (as kEnd): it is the error to report, whatever the
  // parser made of the truncated input.
  if (!lex_error_.ok()) return lex_error_;
  if (!body.ok()) return body.status();
  st.body = std::move(body).value();
  if (PeekPunct(";")) ++pos_;
  if (Peek().kind != Token::Kind::kEnd) return NoViable();
  if (!lex_error_.ok()) return lex_error_;
  return st;
}

const Token& Parser::Peek(size_t ahead) const {
  size_t want = pos_ + ahead;
  while (toks_.size() <= want && (toks_.empty() || toks_.back().kind != Token::Kind::kEnd)) {
    auto t = lexer_.Next();
    if (t.ok()) {
      toks_.push_back(std::move(t).value());
    } else {
      lex_error_ = t.status();
      Token end;
      end.kind = Token::Kind::kEnd;
      toks_.push_back(std::move(end));
    }
  }
  return toks_[std::min(want, toks_.size() - 1)];
}

bool Parser::PeekKw(std::string_view kw, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kIdent && IEquals(t.text, kw);
}

bool Parser::PeekPunct(std::string_view p, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kPunct && t.text == p;
}

bool Parser::AcceptKw(std::string_view kw) {
  if (!PeekKw(kw)) return false;
  ++pos_;
  return true;
}

bool Parser::AcceptPunct(std::string_view p) {
  if (!PeekPunct(p)) return false;
  ++pos_;
  return true;
}

std::string Parser::Where(const Token& t) const {
  return "line " + std::to_string(t.line) + ":" + std::to_string(t.column);
}

std::string Parser::InputText(const Token& t) const {
  return t.kind == Token::Kind::kEnd ? "<EOF>" : std::string(t.raw);
}

Status Parser::NoViable() const {
  const Token& t = Peek();
  return Status::InvalidArgument(Where(t) + " no viable alternative at input '" +
                                 InputText(t) + "'");
}

Status Parser::TooDeep() const {
  const Token& t = Peek();
  return Status::InvalidArgument(Where(t) + " expression nested more than " +
                                 std::to_string(kMaxNesting) + " levels deep at input '" +
                                 InputText(t) + "'");
}

Status Parser::Mismatched(std::string_view expecting) const {
  const Token& t = Peek();
  return Status::InvalidArgument(Where(t) + " mismatched input '" + InputText(t) +
                                 "' expecting " + std::string(expecting));
}

Status Parser::ExpectKw(std::string_view kw) {
  if (AcceptKw(kw)) return Status::OK();
  return Mismatched("K_" + [&] { std::string u(kw); for (auto& c : u) c = char(std::toupper(uint8_t(c))); return u; }());
}

Status Parser::ExpectPunct(std::string_view p) {
  if (AcceptPunct(p)) return Status::OK();
  std::string expecting;  // built by appends: GCC 12 warns (-Wrestrict) on "'" + string
  expecting.reserve(p.size() + 2);
  expecting.push_back('\'');
  expecting.append(p);
  expecting.push_back('\'');
  return Mismatched(expecting);
}

// An identifier: unquoted (lower-cased; not a reserved word) or "quoted".
Result<std::string> Parser::Ident() {
  const Token& t = Peek();
  if (t.kind == Token::Kind::kQuotedIdent) { ++pos_; return t.text; }
  if (t.kind == Token::Kind::kIdent && !IsReserved(t.text)) { ++pos_; return AsciiLower(t.text); }
  return NoViable();
}

Result<TableName> Parser::QualifiedName() {
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

Result<StatementBody> Parser::ParseBody() {
  if (AcceptKw("select")) return ParseSelect();
  if (AcceptKw("insert")) return ParseInsert();
  if (AcceptKw("update")) return ParseUpdate();
  if (AcceptKw("delete")) return ParseDelete();
  if (AcceptKw("begin")) return ParseBatch();
  if (AcceptKw("describe") || AcceptKw("desc")) return ParseDescribe();
  if (AcceptKw("use")) {
    UseStmt u;
    ASSIGN_OR_RETURN(u.keyspace, Ident());
    return StatementBody(std::move(u));
  }
  if (AcceptKw("create")) {
    if (AcceptKw("keyspace") || AcceptKw("schema")) return ParseCreateKeyspace();
    if (AcceptKw("table") || AcceptKw("columnfamily")) return ParseCreateTable();
    if (AcceptKw("role")) return ParseCreateRole(false);
    if (AcceptKw("user")) return ParseCreateRole(true);
    return NoViable();
  }
  if (AcceptKw("grant")) return ParseGrant(false);
  if (AcceptKw("revoke")) return ParseGrant(true);
  if (AcceptKw("list")) return ParseList();
  if (AcceptKw("drop")) {
    if (AcceptKw("role") || AcceptKw("user")) return ParseDropRole();
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
    if (AcceptKw("role")) return ParseAlterRole(false);
    if (AcceptKw("user")) return ParseAlterRole(true);
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
Result<Term> Parser::ParseTerm() {
  NestingGuard guard(&nesting_);
  if (guard.too_deep()) return TooDeep();
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
        term.text = AsciiLower(t.text);
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
        term.text = AsciiLower(t.text);
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

Term Parser::BindMarker(const std::string& name) {
  Term t;
  t.kind = Term::Kind::kBindMarker;
  t.bind_index = stmt_->bind_count++;
  t.bind_name = name;
  stmt_->bind_names.push_back(name);
  return t;
}

// ---- WHERE ----
Result<RelationOp> Parser::ParseOp() {
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

Result<Relation> Parser::ParseRelation() {
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

Result<std::vector<Relation>> Parser::ParseRelations() {
  std::vector<Relation> out;
  do {
    ASSIGN_OR_RETURN(Relation r, ParseRelation());
    out.push_back(std::move(r));
  } while (AcceptKw("and"));
  return out;
}
}  // namespace parser_internal

using parser_internal::Parser;

Result<Statement> ParseStatement(std::string_view cql) {
  Parser p(cql);
  return p.Parse();
}

}  // namespace kappa::cql
