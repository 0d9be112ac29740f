#!/bin/sh
# Prints the Debian packages that hold the shared libraries BINARY loads (as `ldd` resolves
# them), one a line, sorted. The Dockerfile's build stage runs it on the kappa it built, and the
# runtime stage installs exactly these packages (with their own dependencies, which are the
# libraries' libraries), so the image carries the binary, its libraries and nothing of the build.
# tests/deploy/test_deploy_files.py runs it on build/kappa.
#   deploy/docker/runtime-packages.sh BINARY
set -eu
bin=${1:?usage: runtime-packages.sh BINARY}
[ -x "$bin" ] || { echo "runtime-packages: $bin is not an executable" >&2; exit 2; }

# ldd lines: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)", "/lib64/ld-linux-x86-64.so.2
# (0x...)", "linux-vdso.so.1 (0x...)" (in the kernel, no file), or "libfoo.so => not found".
libs=$(ldd "$bin") || { echo "runtime-packages: ldd $bin failed" >&2; exit 1; }
if printf '%s\n' "$libs" | grep -q 'not found'; then
  echo "runtime-packages: $bin needs libraries this system lacks:" >&2
  printf '%s\n' "$libs" | grep 'not found' >&2
  exit 1
fi
paths=$(printf '%s\n' "$libs" |
  awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }')
# Debian 12 merged /lib into /usr/lib: the loader finds /lib/..., while most packages list
# /usr/lib/... (and a few, like libc6, /lib/...). Ask for both spellings of every library in
# one query (dpkg reads its database once); a spelling no package lists is not an error yet.
queries=""
for lib in $paths; do queries="$queries $lib /usr$lib"; done
# shellcheck disable=SC2086
owners=$(dpkg-query -S $queries 2>/dev/null || true)
# Lines "pkg:amd64: /path" or "pkg1, pkg2: /path".
packages=""
for lib in $paths; do
  line=$(printf '%s\n' "$owners" | awk -v a="$lib" -v b="/usr$lib" '
    { i = index($0, ": /"); p = substr($0, i + 2) } i && (p == a || p == b) { print; exit }')
  if [ -z "$line" ]; then
    echo "runtime-packages: no installed package holds $lib" >&2
    exit 1
  fi
  packages="$packages
$(printf '%s\n' "$line" | sed 's/: [^:]*$//' | tr ',' '\n' | sed 's/^ *//; s/:[a-z0-9]*$//')"
done
printf '%s\n' "$packages" | sed '/^$/d' | sort -u
