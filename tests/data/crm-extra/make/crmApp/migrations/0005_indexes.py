# The guide's phase 6.3 indexes, verbatim.
from django.db import migrations

class Migration(migrations.Migration):
    dependencies = [('crmApp', '0004_contract')]
    operations = [migrations.RunSQL([
        "CREATE INDEX idx_addressables_content_type ON addressables(content_type_id, object_id);",
        "CREATE INDEX idx_addresses_is_primary ON addresses(is_primary) WHERE is_primary = true;",
        "CREATE INDEX idx_employees_user ON employees(user_id);",
    ])]
