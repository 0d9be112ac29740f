// The CQL parser's private class, shared by the files that implement it by statement family:
// parser.cc (tokens, terms, relations, entry points), parse_select.cc, parse_dml.cc
// (INSERT/UPDATE/DELETE/BATCH), parse_ddl.cc and parse_describe.cc. Internal to src/cql.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "cql/protocol/ast.h"
#include "cql/protocol/lexer.h"

namespace kappa::cql::parser_internal {

bool IEquals(std::string_view a, std::string_view b);
// Keywords that can never be used as unquoted identifiers.
bool IsReserved(std::string_view w);

// Recursive descent over one statement's tokens. Not thread-safe; one use per statement.
class Parser {
 public:
  // Tokens are lexed as the parser reaches them (Peek), so a syntax error near the start of
  // a huge input costs little.
  explicit Parser(std::string_view cql) : lexer_(cql) {}

  Result<Statement> Parse();

 private:
  const Token& Peek(size_t ahead = 0) const;
  bool PeekKw(std::string_view kw, size_t ahead = 0) const;
  bool PeekPunct(std::string_view p, size_t ahead = 0) const;
  bool AcceptKw(std::string_view kw);
  bool AcceptPunct(std::string_view p);
  std::string Where(const Token& t) const;
  std::string InputText(const Token& t) const;
  Status NoViable() const;
  Status Mismatched(std::string_view expecting) const;
  Status ExpectKw(std::string_view kw);
  Status ExpectPunct(std::string_view p);
  // An identifier: unquoted (lower-cased; not a reserved word) or "quoted".
  Result<std::string> Ident();
  Result<TableName> QualifiedName();
  Result<StatementBody> ParseBody();
  // ---- terms ----
  Result<Term> ParseTerm();
  Term BindMarker(const std::string& name);
  // ---- WHERE ----
  Result<RelationOp> ParseOp();
  Result<Relation> ParseRelation();
  Result<std::vector<Relation>> ParseRelations();

  // ---- SELECT ----
  Result<Selector> ParseSelector();
  Result<StatementBody> ParseSelect();

  // ---- INSERT / UPDATE / DELETE ----
  Status ParseUsing(UsingClause* u);
  Result<StatementBody> ParseInsert();
  Status ParseIf(bool* if_exists, std::vector<Relation>* conditions);
  // The right side of `column = ...`: a term, or `column + term` / `column - term`. The
  // lexer reads `c -1` as an identifier and the integer -1: that is an addition of -1.
  Status ParseAssignedValue(Assignment* a);
  Result<StatementBody> ParseUpdate();
  Result<StatementBody> ParseDelete();
  Result<StatementBody> ParseBatch();

  // ---- DDL ----
  Status ParseIfNotExists(bool* out);
  // A constant or identifier-ish option value, as text.
  Result<std::string> OptionValue();
  Result<std::map<std::string, std::string>> MapLiteral();
  Result<StatementBody> ParseCreateKeyspace();
  // A CQL type: name, or name<type, ...> (frozen<...> is accepted and kept).
  Result<std::string> ParseType();
  Result<std::vector<std::string>> IdentList();
  Status ParsePrimaryKey(CreateTableStmt* s);
  Result<StatementBody> ParseCreateTable();
  Result<StatementBody> ParseAlterTable();

  // ---- DESCRIBE (parse_describe.cc) ----
  Result<StatementBody> ParseDescribe();

  // ---- roles and permissions (parse_roles.cc) ----
  Result<std::string> RoleName();
  Result<bool> BoolOption();
  Status ParseRoleOptions(RoleOptionsClause* o);
  Status ParseUserOptions(RoleOptionsClause* o);
  Result<StatementBody> ParseCreateRole(bool user);
  Result<StatementBody> ParseAlterRole(bool user);
  Result<StatementBody> ParseDropRole();
  Result<DataResource> ParseDataResource();
  Result<std::string> ParsePermission();
  Result<StatementBody> ParseGrant(bool revoke);
  Result<StatementBody> ParseList();

  // Bounds the recursion of nested terms, selectors and types (f(f(...)), [[[...]]],
  // frozen<list<...>>): hostile input gets a syntax error, not a stack overflow.
  static constexpr int kMaxNesting = 64;
  struct NestingGuard {
    explicit NestingGuard(int* d) : depth(d) { ++*depth; }
    ~NestingGuard() { --*depth; }
    bool too_deep() const { return *depth > kMaxNesting; }
    int* depth;
  };
  Status TooDeep() const;

  // Tokens lexed so far. A deque: references Peek returned stay valid while more are lexed.
  mutable Lexer lexer_;
  mutable std::deque<Token> toks_;
  mutable Status lex_error_;  // the first lexical error; reported by Parse, which then failed
  size_t pos_ = 0;
  int nesting_ = 0;
  Statement* stmt_ = nullptr;
};

}  // namespace kappa::cql::parser_internal
