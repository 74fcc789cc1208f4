# The CRM's models. DJ_PHASE=before: the old structure (used to generate 0001 and to
# make the before database); otherwise the new one (only the model names matter to
# migrate's post_migrate content types; the schema comes from the migrations).
import os
from django.db import models
from django.contrib.auth.models import AbstractUser

BEFORE = os.environ.get('DJ_PHASE') == 'before'

class User(AbstractUser):
    phone = models.CharField(max_length=20, blank=True)
    class Meta:
        db_table = 'users'

def addr(zip_name='postal_code', country=True):
    f = {'address': models.TextField(blank=True), 'city': models.CharField(max_length=100, blank=True),
         'state': models.CharField(max_length=100, blank=True)}
    if zip_name == 'zip_code':
        f['zip_code'] = models.CharField(max_length=20, blank=True)
        f['country'] = models.CharField(max_length=100, blank=True)
    else:
        f['postal_code'] = models.CharField(max_length=20, blank=True)
        if country:
            f['country'] = models.CharField(max_length=100, blank=True)
    return f if BEFORE else {}

def model(name, table, fields, tail):
    attrs = {'__module__': __name__, 'Meta': type('Meta', (), {'db_table': table})}
    attrs.update(fields)
    attrs.update(tail)
    return type(name, (models.Model,), attrs)

Organization = model('Organization', 'organizations', {
    'name': models.CharField(max_length=200), 'email': models.EmailField(blank=True),
    'phone': models.CharField(max_length=20, blank=True), 'website': models.URLField(blank=True),
    'created_at': models.DateTimeField()}, addr())
Customer = model('Customer', 'customers', {
    'name': models.CharField(max_length=200), 'email': models.EmailField(blank=True),
    'phone': models.CharField(max_length=20, blank=True), 'company': models.CharField(max_length=200, blank=True),
    'customer_type': models.CharField(max_length=20), 'created_at': models.DateTimeField()},
    dict(addr(), organization=models.ForeignKey(Organization, on_delete=models.CASCADE)))
Vendor = model('Vendor', 'vendors', {
    'name': models.CharField(max_length=200), 'email': models.EmailField(blank=True),
    'phone': models.CharField(max_length=20, blank=True), 'contact_person': models.CharField(max_length=100, blank=True),
    'created_at': models.DateTimeField()},
    dict(addr('zip_code'), organization=models.ForeignKey(Organization, on_delete=models.CASCADE)))
Lead = model('Lead', 'leads', {
    'name': models.CharField(max_length=200), 'email': models.EmailField(blank=True),
    'phone': models.CharField(max_length=20, blank=True), 'source': models.CharField(max_length=50),
    'status': models.CharField(max_length=20), 'estimated_value': models.DecimalField(max_digits=12, decimal_places=2, null=True),
    'created_at': models.DateTimeField()},
    dict(addr(country=False), organization=models.ForeignKey(Organization, on_delete=models.CASCADE)))
emp = {'employee_code': models.CharField(max_length=20), 'department': models.CharField(max_length=100),
       'job_title': models.CharField(max_length=100), 'hire_date': models.DateField(null=True),
       'salary': models.DecimalField(max_digits=12, decimal_places=2, null=True),
       'status': models.CharField(max_length=20), 'emergency_contact_name': models.CharField(max_length=100, blank=True),
       'emergency_contact_phone': models.CharField(max_length=20, blank=True), 'created_at': models.DateTimeField()}
if BEFORE:
    emp.update(first_name=models.CharField(max_length=100, blank=True), last_name=models.CharField(max_length=100, blank=True),
               email=models.EmailField(blank=True), phone=models.CharField(max_length=20, blank=True))
Employee = model('Employee', 'employees', emp,
    dict(addr(), organization=models.ForeignKey(Organization, on_delete=models.CASCADE),
         user=models.ForeignKey(User, on_delete=models.CASCADE, null=BEFORE, db_index=False)))
Deal = model('Deal', 'deals', {
    'title': models.CharField(max_length=200), 'value': models.DecimalField(max_digits=12, decimal_places=2),
    'currency': models.CharField(max_length=3, null=not BEFORE), 'stage': models.CharField(max_length=30),
    'expected_close_date': models.DateField(null=True), 'created_at': models.DateTimeField(),
    'customer': models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True),
    'organization': models.ForeignKey(Organization, on_delete=models.CASCADE)}, {})
Order = model('Order', 'orders', {
    'order_number': models.CharField(max_length=30, unique=True),
    'total_amount': models.DecimalField(max_digits=12, decimal_places=2),
    'currency': models.CharField(max_length=3, null=not BEFORE), 'status': models.CharField(max_length=20),
    'order_date': models.DateField(), 'customer': models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True),
    'organization': models.ForeignKey(Organization, on_delete=models.CASCADE)}, {})
Payment = model('Payment', 'payments', {
    'amount': models.DecimalField(max_digits=12, decimal_places=2),
    'currency': models.CharField(max_length=3, null=not BEFORE), 'payment_method': models.CharField(max_length=30),
    'payment_date': models.DateField(), 'status': models.CharField(max_length=20),
    'order': models.ForeignKey(Order, on_delete=models.SET_NULL, null=True),
    'organization': models.ForeignKey(Organization, on_delete=models.CASCADE)}, {})
if not BEFORE:
    from django.contrib.contenttypes.models import ContentType
    Address = model('Address', 'addresses', {
        'address_line1': models.CharField(max_length=255), 'address_line2': models.CharField(max_length=255, blank=True),
        'city': models.CharField(max_length=100), 'state': models.CharField(max_length=100),
        'postal_code': models.CharField(max_length=20), 'country': models.CharField(max_length=100),
        'address_type': models.CharField(max_length=20), 'is_primary': models.BooleanField(default=False)}, {})
    Addressable = model('Addressable', 'addressables', {
        'object_id': models.PositiveIntegerField(),
        'address': models.ForeignKey(Address, on_delete=models.CASCADE),
        'content_type': models.ForeignKey(ContentType, on_delete=models.CASCADE)}, {})
