# Shared by the fuzz/*_fuzz.sh scripts (sourced, not run): builds one libFuzzer target with
# clang (ASan+UBSan) and runs it for a bounded time. A script sets, then calls fuzz_run:
#   OUT        the work directory (crash inputs are left there; objects are cached in OUT/obj)
#   FUZZER     the fuzzer's source; SRCS: the product sources it links
#   HEADERS    headers whose change rebuilds every object
#   CFLAGS / LIBS  extra compile / link flags (arrays)
#   CORPUS     seed directory in fuzz/ (optional); MAX_LEN (default 4096); RSS_MB (default 2048)
# Objects are compiled one per source, two at a time, and only when the source or a header
# is newer: the clang compile, not the fuzzing, is what costs on a cold build.
# Exit status: 0 when no crash was found.

fuzz_run() {
  local seconds=$1
  local flags=(-std=c++20 -O1 -gline-tables-only -fsanitize=fuzzer-no-link,address,undefined
               -fno-sanitize-recover=undefined -DSPDLOG_FMT_EXTERNAL -I"$FUZZ_ROOT/src"
               "${CFLAGS[@]}")
  mkdir -p "$OUT/obj" "$OUT/corpus"
  OUT=$(cd "$OUT" && pwd)
  local bin="$OUT/$(basename "$FUZZER" .cc)"
  local newest_header
  newest_header=$(ls -t "${HEADERS[@]}" "$FUZZ_ROOT/src/common/status.h" | head -1)
  local stale=() f o
  for f in "$FUZZER" "${SRCS[@]}"; do
    o="$OUT/obj/$(basename "$f" .cc).o"
    if [[ ! -f "$o" || "$f" -nt "$o" || "$newest_header" -nt "$o" ]]; then stale+=("$f"); fi
  done
  if (( ${#stale[@]} )) || [[ ! -x "$bin" ]]; then
    if (( ${#stale[@]} )); then
      printf '%s\n' "${stale[@]}" | xargs -P 2 -I{} sh -c \
        'clang++ "$@" -c "{}" -o "'"$OUT"'/obj/$(basename "{}" .cc).o"' _ "${flags[@]}"
    fi
    local objs=()
    for f in "$FUZZER" "${SRCS[@]}"; do objs+=("$OUT/obj/$(basename "$f" .cc).o"); done
    clang++ -fsanitize=fuzzer,address,undefined "${objs[@]}" "${LIBS[@]}" -o "$bin"
  fi
  local seeds=()
  if [[ -n "${CORPUS:-}" && -d "$CORPUS" ]]; then seeds=("$CORPUS"); fi
  cd "$OUT"
  exec "$bin" -max_total_time="$seconds" -max_len="${MAX_LEN:-4096}" -timeout=10 \
    -rss_limit_mb="${RSS_MB:-2048}" -print_final_stats=1 corpus "${seeds[@]}"
}

FUZZ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
