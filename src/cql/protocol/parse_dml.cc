// The CQL parser: INSERT, UPDATE, DELETE and BATCH statements (see parser_impl.h).
#include "common/strings.h"
#include "cql/protocol/parser_impl.h"

namespace kappa::cql::parser_internal {

// ---- INSERT / UPDATE / DELETE ----
Status Parser::ParseUsing(UsingClause* u) {
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

Result<StatementBody> Parser::ParseInsert() {
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

Status Parser::ParseIf(bool* if_exists, std::vector<Relation>* conditions) {
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
Status Parser::ParseAssignedValue(Assignment* a) {
  const Token& t = Peek();
  bool self = (t.kind == Token::Kind::kIdent && !IsReserved(t.text) && AsciiLower(t.text) == a->column) ||
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
  // `column = value + column`: a list prepend.
  if (PeekPunct("+")) {
    const Token& c = Peek(1);
    bool same = (c.kind == Token::Kind::kIdent && !IsReserved(c.text) && AsciiLower(c.text) == a->column) ||
                (c.kind == Token::Kind::kQuotedIdent && c.text == a->column);
    if (!same) return Mismatched("<EOF>");
    pos_ += 2;
    a->op = Assignment::Op::kPrepend;
  }
  return Status::OK();
}

Result<StatementBody> Parser::ParseUpdate() {
  UpdateStmt s;
  ASSIGN_OR_RETURN(s.table, QualifiedName());
  RETURN_IF_ERROR(ParseUsing(&s.using_));
  RETURN_IF_ERROR(ExpectKw("set"));
  do {
    Assignment a;
    ASSIGN_OR_RETURN(a.column, Ident());
    if (AcceptPunct("[")) {  // column[element] = value
      ASSIGN_OR_RETURN(a.element, ParseTerm());
      RETURN_IF_ERROR(ExpectPunct("]"));
      RETURN_IF_ERROR(ExpectPunct("="));
      a.op = Assignment::Op::kSetElement;
      ASSIGN_OR_RETURN(a.value, ParseTerm());
      s.assignments.push_back(std::move(a));
      continue;
    }
    RETURN_IF_ERROR(ExpectPunct("="));
    RETURN_IF_ERROR(ParseAssignedValue(&a));
    s.assignments.push_back(std::move(a));
  } while (AcceptPunct(","));
  RETURN_IF_ERROR(ExpectKw("where"));
  ASSIGN_OR_RETURN(s.where, ParseRelations());
  RETURN_IF_ERROR(ParseIf(&s.if_exists, &s.conditions));
  return StatementBody(std::move(s));
}

Result<StatementBody> Parser::ParseDelete() {
  DeleteStmt s;
  if (!PeekKw("from")) {
    do {
      ASSIGN_OR_RETURN(std::string c, Ident());
      s.columns.push_back(std::move(c));
      std::optional<Term> element;
      if (AcceptPunct("[")) {  // DELETE c[element]
        ASSIGN_OR_RETURN(element, ParseTerm());
        RETURN_IF_ERROR(ExpectPunct("]"));
      }
      s.elements.push_back(std::move(element));
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

Result<StatementBody> Parser::ParseBatch() {
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
}  // namespace kappa::cql::parser_internal
