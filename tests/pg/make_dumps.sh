#!/usr/bin/env bash
# Make pg_dump outputs with a real PostgreSQL 15 server, for the loader's test
# PgRealDumps.* (tests/core/pgdump_test.cpp): restore a fixture dump into a
# throw-away database, dump it again in every plain form the loader must read, and
# drop the database.
#
#   tests/pg/make_dumps.sh OUTDIR [FIXTURE.pg.sql]
#
# Writes OUTDIR/plain.sql, inserts.sql, column-inserts.sql, rows-per-insert.sql (in
# UTC), plain-tz-kolkata.sql and column-inserts-tz-new-york.sql (other offsets),
# clean-create.sql, quoted-column-inserts.sql and on-conflict.sql (other options).
# FIXTURE defaults to $REDLINE_PG_FIXTURE, else the repo's shared fixtures
# (../shared/fixtures/crm-small/before.pg.sql from the repo root).
# Then: REDLINE_PG_DUMPS_DIR=OUTDIR ctest -R PgRealDumps (or run redline_tests).
#
# Runs as root (it uses `su postgres`), needs Debian's postgresql package (15) and
# installs nothing: it only starts the existing cluster 15/main when it is down.
set -euo pipefail

die() { echo "make_dumps.sh: $*" >&2; exit 1; }

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 OUTDIR [FIXTURE.pg.sql]"
[[ $(id -u) -eq 0 ]] || die "run as root (the script talks to the server as the postgres user via su)"

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
fixture=${2:-${REDLINE_PG_FIXTURE:-$repo_root/../shared/fixtures/crm-small/before.pg.sql}}
[[ -r $fixture ]] || die "fixture not readable: $fixture"
fixture=$(cd "$(dirname "$fixture")" && pwd)/$(basename "$fixture")

mkdir -p "$1"
outdir=$(cd "$1" && pwd)

command -v pg_ctlcluster >/dev/null || die "pg_ctlcluster not found: install PostgreSQL 15 (apt-get install postgresql)"
command -v pg_dump >/dev/null || die "pg_dump not found: install PostgreSQL 15 (apt-get install postgresql)"
pg_dump --version | grep -q ' 15\.' || echo "make_dumps.sh: warning: $(pg_dump --version) is not PostgreSQL 15" >&2

# The cluster: start it if it is down (pg_ctlcluster status exits 3 when stopped).
if ! pg_ctlcluster 15 main status >/dev/null 2>&1; then
  echo "starting PostgreSQL cluster 15/main"
  pg_ctlcluster 15 main start || die "cannot start cluster 15/main (see /var/log/postgresql/postgresql-15-main.log)"
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -XAtq -c 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -XAtq -c 'SELECT 1'" >/dev/null || die "the server does not accept connections"

# A throw-away database, dropped however the script ends.
db="redline_dumps_$$_$RANDOM"
cleanup() { su postgres -c "dropdb --if-exists '$db'" >/dev/null 2>&1 || true; }
trap cleanup EXIT
su postgres -c "createdb '$db'"

# Restore. The fixture is fed on stdin so the postgres user needs no access to it;
# ON_ERROR_STOP makes any failed statement fatal.
echo "restoring $fixture into $db"
su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d '$db'" < "$fixture" >/dev/null

dump() {  # dump FILE TIMEZONE [pg_dump options...]
  local file=$1 tz=$2; shift 2
  # pg_dump prints timestamptz values in the session's time zone: the server's
  # default, or PGOPTIONS' when a test wants offsets other than +00.
  su postgres -c "PGOPTIONS='-c TimeZone=$tz' pg_dump --no-password $* -d '$db'" > "$outdir/$file.tmp"
  mv "$outdir/$file.tmp" "$outdir/$file"
  echo "  $outdir/$file ($(wc -c < "$outdir/$file") bytes)"
}
echo "dumping"
dump plain.sql UTC
dump inserts.sql UTC --inserts
dump column-inserts.sql UTC --column-inserts
dump rows-per-insert.sql UTC --rows-per-insert=50
# The same data seen from other time zones: +05:30 and -05/-04 offsets to convert.
dump plain-tz-kolkata.sql Asia/Kolkata
dump column-inserts-tz-new-york.sql America/New_York --column-inserts
# Options that change the text around the data.
dump clean-create.sql UTC --clean --if-exists --create
dump quoted-column-inserts.sql UTC --column-inserts --quote-all-identifiers
dump on-conflict.sql UTC --rows-per-insert=50 --on-conflict-do-nothing

echo "done; now: REDLINE_PG_DUMPS_DIR=$outdir ctest -R PgRealDumps"
