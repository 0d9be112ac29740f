#!/usr/bin/env bash
# Builds the schema-parser libFuzzer target (JSON Schema and .proto, with the compatibility
# checks) with clang (ASan+UBSan) and runs it for a bounded time.
#   fuzz/registry_schema_fuzz.sh SECONDS BUILD_DIR
# Exit status: 0 when no crash was found. Crash inputs are left in BUILD_DIR/fuzz-registry/.
set -euo pipefail
seconds=${1:-30}
out=${2:-build}/fuzz-registry
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/corpus"
out=$(cd "$out" && pwd)
src=("$root"/src/registry/json_schema_*.cc "$root"/src/registry/protobuf_*.cc
     "$root/src/common/status.cc")
src=($(printf '%s\n' "${src[@]}" | grep -v '_test\.cc$'))
bin="$out/registry_schema_fuzzer"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -DSPDLOG_FMT_EXTERNAL -I"$root/src"
       $(pkg-config --cflags protobuf))
# One object per source, rebuilt when it or a header is newer, two compilers at a time.
mkdir -p "$out/obj"
newest_header=$(ls -t "$root"/src/registry/*.h "$root"/src/common/status.h | head -1)
stale=()
for f in "$root/fuzz/registry_schema_fuzzer.cc" "${src[@]}"; do
  o="$out/obj/$(basename "$f" .cc).o"
  if [[ ! -f "$o" || "$f" -nt "$o" || "$newest_header" -nt "$o" ]]; then stale+=("$f"); fi
done
if (( ${#stale[@]} )); then
  printf '%s\n' "${stale[@]}" | xargs -P 2 -I{} sh -c \
    'clang++ "$@" -c "{}" -o "'"$out"'/obj/$(basename "{}" .cc).o"' _ "${flags[@]}"
  clang++ -fsanitize=fuzzer,address,undefined "$out"/obj/*.o \
    $(pkg-config --libs protobuf) -lspdlog -lfmt -o "$bin"
fi
seeds=()
if [[ -d "$root/fuzz/registry_corpus" ]]; then seeds=("$root/fuzz/registry_corpus"); fi
cd "$out"
# -rss_limit_mb: libprotobuf's DescriptorPool and ASan's shadow memory together.
exec "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus "${seeds[@]}"
