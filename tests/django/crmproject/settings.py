# Settings of the test set-up's CRM project (tests/django/README.md). Chosen by
# environment, so that one code base is each state the corpus needs:
#   CRM_DB       the SQLite file to work on (required; the generator copies it first)
#   CRM_VARIANT  'small' (default): contenttypes, auth and crmApp only, as the
#                fixtures' project; 'extra': plus admin, sessions, messages, the
#                project's own app `notes` and crmApp's own later fields
#   CRM_GUIDE    '1': the guide's migrations 0002_expand..0005_indexes exist
#                (crmApp/migrations/__init__.py); otherwise the project stops at
#                its before state
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CRM_VARIANT = os.environ.get('CRM_VARIANT', 'small')
if CRM_VARIANT not in ('small', 'extra'):
    raise RuntimeError("CRM_VARIANT must be 'small' or 'extra', not %r" % CRM_VARIANT)
CRM_GUIDE = os.environ.get('CRM_GUIDE') == '1'

# A fixed key: this project only ever runs on throw-away test databases.
SECRET_KEY = 'redline-test-project-not-secret'
DEBUG = False
ALLOWED_HOSTS = []

if CRM_VARIANT == 'extra':
    # Django's project template's order (admin, auth, contenttypes, sessions,
    # messages), then the project's apps: the order in which Redline's dumpdata
    # loader creates the content types a dump without them lacks.
    INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes',
                      'django.contrib.sessions', 'django.contrib.messages', 'crmApp', 'notes']
else:
    # contenttypes before auth: the fixtures' dumpdata lists contenttypes first.
    INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'crmApp']

MIDDLEWARE = [
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
] if CRM_VARIANT == 'extra' else []

TEMPLATES = [{
    'BACKEND': 'django.template.backends.django.DjangoTemplates',
    'DIRS': [],
    'APP_DIRS': True,
    'OPTIONS': {'context_processors': [
        'django.template.context_processors.request',
        'django.contrib.auth.context_processors.auth',
        'django.contrib.messages.context_processors.messages',
    ]},
}]

ROOT_URLCONF = 'crmproject.urls'

# CRM_PG_DB: a PostgreSQL database instead (local socket, the OS user's role; Debian's
# python3-psycopg2), for the benchmark of bench/pg_script_bench.sh.
if 'CRM_PG_DB' in os.environ:
    DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': os.environ['CRM_PG_DB']}}
elif 'CRM_DB' not in os.environ:
    raise RuntimeError('set CRM_DB to the SQLite file to work on (or CRM_PG_DB to a PostgreSQL database)')
else:
    DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.environ['CRM_DB']}}

AUTH_USER_MODEL = 'crmApp.User'
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

USE_TZ = True
TIME_ZONE = 'UTC'
USE_I18N = False
LANGUAGE_CODE = 'en-us'
