#!/usr/bin/env bash
# Make SQLite variants of one CRM database with the real sqlite3 shell, for the
# loader's test SqliteVariants.* (tests/core/sqlite_variants_test.cpp):
#
#   tests/sqlite/make_variants.sh OUTDIR [FIXTURE.sqlite3]
#
# Writes one folder per variant, each with the file(s) to load, plain.sqlite3 (the
# same database in the plain form: rollback journal, no WAL, as sqlite3 itself
# leaves it) and expected.counts ("table rows" lines, counted by sqlite3 on
# plain.sqlite3):
#   wal/             crm.sqlite3 + crm.sqlite3-wal: WAL mode, changes (inserts,
#                    updates, deletes in several tables, several transactions, one
#                    growing the file) only in the -wal (closed without checkpoint)
#   wal-restarted/   the same after a checkpoint restarted the log: newer frames
#                    at its start, stale frames (old salts) after them
#   wal-clean/       crm.sqlite3 in WAL mode closed cleanly (no -wal left)
#   page-512/, page-65536/              PRAGMA page_size=N; VACUUM
#   autovacuum-full/, autovacuum-incremental/   PRAGMA auto_vacuum=...; VACUUM
#   dump/            crm.sql: the text of sqlite3 FILE .dump
# FIXTURE defaults to the repo's shared fixtures (../shared/fixtures/crm-small/
# before.sqlite3 from the repo root). Then: REDLINE_SQLITE_VARIANTS_DIR=OUTDIR
# redline_tests --gtest_filter='SqliteVariants.*'.
set -euo pipefail

die() { echo "make_variants.sh: $*" >&2; exit 1; }

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 OUTDIR [FIXTURE.sqlite3]"
command -v sqlite3 >/dev/null || die "sqlite3 not found: install it (apt-get install sqlite3)"
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
fixture=${2:-$repo_root/../shared/fixtures/crm-small/before.sqlite3}
[[ -r $fixture ]] || die "fixture not readable: $fixture"

mkdir -p "$1"
out=$(cd "$1" && pwd)

# A fresh, writable copy of the fixture at $1.
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; cp "$fixture" "$1"; chmod 0644 "$1"; }

# expected.counts for the plain file $1 (row counts of every user table).
counts() {
  local f=$1 t
  sqlite3 -batch "$f" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\\' ORDER BY name" |
    while IFS= read -r t; do
      printf '%s %s\n' "$t" "$(sqlite3 -batch "$f" "SELECT count(*) FROM \"$t\"")"
    done > "$(dirname "$f")/expected.counts"
}

# plain.sqlite3 in folder $1 from the database $2 (with its -wal, if any): sqlite3
# reads the WAL, checkpoints it and leaves a rollback-journal file. Done on copies.
plain_from() {
  local dir=$1 src=$2
  rm -f "$dir/plain.sqlite3" "$dir/plain.sqlite3-wal" "$dir/plain.sqlite3-shm"
  cp "$src" "$dir/plain.sqlite3"
  [[ -f $src-wal ]] && cp "$src-wal" "$dir/plain.sqlite3-wal"
  sqlite3 -batch "$dir/plain.sqlite3" "PRAGMA journal_mode=DELETE;" >/dev/null
  [[ ! -e $dir/plain.sqlite3-wal ]] || die "sqlite3 left $dir/plain.sqlite3-wal"
  counts "$dir/plain.sqlite3"
}

# The changes the WAL variants hold: several transactions in several tables, one
# of them adding enough rows to grow the database past the main file's pages.
changes="
BEGIN;
INSERT INTO leads (name, email, phone, source, status, estimated_value, created_at, address, city, state, postal_code, organization_id)
  SELECT name || ' (wal)', email, phone, source, status, estimated_value, created_at, address, city, state, postal_code, organization_id
  FROM leads ORDER BY id LIMIT 5;
UPDATE customers SET city = 'Walton', name = name || ' *' WHERE id % 3 = 0;
COMMIT;
BEGIN;
DELETE FROM payments WHERE id IN (SELECT id FROM payments ORDER BY id LIMIT 4);
UPDATE orders SET status = 'wal-updated' WHERE id % 5 = 1;
COMMIT;
BEGIN;
INSERT INTO customers (name, email, phone, company, customer_type, created_at, address, city, state, postal_code, country, organization_id)
  SELECT name || ' copy', email, phone, company, customer_type, created_at, address || ' ' || hex(randomblob(200)), city, state, postal_code, country, organization_id
  FROM customers;
COMMIT;
DELETE FROM leads WHERE id = (SELECT min(id) FROM leads);
"

# A WAL variant in folder $1: the fixture in WAL mode, then the statements $2...
# run by a shell that leaves its -wal as it is when it exits (no_ckpt_on_close).
wal_variant() {
  local dir=$out/$1 db=$out/$1/crm.sqlite3
  shift
  mkdir -p "$dir"
  fresh "$db"
  sqlite3 -batch "$db" "PRAGMA journal_mode=WAL;" >/dev/null
  sqlite3 -batch "$db" ".dbconfig no_ckpt_on_close on" "PRAGMA wal_autocheckpoint=0;" "$@" >/dev/null
  rm -f "$db-shm"
  [[ -s $db-wal ]] || die "no -wal file was left beside $db"
  plain_from "$dir" "$db"
}

# ---- WAL: changes only in the -wal ----------------------------------------------
wal_variant wal "$changes"

# ---- WAL restarted: newer frames over the start of an older log ---------------------
wal_variant wal-restarted "$changes" "PRAGMA wal_checkpoint(RESTART);" \
  "UPDATE leads SET status = 'after-restart' WHERE id % 2 = 0;" \
  "DELETE FROM orders WHERE id = (SELECT max(id) FROM orders);"

# ---- WAL mode, closed cleanly: no -wal ------------------------------------------------
mkdir -p "$out/wal-clean"
db=$out/wal-clean/crm.sqlite3
fresh "$db"
sqlite3 -batch "$db" "PRAGMA journal_mode=WAL;" "UPDATE users SET first_name = first_name || '.' WHERE id % 2 = 1;" >/dev/null
[[ ! -e $db-wal ]] || die "sqlite3 left a -wal beside $db"
plain_from "$out/wal-clean" "$db"

# ---- Page sizes and auto-vacuum ----------------------------------------------------------
variant() {
  local name=$1 sql=$2
  mkdir -p "$out/$name"
  fresh "$out/$name/crm.sqlite3"
  sqlite3 -batch "$out/$name/crm.sqlite3" "$sql" >/dev/null
  plain_from "$out/$name" "$fixture"
}
variant page-512 "PRAGMA page_size=512; VACUUM;"
variant page-65536 "PRAGMA page_size=65536; VACUUM;"
variant autovacuum-full "PRAGMA auto_vacuum=FULL; VACUUM;"
variant autovacuum-incremental "PRAGMA auto_vacuum=INCREMENTAL; VACUUM;"
[[ $(sqlite3 "$out/page-512/crm.sqlite3" "PRAGMA page_size") == 512 ]] || die "page-512 has another page size"
[[ $(sqlite3 "$out/page-65536/crm.sqlite3" "PRAGMA page_size") == 65536 ]] || die "page-65536 has another page size"
[[ $(sqlite3 "$out/autovacuum-full/crm.sqlite3" "PRAGMA auto_vacuum") == 1 ]] || die "autovacuum-full is not FULL"
[[ $(sqlite3 "$out/autovacuum-incremental/crm.sqlite3" "PRAGMA auto_vacuum") == 2 ]] || die "autovacuum-incremental is not INCREMENTAL"

# ---- sqlite3 .dump text ---------------------------------------------------------------------
mkdir -p "$out/dump"
sqlite3 -batch "$fixture" .dump > "$out/dump/crm.sql"
plain_from "$out/dump" "$fixture"

echo "make_variants.sh: variants in $out: $(cd "$out" && echo */)"
