#!/usr/bin/env bash
# The SASL servers' libFuzzer target (PLAIN, SCRAM-SHA-256/512 parsing and proof checks;
# ASan+UBSan), run for a bounded time (fuzz/libfuzzer.sh).
#   fuzz/sasl_fuzz.sh SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
OUT=${2:-build}/fuzz-sasl
FUZZER=$FUZZ_ROOT/fuzz/sasl_fuzzer.cc
SRCS=("$FUZZ_ROOT"/src/security/{scram,scram_server,sasl_plain}.cc
      "$FUZZ_ROOT/src/common/status.cc")
HEADERS=("$FUZZ_ROOT"/src/security/*.h)
LIBS=(-lcrypto -lfmt)
CORPUS=$FUZZ_ROOT/fuzz/sasl_corpus
MAX_LEN=1024
fuzz_run "${1:-30}"
