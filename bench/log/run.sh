#!/usr/bin/env bash
# The log benchmark as recorded in docs/benchmarks/log.md: `kappa bench log --json` and, in the
# same run, Redis Streams XADD as the peer. Prints one JSON object per case.
# Usage: bench/log/run.sh [path/to/kappa]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KAPPA=${1:-$HERE/../../build/kappa}
"$KAPPA" bench log --json
"$HERE/redis_xadd.sh" 1000000 100
