# The guide's contract phase: the redundant columns go, employees.user becomes NOT NULL.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

A = ['address', 'city', 'state', 'postal_code', 'country']
drops = ([('employee', f) for f in ['first_name', 'last_name', 'email', 'phone'] + A] +
         [('organization', f) for f in A] + [('customer', f) for f in A] +
         [('vendor', f) for f in ['address', 'city', 'state', 'zip_code', 'country']] +
         [('lead', f) for f in ['address', 'city', 'state', 'postal_code']])

class Migration(migrations.Migration):
    dependencies = [('crmApp', '0003_migrate_redundant_data')]
    operations = [migrations.RemoveField(m, f) for m, f in drops] + [
        migrations.AlterField('employee', 'user', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
    ]
