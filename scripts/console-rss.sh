#!/bin/bash
# docs/benchmarks/console.md: the console's cost in RSS. Alternating pairs of `kappa up
# --duration 12s` on fresh data directories and free ports, the console off, then on and
# polled by scripts/console-poll.py; prints each run's maximum RSS (/usr/bin/time %M).
#   scripts/console-rss.sh [KAPPA_BINARY] [PAIRS]
set -euo pipefail
K=${1:-build/kappa}
PAIRS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
for i in $(seq 1 "$PAIRS"); do
  for mode in off on; do
    d=$(mktemp -d /tmp/kappa-rss-XXXX)
    port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")
    listen=off
    if [ "$mode" = on ]; then
      listen=127.0.0.1:$port
      (sleep 1; python3 "$HERE/console-poll.py" "http://$listen" --wait --seconds 9 > "$d/poll" 2>&1) &
    fi
    /usr/bin/time -f %M -o "$d/rss" "$K" up --duration 12s --data-dir "$d/data" --kafka-listen 127.0.0.1:0 \
      --cql-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --console-listen "$listen" > /dev/null 2>&1
    wait
    echo "pair $i console $mode max RSS $(( $(cat "$d/rss") / 1024 )) MB $(cat "$d/poll" 2>/dev/null | tail -1)"
    rm -rf "$d"
  done
done
