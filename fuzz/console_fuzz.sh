#!/usr/bin/env bash
# The console's routes under libFuzzer (ASan+UBSan), run for a bounded time (fuzz/libfuzzer.sh):
# arbitrary bytes as HTTP requests to ConsoleRoutes (every part's routes, the security
# middleware, the assets) over empty Sources and a History with a few series.
#   fuzz/console_fuzz.sh SECONDS BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/libfuzzer.sh"
OUT=${2:-build}/fuzz-console
mkdir -p "$OUT"
FUZZER=$FUZZ_ROOT/fuzz/console_request_fuzzer.cc
# The embedded web files, generated as the build does.
cmake -DWEB_DIR="$FUZZ_ROOT/src/console/web" -DOUT="$OUT/assets_data.cc" \
  -P "$FUZZ_ROOT/src/console/embed_assets.cmake"
# Every console source but the server (console.cc: sockets) and the tests.
SRCS=()
for f in "$FUZZ_ROOT"/src/console/*.cc; do
  case "$(basename "$f")" in console.cc|*_test.cc) continue ;; esac
  SRCS+=("$f")
done
SRCS+=("$OUT/assets_data.cc"
       "$FUZZ_ROOT"/src/http/{gzip,message,request_reader,response_writer,router,url}.cc
       "$FUZZ_ROOT"/src/metrics/{registry,history,exposition,process}.cc
       "$FUZZ_ROOT"/src/common/{status,host_port}.cc
       # What the routes call on the orchestrator's and registry's types (names, dates,
       # schedules' text) and the Avro and Protobuf decoding of the message browser.
       "$FUZZ_ROOT"/src/orchestrator/{names,datetime,dag_validate,schedule,schedule_timetable,cron,tz,log_page,task_types,template}.cc "$FUZZ_ROOT"/src/common/units.cc
       "$FUZZ_ROOT"/src/registry/{registry_types,registry_errors,value_readers,protobuf_load}.cc
       "$FUZZ_ROOT"/src/avro/{codec_json,codec_plan,codec_reader,names,schema_parse,defaults,canonical,libavro_check}.cc)
HEADERS=("$FUZZ_ROOT"/src/http/*.h "$FUZZ_ROOT"/src/console/*.h "$FUZZ_ROOT"/src/metrics/*.h)
LIBS=(-lspdlog -lfmt -lz -lcrypto -ldate-tz -lavro -lsimdjson -lprotobuf)
CORPUS=$FUZZ_ROOT/fuzz/console_corpus
MAX_LEN=8192
fuzz_run "${1:-30}"
