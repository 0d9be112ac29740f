// TempDir: the one way unit tests get a scratch directory (test-only, header-only; target
// kappa_testutil_tempdir, which links nothing, so a test that needs no librdkafka gets none).
//
// Each TempDir is a fresh, unique directory `<prefix>-XXXXXX` under $TMPDIR (/tmp when unset),
// created by mkdtemp (owner-only, never shared between tests or parallel test processes), and
// removed with everything in it when the TempDir is destroyed. With KAPPA_KEEP_TEST_DIRS set to
// anything but "" or "0" it is kept and its path printed, to look at a failed test's files.
//
// Not thread-safe to destroy while another thread writes into it; create it before and destroy
// it after the objects that use it (declare it first among a fixture's members).
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace kappa::testutil {

class TempDir {
 public:
  // `prefix` names the test in the directory's name (kappa-log-test-3fQx1a). A directory that
  // cannot be created aborts the test binary: no test can run meaningfully without it.
  explicit TempDir(std::string_view prefix = "kappa-test") {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror(("TempDir: mkdtemp " + tmpl).c_str());
      std::abort();
    }
    path_ = std::move(tmpl);
  }
  ~TempDir() {
    if (KeepDirs()) {
      std::fprintf(stderr, "KAPPA_KEEP_TEST_DIRS: kept %s\n", path_.c_str());
      return;
    }
    std::error_code ec;  // a test may have made parts unremovable: best effort, never throw
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name, e.g. Sub("log") for a data directory inside it (not created).
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

  static bool KeepDirs() {
    const char* keep = std::getenv("KAPPA_KEEP_TEST_DIRS");
    return keep != nullptr && *keep != '\0' && std::string_view(keep) != "0";
  }

 private:
  std::string path_;
};

}  // namespace kappa::testutil
