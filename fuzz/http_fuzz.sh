#!/usr/bin/env bash
# The HTTP request parser's libFuzzer target (ASan+UBSan), run for a bounded time (fuzz/libfuzzer.sh).
#   fuzz/http_fuzz.sh SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
OUT=${2:-build}/fuzz-http
FUZZER=$FUZZ_ROOT/fuzz/http_request_fuzzer.cc
# The request path without sockets or coroutines (kappa_http_proto).
SRCS=("$FUZZ_ROOT"/src/http/{gzip,message,request_reader,response_writer,router,url}.cc
      "$FUZZ_ROOT/src/common/status.cc")
HEADERS=("$FUZZ_ROOT"/src/http/*.h)
LIBS=(-lspdlog -lfmt -lz)
CORPUS=$FUZZ_ROOT/fuzz/http_corpus
MAX_LEN=8192
fuzz_run "${1:-30}"
