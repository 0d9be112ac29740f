#!/bin/bash
# The image's HEALTHCHECK: healthy while `kappa up` answers GET /ready with 200, which it does
# once its log, store, jobs and DAG scheduler are open and no job has failed (503 with the
# reason otherwise; docs/formats/config.md, listeners.http). Plain HTTP over bash's /dev/tcp,
# so the image needs no HTTP client.
#   kappa-healthcheck [HOST:PORT]      default: $KAPPA_HEALTH_ADDR, else 127.0.0.1:8081
# A TLS-only HTTP listener needs a plain one beside it for this check, e.g.
# listeners.http: "https://0.0.0.0:8443,127.0.0.1:8081" (docs/deploy.md).
set -u
addr=${1:-${KAPPA_HEALTH_ADDR:-127.0.0.1:8081}}
host=${addr%:*}
port=${addr##*:}
exec 3<>"/dev/tcp/$host/$port" || { echo "kappa-healthcheck: cannot connect to $addr" >&2; exit 1; }
printf 'GET /ready HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$addr" >&3
# "HTTP/1.1 200 OK": the status code is the second word of the first line.
if ! read -r -t 5 _ code _ <&3; then
  echo "kappa-healthcheck: no answer from $addr" >&2
  exit 1
fi
if [[ "$code" != 200 ]]; then
  # The body says why (e.g. {"status":"NOT_READY","reason":"..."}); docker inspect shows it.
  timeout 2 cat <&3 | tail -n 1 >&2
  exit 1
fi
exit 0
