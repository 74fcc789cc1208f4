# Django settings of the scratch project that makes tests/data/crm-extra (see make.sh):
# the CRM app, another app of the project, SQLite at $DJ_DB.
import os
SECRET_KEY = 'scratch'
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'crmApp', 'extras']
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.environ['DJ_DB']}}
AUTH_USER_MODEL = 'crmApp.User'
USE_TZ = True
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
