#!/bin/bash
# The cassandra-setup service of docker-compose.cluster.yml: runs once the three nodes are up,
# before the kappa workers start (cqlsh of the cassandra:4.1 image, over TLS).
#   - First run (the node still has PasswordAuthenticator's default superuser
#     cassandra/cassandra): system_auth gets NetworkTopologyStrategy with $SYSTEM_AUTH_RF copies
#     in $CASSANDRA_DC (a login must not depend on one node), the superuser `admin` is created
#     with the secret cassandra_admin_password, and `cassandra` loses its login, its superuser
#     flag and its well-known password.
#   - Every run: the role `kappa` exists, has the password in the secret
#     cassandra_kappa_password, and may create keyspaces (Cassandra gives the creator of a
#     keyspace every permission on it and its tables).
# Passwords go through files in a private temporary directory, never a command line.
set -euo pipefail

secrets=${KAPPA_SECRETS_DIR:-/run/secrets}
host=${CASSANDRA_HOST:-cassandra-1}
dc=${CASSANDRA_DC:-datacenter1}
rf=${SYSTEM_AUTH_RF:-3}
wait_s=${SETUP_WAIT_SECONDS:-300}

die() { echo "cassandra-setup: $*" >&2; exit 1; }
secret() {
  local file=$secrets/$1 value=
  [[ -r $file ]] || die "secret $1 is missing: $file (run deploy/compose/gen-certs.sh)"
  IFS= read -r value < "$file" || true
  [[ $value =~ ^[A-Za-z0-9._~+/-]{16,}$ ]] ||
    die "secret $1 ($file) must be 16 or more of A-Z a-z 0-9 . _ ~ + / -"
  printf '%s' "$value"
}

admin_password=$(secret cassandra_admin_password)
kappa_password=$(secret cassandra_kappa_password)

umask 077
export HOME
HOME=$(mktemp -d)
trap 'rm -rf "$HOME"' EXIT
mkdir -p "$HOME/.cassandra"
# cqlsh checks the server against the CA (validate = true is its default).
export SSL_CERTFILE=$secrets/kappa_ca SSL_VALIDATE=true

# cql USER PASSWORD FILE: runs FILE's statements as USER. The credentials are in cqlsh's
# credentials file (4.1) and in cqlshrc's [authentication] (older cqlsh reads only that one).
cql() {
  printf '[PlainTextAuthProvider]\nusername = %s\npassword = %s\n' "$1" "$2" \
    > "$HOME/.cassandra/credentials"
  printf '[authentication]\nusername = %s\npassword = %s\n' "$1" "$2" \
    > "$HOME/.cassandra/cqlshrc"
  cqlsh --ssl "$host" 9042 -f "$3"
}

echo "SELECT release_version FROM system.local;" > "$HOME/ping.cql"
deadline=$((SECONDS + wait_s))
as=
while [[ -z $as ]]; do
  if cql admin "$admin_password" "$HOME/ping.cql" >/dev/null 2>"$HOME/admin.err"; then
    as=admin
  elif cql cassandra cassandra "$HOME/ping.cql" >/dev/null 2>"$HOME/default.err"; then
    as=cassandra
  elif ((SECONDS > deadline)); then
    tail -n 3 "$HOME/admin.err" "$HOME/default.err" >&2
    die "no login on $host for ${wait_s}s, neither as admin (secret cassandra_admin_password) nor as cassandra/cassandra (a new cluster)"
  else
    sleep 5
  fi
done

if [[ $as == cassandra ]]; then
  echo "cassandra-setup: new cluster: making the superuser admin, retiring cassandra/cassandra"
  cat > "$HOME/first.cql" <<EOF
ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '$dc': $rf};
CREATE ROLE IF NOT EXISTS admin WITH PASSWORD = '$admin_password' AND SUPERUSER = true AND LOGIN = true;
EOF
  cql cassandra cassandra "$HOME/first.cql"
  retired=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  cat > "$HOME/retire.cql" <<EOF
ALTER ROLE cassandra WITH PASSWORD = '$retired' AND SUPERUSER = false AND LOGIN = false;
EOF
  # The new role reaches every replica of system_auth within moments; retry until it logs in.
  retired_ok=
  for _ in $(seq 30); do
    if cql admin "$admin_password" "$HOME/retire.cql" >/dev/null 2>&1; then retired_ok=1; break; fi
    sleep 2
  done
  [[ -n $retired_ok ]] || die "the new superuser admin could not retire cassandra/cassandra"
fi

cat > "$HOME/kappa.cql" <<EOF
CREATE ROLE IF NOT EXISTS kappa WITH PASSWORD = '$kappa_password' AND LOGIN = true;
ALTER ROLE kappa WITH PASSWORD = '$kappa_password';
GRANT CREATE ON ALL KEYSPACES TO kappa;
EOF
cql admin "$admin_password" "$HOME/kappa.cql"
echo "cassandra-setup: role kappa ready on $host"
