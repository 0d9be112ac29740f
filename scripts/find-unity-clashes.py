#!/usr/bin/python3
"""Lists names that clash in a unity build: file-local names (anonymous namespaces, `static`)
defined by two sources of the same target. Unity builds (CMAKE_UNITY_BUILD, docs/architecture.md
"Building") compile a target's sources together, so such names must be unique per target.
  scripts/find-unity-clashes.py BUILD_DIR     (a build configured with unity on)
Prints "TARGET NAME FILES..." per clash. A heuristic (regular expressions over the sources):
overloads with different parameters and identical `using` aliases are legal and listed
anyway; the compiler has the last word.
"""
import collections
import glob
import os
import re
import sys

def names(path):
    out=set()
    try: lines=open(path).read().split('\n')
    except: return out
    depth_anon=0; in_anon=False
    for l in lines:
        if re.match(r'^namespace\s*\{',l): in_anon=True; continue
        if in_anon and re.match(r'^\}\s*//\s*namespace\s*$',l): in_anon=False; continue
        st = l.startswith('static ') or l.startswith('static\t')
        if not (in_anon or st): continue
        m=re.match(r'^(?:struct|class|enum(?: class)?|union)\s+(\w+)',l)
        if m: out.add(m.group(1)); continue
        m=re.match(r'^using\s+(\w+)\s*=',l)
        if m: out.add(m.group(1)); continue
        m=re.match(r'^(?:TEST|TEST_F|TEST_P)\(',l)
        if m: continue
        m=re.match(r'^(?!return|if|for|while|switch|case|else)[A-Za-z_][\w:<>,\s\*&]*?[\s\*&](\w+)\s*\(',l)
        if m and not l.rstrip().endswith(';'): out.add(m.group(1)); continue
        m=re.match(r'^(?:static\s+)?(?:inline\s+)?(?:constexpr|const)\s[\w:<>,\s\*&]*?[\s\*&](\w+)\s*(?:=|\{|\[)',l)
        if m: out.add(m.group(1)); continue
        m=re.match(r'^(?:static\s+)?[A-Za-z_][\w:<>,\s\*&]*?[\s\*&](\w+)\s*(?:=|\{)\s*',l)
        if m and '(' not in l.split('=')[0]: out.add(m.group(1)); continue
        m=re.match(r"^[\w:<>]+\s+(\w+)\(\d",l)
        if m: out.add(m.group(1)); continue
        m=re.match(r'^#define\s+(\w+)',l)
        if m: out.add('#'+m.group(1))
    return out


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    build = sys.argv[1]
    by_target = collections.defaultdict(list)
    for u in glob.glob(os.path.join(build, "**", "Unity", "unity_*.cxx"), recursive=True):
        with open(u) as f:
            by_target[os.path.dirname(os.path.dirname(u))] += re.findall(r'#include "([^"]+)"', f.read())
    for target, files in sorted(by_target.items()):
        seen = collections.defaultdict(list)
        for f in files:
            for n in names(f):
                seen[n].append(f)
        for n, fs in sorted(seen.items()):
            if len(fs) > 1:
                print(os.path.basename(target).removesuffix(".dir"), n, " ".join(fs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
