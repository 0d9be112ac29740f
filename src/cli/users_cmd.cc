// kappa users add NAME | list | delete NAME: the users of a data directory
// (DATA_DIR/security/users.json, security::UserStore), who log in to the Kafka listener with
// SASL (PLAIN, SCRAM-SHA-256/512). Works beside a running kappa up, which sees a change
// within a second; never takes the data directory's lock, never prints a password.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "security/security.h"

namespace kappa::cli {
namespace {

struct UsersArgs {
  SecurityDirArgs where;
  std::string name;
  std::string password_file;
  bool password_stdin = false;
  bool json = false;
  bool long_format = false;
};

void AddLocation(CLI::App* cmd, UsersArgs* a) { AddSecurityDirOptions(cmd, &a->where, "users"); }

std::shared_ptr<security::UserStore> OpenUsers(const CLI::App* cmd, const UsersArgs& a) {
  auto users = security::UserStore::Open(SecurityDirOf(cmd, a.where));
  if (!users.ok()) Fail(users.status());
  return std::move(users).value();
}

std::string StripNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Reads a line from the terminal with echo off.
std::string Prompt(const char* text) {
  std::cerr << text << std::flush;
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~tcflag_t(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string line;
  std::getline(std::cin, line);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  return StripNewline(line);
}

std::string ReadPassword(const UsersArgs& a) {
  if (!a.password_file.empty()) {
    std::ifstream in(a.password_file, std::ios::binary);
    if (!in) Fail("cannot read --password-file " + a.password_file);
    std::string line;
    std::getline(in, line);  // the first line: a trailing newline is not part of it
    return StripNewline(line);
  }
  if (a.password_stdin) {
    std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return StripNewline(all);
  }
  if (!::isatty(STDIN_FILENO)) {
    Fail("no password: pass --password-file FILE or --password-stdin (stdin is not a terminal)", 2);
  }
  std::string p1 = Prompt("Password: ");
  std::string p2 = Prompt("Again: ");
  if (p1 != p2) Fail("the passwords differ");
  return p1;
}

}  // namespace

void RegisterUsersCommands(CLI::App& app, const Groups&) {
  auto* users = app.add_subcommand(
      "users",
      "Users of a data directory (SASL PLAIN/SCRAM on Kafka listeners); stored as SCRAM "
      "hashes under DATA_DIR/security, seen by a running kappa up within a second");
  users->require_subcommand(1);
  auto a = std::make_shared<UsersArgs>();

  auto* add = users->add_subcommand("add", "Add a user, or set an existing user's password");
  add->add_option("NAME", a->name, "User name (Kafka principal User:NAME)")->required();
  AddLocation(add, a.get());
  auto* pf = add->add_option("--password-file", a->password_file,
                             "Read the password from the first line of FILE");
  add->add_flag("--password-stdin", a->password_stdin, "Read the password from stdin")
      ->excludes(pf);
  add->callback([a, add] {
    auto store = OpenUsers(add, *a);
    std::string password = ReadPassword(*a);
    bool existed = store->Exists(a->name);
    Check(store->Put(a->name, password));
    std::cout << fmt::format("user {} {}\n", a->name, existed ? "updated" : "added");
  });

  auto* list = users->add_subcommand("list", "List the users (names; --long: flags and roles)");
  AddLocation(list, a.get());
  list->add_flag("--json", a->json, "Print a JSON array of names (with --long: of objects)");
  list->add_flag("-l,--long", a->long_format,
                 "Also each user's SUPERUSER and LOGIN flags and the roles granted to it "
                 "(CQL's GRANT role TO user)");
  list->callback([a, list] {
    if (a->long_format) {
      auto roles = OpenUsers(list, *a)->Roles();
      if (a->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : roles) {
          out.push_back({{"name", r.name}, {"superuser", r.superuser}, {"login", r.login},
                         {"member_of", r.member_of}});
        }
        std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return;
      }
      std::cout << fmt::format("{:<24} {:<9} {:<5} {}\n", "NAME", "SUPERUSER", "LOGIN",
                               "MEMBER OF");
      for (const auto& r : roles) {
        std::string member_of;
        for (const auto& m : r.member_of) member_of += (member_of.empty() ? "" : ",") + m;
        std::cout << fmt::format("{:<24} {:<9} {:<5} {}\n", EscapeLine(r.name),
                                 r.superuser ? "yes" : "no", r.login ? "yes" : "no",
                                 member_of.empty() ? "-" : EscapeLine(member_of));
      }
      return;
    }
    auto names = OpenUsers(list, *a)->List();
    if (a->json) {
      std::string out = "[";
      for (size_t i = 0; i < names.size(); ++i) {
        out += (i ? ",\"" : "\"") + EscapeLine(names[i]) + "\"";
      }
      std::cout << out << "]\n";
      return;
    }
    for (const auto& n : names) std::cout << n << "\n";
  });

  auto* del = users->add_subcommand("delete", "Delete a user");
  del->add_option("NAME", a->name, "User name")->required();
  AddLocation(del, a.get());
  del->callback([a, del] {
    Status s = OpenUsers(del, *a)->Delete(a->name);
    if (s.IsNotFound()) Fail(s);
    Check(s);
    std::cout << fmt::format("user {} deleted\n", a->name);
  });
}

}  // namespace kappa::cli
