#!/usr/bin/python3
"""Clang's thread-safety analysis over every kappa translation unit (ctest label `tsa`).

  scripts/check-thread-safety.py [BUILD_DIR] [--jobs N] [--clang PATH] [--all] [--only TEXT]

Reads BUILD_DIR/compile_commands.json (the release build writes it), and runs
`clang++ -fsyntax-only -Wthread-safety -Werror=thread-safety` on each source file with the
same include paths and defines, N at a time (default 2). With unity builds the entries are
batches (Unity/unity_N_cxx.cxx), each judged by the sources it includes. A file is checked
when it or a project header it includes directly names a capability: an annotation macro (GUARDED_BY,
REQUIRES, ...) or the annotated types (Mutex, MutexLock, CondVar). That is every file that
defines or uses a guarded member or calls an annotated function, and at least one file per
annotated header (its own .cc, or any file including it directly) for the inline functions
the header defines: about half of the files that reach common/thread_annotations.h
transitively, which --transitive checks instead; --all checks every file, --only TEXT the
files whose path contains TEXT. GCC-only options clang rejects are dropped;
code generation is skipped (syntax only), which also sidesteps clang 14's trouble with debug
info for coroutines (see src/common/CMakeLists.txt). Exit status 1 with the diagnostics if
any file fails, 0 otherwise. The annotations are in src/common/thread_annotations.h and
src/common/mutex.h.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

# Options that only make sense for GCC or for producing objects; clang either rejects them or
# does not need them for a syntax check.
DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ"}
DROP = {"-c", "-MD", "-MMD", "-fcoroutines", "-fno-semantic-interposition",
        "-Wno-maybe-uninitialized", "-Wno-stringop-overflow", "-Wno-class-memaccess"}
DROP_PREFIX = ("-O", "-g", "-fdiagnostics-color")
ANALYSIS = ["-fsyntax-only", "-Wthread-safety", "-Werror=thread-safety",
            "-Wno-unknown-warning-option", "-fno-color-diagnostics"]


def clang_args(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    # A compiler launcher (ccache) in front of the compiler.
    while args and os.path.basename(args[0]) in ("ccache", "sccache"):
        args = args[1:]
    out = []
    skip = False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in DROP_WITH_VALUE:
            skip = True
            continue
        if a in DROP or a.startswith(DROP_PREFIX) or a == entry["file"]:
            continue
        out.append(a)
    return out


INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
ANNOTATIONS = os.path.join("common", "thread_annotations.h")


def project_includes(path, include_dirs):
    """The files `path` includes with "..." that exist (its own folder first, then the include
    directories); [] if it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            names = INCLUDE.findall(f.read())
    except OSError:
        return []
    found = []
    for name in names:
        for base in [os.path.dirname(path)] + include_dirs:
            cand = os.path.normpath(os.path.join(base, name))
            if os.path.isfile(cand):
                found.append(cand)
                break
    return found


def includes_annotations(src, include_dirs, memo):
    """True if `src` includes the annotations header through project ("...") includes."""
    stack, seen = [src], set()
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.endswith(os.sep + ANNOTATIONS):
            return True
        if path not in memo:
            memo[path] = project_includes(path, include_dirs)
        stack.extend(memo[path])
    return False


CAPABILITY = re.compile(
    r"\b(GUARDED_BY|PT_GUARDED_BY|REQUIRES|REQUIRES_SHARED|EXCLUDES|ACQUIRE|RELEASE|"
    r"ACQUIRE_SHARED|RELEASE_SHARED|TRY_ACQUIRE|CAPABILITY|SCOPED_CAPABILITY|"
    r"ASSERT_CAPABILITY|RETURN_CAPABILITY|NO_THREAD_SAFETY_ANALYSIS|Mutex|MutexLock|"
    r"CondVar)\b")


def names_capability(path, memo):
    if path not in memo:
        try:
            with open(path, errors="replace") as f:
                memo[path] = bool(CAPABILITY.search(f.read()))
        except OSError:
            memo[path] = False
    return memo[path]


def directly_names_capability(src, include_dirs, memo):
    """True if `src` or a project header it includes directly names a capability."""
    if names_capability(src, memo):
        return True
    return any(names_capability(h, memo) for h in project_includes(src, include_dirs))


def unity_parts(src, include_dirs):
    """The sources a unity batch (CMake's Unity/unity_N_cxx.cxx) includes, so each is judged
    as if compiled alone; [src] for an ordinary source."""
    if os.sep + "Unity" + os.sep not in src:
        return [src]
    return project_includes(src, include_dirs) or [src]


def include_dirs_of(args, cwd):
    dirs = []
    for i, a in enumerate(args):
        d = None
        if a in ("-I", "-isystem", "-iquote") and i + 1 < len(args):
            d = args[i + 1]
        elif a.startswith("-I") and len(a) > 2:
            d = a[2:]
        if d:
            dirs.append(os.path.normpath(os.path.join(cwd, d)))
    return dirs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir", nargs="?", default="build")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--clang", default=shutil.which("clang++-14") or shutil.which("clang++"))
    ap.add_argument("--all", action="store_true", help="check every file, annotated or not")
    ap.add_argument("--transitive", action="store_true",
                    help="check every file reaching common/thread_annotations.h")
    ap.add_argument("--only", action="append", default=[], metavar="TEXT",
                    help="check only files whose path contains TEXT (repeatable)")
    opts = ap.parse_args()
    if not opts.clang:
        print("check-thread-safety: clang++ not found (scripts/install-deps.sh installs clang-14)",
              file=sys.stderr)
        return 1
    db = os.path.join(opts.build_dir, "compile_commands.json")
    try:
        with open(db) as f:
            entries = json.load(f)
    except OSError as e:
        print(f"check-thread-safety: {db}: {e.strerror} (configure with cmake --preset release)",
              file=sys.stderr)
        return 1

    jobs, seen, memo, cap_memo, skipped = [], set(), {}, {}, 0
    for e in entries:
        src = os.path.join(e["directory"], e["file"])
        if not src.endswith((".cc", ".cpp", ".cxx")):
            continue
        if opts.only and not any(t in src for t in opts.only):
            continue
        args = clang_args(e)
        dirs = include_dirs_of(args, e["directory"])
        if opts.all:
            pass
        elif opts.transitive:
            if not includes_annotations(src, dirs, memo):
                skipped += 1
                continue
        elif not any(directly_names_capability(part, dirs, cap_memo)
                     for part in unity_parts(src, dirs)):
            skipped += 1
            continue
        cmd = [opts.clang] + args + ANALYSIS + [src]
        key = tuple(cmd)
        if key in seen:
            continue
        seen.add(key)
        jobs.append((src, e["directory"], cmd))
    if not jobs:
        print(f"check-thread-safety: no C++ sources in {db}", file=sys.stderr)
        return 1

    def run(job):
        src, cwd, cmd = job
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        return src, p.returncode, p.stderr

    start = time.monotonic()
    failed = []
    with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        for src, rc, err in pool.map(run, jobs):
            if rc != 0:
                failed.append(src)
                sys.stderr.write(err)
    secs = time.monotonic() - start
    print(f"check-thread-safety: {len(jobs)} translation units checked ({skipped} naming no "
          f"capability skipped), {len(failed)} failed, {secs:.0f} s "
          f"({os.path.basename(opts.clang)}, {opts.jobs} jobs)")
    for src in failed:
        print(f"  FAILED {src}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
