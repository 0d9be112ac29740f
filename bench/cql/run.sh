#!/usr/bin/env bash
# The CQL benchmark as recorded in docs/benchmarks/cql.md: `kappa bench cql` (prepared INSERTs,
# point SELECTs, read latency at 20,000/s), once right after the insert burst and once after
# the store has settled it (--settle), then PostgreSQL 15 (pgbench) as the peer, same run.
# Usage: bench/cql/run.sh [path/to/kappa]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KAPPA=${1:-$HERE/../../build/kappa}
"$KAPPA" bench cql --rows 200000 --reads 1000000 --latency-rate 20000 --latency-seconds 5
"$KAPPA" bench cql --rows 200000 --reads 1000000 --latency-rate 20000 --latency-seconds 5 --settle
"$HERE/pgbench_insert.sh" 20
