from django.apps import AppConfig


class CrmAppConfig(AppConfig):
    name = 'crmApp'
    default_auto_field = 'django.db.models.AutoField'
