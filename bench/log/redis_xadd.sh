#!/usr/bin/env bash
# Peer figure for `kappa bench log`: Redis Streams XADD of 100-byte values, pipelined 64 deep,
# on a Redis with AOF fsync every second (the closest Redis setting to kappa's default
# interval flush). Starts its own redis-server on a free port in a temp dir and stops it.
# Usage: bench/log/redis_xadd.sh [requests] [value_bytes]   (needs redis-server, redis-tools)
set -euo pipefail
N=${1:-1000000}
SIZE=${2:-100}
DIR=$(mktemp -d /tmp/kappa-redis-bench-XXXXXX)
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --appendonly yes \
  --appendfsync everysec --save '' --daemonize no --logfile "$DIR/redis.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
VALUE=$(head -c "$SIZE" /dev/zero | tr '\0' 'v')
START=$(date +%s.%N)
LINE=$(redis-benchmark -p "$PORT" -P 64 -n "$N" -q XADD s '*' f "$VALUE" | tr '\r' '\n' | grep 'requests per second' | tail -1)
END=$(date +%s.%N)
LEN=$(redis-cli -p "$PORT" XLEN s)
RPS=$(echo "$LINE" | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')
echo "redis XADD ${SIZE}B x $N (-P 64, appendfsync everysec): $RPS requests/s; stream length $LEN" >&2
/usr/bin/python3 -c "import sys; r=float(sys.argv[1]); print('{\"case\": \"redis-xadd-%sB\", \"records\": %s, \"records_per_s\": %.0f, \"mb_per_s\": %.1f}' % (sys.argv[2], sys.argv[3], r, r*int(sys.argv[2])/1e6))" "$RPS" "$SIZE" "$LEN"
