#!/usr/bin/env bash
# Benchmark (not a test): Redline's PostgreSQL migration script against the guide's
# migration run by Django (Debian's python3-django 3.2 and python3-psycopg2, the CRM's
# project in tests/django with CRM_GUIDE=1) on the same generated database, restored
# twice on the same PostgreSQL 15 server in the same run. Prints the wall time of each,
# the ratio, and the longest transaction of the data phase: the script's longest batch or
# DDL part of M1-M3 (redline_migration.progress.longest_batch_ms, which batched() and
# ddl() write per part) against Django's data migration, which runs as one transaction
# (its time as `migrate -v 3` reports it); and the script's longest transaction of any
# phase. Needs Debian's python3-psycopg2 (bench only: apt-get install python3-psycopg2). The script's result
# is checked against Redline's prediction (`redline verify`) and compared with
# Django's under spec §2's rules (`redline verify --expected`).
#
#   bench/pg_script_bench.sh [EMPLOYEES]     (default 30000: ~1M rows; --profile clean,
#                                             as the guide's code crashes on collisions)
#
# Runs as root (su postgres), starts cluster 15/main when it is down. Writes
# bench/results/pg_script.md (git-ignored) and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
employees=${1:-30000}
redline=${REDLINE_BIN:-$ROOT/build/native/redline}  # REDLINE_BIN: another build
[[ -x $redline ]] || { echo "build first: cmake --build build/native --target redline" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "run as root (su postgres)" >&2; exit 1; }
/usr/bin/python3 -c 'import django, psycopg2' 2>/dev/null ||
  { echo "needs Debian's python3-django and python3-psycopg2 (apt-get install python3-django python3-psycopg2)" >&2; exit 1; }
pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start

work=$(mktemp -d)
chmod 755 "$work"
a=rl_bench_script_$$ b=rl_bench_django_$$
cleanup() {
  for d in "$a" "$b"; do su postgres -c "dropdb --if-exists $d" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }

echo "generating $employees employees ..."
"$redline" demo --employees "$employees" --seed 7 --profile clean --out "$work/demo.sqlite3" >/dev/null
"$redline" export "$work/demo.sqlite3" --format pgdump --out "$work/before.pg.sql" >/dev/null
rows=$("$redline" load "$work/before.pg.sql" --out "$work/loaded.sqlite3" | grep -o '[0-9]* rows' | head -1 || true)
"$redline" script "$work/before.pg.sql" --target postgresql --out "$work/migration.sql" >/dev/null
chmod 644 "$work"/*
for d in "$a" "$b"; do
  su postgres -c "createdb $d && psql -X -q -v ON_ERROR_STOP=1 -d $d -f $work/before.pg.sql" >/dev/null
  su postgres -c "psql -X -q -d $d -c 'VACUUM ANALYZE'" >/dev/null
done

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "running the script ..."
t0=$(now)
su postgres -c "psql -X -v ON_ERROR_STOP=1 -d $a -f $work/migration.sql" > "$work/script.log" 2>&1
t1=$(now)
script_s=$(echo "$t1 - $t0" | bc -l)
longest_of() {  # longest_of WHERE: the longest part's time and name
  su postgres -c "psql -XAtq -d $a -c \"SELECT round(max(longest_batch_ms)::numeric, 1) || ' ms (' || (array_agg(step || ' ' || part ORDER BY longest_batch_ms DESC))[1] || ')' FROM redline_migration.progress WHERE $1\""
}
longest=$(longest_of "step LIKE 'M%'")
longest_any=$(longest_of "true")
longest_ms=$(su postgres -c "psql -XAtq -d $a -c \"SELECT max(longest_batch_ms) FROM redline_migration.progress WHERE step LIKE 'M%'\"")
batches=$(su postgres -c "psql -XAtq -d $a -c 'SELECT sum(batches) FROM redline_migration.progress'")

echo "running Django's migrate with the guide's migration ..."
t0=$(now)
su postgres -c "cd $ROOT/tests/django && CRM_PG_DB=$b CRM_GUIDE=1 PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 manage.py migrate crmApp -v 3" \
  > "$work/django.log" 2>&1
t1=$(now)
django_s=$(echo "$t1 - $t0" | bc -l)
django_data=$(grep -o 'Applying crmApp.0003_migrate_redundant_data.*OK ([0-9.]*s)' "$work/django.log" | grep -o '([0-9.]*s)' | tr -d '()' || echo '?')

su postgres -c "pg_dump -d $a -N redline_migration" > "$work/script-after.sql"
su postgres -c "pg_dump -d $b" > "$work/django-after.sql"
if "$redline" verify "$work/before.pg.sql" "$work/script-after.sql" > "$work/verify.log" 2>&1; then
  same="the script's result equals Redline's prediction (redline verify)"
else
  same="the script's result DIFFERS from the prediction: $(head -3 "$work/verify.log" | tr '\n' ' ')"
fi
# Django's guide iterates Employee.objects.all() without ORDER BY: on PostgreSQL the ids
# of the users it creates follow the order the server returns the rows in.
"$redline" verify "$work/before.pg.sql" "$work/script-after.sql" --expected "$work/django-after.sql" > "$work/vs-django.log" 2>&1 || true
same="$same; against Django's result: $(tail -1 "$work/vs-django.log" | grep -q '^verified' && echo equal ||
  echo "$(grep -c '^differs' "$work/vs-django.log") differences, first: $(grep -m1 '^differs' "$work/vs-django.log")")"

mkdir -p bench/results
{
  echo "# PostgreSQL script vs Django's guide migration ($(date -u +%Y-%m-%d))"
  echo
  echo "Database: \`redline demo --employees $employees --seed 7 --profile clean\`, $rows, restored twice on PostgreSQL $(su postgres -c "psql -XAtq -c 'SHOW server_version'"). Load average at the start: $load_start (2 cores, shared)."
  echo
  echo "| | wall time | longest transaction of the data phase |"
  echo "|---|---|---|"
  printf "| Redline script (psql, %s batches) | %.1f s | %s |\n" "$batches" "$script_s" "$longest"
  printf "| Django migrate (guide's 0002-0005) | %.1f s | %s (0003, one transaction) |\n" "$django_s" "$django_data"
  ratio=$(echo "$django_s / $script_s" | bc -l)
  printf "\nScript %.1fx faster than Django (aim >= 50x: %s); longest transaction of the data phase %s (aim <= 1 s: %s);" \
    "$ratio" "$([[ $(echo "$ratio >= 50" | bc) == 1 ]] && echo met || echo 'not met')" "$longest" \
    "$([[ $(echo "$longest_ms <= 1000" | bc) == 1 ]] && echo met || echo 'not met')"
  printf " of any phase %s. Load average at the end: %s.\n" "$longest_any" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf "\nResults: %s.\n" "$same"
} > bench/results/pg_script.md
cat bench/results/pg_script.md
