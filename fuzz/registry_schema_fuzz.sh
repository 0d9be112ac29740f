#!/usr/bin/env bash
# The schema parsers' libFuzzer target (JSON Schema and .proto, with the compatibility
# checks; ASan+UBSan), run for a bounded time (fuzz/libfuzzer.sh; registry.fuzz_schema).
#   fuzz/registry_schema_fuzz.sh SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
OUT=${2:-build}/fuzz-registry
FUZZER=$FUZZ_ROOT/fuzz/registry_schema_fuzzer.cc
SRCS=($(printf '%s\n' "$FUZZ_ROOT"/src/registry/json_schema_*.cc "$FUZZ_ROOT"/src/registry/protobuf_*.cc |
        grep -v '_test\.cc$') "$FUZZ_ROOT/src/common/status.cc")
HEADERS=("$FUZZ_ROOT"/src/registry/*.h)
CFLAGS=($(pkg-config --cflags protobuf))
LIBS=($(pkg-config --libs protobuf) -lspdlog -lfmt)
CORPUS=$FUZZ_ROOT/fuzz/registry_corpus
# libprotobuf's DescriptorPool and ASan's shadow memory together.
RSS_MB=2048
fuzz_run "${1:-30}"
