# Row counts straight from the database (SELECT count(*)), as JSON on stdout, for
# the corpus' counts.json: a test checks that loading a file keeps every row.
#   table_counts [--sqlite NAME].. [--dump NAME[:EXCLUDES]]..
# prints {NAME: {table: rows}}: for --sqlite every table of the database (the
# .sqlite3 file itself), for --dump the tables a `dumpdata -e X -e Y` (EXCLUDES
# "X,Y", as its -e options) of this database writes: each dumped model's table and
# its auto-created many-to-many tables. One process for all files of a database.
import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = 'Print {file: {table: row count}} of the database or of what dumpdata writes of it.'

    def add_arguments(self, parser):
        parser.add_argument('--sqlite', action='append', default=[], help='NAME: every table')
        parser.add_argument('--dump', action='append', default=[], help='NAME[:EXCLUDES]: dumped tables')

    def handle(self, *args, **options):
        with connection.cursor() as c:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            every = [r[0] for r in c.fetchall()]
        files = {name: every for name in options['sqlite']}
        for spec in options['dump']:
            name, _, excludes = spec.partition(':')
            files[name] = self.dumped_tables([e for e in excludes.split(',') if e])
        out = {}
        with connection.cursor() as c:
            for name, tables in files.items():
                out[name] = {}
                for t in tables:
                    c.execute('SELECT count(*) FROM %s' % connection.ops.quote_name(t))
                    out[name][t] = c.fetchone()[0]
        self.stdout.write(json.dumps(out, sort_keys=True))

    @staticmethod
    def dumped_tables(excludes):
        # dumpdata's own selection: installed apps' concrete, managed, non-proxy
        # models (auto-created through models travel inside their owner).
        tables = set()
        for model in apps.get_models():
            label = model._meta.app_label
            if label in excludes or model._meta.label in excludes:
                continue
            if model._meta.proxy or not model._meta.managed:
                continue
            tables.add(model._meta.db_table)
            for f in model._meta.local_many_to_many:
                if f.remote_field.through._meta.auto_created:
                    tables.add(f.remote_field.through._meta.db_table)
        return sorted(tables)
