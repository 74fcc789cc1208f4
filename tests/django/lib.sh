# Shared by make_corpus.sh and make_crm_extra.sh (sourced): the Django the project
# needs, a `django` command running manage.py in the project's folder, and the
# extra variant's recipe, so both generators make their extra databases one way.
# Needs `here` (this folder) set by the caller.

PY=/usr/bin/python3
export DJANGO_SETTINGS_MODULE=crmproject.settings PYTHONDONTWRITEBYTECODE=1

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

require_django() {
  "$PY" -c 'import django, sys; sys.exit(django.VERSION[:2] != (3, 2))' 2>/dev/null \
    || die "$PY has no Django 3.2: install Debian's python3-django (apt-get install python3-django python3-yaml)"
}

# Django runs in the project's folder; CRM_DB, CRM_VARIANT and CRM_GUIDE pick the
# database and the project's state (crmproject/settings.py).
django() { (cd "$here" && "$PY" manage.py "$@"); }

# make_extra_pair DB AFTER: DB (a writable copy of a before-state CRM database) gets
# the extra variant (migrate: own columns, notes, admin, sessions; seed_extra: their
# rows); AFTER is a copy of it on which Django ran the guide's migration
# (crmApp 0002_expand..0005_indexes), normalize's reference.
make_extra_pair() {
  CRM_DB=$1 CRM_VARIANT=extra CRM_GUIDE=0 django migrate -v0
  CRM_DB=$1 CRM_VARIANT=extra CRM_GUIDE=0 django seed_extra
  cp "$1" "$2"
  CRM_DB=$2 CRM_VARIANT=extra CRM_GUIDE=1 django migrate crmApp 0005_indexes -v0
}
