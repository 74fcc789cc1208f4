# Fill the extra variant's own data (CRM_VARIANT=extra, after `migrate`) through
# Django's ORM: the project's own columns (employees.linkedin_url and
# .badge_number, customers.loyalty_tier, deals.probability), a vendor whose only
# address value is its zip code (spec hazard zip_only_address), the notes app with
# its many-to-many, auth groups with members and permissions, admin LogEntry rows
# and sessions. Every timestamp is fixed here, not now(), so two runs write the
# same rows (the sessions' signed payloads too: Django's signer reads time.time(),
# held at T0 while they are made).
import datetime
from decimal import Decimal
from unittest import mock

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import transaction

from crmApp.models import Customer, Deal, Employee, User, Vendor
from notes.models import Note

UTC = datetime.timezone.utc
T0 = datetime.datetime(2025, 3, 1, 9, 30, 0, tzinfo=UTC)


class Command(BaseCommand):
    help = "Write the extra variant's own rows (fixed values)."

    @transaction.atomic
    def handle(self, *args, **options):
        # Own columns: a URL on every third employee (NULL on the rest; one with a
        # tab and non-ASCII), a badge number on every other, tiers, probabilities
        # on three deals in four.
        for e in Employee.objects.order_by('id'):
            if e.id % 3 == 0:
                e.linkedin_url = 'https://www.linkedin.com/in/%s-%d' % ((e.last_name or 'emp').lower(), e.id)
            if e.id == 4:
                e.linkedin_url = 'https://linkedin.com/in/zoë\tx'
            if e.id % 2 == 0:
                e.badge_number = 'B-%d' % (1000 + e.id)
            e.save(update_fields=['linkedin_url', 'badge_number'])
        for d in Deal.objects.order_by('id'):
            if d.id % 4:
                d.probability = (d.id * 7) % 101
                d.save(update_fields=['probability'])
        # Vendor 3 has no address; its zip code becomes its only address value.
        Vendor.objects.filter(id=3).update(address='', city='', state='', country='', zip_code='90210')
        for c in Customer.objects.order_by('id'):
            tier = {0: 'gold', 1: 'silver'}.get(c.id % 5)
            if tier:
                c.loyalty_tier = tier
                c.save(update_fields=['loyalty_tier'])

        # Groups with permissions and members (auth_group_permissions, users_groups,
        # users_user_permissions).
        sales = Group.objects.create(name='Sales')
        support = Group.objects.create(name='Support')
        Group.objects.create(name='Managers – Übersee')
        sales.permissions.set(Permission.objects.filter(codename__in=['view_customer', 'change_deal', 'add_note']))
        support.permissions.set(Permission.objects.filter(codename__in=['view_customer', 'view_note']))
        users = list(User.objects.order_by('id')[:12])
        for u in users[:8]:
            u.groups.add(sales)
        for u in users[6:12]:
            u.groups.add(support)
        users[0].is_staff = True
        users[0].is_superuser = True
        users[0].save(update_fields=['is_staff', 'is_superuser'])
        users[1].user_permissions.set(Permission.objects.filter(codename__in=['add_deal', 'view_logentry']))

        # The notes app: every field kind, some blank and NULL values, text with
        # newlines, tabs, quotes and non-ASCII.
        customers = list(Customer.objects.order_by('id')[:25])
        employees = list(Employee.objects.order_by('id')[:40:3])
        for i, c in enumerate(customers):
            n = Note.objects.create(
                customer=c,
                author=employees[i % len(employees)] if i % 5 else None,
                title='Call %d with %s' % (i + 1, c.name),
                body='' if i % 4 == 0 else 'Line one\n\tindented "quoted" \\ back-slash\nZürich → 東京 %d' % i,
                written_at=T0 + datetime.timedelta(days=i, microseconds=1000 * i),
                pinned=i % 3 == 0,
                amount=None if i % 2 else Decimal('%d.%02d' % (100 * i, i)),
            )
            if i % 2 == 0:
                n.groups.add(sales)
            if i % 3 == 0:
                n.groups.add(support)

        # Admin history: what the admin writes when staff edit records.
        ct = ContentType.objects.get_for_model
        entries = [
            (ADDITION, Customer, customers[0].id, str(customers[0].name), '[{"added": {}}]'),
            (CHANGE, Customer, customers[1].id, str(customers[1].name), '[{"changed": {"fields": ["Email"]}}]'),
            (CHANGE, Employee, 1, 'Employee object (1)', '[{"changed": {"fields": ["Job title", "Salary"]}}]'),
            (DELETION, Note, 999, 'Note object (999)', ''),
            (ADDITION, Note, 1, 'Note object (1)', '[{"added": {}}]'),
        ]
        for k, (flag, model, oid, repr_, msg) in enumerate(entries):
            LogEntry.objects.create(
                action_time=T0 + datetime.timedelta(hours=k), user=users[0], content_type=ct(model),
                object_id=str(oid), object_repr=repr_, action_flag=flag, change_message=msg)

        # Sessions as the session middleware stores them.
        for k in range(3):
            with mock.patch('django.core.signing.time.time', return_value=T0.timestamp()):
                data = SessionStore().encode({'_auth_user_id': str(users[k].id),
                                              '_auth_user_backend': 'django.contrib.auth.backends.ModelBackend'})
            Session.objects.create(session_key='redlinetestsession%014d' % k, session_data=data,
                                   expire_date=T0 + datetime.timedelta(days=14 + k))
        self.stdout.write('seeded: %d notes, %d log entries, %d sessions' % (
            Note.objects.count(), LogEntry.objects.count(), Session.objects.count()))
