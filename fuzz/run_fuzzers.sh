#!/usr/bin/env bash
# Run every libFuzzer target for a bounded time; each run counts as one test.
#   fuzz/run_fuzzers.sh BUILD_DIR [SECONDS]       (default: $REDLINE_FUZZ_SECONDS or 30)
# BUILD_DIR is a build with -DREDLINE_FUZZ=ON (the redline_fuzzers target built).
# Seeds are remade on every run from tests/data/bad (the bad-input corpus, fuzzer
# reproducers included), fuzz/seeds/ (real pg_dump variants), tests/data/dumpdata (real
# Django variants), small slices of ../shared/fixtures, and small WAL-mode databases
# with their -wal and their .dump text made here by the sqlite3 shell; what the fuzzers
# find worth keeping accumulates in BUILD_DIR/fuzz-corpus/<target>/. A crash, leak,
# timeout or out-of-memory fails that target's run and prints the reproducer's path
# (BUILD_DIR/fuzz-artifacts/); copy it to tests/data/bad/fuzz-<target>-<what>.<ext>
# once fixed, so the bad-input test and every later fuzz run replay it.
# Ends with "fuzz: N passed, M failed"; exit status 0 only if none failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:?usage: fuzz/run_fuzzers.sh BUILD_DIR [SECONDS]}
BUILD=$(cd "$BUILD" && pwd)
SECONDS_EACH=${2:-${REDLINE_FUZZ_SECONDS:-30}}
FIXTURES=${REDLINE_FIXTURES_DIR:-$ROOT/../shared/fixtures}
BAD=$ROOT/tests/data/bad
SEEDS=$BUILD/fuzz-seeds
ARTIFACTS=$BUILD/fuzz-artifacts
mkdir -p "$ARTIFACTS"

# ---- seeds ---------------------------------------------------------------------------
rm -rf "$SEEDS"
mkdir -p "$SEEDS"/{sqlite,pgdump,dumpdata,detect,wal,sqlite_dump}
slice() {  # file offset length out
  tail -c +"$(($2 + 1))" "$1" 2>/dev/null | head -c "$3" > "$4"
}
for f in "$BAD"/*; do
  n=$(basename "$f")
  case "$n" in README.md|make_corpus.py) continue ;; esac
  case "$n" in
    sqlite-dump-*.sql|fuzz-sqlite_dump-*) cp "$f" "$SEEDS/sqlite_dump/" ;;
    *-wal|fuzz-wal-*) cp "$f" "$SEEDS/wal/" ;;
    sqlite-*|fuzz-sqlite-*) cp "$f" "$SEEDS/sqlite/" ;;
    pg-*.sql|fuzz-pgdump-*) cp "$f" "$SEEDS/pgdump/" ;;
    json-*.json|fuzz-dumpdata-*) cp "$f" "$SEEDS/dumpdata/" ;;
  esac
  slice "$f" 0 512 "$SEEDS/detect/$n"
done
# Dumps made by the real pg_dump of what real databases hold (tests/pg/make_dumps.sh's
# variants, two rows per COPY): operator-class, INCLUDE, partial and NULLS NOT
# DISTINCT indexes, the CRM in schema crm, the project's own column and table,
# LATIN1 and WIN1252 client encodings.
cp "$ROOT"/fuzz/seeds/pgdump/*.sql "$SEEDS/pgdump/"
# The dumpdata variants real Django writes (natural keys, JSON Lines, other apps and
# columns, XML, YAML): whole, they are a few KB each.
for f in "$ROOT"/tests/data/dumpdata/*; do
  n=$(basename "$f")
  case "$n" in README.md) continue ;; esac
  case "$n" in *.json|*.jsonl) cp "$f" "$SEEDS/dumpdata/variant-$n" ;; esac
  slice "$f" 0 512 "$SEEDS/detect/variant-$n"
done
if [ -d "$FIXTURES" ]; then
  for snap in "$FIXTURES"/*/; do
    s=$(basename "$snap")
    for f in "$snap"*.pg.sql; do
      [ -f "$f" ] || continue
      b=$s-$(basename "$f" .pg.sql)
      # The whole dump with three rows per COPY block: every statement kind pg_dump
      # writes, small enough to mutate. And the head (SET, CREATE TABLE, ...).
      awk 'incopy && /^\\\.$/ {incopy = 0; print; next}
           incopy {if (++k <= 3) print; next}
           /^COPY .* FROM stdin;$/ {incopy = 1; k = 0}
           {print}' "$f" > "$SEEDS/pgdump/$b-mini.sql"
      slice "$f" 0 8192 "$SEEDS/pgdump/$b-head.sql"
      slice "$f" 0 512 "$SEEDS/detect/$b.sql"
    done
    for f in "$snap"*.json; do
      [ -f "$f" ] || continue
      b=$s-$(basename "$f" .json)
      # Two objects of each model (dumpdata's indent=1 layout: "{" and "}," lines).
      awk 'BEGIN {print "["}
           /^\{$/ {obj = $0 "\n"; next}
           /^\},?$/ && obj != "" {obj = obj "}"; if (++cnt[model] <= 2) {if (n++) printf(",\n"); printf("%s", obj)}; obj = ""; next}
           obj != "" {obj = obj $0 "\n"; if ($0 ~ /^ "model": /) model = $0}
           END {print "\n]"}' "$f" > "$SEEDS/dumpdata/$b-mini.json"
      slice "$f" 0 512 "$SEEDS/detect/$b.json"
    done
    if [ -f "$snap/before.sqlite3" ] && command -v sqlite3 >/dev/null; then
      # A small valid database of the CRM: a few rows per table, 512-byte pages.
      t=$SEEDS/sqlite/$s-small.sqlite3
      sqlite3 "$snap/before.sqlite3" ".backup '$t'" 2>/dev/null &&
        sqlite3 "$t" "PRAGMA foreign_keys=OFF; DELETE FROM payments WHERE id>2; DELETE FROM orders WHERE id>2;
          DELETE FROM deals WHERE id>2; DELETE FROM leads WHERE id>2; DELETE FROM customers WHERE id>2;
          DELETE FROM employees WHERE id>2; DELETE FROM vendors WHERE id>2; DELETE FROM users WHERE id>3;
          DELETE FROM auth_permission WHERE id>4; DELETE FROM django_migrations WHERE id>3;
          PRAGMA page_size=512; VACUUM;" 2>/dev/null || rm -f "$t"
      [ -f "$t" ] && slice "$t" 0 512 "$SEEDS/detect/$s.sqlite3"
    fi
  done
fi

# The WAL reader's input is a main file and its -wal in one (see fuzz/fuzz_wal.cpp):
# 4 bytes little-endian giving the main file's length, the main file, the -wal.
pack_wal() {  # main wal out
  local n
  n=$(stat -c %s "$1")
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))" > "$3"
  cat "$1" "$2" >> "$3"
}
if command -v sqlite3 >/dev/null; then
  # Small real databases left in WAL mode by the sqlite3 shell with their -wal (as
  # tests/sqlite/make_variants.sh makes them, 512-byte pages): changes only in the
  # -wal; a log restarted by a checkpoint (newer frames over older salts); a
  # transaction left uncommitted is not possible from the shell, so a -wal cut short.
  w=$(mktemp -d)
  for v in plain restarted; do
    db=$w/$v.sqlite3
    sqlite3 -batch "$db" "PRAGMA page_size=512; PRAGMA journal_mode=WAL;
      CREATE TABLE users (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, username varchar(150) NOT NULL UNIQUE);
      INSERT INTO users (username) VALUES ('anna'), ('bob');" >/dev/null 2>&1
    extra=""
    [ $v = restarted ] && extra="PRAGMA wal_checkpoint(RESTART); INSERT INTO users (username) VALUES ('dan');"
    sqlite3 -batch "$db" ".dbconfig no_ckpt_on_close on" "PRAGMA wal_autocheckpoint=0;
      INSERT INTO users (username) VALUES ('cleo'); UPDATE users SET username = 'ann' WHERE id = 1; $extra" \
      >/dev/null 2>&1
    if [ -s "$db-wal" ]; then
      pack_wal "$db" "$db-wal" "$SEEDS/wal/$v"
      head -c $(( $(stat -c %s "$db-wal") - 100 )) "$db-wal" > "$w/cut-wal"
      pack_wal "$db" "$w/cut-wal" "$SEEDS/wal/$v-cut"
      sqlite3 "$db" .dump > "$SEEDS/sqlite_dump/$v.sql" 2>/dev/null
    fi
  done
  rm -rf "$w"
  for snap in "$FIXTURES"/*/; do
    [ -f "$snap/before.sqlite3" ] || continue
    s=$(basename "$snap")
    # A few rows per CRM table as the shell dumps them (and a cut of it).
    sqlite3 "$snap/before.sqlite3" .dump 2>/dev/null |
      awk '/^INSERT INTO/ {t = $3; if (++n[t] > 2) next} {print}' > "$SEEDS/sqlite_dump/$s-mini.sql"
    slice "$SEEDS/sqlite_dump/$s-mini.sql" 0 4096 "$SEEDS/sqlite_dump/$s-head.sql"
  done
fi

# ---- runs ----------------------------------------------------------------------------
passed=0
failed=0
for name in sqlite pgdump dumpdata detect wal sqlite_dump; do
  exe=$BUILD/fuzz/fuzz_$name
  if [ ! -x "$exe" ]; then
    echo "fuzz_$name: not built ($exe)"; failed=$((failed + 1)); continue
  fi
  corpus=$BUILD/fuzz-corpus/$name
  mkdir -p "$corpus"
  log=$BUILD/fuzz-$name.log
  before=$(ls "$ARTIFACTS" | grep -c "^$name-" || true)
  "$exe" "$corpus" "$SEEDS/$name" -dict="$ROOT/fuzz/$name.dict" -max_total_time="$SECONDS_EACH" \
    -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$ARTIFACTS/$name-" > "$log" 2>&1
  rc=$?
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "fuzz_$name: ok (${runs:-?} runs in ${SECONDS_EACH} s, ${cov:-cov: ?})"
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    repro=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')
    echo "fuzz_$name: FAILED (exit $rc; log $log)"
    grep -m 3 -E "ERROR: |SUMMARY: |fuzz: |fuzz_detect: " "$log" | sed 's/^/  /'
    echo "  reproducer: ${repro:-none written (see the log)}"
    [ -n "$repro" ] && echo "  replay: $exe $repro"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
