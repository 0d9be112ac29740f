// The CQL parser: roles and permissions (CREATE/ALTER/DROP ROLE and USER, LIST ROLES/USERS,
// GRANT, REVOKE, LIST PERMISSIONS), as Cassandra 4.0's grammar has them (see
// parser_impl.h), and role membership (GRANT role TO role, REVOKE role FROM role). Only
// data resources (ALL KEYSPACES, KEYSPACE k, TABLE k.t) take permissions; kappa has no
// functions, MBeans or role resources to grant on.
#include <cctype>

#include "common/strings.h"
#include "cql/protocol/parser_impl.h"

namespace kappa::cql::parser_internal {
namespace {

bool IsPermissionWord(std::string_view w) {
  for (const char* p :
       {"create", "alter", "drop", "select", "modify", "authorize", "describe", "execute"}) {
    if (IEquals(w, p)) return true;
  }
  return false;
}

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = char(std::toupper(uint8_t(c)));
  return u;
}

}  // namespace

// A role name: an identifier (lower-cased unless quoted) or a string literal (kept as is).
Result<std::string> Parser::RoleName() {
  const Token& t = Peek();
  if (t.kind == Token::Kind::kString) {
    ++pos_;
    return t.text;
  }
  return Ident();
}

Result<bool> Parser::BoolOption() {
  const Token& t = Peek();
  if (t.kind == Token::Kind::kIdent && (IEquals(t.text, "true") || IEquals(t.text, "false"))) {
    ++pos_;
    return IEquals(t.text, "true");
  }
  return Mismatched("a boolean");
}

// WITH opt = v [AND opt = v ...] of CREATE/ALTER ROLE.
Status Parser::ParseRoleOptions(RoleOptionsClause* o) {
  if (!AcceptKw("with")) return Status::OK();
  do {
    const Token& t = Peek();
    if (t.kind != Token::Kind::kIdent) return NoViable();
    std::string opt = AsciiLower(t.text);
    ++pos_;
    RETURN_IF_ERROR(ExpectPunct("="));
    if (opt == "password") {
      const Token& v = Peek();
      if (v.kind != Token::Kind::kString) return Mismatched("a string");
      ++pos_;
      o->password = v.text;
    } else if (opt == "login") {
      ASSIGN_OR_RETURN(bool b, BoolOption());
      o->login = b;
    } else if (opt == "superuser") {
      ASSIGN_OR_RETURN(bool b, BoolOption());
      o->superuser = b;
    } else if (opt == "options") {
      RETURN_IF_ERROR(MapLiteral().status());  // custom options: kappa's authenticator has none
    } else {
      return Status::InvalidArgument("Unknown role option '" + opt +
                                     "' (kappa knows PASSWORD, LOGIN, SUPERUSER)");
    }
  } while (AcceptKw("and"));
  return Status::OK();
}

// CREATE USER / ALTER USER: [WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER].
Status Parser::ParseUserOptions(RoleOptionsClause* o) {
  if (AcceptKw("with")) {
    RETURN_IF_ERROR(ExpectKw("password"));
    const Token& v = Peek();
    if (v.kind != Token::Kind::kString) return Mismatched("a string");
    ++pos_;
    o->password = v.text;
  }
  if (AcceptKw("superuser")) o->superuser = true;
  else if (AcceptKw("nosuperuser")) o->superuser = false;
  return Status::OK();
}

Result<StatementBody> Parser::ParseCreateRole(bool user) {
  CreateRoleStmt s;
  RETURN_IF_ERROR(ParseIfNotExists(&s.if_not_exists));
  ASSIGN_OR_RETURN(s.name, RoleName());
  if (user) {
    RETURN_IF_ERROR(ParseUserOptions(&s.options));
    s.options.login = true;  // a user is a role that logs in
  } else {
    RETURN_IF_ERROR(ParseRoleOptions(&s.options));
  }
  return StatementBody(std::move(s));
}

Result<StatementBody> Parser::ParseAlterRole(bool user) {
  AlterRoleStmt s;
  ASSIGN_OR_RETURN(s.name, RoleName());
  RETURN_IF_ERROR(user ? ParseUserOptions(&s.options) : ParseRoleOptions(&s.options));
  return StatementBody(std::move(s));
}

Result<StatementBody> Parser::ParseDropRole() {
  DropRoleStmt s;
  if (AcceptKw("if")) {
    RETURN_IF_ERROR(ExpectKw("exists"));
    s.if_exists = true;
  }
  ASSIGN_OR_RETURN(s.name, RoleName());
  return StatementBody(std::move(s));
}

// ALL KEYSPACES | KEYSPACE k | [TABLE] [k.]t
Result<DataResource> Parser::ParseDataResource() {
  DataResource r;
  if (PeekKw("all")) {
    if (PeekKw("keyspaces", 1)) {
      pos_ += 2;
      r.kind = DataResource::Kind::kAllKeyspaces;
      return r;
    }
    return Status::InvalidArgument(
        "kappa grants permissions on ALL KEYSPACES, KEYSPACE k and TABLE k.t only (no "
        "functions, MBeans or roles)");
  }
  if (AcceptKw("keyspace")) {
    r.kind = DataResource::Kind::kKeyspace;
    ASSIGN_OR_RETURN(r.table.keyspace, Ident());
    return r;
  }
  if (PeekKw("role") || PeekKw("function") || PeekKw("mbean") || PeekKw("mbeans")) {
    return Status::InvalidArgument(
        "kappa grants permissions on ALL KEYSPACES, KEYSPACE k and TABLE k.t only (no "
        "functions, MBeans or roles)");
  }
  AcceptKw("table");
  r.kind = DataResource::Kind::kTable;
  ASSIGN_OR_RETURN(r.table, QualifiedName());
  return r;
}

// ALL [PERMISSIONS] | perm [PERMISSION]; returns "ALL" or the upper-case permission.
Result<std::string> Parser::ParsePermission() {
  if (AcceptKw("all")) {
    AcceptKw("permissions");
    return std::string("ALL");
  }
  const Token& t = Peek();
  if (t.kind != Token::Kind::kIdent || !IsPermissionWord(t.text)) return NoViable();
  ++pos_;
  std::string p = Upper(t.text);
  AcceptKw("permission");
  return p;
}

Result<StatementBody> Parser::ParseGrant(bool revoke) {
  // GRANT r TO g / REVOKE r FROM g: a role name and TO/FROM, where a permission grant has
  // a permission and ON (or PERMISSION[S]).
  const Token& first = Peek();
  const bool name_like = first.kind == Token::Kind::kString ||
                         first.kind == Token::Kind::kQuotedIdent ||
                         first.kind == Token::Kind::kIdent;
  if (name_like && PeekKw(revoke ? "from" : "to", 1)) {
    GrantRoleStmt g;
    g.revoke = revoke;
    ASSIGN_OR_RETURN(g.role, RoleName());
    ++pos_;  // TO / FROM
    ASSIGN_OR_RETURN(g.grantee, RoleName());
    return StatementBody(std::move(g));
  }
  GrantStmt s;
  s.revoke = revoke;
  ASSIGN_OR_RETURN(s.permission, ParsePermission());
  RETURN_IF_ERROR(ExpectKw("on"));
  ASSIGN_OR_RETURN(s.resource, ParseDataResource());
  RETURN_IF_ERROR(ExpectKw(revoke ? "from" : "to"));
  ASSIGN_OR_RETURN(s.role, RoleName());
  return StatementBody(std::move(s));
}

// After LIST: ROLES [OF r] [NORECURSIVE] | USERS | permissions [ON res] [OF r] [NORECURSIVE]
Result<StatementBody> Parser::ParseList() {
  if (AcceptKw("roles")) {
    ListRolesStmt s;
    if (AcceptKw("of")) {
      ASSIGN_OR_RETURN(s.of, RoleName());
    }
    s.recursive = !AcceptKw("norecursive");
    return StatementBody(std::move(s));
  }
  if (AcceptKw("users")) {
    ListRolesStmt s;
    s.users = true;
    return StatementBody(std::move(s));
  }
  ListPermissionsStmt s;
  ASSIGN_OR_RETURN(s.permission, ParsePermission());
  if (AcceptKw("on")) {
    ASSIGN_OR_RETURN(s.resource, ParseDataResource());
  }
  if (AcceptKw("of")) {
    ASSIGN_OR_RETURN(s.of, RoleName());
  }
  s.recursive = !AcceptKw("norecursive");
  return StatementBody(std::move(s));
}

}  // namespace kappa::cql::parser_internal
