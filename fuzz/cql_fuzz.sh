#!/usr/bin/env bash
# A CQL libFuzzer target (frames or the statement parser; ASan+UBSan), run for a bounded time
# (fuzz/libfuzzer.sh). Crash inputs are left in BUILD_DIR/fuzz-cql-TARGET.
#   fuzz/cql_fuzz.sh frame|parser SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
target=$1
OUT=${3:-build}/fuzz-cql-$target
FUZZER=$FUZZ_ROOT/fuzz/cql_${target}_fuzz.cc
SRCS=("$FUZZ_ROOT"/src/cql/protocol/{wire,frame,lexer,parser,parse_select,parse_dml,parse_ddl,parse_describe,parse_roles}.cc
      "$FUZZ_ROOT/src/cql/client/split_statements.cc" "$FUZZ_ROOT/src/common/status.cc")
HEADERS=("$FUZZ_ROOT"/src/cql/protocol/*.h "$FUZZ_ROOT/src/cql/client.h")
LIBS=(-llz4 -lsnappy)
CORPUS=$FUZZ_ROOT/fuzz/cql_corpus_$target
fuzz_run "${2:-30}"
