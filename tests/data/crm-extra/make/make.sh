#!/bin/sh
# Makes before.sqlite3 and after.sqlite3 with Debian's Django 3.2 (/usr/bin/python3):
#   make/make.sh SHARED/fixtures/crm-small/before.sqlite3 tests/data/crm-extra
set -eu
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
src=$(realpath "${1:?crm-small/before.sqlite3}")
mkdir -p "${2:?output folder}"
out=$(realpath "$2")
cd "$here"
rm -f "$out/before.sqlite3" "$out/after.sqlite3"
DJ_PHASE=before DJ_DB="$out/before.sqlite3" /usr/bin/python3 manage.py migrate crmApp 0001_project_fields >/dev/null
DJ_PHASE=before DJ_DB="$out/before.sqlite3" /usr/bin/python3 manage.py migrate extras >/dev/null
/usr/bin/python3 fill.py "$out/before.sqlite3" "$src"
cp "$out/before.sqlite3" "$out/after.sqlite3"
DJ_DB="$out/after.sqlite3" /usr/bin/python3 manage.py migrate >/dev/null
sqlite3 "$out/after.sqlite3" VACUUM
