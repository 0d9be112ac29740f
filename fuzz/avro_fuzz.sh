#!/usr/bin/env bash
# The Avro schema parser's libFuzzer target (ASan+UBSan), run for a bounded time
# (fuzz/libfuzzer.sh; the avro.fuzz_schema CTest).
#   fuzz/avro_fuzz.sh SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
OUT=${2:-build}/fuzz-avro
FUZZER=$FUZZ_ROOT/fuzz/avro_schema_fuzzer.cc
# The schema code of src/avro (no codec: the decoder has its own fuzzer).
SRCS=("$FUZZ_ROOT"/src/avro/{canonical,compatibility,defaults,libavro_check,names,schema_parse}.cc
      "$FUZZ_ROOT/src/common/status.cc")
HEADERS=("$FUZZ_ROOT"/src/avro/*.h)
CFLAGS=($(pkg-config --cflags avro-c))
LIBS=($(pkg-config --libs avro-c) -lspdlog -lfmt)
CORPUS=$FUZZ_ROOT/fuzz/avro_corpus
fuzz_run "${1:-30}"
