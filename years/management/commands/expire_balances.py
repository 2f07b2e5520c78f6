"""`manage.py expire_balances`: write the balance expiries whose day has come (from cron, daily).

A year closed with the balance expiring on a later date (e.g. 31 March, so villagers may spend
their points first) is expired here on that day, once; running it again writes nothing more.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from years.services import year_expire_due


class Command(BaseCommand):
    help = gettext_lazy("Write the balance expiries of closed years whose day has come.")

    def handle(self, **options):
        done = year_expire_due()
        for close in done:
            self.stdout.write(
                _("%(village)s: the balance of %(year)s expired.") % {"village": close.village, "year": close.year}
            )
        if not done:
            self.stdout.write(_("No balance expiry is due."))
