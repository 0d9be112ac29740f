#!/usr/bin/env bash
# Builds a libFuzzer target with clang (ASan+UBSan) and runs it for a bounded time.
#   fuzz/cql_fuzz.sh frame|parser SECONDS BUILD_DIR
# Exit status: 0 when no crash was found. Crash inputs are left in BUILD_DIR/fuzz-cql-*.
set -euo pipefail
target=$1
seconds=${2:-30}
out=${3:-build}/fuzz-cql-$target
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/corpus"
src=("$root/src/cql/protocol/wire.cc" "$root/src/cql/protocol/frame.cc" "$root/src/cql/protocol/lexer.cc"
     "$root/src/cql/protocol/parser.cc" "$root/src/cql/protocol/parse_select.cc"
     "$root/src/cql/protocol/parse_dml.cc" "$root/src/cql/protocol/parse_ddl.cc" "$root/src/cql/protocol/parse_describe.cc"
     "$root/src/cql/client/split_statements.cc" "$root/src/common/status.cc")
bin="$out/cql_${target}_fuzz"
stale=0
[[ -x "$bin" ]] || stale=1
for f in "$root/fuzz/cql_${target}_fuzz.cc" "${src[@]}" "$root"/src/cql/protocol/*.h "$root"/src/cql/client.h; do
  [[ "$f" -nt "$bin" ]] && stale=1
done
if (( stale )); then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" "$root/fuzz/cql_${target}_fuzz.cc" "${src[@]}" -llz4 -lsnappy -o "$bin"
fi
seeds=()
if [[ -d "$root/fuzz/cql_corpus_$target" ]]; then seeds=("$root/fuzz/cql_corpus_$target"); fi
cd "$out"
exec "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
  corpus "${seeds[@]}"
