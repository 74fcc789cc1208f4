#!/usr/bin/env bash
# Check that the CRM project is the fixtures' project (make_corpus.sh runs it first):
#   1. `migrate` on a fresh SQLite creates exactly before-schema.sql (.schema, text
#      for text: tables, column order, types, NULL, indexes);
#   2. the models agree with the migrations (makemigrations --check), both variants;
#   3. `dumpdata --indent 1` of crm-small/before.sqlite3 is before.json, byte for byte;
#   4. Django's run of the guide's migration (crmApp 0005_indexes) on a copy of
#      crm-small/before.sqlite3 equals after.sqlite3 by spec §2's rule (compare_after.py);
#   5. the committed tests/data/crm-extra pair is what make_crm_extra.sh makes now
#      (same rule), so a change to the extra variant cannot leave it behind.
#   tests/django/check_project.sh [SHARED_DIR]   (default: ../shared from the repo root)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shared=${1:-$(cd "$here/../.." && pwd)/../shared}
small=$shared/fixtures/crm-small
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export DJANGO_SETTINGS_MODULE=crmproject.settings PYTHONDONTWRITEBYTECODE=1
django() { (cd "$here" && /usr/bin/python3 manage.py "$@"); }
fail() { echo "check_project.sh: $*" >&2; exit 1; }

CRM_DB=$tmp/fresh.sqlite3 django migrate -v0
sqlite3 "$tmp/fresh.sqlite3" .schema > "$tmp/fresh.sql"
diff -u "$shared/spec/before-schema.sql" "$tmp/fresh.sql" || fail "0001_initial does not create before-schema.sql"
CRM_DB=$tmp/fresh.sqlite3 django makemigrations --check --dry-run >/dev/null || fail "crmApp models differ from 0001_initial"
CRM_DB=$tmp/fresh.sqlite3 CRM_VARIANT=extra django makemigrations --check --dry-run >/dev/null \
  || fail "the extra variant's models differ from its migrations"

cp "$small/before.sqlite3" "$tmp/before.sqlite3"; chmod u+w "$tmp/before.sqlite3"
CRM_DB=$tmp/before.sqlite3 django dumpdata --indent 1 -o "$tmp/before.json"
cmp "$tmp/before.json" "$small/before.json" || fail "dumpdata --indent 1 differs from crm-small/before.json"

CRM_DB=$tmp/before.sqlite3 CRM_GUIDE=1 django migrate crmApp 0005_indexes -v0
/usr/bin/python3 "$here/compare_after.py" "$tmp/before.sqlite3" "$small/after.sqlite3" "$small/before.sqlite3" \
  || fail "Django's run of the guide's migration differs from crm-small/after.sqlite3"
crm_extra=$here/../data/crm-extra
"$here/make_crm_extra.sh" "$tmp/crm-extra" "$small/before.sqlite3" >/dev/null
for f in before after; do
  /usr/bin/python3 "$here/compare_after.py" "$tmp/crm-extra/$f.sqlite3" "$crm_extra/$f.sqlite3" "$crm_extra/before.sqlite3" \
    || fail "tests/data/crm-extra/$f.sqlite3 is not what make_crm_extra.sh makes: run tests/django/make_crm_extra.sh"
done
echo "check_project.sh: the project creates before-schema.sql, dumps before.json and migrates to after.sqlite3; tests/data/crm-extra is current"
