# crmApp's migrations. The folder holds the before state (0001_initial); the
# settings add two more folders to this package's search path, so that Django's
# loader (which lists the package's __path__) sees their migrations only when asked:
#   ../migrations_extra  (CRM_VARIANT=extra) the project's own later fields,
#                        0001_extra_fields, applied before the guide's migrations
#   ../migrations_guide  (CRM_GUIDE=1) the guide's migration, 0002_expand ..
#                        0005_indexes, named as the fixtures' django_migrations name them
# A settings switch rather than separate migration modules: each migration file
# exists once, and the guide's keep the names Redline records.
import os

from django.conf import settings

_here = os.path.dirname(os.path.abspath(__file__))
__path__ = [_here]
if settings.CRM_VARIANT == 'extra':
    __path__.append(os.path.join(os.path.dirname(_here), 'migrations_extra'))
if settings.CRM_GUIDE:
    __path__.append(os.path.join(os.path.dirname(_here), 'migrations_guide'))
