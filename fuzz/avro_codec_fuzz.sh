#!/usr/bin/env bash
# Builds the Avro decoder's libFuzzer target with clang (ASan+UBSan) and runs it for a bounded
# time (the avro.fuzz_codec CTest).
#   fuzz/avro_codec_fuzz.sh SECONDS BUILD_DIR
# Exit status: 0 when no crash was found. Crash inputs are left in BUILD_DIR/fuzz-avro-codec/.
set -euo pipefail
seconds=${1:-30}
out=${2:-build}/fuzz-avro-codec
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/corpus"
out=$(cd "$out" && pwd)
src=("$root/src/avro/codec_encode.cc" "$root/src/avro/codec_json.cc" "$root/src/avro/codec_plan.cc"
     "$root/src/avro/codec_reader.cc" "$root/src/common/status.cc")
bin="$out/avro_codec_fuzzer"
stale=0
[[ -x "$bin" ]] || stale=1
for f in "$root/fuzz/avro_codec_fuzzer.cc" "${src[@]}" "$root"/src/avro/codec*.h; do
  [[ "$f" -nt "$bin" ]] && stale=1
done
if (( stale )); then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" "$root/fuzz/avro_codec_fuzzer.cc" "${src[@]}" \
    $(pkg-config --cflags --libs avro-c) -lsimdjson -lfmt -o "$bin"
fi
cd "$out"
# -rss_limit_mb: a payload that made a decoder allocate what it announces (not what it has)
# would exceed it.
exec "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 corpus "$root/fuzz/avro_codec_corpus"
