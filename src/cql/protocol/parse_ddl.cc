// The CQL parser: DDL statements (CREATE KEYSPACE/TABLE, ALTER TABLE) and types (see parser_impl.h).
#include "common/strings.h"
#include "cql/protocol/parser_impl.h"

namespace kappa::cql::parser_internal {

// ---- DDL ----
Status Parser::ParseIfNotExists(bool* out) {
  if (!AcceptKw("if")) return Status::OK();
  RETURN_IF_ERROR(ExpectKw("not"));
  RETURN_IF_ERROR(ExpectKw("exists"));
  *out = true;
  return Status::OK();
}

// A constant or identifier-ish option value, as text.
Result<std::string> Parser::OptionValue() {
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

Result<std::map<std::string, std::string>> Parser::MapLiteral() {
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

Result<StatementBody> Parser::ParseCreateKeyspace() {
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
      s.durable_writes = AsciiLower(v) != "false";
    } else {
      return Status::InvalidArgument("Unknown property '" + opt + "'");
    }
  } while (AcceptKw("and"));
  return StatementBody(std::move(s));
}

// A CQL type: name, or name<type, ...> (frozen<...> is accepted and kept).
Result<std::string> Parser::ParseType() {
  NestingGuard guard(&nesting_);
  if (guard.too_deep()) return TooDeep();
  const Token& t = Peek();
  if (t.kind != Token::Kind::kIdent && t.kind != Token::Kind::kQuotedIdent) return NoViable();
  std::string name = t.kind == Token::Kind::kIdent ? AsciiLower(t.text) : t.text;
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

Result<std::vector<std::string>> Parser::IdentList() {
  std::vector<std::string> out;
  RETURN_IF_ERROR(ExpectPunct("("));
  do {
    ASSIGN_OR_RETURN(std::string c, Ident());
    out.push_back(std::move(c));
  } while (AcceptPunct(","));
  RETURN_IF_ERROR(ExpectPunct(")"));
  return out;
}

Status Parser::ParsePrimaryKey(CreateTableStmt* s) {
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

Result<StatementBody> Parser::ParseCreateTable() {
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

Result<StatementBody> Parser::ParseAlterTable() {
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
}  // namespace kappa::cql::parser_internal
