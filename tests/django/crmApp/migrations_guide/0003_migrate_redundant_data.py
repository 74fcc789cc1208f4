# The guide's migration, phase M (spec §2 M1-M3): Phase 2's data migration of
# ../shared/seed/migration-guide.md, its code verbatim (the dependency filled in as
# the guide says). Its semantics are the reference Redline's normalization matches.
# Generated migration file: crmApp/migrations/XXXX_migrate_redundant_data.py

from django.db import migrations
from django.contrib.contenttypes.models import ContentType

def migrate_employee_data(apps, schema_editor):
    """Migrate employee contact info to user accounts"""
    Employee = apps.get_model('crmApp', 'Employee')
    User = apps.get_model('crmApp', 'User')
    
    for employee in Employee.objects.all():
        if employee.user_id:
            # Update user with employee's contact info
            user = employee.user
            if employee.first_name:
                user.first_name = employee.first_name
            if employee.last_name:
                user.last_name = employee.last_name
            if employee.email:
                user.email = employee.email
            if employee.phone:
                user.phone = employee.phone
            user.save()
        else:
            # Create user account for employee without one
            user = User.objects.create(
                username=employee.email or f'employee_{employee.id}',
                email=employee.email or f'employee_{employee.id}@temp.com',
                first_name=employee.first_name or '',
                last_name=employee.last_name or '',
                phone=employee.phone or ''
            )
            employee.user = user
            employee.save()

def migrate_addresses(apps, schema_editor):
    """Migrate address data from old fields to Address table"""
    Address = apps.get_model('crmApp', 'Address')
    Addressable = apps.get_model('crmApp', 'Addressable')
    
    # Models with address fields
    models_to_migrate = [
        ('Organization', apps.get_model('crmApp', 'Organization')),
        ('Customer', apps.get_model('crmApp', 'Customer')),
        ('Vendor', apps.get_model('crmApp', 'Vendor')),
        ('Lead', apps.get_model('crmApp', 'Lead')),
        ('Employee', apps.get_model('crmApp', 'Employee')),
    ]
    
    for model_name, Model in models_to_migrate:
        content_type = ContentType.objects.get_for_model(Model)
        
        for instance in Model.objects.all():
            # Check if address data exists
            if any([
                getattr(instance, 'address', None),
                getattr(instance, 'city', None),
                getattr(instance, 'state', None),
                getattr(instance, 'country', None),
                getattr(instance, 'postal_code', None)
            ]):
                # Create Address record
                address = Address.objects.create(
                    address_line1=getattr(instance, 'address', '') or '',
                    city=getattr(instance, 'city', '') or '',
                    state=getattr(instance, 'state', '') or '',
                    country=getattr(instance, 'country', '') or '',
                    postal_code=getattr(instance, 'postal_code', '') or getattr(instance, 'zip_code', '') or '',
                    address_type='primary',
                    is_primary=True
                )
                
                # Link via Addressable
                Addressable.objects.create(
                    address=address,
                    content_type=content_type,
                    object_id=instance.id
                )

def migrate_currency_defaults(apps, schema_editor):
    """Set organization default currency from most common currency"""
    Organization = apps.get_model('crmApp', 'Organization')
    Deal = apps.get_model('crmApp', 'Deal')
    
    for org in Organization.objects.all():
        # Find most common currency in deals
        from django.db.models import Count
        common_currency = Deal.objects.filter(
            organization=org
        ).values('currency').annotate(
            count=Count('currency')
        ).order_by('-count').first()
        
        if common_currency:
            org.default_currency = common_currency['currency']
        else:
            org.default_currency = 'USD'
        org.save()

def reverse_migration(apps, schema_editor):
    """Reverse is not supported - restore from backup"""
    raise RuntimeError(
        "Reversing this migration is not supported. "
        "Please restore from database backup if needed."
    )

class Migration(migrations.Migration):
    dependencies = [
        ('crmApp', '0002_expand'),
    ]

    operations = [
        migrations.RunPython(migrate_employee_data, reverse_migration),
        migrations.RunPython(migrate_addresses, reverse_migration),
        migrations.RunPython(migrate_currency_defaults, reverse_migration),
    ]


# Not the guide's: run as written, migrate_addresses fails on Django 3.2 with
#   ValueError: Cannot assign "<ContentType: crmApp | organization>":
#   "Addressable.content_type" must be a "ContentType" instance.
# (the module imports the real ContentType, Addressable is a historical model whose
# foreign key wants the historical ContentType). The functions above stay verbatim;
# each runs with the name ContentType bound to the historical model of its state,
# which answers get_for_model() the same way (ContentTypeManager is a migration
# manager) and returns the same rows.
def _with_historical_contenttype(func):
    def run(apps, schema_editor):
        globals()['ContentType'] = apps.get_model('contenttypes', 'ContentType')
        return func(apps, schema_editor)
    run.__name__ = func.__name__
    return run


Migration.operations = [
    migrations.RunPython(_with_historical_contenttype(op.code), op.reverse_code) for op in Migration.operations
]
