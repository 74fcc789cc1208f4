# A later migration of the project: columns the CRM spec does not name.
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [('crmApp', '0001_initial')]
    operations = [
        migrations.AddField('employee', 'linkedin_url', models.URLField(max_length=200, null=True, blank=True)),
        migrations.AddField('employee', 'badge_number', models.CharField(max_length=20, null=True, db_index=True)),
        migrations.AddField('customer', 'loyalty_tier', models.CharField(max_length=10, default='bronze')),
        migrations.AddField('deal', 'probability', models.PositiveSmallIntegerField(null=True)),
    ]
