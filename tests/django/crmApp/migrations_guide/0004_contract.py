# The guide's migration, phase C (spec §2 C1-C3): the old columns go, and every
# employee now has a user. On SQLite each step rebuilds its table.
from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion

ADDRESS = ['address', 'city', 'state', 'postal_code', 'country']


def remove(model, names):
    return [migrations.RemoveField(model_name=model, name=n) for n in names]


class Migration(migrations.Migration):

    dependencies = [
        ('crmApp', '0003_migrate_redundant_data'),
    ]

    operations = (
        remove('employee', ['first_name', 'last_name', 'email', 'phone'] + ADDRESS)
        + remove('organization', ADDRESS)
        + remove('customer', ADDRESS)
        + remove('vendor', ['address', 'city', 'state', 'zip_code', 'country'])
        + remove('lead', ['address', 'city', 'state', 'postal_code'])
        + [
            migrations.AlterField(
                model_name='employee',
                name='user',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                        to=settings.AUTH_USER_MODEL),
            ),
        ]
    )
