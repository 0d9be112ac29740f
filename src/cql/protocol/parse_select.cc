// The CQL parser: SELECT statements (see parser_impl.h).
#include "cql/protocol/parser_impl.h"

namespace kappa::cql::parser_internal {

// ---- SELECT ----
Result<Selector> Parser::ParseSelector() {
  NestingGuard guard(&nesting_);
  if (guard.too_deep()) return TooDeep();
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

Result<StatementBody> Parser::ParseSelect() {
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
}  // namespace kappa::cql::parser_internal
