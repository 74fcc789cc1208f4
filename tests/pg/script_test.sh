#!/usr/bin/env bash
# The PostgreSQL migration script (`redline script --target postgresql`, issue #14) and
# `redline verify`, on the real PostgreSQL 15 server: each case restores a fixture's
# before.pg.sql into a throw-away database, runs the generated script with psql as a
# user would (psql -X -v ON_ERROR_STOP=1 -f), dumps the result with pg_dump and checks it.
#
#   tests/pg/script_test.sh [REDLINE]        (REDLINE defaults to build/native/redline)
#
# Cases:
#   small-django   crm-small: the result equals Django's own (after.pg.sql) under spec §2's
#                  rules, and Redline's prediction (verify exit 0)
#   rerun          the same script again on the finished database: pg_dump unchanged
#   kill-*         the backend terminated at a point (a DDL part of the expand, inside M1's
#                  and M2's batches, inside the contract's pre-images and drops, C3), then
#                  the script rerun: the same result as an uninterrupted run
#   revert         the revert script after a full run: equal to the restored original
#   verify-cell    verify rejects the result with one changed cell (exit 1), naming it
#   collision      a colliding username added after the snapshot: the run stops in the
#                  preflight, naming the employee, and the database is unchanged
#   live-warning   a contact overwrite (spec §3 warning) made after the snapshot: the run
#                  stops in the preflight, naming the employee and user, database unchanged
#   live-changed   a value changed after the snapshot: the run goes on, says so at the
#                  start, and its final check reports the difference instead of failing
#   dirty          crm-dirty with default options: equal to Redline's prediction
# The pause points come from the script's test hook: with the session setting
# redline.pause_at (PGOPTIONS) the script sleeps there, and the test terminates it.
#
# Runs as root (it talks to the server as the postgres user via su); starts cluster 15/main
# when it is down. Without a server it fails when REDLINE_REQUIRE_PG=1, else says it is
# skipped and exits 0.
set -euo pipefail

die() { echo "script_test.sh: $*" >&2; exit 1; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
redline=${1:-$repo_root/build/native/redline}
[[ -x $redline ]] || die "no redline binary at $redline (build it: cmake --build build/native --target redline)"
fixtures=${REDLINE_FIXTURES_DIR:-$repo_root/../shared/fixtures}
[[ -r $fixtures/crm-small/before.pg.sql ]] || die "fixtures not found in $fixtures"

skip_or_die() {
  if [[ ${REDLINE_REQUIRE_PG:-0} == 1 ]]; then die "$* (REDLINE_REQUIRE_PG=1: PostgreSQL is required)"; fi
  echo "script_test.sh: skipped: $*"
  exit 0
}
[[ $(id -u) -eq 0 ]] || skip_or_die "not root (the test talks to the server via su postgres)"
command -v pg_ctlcluster >/dev/null || skip_or_die "PostgreSQL 15 is not installed (apt-get install postgresql)"
if ! pg_ctlcluster 15 main status >/dev/null 2>&1; then
  pg_ctlcluster 15 main start || skip_or_die "cannot start cluster 15/main"
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -XAtq -c 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -XAtq -c 'SELECT 1'" >/dev/null || skip_or_die "the server does not accept connections"

work=$(mktemp -d)
prefix="rl_script_test_$$"
dbs=()
cleanup() {
  for d in "${dbs[@]}"; do su postgres -c "dropdb --if-exists '$d'" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   $1"; }
failed() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

restore() {  # restore DB FIXTURE.pg.sql
  dbs+=("$1")
  su postgres -c "dropdb --if-exists '$1'; createdb '$1'" >/dev/null
  su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d '$1'" < "$2" >/dev/null
}
run_script() {  # run_script DB SCRIPT [PGOPTIONS]: psql as the user runs it; its exit status
  su postgres -c "PGOPTIONS='${3:-}' psql -X -v ON_ERROR_STOP=1 -d '$1' -f -" < "$2" > "$work/psql.out" 2>&1
}
dump() {  # dump DB OUT: pg_dump, without the lines that differ between two dumps of one database
  su postgres -c "pg_dump --no-password -d '$1'" | grep -v '^\\\(un\)\?restrict ' > "$2"
}
verify() {  # verify BEFORE AFTER [args]: redline verify's exit status, its output in $work/verify.out
  "$redline" verify "$@" > "$work/verify.out" 2>&1
}

small=$fixtures/crm-small/before.pg.sql
"$redline" script "$small" --target postgresql --batch-rows 50 --out "$work/small.sql" >/dev/null
"$redline" script "$small" --target postgresql --batch-rows 50 --out "$work/small-again.sql" >/dev/null
cmp -s "$work/small.sql" "$work/small-again.sql" && pass "same input and options, same script bytes" ||
  failed same-bytes "two scripts from the same snapshot differ"
"$redline" script "$small" --target postgresql --batch-rows 50 --revert --out "$work/revert.sql" >/dev/null

# ---- crm-small: equal to Django's own result and to the prediction ---------------------
db=${prefix}_small
restore "$db" "$small"
dump "$db" "$work/original.sql"
if run_script "$db" "$work/small.sql"; then
  dump "$db" "$work/result.sql"
  if verify "$small" "$work/result.sql" --expected "$fixtures/crm-small/after.pg.sql"; then
    pass "small-django: equal to Django's after.pg.sql under spec §2's rules"
  else
    failed small-django "$(cat "$work/verify.out")"
  fi
  verify "$small" "$work/result.sql" && pass "small-prediction: verify accepts the real result" ||
    failed small-prediction "$(cat "$work/verify.out")"
  grep -q "verified: the checklist's data items pass" "$work/psql.out" && pass "small: the script's own final check passed" ||
    failed small-final-check "$(tail -5 "$work/psql.out")"
else
  failed small "the script failed: $(tail -5 "$work/psql.out")"
fi

# ---- run twice: the second run changes nothing ------------------------------------------
if run_script "$db" "$work/small.sql"; then
  dump "$db" "$work/rerun.sql"
  cmp -s "$work/result.sql" "$work/rerun.sql" && pass "rerun: a second run changes nothing" ||
    failed rerun "the dump changed: $(diff "$work/result.sql" "$work/rerun.sql" | head -5)"
else
  failed rerun "the second run failed: $(tail -5 "$work/psql.out")"
fi

# ---- verify rejects one changed cell, naming it ------------------------------------------
# users row 17's first_name (the 6th column of COPY public.users) changed in the dump.
awk -F'\t' 'BEGIN { OFS = FS } /^COPY public.users \(/ { u = 1 } u && $1 == "17" { $6 = $6 "X" } /^\\\.$/ { u = 0 } { print }' \
  "$work/result.sql" > "$work/one-cell.sql"
if verify "$small" "$work/one-cell.sql"; then
  failed verify-cell "verify accepted a result with a changed cell"
else
  st=$?
  if [[ $st -eq 1 ]] && grep -q "^differs: users 17 first_name: predicted .*, actual .*X$" "$work/verify.out"; then
    pass "verify-cell: rejected (exit 1), naming users 17 first_name, predicted and actual"
  else
    failed verify-cell "exit $st: $(head -5 "$work/verify.out")"
  fi
fi

# ---- revert after a full run: the original back -------------------------------------------
if run_script "$db" "$work/revert.sql"; then
  dump "$db" "$work/reverted.sql"
  "$redline" diff "$work/original.sql" "$work/reverted.sql" --json "$work/revert-diff.json" > "$work/diff.out" 2>&1
  if /usr/bin/python3 - "$work/revert-diff.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = [t for t, c in d["tables"].items() if any(c[k] for k in ("added", "removed", "changed", "cells_changed"))]
sys.exit(1 if bad or d["schema"] else 0)
PY
  then
    # Only the order of the re-added columns may differ from the original dump.
    if [[ $(su postgres -c "psql -XAtq -d '$db' -c \"SELECT count(*) FROM pg_namespace WHERE nspname = 'redline_migration'\"") == 0 ]]; then
      pass "revert: every table, column, type, nullability and value as restored; schema redline_migration gone"
    else
      failed revert "schema redline_migration is left"
    fi
  else
    failed revert "$(cat "$work/diff.out")"
  fi
else
  failed revert "the revert script failed: $(tail -5 "$work/psql.out")"
fi

# ---- killed at several points, then rerun ----------------------------------------------------
kill_at() {  # kill_at POINT: the script killed while paused at POINT, then run again
  local point=$1 kdb=${prefix}_kill
  restore "$kdb" "$small"
  su postgres -c "PGOPTIONS='-c redline.pause_at=$point -c redline.pause_secs=120' psql -X -v ON_ERROR_STOP=1 -d '$kdb' -f -" \
    < "$work/small.sql" > "$work/kill.out" 2>&1 &
  local bg=$! killed=""
  for _ in $(seq 1 300); do
    killed=$(su postgres -c "psql -XAtq -d postgres -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$kdb' AND wait_event = 'PgSleep'\"")
    [[ -n $killed ]] && break
    kill -0 "$bg" 2>/dev/null || break
    sleep 0.1
  done
  local st=0
  wait "$bg" || st=$?
  if [[ $killed != t || $st -eq 0 ]]; then
    failed "kill-$point" "the run was not paused and killed there (exit $st): $(tail -3 "$work/kill.out")"
    return
  fi
  if ! run_script "$kdb" "$work/small.sql"; then
    failed "kill-$point" "the rerun failed: $(tail -5 "$work/psql.out")"
    return
  fi
  dump "$kdb" "$work/killed.sql"
  if verify "$small" "$work/killed.sql" --expected "$work/result.sql"; then
    pass "kill-$point: killed there, rerun, equal to the uninterrupted run"
  else
    failed "kill-$point" "$(head -5 "$work/verify.out")"
  fi
}
for point in "E3:orders" "M1:employees:batch:2" "M2:content-types" "M2:customers:batch:3" "M2:validate" "M3:organizations:batch:1" \
             "C1:employees-pre-images:batch:2" "C1:employees" "C2:vendors" "C3:validate" "P1:bookkeeping"; do
  kill_at "$point"
done

# stopped_in_preflight CASE DB MESSAGE WHAT NAMED: the script run on DB must fail with MESSAGE
# (the preflight naming NAMED) and leave DB exactly as it was (pg_dump before and after).
stopped_in_preflight() {
  local case=$1 sdb=$2 message=$3 what=$4 named=$5
  dump "$sdb" "$work/$case-before.sql"
  if run_script "$sdb" "$work/small.sql"; then
    failed "$case" "the script ran through $what"
    return
  fi
  dump "$sdb" "$work/$case-after.sql"
  if ! grep -qF "$message" "$work/psql.out"; then
    failed "$case" "not stopped by the preflight naming $named: $(grep -m3 ERROR "$work/psql.out")"
  elif ! cmp -s "$work/$case-before.sql" "$work/$case-after.sql"; then
    failed "$case" "the database changed: $(diff "$work/$case-before.sql" "$work/$case-after.sql" | head -5)"
  else
    pass "$case: stopped in the preflight naming $named ($what), nothing changed"
  fi
}

# ---- a collision the snapshot did not have: stopped in the preflight, nothing changed ----------
cdb=${prefix}_collision
restore "$cdb" "$small"
# An employee without a user, whose email would become the new user's username: taken now.
emp=$(su postgres -c "psql -XAtq -d '$cdb' -c \"SELECT e.id || '|' || e.email FROM employees AS e WHERE e.user_id IS NULL AND e.email <> '' AND NOT EXISTS (SELECT 1 FROM users AS u WHERE u.username = e.email) ORDER BY e.id LIMIT 1\"")
emp_id=${emp%%|*}
emp_email=${emp#*|}
su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d '$cdb'" >/dev/null <<SQL
INSERT INTO users (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, phone)
VALUES ('', false, '$emp_email', 'Late', 'Comer', 'late@example.com', false, true, now(), '');
SQL
stopped_in_preflight collision "$cdb" "username collisions (blocker) that the snapshot did not have: employee $emp_id wants username" \
  "a username collision it was not made for" "employee $emp_id"

# ---- a warning hazard the snapshot did not have (contact_overwrite): stopped, nothing changed ---
wdb=${prefix}_warning
restore "$wdb" "$small"
# An employee whose contact values agree with its user's in the snapshot (no hazard there);
# the user's first name then changes: M1 would overwrite it, and the preview did not see that.
emp=$(su postgres -c "psql -XAtq -d '$wdb' -c \"SELECT e.id || '|' || e.user_id FROM employees AS e JOIN users AS u ON u.id = e.user_id
  WHERE e.first_name <> '' AND e.first_name = u.first_name
    AND NOT (e.last_name <> '' AND u.last_name <> '' AND e.last_name <> u.last_name)
    AND NOT (e.email <> '' AND u.email <> '' AND e.email <> u.email)
    AND NOT (e.phone <> '' AND u.phone <> '' AND e.phone <> u.phone)
    AND (SELECT count(*) FROM employees AS e2 WHERE e2.user_id = e.user_id) = 1 ORDER BY e.id LIMIT 1\"")
emp_id=${emp%%|*}
user_id=${emp#*|}
if [[ -z $emp_id ]]; then
  failed live-warning "crm-small has no employee whose contact values agree with its user's"
else
  su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d '$wdb' -c \"UPDATE users SET first_name = 'Renamed Later' WHERE id = $user_id\"" >/dev/null
  stopped_in_preflight live-warning "$wdb" "(warning contact_overwrite) that the snapshot did not have: employee $emp_id (user $user_id)" \
    "a contact overwrite the preview did not see" "employee $emp_id"
fi

# ---- live data changed since the snapshot (no hazard): the run goes on and says so -------------
ldb=${prefix}_live
restore "$ldb" "$small"
su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d '$ldb' -c \"UPDATE customers SET name = name || ' (renamed)' WHERE id = 5\"" >/dev/null
if run_script "$ldb" "$work/small.sql"; then
  if grep -q "the live data differs from the snapshot (customers: 600 rows (expected 600), content differs)" "$work/psql.out" &&
     grep -q "as the live data differed from the snapshot at the start" "$work/psql.out"; then
    pass "live-changed: the run went on, saying the live data differed from the snapshot, and reported"
  else
    failed live-changed "not said: $(grep -m3 -i 'differ' "$work/psql.out")"
  fi
else
  failed live-changed "the script failed: $(tail -5 "$work/psql.out")"
fi

# ---- crm-dirty with default options: equal to the prediction -----------------------------------
dirty=$fixtures/crm-dirty/before.pg.sql
ddb=${prefix}_dirty
"$redline" script "$dirty" --target postgresql --out "$work/dirty.sql" >/dev/null
restore "$ddb" "$dirty"
if run_script "$ddb" "$work/dirty.sql"; then
  dump "$ddb" "$work/dirty-result.sql"
  verify "$dirty" "$work/dirty-result.sql" && pass "dirty: equal to Redline's prediction (default options)" ||
    failed dirty "$(head -5 "$work/verify.out")"
else
  failed dirty "the script failed: $(tail -5 "$work/psql.out")"
fi

if [[ $failures -gt 0 ]]; then
  echo "script_test.sh: $failures case(s) failed"
  exit 1
fi
echo "script_test.sh: all cases passed"
