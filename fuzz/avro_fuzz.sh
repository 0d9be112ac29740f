#!/usr/bin/env bash
# Builds the Avro schema parser libFuzzer target with clang (ASan+UBSan) and runs it for a
# bounded time.
#   fuzz/avro_fuzz.sh SECONDS BUILD_DIR
# Exit status: 0 when no crash was found. Crash inputs are left in BUILD_DIR/fuzz-avro/.
set -euo pipefail
seconds=${1:-30}
out=${2:-build}/fuzz-avro
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/corpus"
out=$(cd "$out" && pwd)
# The schema code of src/avro (no codec: the decoder has its own fuzzer).
src=("$root/src/avro/canonical.cc" "$root/src/avro/compatibility.cc" "$root/src/avro/defaults.cc"
     "$root/src/avro/libavro_check.cc" "$root/src/avro/names.cc" "$root/src/avro/schema_parse.cc"
     "$root/src/common/status.cc")
bin="$out/avro_schema_fuzzer"
stale=0
[[ -x "$bin" ]] || stale=1
for f in "$root/fuzz/avro_schema_fuzzer.cc" "${src[@]}" "$root"/src/avro/*.h; do
  [[ "$f" -nt "$bin" ]] && stale=1
done
if (( stale )); then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DSPDLOG_FMT_EXTERNAL -I"$root/src" "$root/fuzz/avro_schema_fuzzer.cc" "${src[@]}" \
    $(pkg-config --cflags --libs avro-c) -lspdlog -lfmt -o "$bin"
fi
seeds=()
if [[ -d "$root/fuzz/avro_corpus" ]]; then seeds=("$root/fuzz/avro_corpus"); fi
cd "$out"
exec "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
  corpus "${seeds[@]}"
