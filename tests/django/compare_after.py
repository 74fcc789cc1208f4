#!/usr/bin/python3
# Compare two "after" databases by spec §2's rule (normalization.md): the same
# schema (sqlite_schema rows) and the same rows in every table, except created
# users' date_joined, django_migrations.applied, and the ids of addresses and
# addressables (compared by content through the content type). Prints each
# difference; exits 1 if there is any. Two before-state databases compare by the
# same rule (they have no addresses).
#   compare_after.py OURS REFERENCE BEFORE   (BEFORE: the snapshot both came from)
import sqlite3
import sys


def main(ours, ref, before):
    db = sqlite3.connect(ours)
    db.execute('ATTACH ? AS ref', (ref,))
    db.execute('ATTACH ? AS orig', (before,))
    problems = []

    def diff(what, a, b):
        for side, x, y in (('only in ' + ours, a, b), ('only in ' + ref, b, a)):
            rows = db.execute('SELECT * FROM (%s EXCEPT %s) LIMIT 5' % (x, y)).fetchall()
            if rows:
                problems.append('%s: rows %s: %r' % (what, side, rows))
        na = db.execute('SELECT count(*) FROM (%s)' % a).fetchone()[0]
        nb = db.execute('SELECT count(*) FROM (%s)' % b).fetchone()[0]
        if na != nb:
            problems.append('%s: %d rows against %d' % (what, na, nb))

    schema = 'SELECT type, name, tbl_name, sql FROM %s.sqlite_schema'
    diff('schema', schema % 'main', schema % 'ref')

    max_user = db.execute('SELECT max(id) FROM orig.users').fetchone()[0]
    tables = [r[0] for r in db.execute("SELECT name FROM ref.sqlite_schema WHERE type = 'table' ORDER BY name")]
    for t in tables:
        if t in ('addresses', 'addressables'):
            continue
        cols = '*'
        if t == 'users':
            names = [r[1] for r in db.execute('PRAGMA ref.table_info(users)') if r[1] != 'date_joined']
            cols = ', '.join('"%s"' % n for n in names) + \
                ', CASE WHEN id <= %d THEN date_joined END' % max_user
        elif t == 'django_migrations':
            cols = 'id, app, name'
        diff(t, 'SELECT %s FROM main."%s"' % (cols, t), 'SELECT %s FROM ref."%s"' % (cols, t))

    content = ('SELECT ct.app_label, ct.model, x.object_id, a.address_line1, a.address_line2, a.city, a.state, '
               'a.postal_code, a.country, a.address_type, a.is_primary FROM {0}.addressables AS x '
               'JOIN {0}.addresses AS a ON a.id = x.address_id '
               'JOIN {0}.django_content_type AS ct ON ct.id = x.content_type_id')
    # EXCEPT is set-wise: group with a count so that duplicated addresses count.
    grouped = 'SELECT *, count(*) FROM (%s) GROUP BY 1,2,3,4,5,6,7,8,9,10,11'
    # A before-state pair has no addresses (the schema comparison said so already).
    if 'addressables' in tables:
        diff('addresses by content', grouped % content.format('main'), grouped % content.format('ref'))
        for t in ('addresses', 'addressables'):
            diff(t + ' count', 'SELECT 1 FROM main.%s' % t, 'SELECT 1 FROM ref.%s' % t)

    for p in problems:
        print(p)
    print('%s: %s' % (ours, 'differs from ' + ref if problems else 'equal to %s by spec §2' % ref))
    return 1 if problems else 0


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit('usage: compare_after.py OURS REFERENCE BEFORE')
    sys.exit(main(*sys.argv[1:]))
