#!/bin/bash
# The kappa workers' entrypoint in docker-compose.cluster.yml:
#   entrypoint.sh up --config FILE [other kappa up flags]
# 1. FILE names each secret as ${secret:NAME} (outside comments); this script checks each
#    secret's characters and writes a copy of FILE with each replaced by the first line of
#    $KAPPA_SECRETS_DIR/NAME (default /run/secrets, where compose mounts its secrets), owner-only,
#    into $KAPPA_RENDER_DIR (default /tmp, a tmpfs in the compose file).
# 2. It adds (or resets) the HTTP user $KAPPA_HTTP_USER (default admin) with the password in
#    $KAPPA_SECRETS_DIR/kappa_admin_password: kappa up refuses an HTTP listener other machines
#    can reach while the data directory has no user.
# 3. It runs `$KAPPA up` (default kappa) with the same flags and the rendered config.
# (kappa itself also reads `${file:/run/secrets/NAME}` in any config value, without this
# script: docs/formats/config.md.)
set -euo pipefail

secrets=${KAPPA_SECRETS_DIR:-/run/secrets}
render_dir=${KAPPA_RENDER_DIR:-/tmp}
kappa=${KAPPA:-kappa}
http_user=${KAPPA_HTTP_USER:-admin}

die() { echo "kappa entrypoint: $*" >&2; exit 1; }

# A secret's first line. Only characters that need no quoting in YAML, librdkafka or CQL
# (gen-certs.sh makes hex ones).
secret() {
  local file=$secrets/$1 value=
  [[ -r $file ]] || die "secret $1 is missing: $file (run deploy/compose/gen-certs.sh)"
  IFS= read -r value < "$file" || true
  [[ $value =~ ^[A-Za-z0-9._~+/-]{16,}$ ]] ||
    die "secret $1 ($file) must be 16 or more of A-Z a-z 0-9 . _ ~ + / -"
  printf '%s' "$value"
}

args=("$@")
config_at=
data_dir=()
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  case ${args[i]} in
    --config) config_at=$((i + 1)) ;;
    --data-dir) data_dir=(--data-dir "${args[i + 1]}") ;;
  esac
done
[[ -n $config_at ]] || die "usage: entrypoint.sh up --config FILE [kappa up flags]"
config=${args[config_at]}

umask 077
# Each ${secret:NAME} outside comments, line by line.
pattern='\$\{secret:([A-Za-z0-9_.-]+)\}'
text=
while IFS= read -r line || [[ -n $line ]]; do
  if [[ ! $line =~ ^[[:space:]]*# ]]; then
    while [[ $line =~ $pattern ]]; do
      name=${BASH_REMATCH[1]}
      value=$(secret "$name")
      line=${line//"\${secret:$name}"/"$value"}
    done
  fi
  text+=$line$'\n'
done < "$config"
rendered=$render_dir/$(basename "$config")
printf '%s' "$text" > "$rendered"
args[config_at]=$rendered

secret kappa_admin_password >/dev/null
"$kappa" users add "$http_user" --config "$rendered" "${data_dir[@]}" \
  --password-file "$secrets/kappa_admin_password" >/dev/null
exec "$kappa" "${args[@]}"
