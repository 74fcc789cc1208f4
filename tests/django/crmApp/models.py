# The CRM's models in their old, redundant structure: the state of
# ../shared/spec/before-schema.sql (`crmApp` 0001_initial). Field order follows
# the fixtures' dumpdata output (model field order), column types, lengths and
# nullability the schema. The guide's migrations (migrations_guide/) move the
# database past these models; the models stay the "before" code base on purpose.
#
# With CRM_VARIANT=extra the project's own later fields are added (the models
# must agree with the database for dumpdata to read it): employees.linkedin_url,
# employees.badge_number (indexed), customers.loyalty_tier (NOT NULL with a
# default), deals.probability (a CHECK constraint).
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

EXTRA = settings.CRM_VARIANT == 'extra'


class User(AbstractUser):
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        db_table = 'users'


class Organization(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = 'organizations'


class Employee(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    employee_code = models.CharField(max_length=20)
    department = models.CharField(max_length=100, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    salary = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=20, default='active')
    emergency_contact_name = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # No index in the schema: the guide adds idx_employees_user itself (0005).
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, db_index=False)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    if EXTRA:
        linkedin_url = models.URLField(max_length=200, null=True, blank=True)
        badge_number = models.CharField(max_length=20, null=True, blank=True, db_index=True)

    class Meta:
        db_table = 'employees'


class Customer(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    company = models.CharField(max_length=200, blank=True)
    customer_type = models.CharField(max_length=20, default='individual')
    created_at = models.DateTimeField(default=timezone.now)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    if EXTRA:
        loyalty_tier = models.CharField(max_length=10, default='std')

    class Meta:
        db_table = 'customers'


class Vendor(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    contact_person = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = 'vendors'


class Lead(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=20, default='new')
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)

    class Meta:
        db_table = 'leads'


class Deal(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default='USD')
    stage = models.CharField(max_length=30, default='prospecting')
    expected_close_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    if EXTRA:
        probability = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        db_table = 'deals'


class Order(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    order_number = models.CharField(max_length=30, unique=True)
    total_amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default='USD')
    status = models.CharField(max_length=20, default='pending')
    order_date = models.DateField()

    class Meta:
        db_table = 'orders'


class Payment(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default='USD')
    payment_method = models.CharField(max_length=30)
    payment_date = models.DateField()
    status = models.CharField(max_length=20, default='pending')

    class Meta:
        db_table = 'payments'
