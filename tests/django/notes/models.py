# The project's own app beside the CRM (CRM_VARIANT=extra): a table the spec does
# not name, with foreign keys into crmApp (customers, employees), a datetime, a
# bool, a decimal, a text and a many-to-many to auth.Group, so the corpus holds
# every kind of field an unknown dumpdata model can carry.
from django.db import models


class Note(models.Model):
    customer = models.ForeignKey('crmApp.Customer', on_delete=models.CASCADE, related_name='notes')
    # Into employees, the table the guide's contract rebuilds last (user_id NOT NULL).
    author = models.ForeignKey('crmApp.Employee', on_delete=models.SET_NULL, null=True, blank=True,
                               related_name='notes')
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True)
    written_at = models.DateTimeField()
    pinned = models.BooleanField(default=False)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    groups = models.ManyToManyField('auth.Group', blank=True, related_name='notes')
