#!/usr/bin/env bash
# Run every libFuzzer target for a bounded time; each run counts as one test.
#   fuzz/run_fuzzers.sh BUILD_DIR [SECONDS]       (default: $REDLINE_FUZZ_SECONDS or 30)
# BUILD_DIR is a build with -DREDLINE_FUZZ=ON (the redline_fuzzers target built).
# Seeds are remade on every run from tests/data/bad (the bad-input corpus, fuzzer
# reproducers included), fuzz/seeds/ (real pg_dump variants), tests/data/dumpdata (real
# Django variants) and small slices of ../shared/fixtures; what the fuzzers
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
mkdir -p "$SEEDS"/{sqlite,pgdump,dumpdata,detect}
slice() {  # file offset length out
  tail -c +"$(($2 + 1))" "$1" 2>/dev/null | head -c "$3" > "$4"
}
for f in "$BAD"/*; do
  n=$(basename "$f")
  case "$n" in README.md|make_corpus.py) continue ;; esac
  case "$n" in
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

# ---- runs ----------------------------------------------------------------------------
passed=0
failed=0
for name in sqlite pgdump dumpdata detect; do
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
