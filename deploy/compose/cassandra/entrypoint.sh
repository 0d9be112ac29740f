#!/bin/bash
# Entrypoint of the Cassandra nodes of docker-compose.cluster.yml (image cassandra:4.1, run as
# root like the image's own entrypoint), before the image's docker-entrypoint.sh:
#   1. puts the node's PKCS#12 keystore (Docker secret cassandra_keystore, from gen-certs.sh)
#      and a truststore holding the CA (made here with the image's keytool: Java only trusts
#      PKCS#12 entries that keytool marks) into $CASSANDRA_CONF/tls, owned by cassandra, 0600;
#   2. writes cassandra.yaml: the image's own (kept as cassandra.yaml.image on the first start)
#      with each top-level key of security.yaml replaced by that file's, ${secret:NAME} filled
#      from /run/secrets/NAME;
#   3. runs the image's docker-entrypoint.sh, which applies the CASSANDRA_* variables.
set -euo pipefail

secrets=${KAPPA_SECRETS_DIR:-/run/secrets}
fragment=${KAPPA_CASSANDRA_SECURITY:-/etc/cassandra-kappa/security.yaml}
conf=${CASSANDRA_CONF:-/etc/cassandra}

die() { echo "cassandra entrypoint: $*" >&2; exit 1; }

secret() {  # NAME: its first line; characters that need no quoting in YAML
  local file=$secrets/$1 value=
  [[ -r $file ]] || die "secret $1 is missing: $file (run deploy/compose/gen-certs.sh)"
  IFS= read -r value < "$file" || true
  [[ $value =~ ^[A-Za-z0-9._~+/-]{16,}$ ]] ||
    die "secret $1 ($file) must be 16 or more of A-Z a-z 0-9 . _ ~ + / -"
  printf '%s' "$value"
}

owner() {  # FILE: the server's user owns it (the image's user; absent when tested elsewhere)
  if id cassandra >/dev/null 2>&1; then chown cassandra:cassandra "$1"; fi
}

umask 077
secret cassandra_keystore_password >/dev/null
mkdir -p "$conf/tls"
owner "$conf/tls"
cp "$secrets/cassandra_keystore" "$conf/tls/keystore.p12"
owner "$conf/tls/keystore.p12"
rm -f "$conf/tls/truststore.p12"
keytool -importcert -noprompt -alias kappa-ca -file "$secrets/kappa_ca" \
  -keystore "$conf/tls/truststore.p12" -storetype PKCS12 \
  -storepass:file "$secrets/cassandra_keystore_password" >/dev/null
owner "$conf/tls/truststore.p12"

[[ -e $conf/cassandra.yaml.image ]] || cp -p "$conf/cassandra.yaml" "$conf/cassandra.yaml.image"
# The fragment's top-level keys, and the fragment with its secrets filled in.
keys=" "
text=
pattern='\$\{secret:([A-Za-z0-9_.-]+)\}'
while IFS= read -r line || [[ -n $line ]]; do
  if [[ $line =~ ^([a-z_]+): ]]; then keys+="${BASH_REMATCH[1]} "; fi
  if [[ ! $line =~ ^[[:space:]]*# ]]; then
    while [[ $line =~ $pattern ]]; do
      name=${BASH_REMATCH[1]}
      value=$(secret "$name")
      line=${line//"\${secret:$name}"/"$value"}
    done
  fi
  text+=$line$'\n'
done < "$fragment"
# A top-level key's block is its line and every following line that is indented, blank or a
# comment, up to the next top-level key.
{
  awk -v keys="$keys" '
    /^[A-Za-z_]+:/ { key = substr($0, 1, index($0, ":") - 1); skip = index(keys, " " key " ") > 0 }
    !skip' "$conf/cassandra.yaml.image"
  printf '\n# ---- from %s (deploy/compose/cassandra/entrypoint.sh) ----\n%s' "$fragment" "$text"
} > "$conf/cassandra.yaml.new"
cat "$conf/cassandra.yaml.new" > "$conf/cassandra.yaml"
rm -f "$conf/cassandra.yaml.new"
chmod 0600 "$conf/cassandra.yaml"
owner "$conf/cassandra.yaml"

exec "${KAPPA_CASSANDRA_NEXT:-docker-entrypoint.sh}" "$@"
