# The project's own later fields (CRM_VARIANT=extra): columns the spec does not
# name, which the guide's migration must carry through untouched. Named 0001_* and
# placed before the guide's 0002_expand with run_before, so the guide's migrations
# keep their names (the ones Redline records in django_migrations).
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crmApp', '0001_initial'),
    ]
    # Only when the guide's migrations are there (CRM_GUIDE=1); a run_before on a
    # migration the loader does not know is an error.
    run_before = [('crmApp', '0002_expand')] if settings.CRM_GUIDE else []

    operations = [
        # Nullable, no default: SQLite's ALTER TABLE ADD COLUMN.
        migrations.AddField(
            model_name='employee',
            name='linkedin_url',
            field=models.URLField(blank=True, null=True),
        ),
        # Indexed: Django adds the column, then CREATE INDEX employees_badge_number_<hash>.
        migrations.AddField(
            model_name='employee',
            name='badge_number',
            field=models.CharField(blank=True, db_index=True, max_length=20, null=True),
        ),
        # NOT NULL with a default: Django rebuilds the table and fills the default.
        migrations.AddField(
            model_name='customer',
            name='loyalty_tier',
            field=models.CharField(default='std', max_length=10),
        ),
        # A CHECK constraint on the column ("probability" >= 0), written by Django.
        migrations.AddField(
            model_name='deal',
            name='probability',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
    ]
