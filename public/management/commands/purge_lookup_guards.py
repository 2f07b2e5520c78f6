"""`manage.py purge_lookup_guards`: delete the lookup's spent PIN-attempt counters.

Every failed PIN leaves a counter row per household number and per address; once its window has
run out and no lock is running it holds nothing back. Run this nightly from cron.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from public.services import lookup_guards_purge


class Command(BaseCommand):
    help = gettext_lazy("Delete the lookup's PIN-attempt counters whose window has run out.")

    def handle(self, **options):
        deleted = lookup_guards_purge()
        self.stdout.write(_("Deleted %(count)d spent lookup counters.") % {"count": deleted})
