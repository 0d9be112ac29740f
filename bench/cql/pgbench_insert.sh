#!/usr/bin/env bash
# Peer figure for `kappa bench cql`: PostgreSQL 15 inserting created_users-shaped rows (12
# uuid/text columns, ~330 bytes) with pgbench, 32 clients, synchronous_commit at its default
# (on). Creates a private cluster in a temp dir (Unix socket only, a free port), runs, stops it.
# Usage: bench/cql/pgbench_insert.sh [seconds]   (needs postgresql-15; runs as root or postgres)
set -euo pipefail
SECONDS_=${1:-20}
B=/usr/lib/postgresql/15/bin
[ -x "$B/pgbench" ] || { echo "pgbench_insert.sh: $B/pgbench not found: apt-get install postgresql-15" >&2; exit 1; }
DIR=$(mktemp -d /tmp/kappa-pgbench-XXXXXX)
chmod 755 "$DIR"
AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; AS=(runuser -u postgres --); fi
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${AS[@]}" "$B/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
"${AS[@]}" "$B/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=''" start >/dev/null
trap '"${AS[@]}" "$B/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1; rm -rf "$DIR"' EXIT
PSQL=("${AS[@]}" "$B/psql" -h "$DIR" -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 postgres)
"${PSQL[@]}" -c "CREATE TABLE created_users (id uuid PRIMARY KEY, first_name text, last_name text,
  gender text, address text, post_code text, email text, username text, dob text,
  registered_date text, phone text, picture text)"
cat > "$DIR/insert.sql" <<'SQL'
INSERT INTO created_users (id, first_name, last_name, gender, address, post_code, email, username, dob, registered_date, phone, picture) VALUES (gen_random_uuid(), 'Ada', 'Lovelace', 'female', '4242 Main Street, Springfield, Oregon, United States', '54321', 'Ada.Lovelace4242@example.com', 'Ada.Lovelace4242', '1984-03-05T10:00:00.000Z', '2015-07-14T08:30:00.000Z', '(555) 123-4567', 'https://randomuser.me/api/portraits/med/women/42.jpg');
SQL
chmod 644 "$DIR/insert.sql"
OUT=$("${AS[@]}" "$B/pgbench" -h "$DIR" -p "$PORT" -U postgres -n -f "$DIR/insert.sql" -c 32 -j 2 -T "$SECONDS_" postgres 2>&1)
TPS=$(echo "$OUT" | sed -nE 's/^tps = ([0-9.]+).*/\1/p' | head -1)
ROWS=$("${PSQL[@]}" -At -c "SELECT count(*) FROM created_users")
echo "postgresql 15 pgbench insert (32 clients, ${SECONDS_} s, synchronous_commit on): $TPS tps; $ROWS rows" >&2
printf '{"case": "pgbench-insert", "rows": %s, "inserts_per_s": %.0f}\n' "$ROWS" "$TPS"
