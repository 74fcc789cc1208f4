#!/usr/bin/env bash
# Make the dumpdata corpus with the real Django (Debian's python3-django 3.2) and the
# CRM project beside this script, for the test DjangoCorpus.* (tests/core/
# django_corpus_test.cpp). Never writes to the fixtures: every database it works on
# is a copy in OUTDIR.
#
#   tests/django/make_corpus.sh OUTDIR [BEFORE.sqlite3]
#
# BEFORE defaults to $REDLINE_DJANGO_FIXTURE, else the shared fixtures'
# crm-small/before.sqlite3 (../shared/fixtures from the repo root). Writes to OUTDIR:
#   small.sqlite3              the copy of BEFORE the small dumps come from
#   plain.json                 dumpdata (default options)
#   indent.json                dumpdata --indent 2
#   natural-foreign.json       dumpdata --natural-foreign
#   natural-foreign-no-ct.json dumpdata --natural-foreign -e contenttypes -e auth.Permission
#   plain.jsonl                dumpdata --format jsonl
#   natural-primary.json       dumpdata --natural-foreign --natural-primary  (to be refused)
#   plain.xml, plain.yaml      dumpdata --format xml|yaml                    (to be refused)
#   extra.sqlite3              BEFORE with the project's own columns, apps (notes),
#                              admin log and sessions (CRM_VARIANT=extra, seed_extra)
#   extra.json                 dumpdata of extra.sqlite3
#   extra-natural.json         dumpdata --natural-foreign of extra.sqlite3
#   extra-after.sqlite3        Django's run of the guide's migration (crmApp 0002..0005)
#                              on a copy of extra.sqlite3: normalize's reference
#   counts.json                {file: {table: rows}} straight from the database
#                              (SELECT count(*)): for a dump, the tables it carries
# Two runs write the same files except django_migrations.applied (when migrate ran)
# and the date_joined of the users the guide's migration creates. About 30 s.
# Then: REDLINE_DJANGO_CORPUS_DIR=OUTDIR build/native/tests/redline_tests --gtest_filter='DjangoCorpus.*'
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 OUTDIR [BEFORE.sqlite3]"
repo_root=$(cd "$here/../.." && pwd)
before=${2:-${REDLINE_DJANGO_FIXTURE:-$repo_root/../shared/fixtures/crm-small/before.sqlite3}}
[[ -r $before ]] || die "fixture not readable: $before"

require_django
"$PY" -c 'import yaml' 2>/dev/null || die "$PY has no PyYAML (dumpdata --format yaml): apt-get install python3-yaml"

mkdir -p "$1"
out=$(cd "$1" && pwd)
# Only what this script writes: a failed run must not leave an old corpus behind.
(cd "$out" && rm -f small.sqlite3 plain.json indent.json natural-foreign.json natural-foreign-no-ct.json plain.jsonl \
  natural-primary.json plain.xml plain.yaml extra.sqlite3 extra.json extra-natural.json extra-after.sqlite3 \
  counts.json .counts-*.json)

# counts.json: one table_counts run per database, merged at the end.
django_counts() { django table_counts "$@" > "$out/.counts-$CRM_VARIANT-$(basename "$CRM_DB").json"; }

# ---- The small database: the fixture as it is, only crmApp's before state ---------
cp "$before" "$out/small.sqlite3"
chmod u+w "$out/small.sqlite3"
export CRM_DB=$out/small.sqlite3 CRM_VARIANT=small
unset CRM_GUIDE
django dumpdata -o "$out/plain.json"
django dumpdata --indent 2 -o "$out/indent.json"
django dumpdata --natural-foreign -o "$out/natural-foreign.json"
django dumpdata --natural-foreign -e contenttypes -e auth.Permission -o "$out/natural-foreign-no-ct.json"
django dumpdata --format jsonl -o "$out/plain.jsonl"
django dumpdata --natural-foreign --natural-primary -o "$out/natural-primary.json"
django dumpdata --format xml -o "$out/plain.xml"
django dumpdata --format yaml -o "$out/plain.yaml"
django_counts --sqlite small.sqlite3 --dump plain.json --dump indent.json --dump natural-foreign.json \
  --dump plain.jsonl --dump natural-foreign-no-ct.json:contenttypes,auth.Permission

# ---- The extra database: the project's own columns, tables and contrib apps --------
cp "$before" "$out/extra.sqlite3"
chmod u+w "$out/extra.sqlite3"
export CRM_DB=$out/extra.sqlite3 CRM_VARIANT=extra
make_extra_pair "$out/extra.sqlite3" "$out/extra-after.sqlite3"
django dumpdata -o "$out/extra.json"
django dumpdata --natural-foreign -o "$out/extra-natural.json"
django_counts --sqlite extra.sqlite3 --dump extra.json --dump extra-natural.json
CRM_DB=$out/extra-after.sqlite3 django_counts --sqlite extra-after.sqlite3

"$PY" - "$out" <<'PY'
import glob, json, os, sys
merged = {}
for part in sorted(glob.glob(os.path.join(sys.argv[1], '.counts-*.json'))):
    merged.update(json.load(open(part)))
    os.remove(part)
json.dump(merged, open(os.path.join(sys.argv[1], 'counts.json'), 'w'), indent=1, sort_keys=True)
PY
echo "make_corpus.sh: wrote $(ls "$out" | wc -l) files to $out"
