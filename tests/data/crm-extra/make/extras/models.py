# Another app of the project: a table the CRM spec does not name.
from django.db import models

class Note(models.Model):
    employee = models.ForeignKey('crmApp.Employee', on_delete=models.CASCADE)
    text = models.TextField()
    created_at = models.DateTimeField()
