# The guide's Phase 6.3 indexes (spec §2 I), its SQL with the polymorphic columns
# the models actually have (content_type_id, object_id).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crmApp', '0004_contract'),
    ]

    operations = [
        migrations.RunSQL(
            'CREATE INDEX idx_addressables_content_type ON addressables(content_type_id, object_id)',
            'DROP INDEX idx_addressables_content_type'),
        migrations.RunSQL(
            'CREATE INDEX idx_addresses_is_primary ON addresses(is_primary) WHERE is_primary = true',
            'DROP INDEX idx_addresses_is_primary'),
        migrations.RunSQL(
            'CREATE INDEX idx_employees_user ON employees(user_id)',
            'DROP INDEX idx_employees_user'),
    ]
