#!/usr/bin/env bash
# Make the committed pair tests/data/crm-extra/{before,after}.sqlite3 with the real
# Django (Debian's python3-django 3.2) and this project's extra variant, the same
# recipe as make_corpus.sh's extra.sqlite3 / extra-after.sqlite3 (lib.sh), on a
# smaller part of the fixture so the files stay small in the repository:
#
#   tests/django/make_crm_extra.sh [OUTDIR [BEFORE.sqlite3]]
#
# OUTDIR defaults to tests/data/crm-extra; BEFORE as in make_corpus.sh. The part:
# every user and organization, customers 1-80, vendors 1-40, leads 1-50,
# employees 1-60, deals 1-100 and orders 1-60 of those customers (or none),
# payments 1-60 of those orders (or none). Rows are deleted from a copy before
# Django's `migrate` of the extra variant, so the before is Django's own database.
# Two runs differ only in django_migrations.applied and the date_joined of the users
# the guide's migration creates; check_project.sh checks the committed pair is current.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

[[ $# -le 2 ]] || die "usage: $0 [OUTDIR [BEFORE.sqlite3]]"
repo_root=$(cd "$here/../.." && pwd)
before=${2:-${REDLINE_DJANGO_FIXTURE:-$repo_root/../shared/fixtures/crm-small/before.sqlite3}}
[[ -r $before ]] || die "fixture not readable: $before"
require_django
command -v sqlite3 >/dev/null || die "no sqlite3 shell: apt-get install sqlite3"

mkdir -p "${1:-$repo_root/tests/data/crm-extra}"
out=$(cd "${1:-$repo_root/tests/data/crm-extra}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$before" "$tmp/before.sqlite3"
chmod u+w "$tmp/before.sqlite3"
sqlite3 "$tmp/before.sqlite3" <<'SQL'
DELETE FROM orders WHERE id > 60 OR customer_id > 80;
DELETE FROM payments WHERE id > 60 OR order_id NOT IN (SELECT id FROM orders);
DELETE FROM deals WHERE id > 100 OR customer_id > 80;
DELETE FROM customers WHERE id > 80;
DELETE FROM vendors WHERE id > 40;
DELETE FROM leads WHERE id > 50;
DELETE FROM employees WHERE id > 60;
SQL
make_extra_pair "$tmp/before.sqlite3" "$tmp/after.sqlite3"
for f in before after; do
  sqlite3 "$tmp/$f.sqlite3" VACUUM
  mv "$tmp/$f.sqlite3" "$out/$f.sqlite3"
done
echo "make_crm_extra.sh: wrote $out/before.sqlite3 and $out/after.sqlite3"
