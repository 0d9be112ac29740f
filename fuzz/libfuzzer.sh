# Shared by the fuzz/*_fuzz.sh scripts (sourced, not run): builds one libFuzzer target with
# clang (ASan+UBSan) and runs it for a bounded time. A script sets, then calls fuzz_run:
#   OUT        the work directory (crash inputs are left there; objects are cached in OUT/obj)
#   FUZZER     the fuzzer's source; SRCS: the product sources it links
#   HEADERS    headers whose change rebuilds every object
#   CFLAGS / LIBS  extra compile / link flags (arrays)
#   CORPUS     seed directory in fuzz/ (optional); MAX_LEN (default 4096); RSS_MB (default 2048)
# The fuzzer is rebuilt when a source or a header is newer than it: the clang compile, not
# the fuzzing, is what costs on a cold build, so the sources are compiled as one unity
# translation unit (see fuzz_run).
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
  local stale=() f
  for f in "$FUZZER" "${SRCS[@]}" "$newest_header"; do
    if [[ ! -x "$bin" || "$f" -nt "$bin" ]]; then stale+=("$f"); fi
  done
  if (( ${#stale[@]} )) || [[ ! -x "$bin" ]]; then
    # First as one unity translation unit (the sources share most of their headers, which
    # are then parsed once: several times faster than one compile per source); if two
    # sources clash there (names in anonymous namespaces), one object per source instead.
    local unity="$OUT/obj/unity.cc" objs=()
    printf '#include "%s"\n' "$FUZZER" "${SRCS[@]}" > "$unity"
    if clang++ "${flags[@]}" -c "$unity" -o "$OUT/obj/unity.o" 2> "$OUT/obj/unity.log"; then
      objs=("$OUT/obj/unity.o")
    else
      printf '%s\n' "$FUZZER" "${SRCS[@]}" | xargs -P 2 -I{} sh -c \
        'clang++ "$@" -c "{}" -o "'"$OUT"'/obj/$(basename "{}" .cc).o"' _ "${flags[@]}"
      for f in "$FUZZER" "${SRCS[@]}"; do objs+=("$OUT/obj/$(basename "$f" .cc).o"); done
    fi
    clang++ -fsanitize=fuzzer,address,undefined "${objs[@]}" "${LIBS[@]}" -o "$bin"
  fi
  local seeds=()
  if [[ -n "${CORPUS:-}" && -d "$CORPUS" ]]; then seeds=("$CORPUS"); fi
  cd "$OUT"
  exec "$bin" -max_total_time="$seconds" -max_len="${MAX_LEN:-4096}" -timeout=10 \
    -rss_limit_mb="${RSS_MB:-2048}" -print_final_stats=1 corpus "${seeds[@]}"
}

FUZZ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
