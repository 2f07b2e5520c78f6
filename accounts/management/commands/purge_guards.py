"""`manage.py purge_guards`: delete the login's and the lookup's spent attempt counters.

Every failed login or PIN leaves counter rows (per account, per address, per household number);
once their windows have run out and no lock is recent they hold nothing back. Run this nightly from cron.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.guards import guards_purge


class Command(BaseCommand):
    help = gettext_lazy("Delete the login's and the lookup's attempt counters that hold nothing back any more.")

    def handle(self, **options):
        deleted = guards_purge()
        self.stdout.write(_("Deleted %(count)d spent attempt counters.") % {"count": deleted})
