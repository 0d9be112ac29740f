#!/bin/bash
# Starts a Kafka node of docker-compose.cluster.yml (image apache/kafka). In KRaft the first
# SCRAM users are written when the storage is formatted (KIP-900, `kafka-storage format
# --add-scram`), which the image's own start does not offer; so this script
#   1. writes server.properties from the KAFKA_* variables by the image's rule (its
#      KafkaDockerWrapper: drop KAFKA_, lower case, `_` -> `.`, `___` -> `-`, `__` -> `_`),
#   2. formats the storage with the SCRAM-SHA-512 user kappa (password: the Docker secret
#      kafka_kappa_password; passed in an @file, never on a command line) unless it already is,
#   3. runs the image's start (/etc/kafka/docker/run), which finds the storage formatted.
# The password can be changed later with kafka-configs.sh --alter --add-config
# 'SCRAM-SHA-512=[password=...]' --entity-type users --entity-name kappa (docs/deploy.md).
set -euo pipefail

secrets=${KAPPA_SECRETS_DIR:-/run/secrets}
kafka_bin=${KAPPA_KAFKA_BIN:-/opt/kafka/bin}
image_run=${KAPPA_KAFKA_RUN:-/etc/kafka/docker/run}
user=${KAPPA_SCRAM_USER:-kappa}

die() { echo "kafka start: $*" >&2; exit 1; }

file=$secrets/kafka_kappa_password
[[ -r $file ]] || die "secret kafka_kappa_password is missing: $file (run deploy/compose/gen-certs.sh)"
IFS= read -r password < "$file" || true
# kafka-storage's --add-scram splits on ',' and '=' and drops '"'; hex passwords need nothing.
[[ $password =~ ^[A-Za-z0-9._~+/-]{16,}$ ]] ||
  die "secret kafka_kappa_password must be 16 or more of A-Z a-z 0-9 . _ ~ + / -"
: "${CLUSTER_ID:?CLUSTER_ID must be set, as for the image}"

# The image's variables that are not server properties (KafkaDockerWrapper's exclusions).
not_properties=" KAFKA_VERSION KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS KAFKA_OPTS KAFKA_JMX_OPTS
  KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS
  KAFKA_TOOLS_LOG4J_LOGLEVEL KAFKA_JMX_HOSTNAME "
properties=$(mktemp)
trap 'rm -f "$properties"' EXIT
for name in $(compgen -e); do
  [[ $name == KAFKA_* && $not_properties != *" $name "* ]] || continue
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//_/.}
  key=${key//.../-}
  key=${key//../_}
  printf '%s=%s\n' "$key" "${!name}"
done > "$properties"

"$kafka_bin/kafka-storage.sh" format --ignore-formatted --cluster-id "$CLUSTER_ID" \
  --config "$properties" \
  @<(printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$user,password=$password]")
rm -f "$properties"
exec "$image_run"
