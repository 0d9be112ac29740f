#!/usr/bin/env bash
# Builds the HTTP request libFuzzer target with clang (ASan+UBSan) and runs it for a bounded
# time.
#   fuzz/http_fuzz.sh SECONDS BUILD_DIR
# Exit status: 0 when no crash was found. Crash inputs are left in BUILD_DIR/fuzz-http/.
set -euo pipefail
seconds=${1:-30}
out=${2:-build}/fuzz-http
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/corpus"
out=$(cd "$out" && pwd)
# The request path without sockets or coroutines (kappa_http_proto).
src=("$root/src/http/gzip.cc" "$root/src/http/message.cc" "$root/src/http/request_reader.cc"
     "$root/src/http/response_writer.cc" "$root/src/http/router.cc" "$root/src/http/url.cc"
     "$root/src/common/status.cc")
bin="$out/http_request_fuzzer"
stale=0
[[ -x "$bin" ]] || stale=1
for f in "$root/fuzz/http_request_fuzzer.cc" "${src[@]}" "$root"/src/http/*.h; do
  [[ "$f" -nt "$bin" ]] && stale=1
done
if (( stale )); then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DSPDLOG_FMT_EXTERNAL -I"$root/src" "$root/fuzz/http_request_fuzzer.cc" "${src[@]}" \
    -lspdlog -lfmt -lz -o "$bin"
fi
seeds=()
if [[ -d "$root/fuzz/http_corpus" ]]; then seeds=("$root/fuzz/http_corpus"); fi
cd "$out"
exec "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 -print_final_stats=1 \
  corpus "${seeds[@]}"
