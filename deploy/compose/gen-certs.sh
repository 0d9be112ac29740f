#!/bin/bash
# Certificates and passwords for docker-compose.cluster.yml, made with the openssl CLI only
# (docs/deploy.md, "Scale out"):
#   deploy/compose/gen-certs.sh [DIR]        DIR: deploy/compose/secrets by default
#
# It writes into DIR (mode 0700):
#   ca.crt, ca.key           the CA that signs everything below. No container reads ca.key:
#                            keep it offline once the certificates are made.
#   kafka-N.pem              kafka-N's private key (unencrypted PKCS#8) and certificate chain, the
#                            PEM keystore Kafka reads (ssl.keystore.type=PEM); kafka-N.crt alone
#   cassandra-N.p12          cassandra-N's PKCS#12 keystore (its password:
#                            cassandra_keystore_password); cassandra-N.crt alone
#   kappa-N.crt, kappa-N.key kappa-N's HTTPS listener (security.tls)
#   *_password               random passwords, 48 hex digits each
# Each file is made only when it is missing, so a second run keeps what a running cluster uses;
# delete a file to make it again (a new CA needs every certificate again).
#
# Names: every certificate is for the compose service's host name (DNS:kafka-1, ...). Cassandra
# certificates also hold the node's fixed address on the compose network (IP:PREFIX.21 to .23),
# because clients and the other nodes reach a Cassandra node at the address it announces.
# PREFIX is $KAPPA_NET_PREFIX (default 172.28.0); give docker-compose the same value.
#
# Modes: ca.key is 0600. The other files are 0644 inside the 0700 directory: compose mounts
# each secret file as it is, and the containers read them as different users (Kafka 1000,
# Cassandra 999, kappa 10001, Prometheus 65534), so the directory is what keeps them private.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/secrets}
prefix=${KAPPA_NET_PREFIX:-172.28.0}
ca_days=3650
days=825

if [[ ! $prefix =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]]; then
  echo "gen-certs.sh: KAPPA_NET_PREFIX must be the first three numbers of an IPv4 /24, e.g. 172.28.0" >&2
  exit 2
fi

mkdir -p "$out"
chmod 0700 "$out"
cd "$out"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { echo "gen-certs.sh: $*"; }

new_key() {  # FILE: an EC P-256 key, PKCS#8 PEM ("BEGIN PRIVATE KEY", as Kafka and Java need)
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

password() {  # NAME: 24 random bytes as hex (no character any config needs to escape)
  if [[ ! -s $1 ]]; then
    openssl rand -hex 24 > "$1"
    chmod 0644 "$1"
    say "made $1"
  fi
}

if [[ ! -s ca.crt || ! -s ca.key ]]; then
  new_key ca.key
  chmod 0600 ca.key
  cat > "$tmp/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[v3]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -new -key ca.key -sha256 -days "$ca_days" -subj "/CN=kappa cluster CA" \
    -config "$tmp/ca.cnf" -extensions v3 -out ca.crt
  chmod 0644 ca.crt
  say "made ca.crt (keep ca.key offline)"
fi

# sign NAME SAN EXT_KEY_USAGE: NAME.key and NAME.crt, signed by the CA.
sign() {
  local name=$1 san=$2 eku=$3
  new_key "$tmp/$name.key"
  openssl req -new -key "$tmp/$name.key" -subj "/CN=$name" -out "$tmp/$name.csr"
  cat > "$tmp/$name.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = $eku
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl x509 -req -in "$tmp/$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -CAserial "$tmp/ca.srl" -sha256 -days "$days" -extfile "$tmp/$name.ext" \
    -out "$tmp/$name.crt" 2>/dev/null
  cp "$tmp/$name.crt" "$name.crt"
  chmod 0644 "$name.crt"
}

password kafka_kappa_password          # Kafka SCRAM-SHA-512 user `kappa`
password cassandra_kappa_password      # Cassandra role `kappa`
password cassandra_admin_password      # Cassandra superuser `admin` (replaces cassandra/cassandra)
password cassandra_keystore_password   # Cassandra's PKCS#12 keystores and truststore
password kappa_admin_password          # kappa's HTTP user `admin` on each worker

for n in 1 2 3; do
  # Kafka: one certificate for the client listener (TLS + SCRAM), broker-to-broker and the
  # KRaft quorum (mutual TLS: it is also the node's client certificate).
  if [[ ! -s kafka-$n.pem ]]; then
    sign "kafka-$n" "DNS:kafka-$n" "serverAuth, clientAuth"
    cat "$tmp/kafka-$n.key" "kafka-$n.crt" ca.crt > "kafka-$n.pem"
    chmod 0644 "kafka-$n.pem"
    say "made kafka-$n.pem"
  fi
  # Cassandra: clients (TLS) and the other nodes (mutual TLS) reach it by name or address.
  if [[ ! -s cassandra-$n.p12 ]]; then
    sign "cassandra-$n" "DNS:cassandra-$n, IP:$prefix.2$n" "serverAuth, clientAuth"
    openssl pkcs12 -export -name "cassandra-$n" -inkey "$tmp/cassandra-$n.key" \
      -in "cassandra-$n.crt" -certfile ca.crt \
      -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 \
      -passout file:cassandra_keystore_password -out "cassandra-$n.p12"
    chmod 0644 "cassandra-$n.p12"
    say "made cassandra-$n.p12"
  fi
  # kappa: the worker's HTTPS listener (Prometheus and API clients check it).
  if [[ ! -s kappa-$n.key || ! -s kappa-$n.crt ]]; then
    sign "kappa-$n" "DNS:kappa-$n" "serverAuth"
    cat "kappa-$n.crt" ca.crt > "$tmp/chain" && cp "$tmp/chain" "kappa-$n.crt"
    cp "$tmp/kappa-$n.key" "kappa-$n.key"
    chmod 0644 "kappa-$n.crt" "kappa-$n.key"
    say "made kappa-$n.crt, kappa-$n.key"
  fi
done
say "done: $out"
