#!/usr/bin/env bash
# Benchmark (not a test): the whole command-line run, `redline normalize SNAPSHOT
# --report R.json --report-md R.md --out AFTER.sqlite3` (load, preflight, normalize, diff,
# moves and checks, reports, after image, write), set against two baselines measured in
# the same run, each as a whole process timed from outside (CPU user+sys, wall, peak RSS
# by /usr/bin/time), interleaved, median of R repetitions:
#   1. the copy floor, ~1M rows: Debian's `sqlite3` shell copies every table of the same
#      file by INSERT ... SELECT into an in-memory database holding the same tables, then
#      builds the same indexes (what any tool that rewrites these rows pays SQLite at least);
#   2. Django, 5,000 employees: Debian's python3-django 3.2 runs the guide's migration
#      (tests/django with CRM_GUIDE=1, `manage.py migrate crmApp`) on a copy of the same
#      SQLite file (a clean snapshot: the guide's code stops on the dirty one's collisions);
#      Redline's result on that file is checked against Django's (`redline verify`).
# With the wasm CLI built (build/bench-wasm/redline-cli.js, `bench/run` builds it) the
# whole run is also timed in node on the ~1M-row file.
#
#   bench/cli_bench.sh [--quick] [--repeat R] [--docs]
#     --quick: ~100k rows against the floor and 1,000 employees against Django, R=1 (a few
#              minutes on 2 busy cores); the full run: ~1M rows and 5,000 employees, R=3.
#     --docs:  also puts the section into docs/benchmarks.md (section f, replacing the one
#              there) without a whole `bench/run`.
# Env: REDLINE_BIN (default build/bench/redline, else build/native/redline), WASM_CLI,
#      BENCH_DATA (cached snapshots, default build/bench-data), RESULTS (default bench/results).
# Writes $RESULTS/cli_run.md (printed), $RESULTS/cli_run_section.md (it as section f
# of docs/benchmarks.md: bench/report.mjs puts it in, --docs replaces it alone) and
# $RESULTS/cli_run.tsv (every measurement).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
QUICK=0 REPEAT= DOCS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --docs) DOCS=1 ;;
    --repeat) REPEAT=$2; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "cli_bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then FLOOR_EMP=3040 DJANGO_EMP=1000 REPEAT=${REPEAT:-1}
else FLOOR_EMP=30400 DJANGO_EMP=5000 REPEAT=${REPEAT:-3}; fi
redline=${REDLINE_BIN:-$ROOT/build/bench/redline}
[ -x "$redline" ] || redline=$ROOT/build/native/redline
[ -x "$redline" ] || { echo "cli_bench: build redline first (cmake --build build/native --target redline)" >&2; exit 1; }
wasm_cli=${WASM_CLI:-$ROOT/build/bench-wasm/redline-cli.js}
DATA=${BENCH_DATA:-$ROOT/build/bench-data}
RESULTS=${RESULTS:-$ROOT/bench/results}
[ -x /usr/bin/time ] || { echo "cli_bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "cli_bench: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
/usr/bin/python3 -c 'import django' 2>/dev/null || { echo "cli_bench: needs Debian's python3-django" >&2; exit 1; }
mkdir -p "$DATA" "$RESULTS"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TSV=$RESULTS/cli_run.tsv
printf 'what\tfile\trep\tcpu_s\twall_s\tpeak_kb\n' > "$TSV"
NOW="2026-01-01 00:00:00"

snapshot() {  # snapshot EMPLOYEES PROFILE -> cached path
  local f=$DATA/demo-$2-$1.sqlite3
  [ -f "$f" ] || "$redline" demo --employees "$1" --seed 1 --profile "$2" --out "$f" >/dev/null
  echo "$f"
}
rows_of() { sqlite3 "$1" "SELECT $(sqlite3 "$1" "SELECT group_concat('(SELECT count(*) FROM \"' || name || '\")', '+') FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")"; }

# timed WHAT FILE REP CMD...: runs CMD under /usr/bin/time, appends a row to the TSV.
timed() {
  local what=$1 file=$2 rep=$3; shift 3
  /usr/bin/time -f '%U %S %e %M' -o "$work/time" "$@" > "$work/out" 2> "$work/err" ||
    { echo "cli_bench: $what failed:" >&2; tail -5 "$work/err" "$work/out" >&2; exit 1; }
  read -r u s e m < "$work/time"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$(basename "$file")" "$rep" "$(echo "$u + $s" | bc -l)" "$e" "$m" >> "$TSV"
}
# median WHAT COLUMN (4 cpu, 5 wall, 6 peak)
median() { awk -F'\t' -v w="$1" -v c="$2" '$1==w {print $c}' "$TSV" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# The floor's script: the file's tables created empty in memory, every row copied, then
# its indexes built, all from the file's own schema.
floor_sql() {  # floor_sql SNAPSHOT > script
  echo "ATTACH '$1' AS src;"
  echo "BEGIN;"
  sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY rowid"
  sqlite3 "$1" "SELECT 'INSERT INTO main.\"' || name || '\" SELECT * FROM src.\"' || name || '\";' FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
  sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY rowid"
  echo "COMMIT;"
}

run_cli() {  # run_cli WHAT SNAPSHOT REP [wasm]
  local out=$work/$1.after.sqlite3
  rm -f "$out"
  if [ "${4:-}" = wasm ]; then
    timed "$1" "$2" "$3" node --no-experimental-fetch "$wasm_cli" normalize "$2" --report "$work/r.json" --report-md "$work/r.md" --out "$out" --now "$NOW"
  else
    timed "$1" "$2" "$3" "$redline" normalize "$2" --report "$work/r.json" --report-md "$work/r.md" --out "$out" --now "$NOW"
  fi
}

# ---- 1. against the copy floor ------------------------------------------------------
big=$(snapshot "$FLOOR_EMP" dirty)
big_rows=$(rows_of "$big")
big_mb=$(echo "$(stat -c %s "$big") / 1048576" | bc -l)
floor_sql "$big" > "$work/floor.sql"
have_wasm=0
[ -f "$wasm_cli" ] && command -v node >/dev/null && have_wasm=1
echo "cli_bench: $big_rows rows ($(basename "$big")), $REPEAT repetitions: whole run against the sqlite3 copy floor"
for rep in $(seq "$REPEAT"); do
  timed floor "$big" "$rep" sqlite3 :memory: ".read $work/floor.sql"
  run_cli native "$big" "$rep"
  [ "$rep" = 1 ] && cp "$work/native.after.sqlite3" "$work/native-first.sqlite3"
  if [ "$have_wasm" = 1 ]; then
    run_cli wasm "$big" "$rep" wasm
    [ "$rep" = 1 ] && { cmp -s "$work/native-first.sqlite3" "$work/wasm.after.sqlite3" && wasm_same=yes || wasm_same=NO; }
  fi
done

# ---- 2. against Django --------------------------------------------------------------
small=$(snapshot "$DJANGO_EMP" clean)
small_rows=$(rows_of "$small")
echo "cli_bench: $small_rows rows ($(basename "$small")), $REPEAT repetitions: whole run against Django's migrate"
for rep in $(seq "$REPEAT"); do
  cp "$small" "$work/django.sqlite3"
  (cd "$ROOT/tests/django" && timed django "$small" "$rep" \
    env CRM_DB="$work/django.sqlite3" CRM_GUIDE=1 PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 manage.py migrate crmApp)
  run_cli small "$small" "$rep"
done
# Both did the same thing: Django's after is what Redline predicts (spec §2's rules).
if "$redline" verify "$small" "$work/django.sqlite3" > "$work/verify.log" 2>&1; then
  django_same="Redline's prediction equals Django's result (\`redline verify\`)"
else
  django_same="Redline's prediction DIFFERS from Django's result: $(grep -m2 -v '^$' "$work/verify.log" | tr '\n' ' ')"
fi

# ---- report -------------------------------------------------------------------------
r() { echo "$1 / $2" | bc -l; }
f1() { printf '%.1f' "$1"; }
f2() { printf '%.2f' "$1"; }
fc=$(median floor 4) fw=$(median floor 5) fm=$(median floor 6)
nc=$(median native 4) nw=$(median native 5) nm=$(median native 6)
dc=$(median django 4) dw=$(median django 5)
sc=$(median small 4) sw=$(median small 5)
x_floor_cpu=$(r "$nc" "$fc") x_floor_wall=$(r "$nw" "$fw")
x_django_cpu=$(r "$dc" "$sc") x_django_wall=$(r "$dw" "$sw")
peak_x=$(r "$(echo "$nm / 1024" | bc -l)" "$big_mb")
met() { [ "$(echo "$1" | bc -l)" = 1 ] && echo '**met**' || echo '**not met**'; }
{
  echo "# The whole command-line run against the copy floor and Django ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "\`bench/cli_bench.sh$([ "$QUICK" = 1 ] && echo ' --quick')\`: each a whole process timed from outside (\`/usr/bin/time\`: CPU = user + sys, wall, peak RSS), interleaved, median of $REPEAT. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared). Redline: \`redline normalize SNAPSHOT --report R.json --report-md R.md --out AFTER.sqlite3\` (load, preflight, normalize, diff, moves and checks, reports, after image, write)."
  echo
  echo "| run | snapshot | rows | CPU s | wall s | peak RSS MB | peak / file |"
  echo "|---|---|---|---|---|---|---|"
  printf '| copy floor (sqlite3 %s: INSERT ... SELECT of every table into memory, then its indexes) | %s | %s | %s | %s | %s | %s |\n' \
    "$(sqlite3 --version | cut -d' ' -f1)" "$(basename "$big")" "$big_rows" "$(f2 "$fc")" "$(f2 "$fw")" "$(f1 "$(echo "$fm/1024" | bc -l)")" "$(f2 "$(r "$(echo "$fm/1024" | bc -l)" "$big_mb")")"
  printf '| Redline, whole run (native) | %s | %s | %s | %s | %s | %s |\n' \
    "$(basename "$big")" "$big_rows" "$(f2 "$nc")" "$(f2 "$nw")" "$(f1 "$(echo "$nm/1024" | bc -l)")" "$(f2 "$peak_x")"
  if [ "$have_wasm" = 1 ]; then
    wc_=$(median wasm 4) ww=$(median wasm 5) wm=$(median wasm 6)
    printf '| Redline, whole run (wasm CLI in node; RSS includes node) | %s | %s | %s | %s | %s | %s |\n' \
      "$(basename "$big")" "$big_rows" "$(f2 "$wc_")" "$(f2 "$ww")" "$(f1 "$(echo "$wm/1024" | bc -l)")" "$(f2 "$(r "$(echo "$wm/1024" | bc -l)" "$big_mb")")"
  fi
  printf '| Django 3.2, guide migration (`migrate crmApp`, CRM_GUIDE=1) | %s | %s | %s | %s | | |\n' "$(basename "$small")" "$small_rows" "$(f2 "$dc")" "$(f2 "$dw")"
  printf '| Redline, whole run (native) | %s | %s | %s | %s | | |\n' "$(basename "$small")" "$small_rows" "$(f2 "$sc")" "$(f2 "$sw")"
  echo
  echo "| aim | measured (CPU / wall) | status (CPU) |"
  echo "|---|---|---|"
  echo "| whole run at $small_rows rows at least 100x faster than Django's migration | $(f1 "$x_django_cpu")x / $(f1 "$x_django_wall")x | $(met "$x_django_cpu >= 100") |"
  echo "| whole run at $big_rows rows at most 3x the copy floor, native | $(f2 "$x_floor_cpu")x / $(f2 "$x_floor_wall")x | $(met "$x_floor_cpu <= 3") |"
  if [ "$have_wasm" = 1 ]; then
    echo "| wasm (node) at most 1.5x native, $big_rows rows | $(f2 "$(r "$wc_" "$nc")")x / $(f2 "$(r "$ww" "$nw")")x | $(met "$(r "$ww" "$nw") <= 1.5") (wall: node's CPU counts its helper threads); same after bytes as native: $wasm_same |"
  else
    echo "| wasm (node) at most 1.5x native | not measured (no $wasm_cli: \`bench/run\` builds it) | - |"
  fi
  echo "| peak memory at most 3x the snapshot, native | $(f2 "$peak_x")x ($(f1 "$(echo "$nm/1024" | bc -l)") MB for $(f1 "$big_mb") MB) | $(met "$peak_x <= 3") |"
  echo
  echo "Results: $django_same."
} > "$RESULTS/cli_run.md"
cat "$RESULTS/cli_run.md"
# The same as section f of docs/benchmarks.md, between the markers bench/splice.mjs
# looks for: bench/report.mjs puts it in whole, --docs replaces it alone.
{
  echo '<!-- cli-run: generated by bench/cli_bench.sh, do not edit -->'
  echo "## f. The whole command-line run against the copy floor and Django's migration"
  echo
  echo "Measured by \`bench/cli_bench.sh\` on $(date -u '+%F %H:%M') UTC at commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`."
  echo
  sed '1{/^# /d}' "$RESULTS/cli_run.md" | sed '/./,$!d'
  echo
  echo '<!-- end cli-run -->'
} > "$RESULTS/cli_run_section.md"
if [ "$DOCS" = 1 ]; then
  node bench/splice.mjs cli-run "$RESULTS/cli_run_section.md" docs/benchmarks.md --before '## How to reproduce'
  echo "cli_bench: wrote its section of docs/benchmarks.md"
fi
