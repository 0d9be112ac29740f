// `kappa console hash-password`: makes the password_hash of a console.users entry
// (console/console.h), so the config never holds a password.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "console/console.h"

namespace kappa::cli {
namespace {

// One line from stdin; without echo when stdin is a terminal.
std::string ReadSecret(const std::string& prompt) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios old{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void RegisterConsoleCommands(CLI::App& app, const Groups&) {
  auto* console = app.add_subcommand("console", "The web console (listeners.console)");
  console->require_subcommand(1);
  auto* hash = console->add_subcommand(
      "hash-password",
      "Read a password from stdin (asked twice on a terminal) and print its hash for "
      "console.users' password_hash");
  struct Args {
    std::string user;
    int iterations = console::kDefaultPasswordIterations;
  };
  auto a = std::make_shared<Args>();
  hash->add_option("--user", a->user,
                   "The user's name (a password equal to it is refused)");
  hash->add_option("--iterations", a->iterations, "PBKDF2 iterations (default 210000)")
      ->check(CLI::Range(1000, 10'000'000));
  hash->callback([a] {
    std::string password = ReadSecret("Password: ");
    if (::isatty(STDIN_FILENO) == 1 && ReadSecret("Again: ") != password) {
      Fail("the two passwords differ", 2);
    }
    if (password.empty()) Fail("the password is empty", 2);
    if (console::IsWellKnownPlainPassword(a->user, password)) {
      Fail("that password is well known (or the user's name); the console refuses it off "
           "loopback: choose another", 2);
    }
    auto h = console::HashPassword(password, a->iterations);
    if (!h.ok()) Fail(h.status());
    std::cout << *h << "\n";
  });
}

}  // namespace kappa::cli
