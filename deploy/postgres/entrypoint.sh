#!/bin/bash
# Airflow's metadata DB (deploy/postgres/Dockerfile). On first start (an empty data dir) initdb makes
# the cluster with POSTGRES_USER (default postgres) as its superuser, whose password POSTGRES_PASSWORD
# is read from the environment into a file initdb reads and removes (never an argument, never
# logged), and creates POSTGRES_DB (default: the user's name). Then postgres runs in the foreground,
# listening on every address of the container with password (SCRAM) authentication; the Unix socket
# inside the container trusts its local users (pg_isready, maintenance with `docker exec`).
set -euo pipefail

: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (deploy/.env: AIRFLOW_DB_PASSWORD)}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
data=${PGDATA:-/var/lib/postgresql/data}

if [ ! -s "$data/PG_VERSION" ]; then
  echo "postgres-entrypoint: initialising $data (superuser $user, database $db)"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --pgdata="$data" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 > /dev/null
  rm -f "$pwfile"
  # Clients on the compose network: password (SCRAM) only.
  printf '%s\n' 'host all all 0.0.0.0/0 scram-sha-256' 'host all all ::/0 scram-sha-256' >> "$data/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Single-user mode: no server listens yet. Double quotes in the name are doubled (an SQL identifier).
    printf 'CREATE DATABASE "%s" OWNER "%s";\n' "${db//\"/\"\"}" "${user//\"/\"\"}" | postgres --single -D "$data" -j postgres > /dev/null
  fi
  echo "postgres-entrypoint: initialised"
fi

unset POSTGRES_PASSWORD
exec postgres -D "$data" -c listen_addresses='*' "$@"
