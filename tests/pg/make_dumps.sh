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
#
# Then the variants real databases give (issue #12, category 4), each from its own
# throw-away database, each with OUTDIR/counts/FILE.counts: every table's row count
# as the server's own SELECT count(*) says it ("name<TAB>rows", name as the loader
# names it: the CRM's schema unqualified, other schemas as schema.table):
#   extras-indexes.sql     crm-small plus pg_trgm / citext, a GIN trigram index, and
#                          indexes with expressions, INCLUDE, WHERE, COLLATE and
#                          NULLS NOT DISTINCT (the same data as plain.sql)
#   schema-crm.sql         crm-small in schema crm, public left empty
#   schema-crm-public-other.sql  ... and public holding a table of another app
#   own-plain.sql, own-column-inserts.sql  crm-small plus the project's own column
#                          (employees.linkedin_url) and its own app's table
#   latin1-utf8.sql, latin1.sql, win1252.sql, latin9.sql  a database whose text is
#                          Latin-1 representable, dumped with -E UTF8/LATIN1/WIN1252/LATIN9
#   dumpall.sql            pg_dumpall of two such databases (names in dumpall.dbs)
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
dbs=("$db")  # and the variants' databases
cleanup() { for d in "${dbs[@]}"; do su postgres -c "dropdb --if-exists '$d'" >/dev/null 2>&1 || true; done; }
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
# Forms Redline refuses, each with the command that makes a loadable dump.
dump refused-tar.tar UTC -Ft
dump refused-data-only.sql UTC --data-only

# ---- Variants ------------------------------------------------------------------
psql_db() {  # psql_db DB: run stdin's SQL in DB, any error fatal
  su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d '$1'" >/dev/null
}
new_db() {  # new_db NAME: a throw-away database restored from the fixture
  dbs+=("$1")
  su postgres -c "createdb '$1'"
  psql_db "$1" < "$fixture"
}
mkdir -p "$outdir/counts"
# counts FILE DB HOME: the server's row count of every table of DB, named as the
# loader names it (tables of schema HOME unqualified, others as schema.table).
counts() {
  local file=$1 d=$2 home=$3 q
  # One query that counts every table, made by the server from its catalog.
  q=$(su postgres -c "psql -XAtq -d '$d'" <<'SQL'
SELECT string_agg(format('SELECT %L, %L, count(*) FROM %I.%I', schemaname, tablename, schemaname, tablename),
                  ' UNION ALL ' ORDER BY schemaname, tablename)
FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
SQL
)
  su postgres -c "psql -XAtq -F '	' -d '$d'" <<< "$q" |
    awk -F '\t' -v home="$home" '{ print ($1 == home ? $2 : $1 "." $2) "\t" $3 }' > "$outdir/counts/$file.counts.tmp"
  mv "$outdir/counts/$file.counts.tmp" "$outdir/counts/$file.counts"
}
dump_db() {  # dump_db DB FILE [pg_dump options...]: in UTC
  local d=$1 file=$2; shift 2
  su postgres -c "PGOPTIONS='-c TimeZone=UTC' pg_dump --no-password $* -d '$d'" > "$outdir/$file.tmp"
  mv "$outdir/$file.tmp" "$outdir/$file"
  echo "  $outdir/$file ($(wc -c < "$outdir/$file") bytes)"
}
counts plain.sql "$db" public
for f in inserts.sql column-inserts.sql rows-per-insert.sql plain-tz-kolkata.sql column-inserts-tz-new-york.sql \
         clean-create.sql quoted-column-inserts.sql on-conflict.sql; do
  cp "$outdir/counts/plain.sql.counts" "$outdir/counts/$f.counts"
done

echo "variants"
# (a) Extensions and index syntax the loader does not model (the same data as plain.sql).
d="${db}_idx"; new_db "$d"
psql_db "$d" <<'SQL'
CREATE EXTENSION pg_trgm;
CREATE EXTENSION citext;
CREATE INDEX customers_name_trgm ON public.customers USING gin (name public.gin_trgm_ops);
CREATE INDEX customers_email_lower ON public.customers (lower(email));
CREATE INDEX customers_city_incl ON public.customers (city) INCLUDE (state, country);
CREATE INDEX customers_business ON public.customers (company) WHERE customer_type = 'business';
CREATE INDEX customers_name_c ON public.customers (name COLLATE "C" DESC NULLS LAST);
CREATE UNIQUE INDEX employees_code_nnd ON public.employees (employee_code) NULLS NOT DISTINCT;
ALTER TABLE public.organizations ADD CONSTRAINT organizations_name_nnd UNIQUE NULLS NOT DISTINCT (name, id);
ALTER TABLE public.employees ADD CONSTRAINT employees_email_incl UNIQUE (employee_code) INCLUDE (email);
CREATE INDEX leads_text_pattern ON public.leads (email varchar_pattern_ops);
SQL
dump_db "$d" extras-indexes.sql
counts extras-indexes.sql "$d" public

# (b) The CRM in schema crm, found there through the dump's search_path.
d="${db}_schema"; new_db "$d"
psql_db "$d" <<'SQL'
ALTER SCHEMA public RENAME TO crm;
CREATE SCHEMA public;
SQL
dump_db "$d" schema-crm.sql
counts schema-crm.sql "$d" crm
psql_db "$d" <<'SQL'
CREATE TABLE public.app_notes (id serial PRIMARY KEY, body text NOT NULL, customer_id integer REFERENCES crm.customers (id));
INSERT INTO public.app_notes (body, customer_id) SELECT 'note ' || id, id FROM crm.customers ORDER BY id LIMIT 7;
SQL
dump_db "$d" schema-crm-public-other.sql
counts schema-crm-public-other.sql "$d" crm

# (e) The project's own column on a CRM table and its own app's table (citext and a
# trigram index on it).
d="${db}_own"; new_db "$d"
psql_db "$d" <<'SQL'
CREATE EXTENSION pg_trgm;
CREATE EXTENSION citext;
ALTER TABLE public.employees ADD COLUMN linkedin_url varchar(200) NULL;
UPDATE public.employees SET linkedin_url = 'https://www.linkedin.com/in/e' || id WHERE id % 3 = 0;
CREATE TABLE public.recruiting_candidate (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  email public.citext NOT NULL UNIQUE,
  referred_by_id integer REFERENCES public.employees (id) DEFERRABLE INITIALLY DEFERRED,
  score numeric(5,2),
  applied_at timestamp with time zone NOT NULL DEFAULT now()
);
INSERT INTO public.recruiting_candidate (email, referred_by_id, score, applied_at)
  SELECT 'Candidate' || g || '@Example.com', (SELECT min(id) FROM public.employees), g * 1.25,
         timestamptz '2024-03-01 10:00:00+02' + g * interval '1 day'
  FROM generate_series(1, 12) g;
CREATE INDEX recruiting_candidate_email_trgm ON public.recruiting_candidate USING gist (email public.gist_trgm_ops);
SQL
dump_db "$d" own-plain.sql
dump_db "$d" own-column-inserts.sql --column-inserts
counts own-plain.sql "$d" public
cp "$outdir/counts/own-plain.sql.counts" "$outdir/counts/own-column-inserts.sql.counts"

# (d) Single-byte client encodings: a database whose text is Latin-1 representable
# (crm-small has CJK names: they are replaced, and Latin-1 letters put in).
d="${db}_latin"; new_db "$d"
psql_db "$d" <<'SQL'
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT table_name, column_name FROM information_schema.columns
           WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') LOOP
    EXECUTE format('UPDATE public.%I SET %I = regexp_replace(%I, %L, %L, %L) WHERE %I ~ %L',
                   r.table_name, r.column_name, r.column_name, '[^\u0001-\u00ff]', 'ø', 'g',
                   r.column_name, '[^\u0001-\u00ff]');
  END LOOP;
END $$;
UPDATE public.customers SET city = 'Zürich', state = 'Genève (Façade)' WHERE id % 4 = 0;
UPDATE public.organizations SET name = name || ' § ÿ' WHERE id % 2 = 0;
SQL
dump_db "$d" latin1-utf8.sql
dump_db "$d" latin1.sql -E LATIN1
dump_db "$d" win1252.sql -E WIN1252
dump_db "$d" latin9.sql -E LATIN9
counts latin1-utf8.sql "$d" public
for f in latin1.sql win1252.sql latin9.sql; do cp "$outdir/counts/latin1-utf8.sql.counts" "$outdir/counts/$f.counts"; done

# (c) pg_dumpall of a cluster with two CRM databases (and only those: every other
# database of the cluster is excluded, so the file does not depend on what else runs).
d2="${db}_two"; new_db "$d2"
exclude=()
while read -r other; do
  [[ $other == "$d" || $other == "$d2" ]] || exclude+=("--exclude-database='$other'")
done < <(su postgres -c "psql -XAtq -c 'SELECT datname FROM pg_database WHERE NOT datistemplate'")
su postgres -c "pg_dumpall --no-password ${exclude[*]}" > "$outdir/dumpall.sql.tmp"
mv "$outdir/dumpall.sql.tmp" "$outdir/dumpall.sql"
printf '%s\n%s\n' "$d" "$d2" > "$outdir/dumpall.dbs"
echo "  $outdir/dumpall.sql ($(wc -c < "$outdir/dumpall.sql") bytes)"

echo "done; now: REDLINE_PG_DUMPS_DIR=$outdir ctest -R PgRealDumps"
