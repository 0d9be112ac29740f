#!/usr/bin/env bash
# The Avro decoder's libFuzzer target (ASan+UBSan), run for a bounded time
# (fuzz/libfuzzer.sh; the avro.fuzz_codec CTest).
#   fuzz/avro_codec_fuzz.sh SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
OUT=${2:-build}/fuzz-avro-codec
FUZZER=$FUZZ_ROOT/fuzz/avro_codec_fuzzer.cc
SRCS=("$FUZZ_ROOT"/src/avro/{codec_encode,codec_json,codec_plan,codec_reader}.cc
      "$FUZZ_ROOT/src/common/status.cc")
HEADERS=("$FUZZ_ROOT"/src/avro/*.h)
CFLAGS=($(pkg-config --cflags avro-c))
LIBS=($(pkg-config --libs avro-c) -lsimdjson -lfmt)
CORPUS=$FUZZ_ROOT/fuzz/avro_codec_corpus
# A payload that made a decoder allocate what it announces (not what it has) would exceed it.
RSS_MB=1024
fuzz_run "${1:-30}"
