#!/usr/bin/env bash
# Installs what kappa needs from Debian 12 packages. Idempotent: installs only what is
# missing, so a second run is a no-op. Works as root or through sudo.
#   scripts/install-deps.sh          build dependencies (make run)
#   scripts/install-deps.sh --test   build + test dependencies (make test)
set -euo pipefail

BUILD_PKGS=(
  g++ cmake ninja-build pkg-config make
  librocksdb-dev libboost1.81-dev libsimdjson-dev libcurl4-openssl-dev libyaml-cpp-dev
  libcli11-dev libspdlog-dev libfmt-dev librdkafka-dev libsnappy-dev liblz4-dev
  libzstd-dev zlib1g-dev libssl-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev libreadline-dev nlohmann-json3-dev
  libavro-dev libprotobuf-dev libprotoc-dev protobuf-compiler libhowardhinnant-date-dev
)
TEST_PKGS=(
  clang libclang-rt-14-dev
  kcat python3-pytest python3-cassandra python3-kafka python3-confluent-kafka prometheus
  python3-requests python3-avro python3-jsonschema python3-croniter
  openssl curl python3-yaml
  nodejs npm chromium
)

want=("${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if [[ "$p" == nodejs || "$p" == npm ]] && command -v "${p/nodejs/node}" >/dev/null 2>&1; then
    continue  # a node/npm already on PATH (e.g. a newer one) is fine
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
