# The guide's expand phase: the two new models, default_currency, currency nullable.
import django.db.models.deletion
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [('contenttypes', '0002_remove_content_type_name'), ('crmApp', '0001_project_fields')]
    operations = [
        migrations.CreateModel(name='Address', fields=[
            ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('address_line1', models.CharField(max_length=255)),
            ('address_line2', models.CharField(blank=True, max_length=255)),
            ('city', models.CharField(max_length=100)),
            ('state', models.CharField(max_length=100)),
            ('postal_code', models.CharField(max_length=20)),
            ('country', models.CharField(max_length=100)),
            ('address_type', models.CharField(max_length=20)),
            ('is_primary', models.BooleanField(default=False)),
        ], options={'db_table': 'addresses'}),
        migrations.CreateModel(name='Addressable', fields=[
            ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('object_id', models.PositiveIntegerField()),
            ('address', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='crmApp.address')),
            ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
        ], options={'db_table': 'addressables'}),
        migrations.AddField('organization', 'default_currency', models.CharField(max_length=3, null=True, blank=True)),
        migrations.AlterField('deal', 'currency', models.CharField(max_length=3, null=True)),
        migrations.AlterField('order', 'currency', models.CharField(max_length=3, null=True)),
        migrations.AlterField('payment', 'currency', models.CharField(max_length=3, null=True)),
    ]
