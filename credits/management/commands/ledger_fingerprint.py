"""`manage.py ledger_fingerprint <village> [--household NUMBER] [--at TIME]`: the code the board
(or a household's record) showed, as the books give it now or for the time a village noted.

A village that kept a code from its board checks it by running this with the time printed beside
it: a different answer means a past entry was changed, removed or inserted since, even if every
hash after it was recomputed. `reconcile` checks that each chain holds together; this checks that
it is still the chain the village saw.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credits.selectors import household_fingerprint, village_fingerprint
from households.models import Household, Village


class Command(BaseCommand):
    help = gettext_lazy("Print a village's (or one household's) ledger fingerprint, now or as it was at a given time.")

    def add_arguments(self, parser):
        parser.add_argument("village", help=gettext_lazy("the village's code"))
        parser.add_argument("--household", help=gettext_lazy("a household's number, for its own code"))
        parser.add_argument(
            "--at", help=gettext_lazy('the time shown beside the code, e.g. "2026-11-30 17:52:03" (local time)')
        )

    def handle(self, *, village: str, household: str | None, at: str | None, **options):
        found = Village.objects.filter(code=village).first()
        if found is None:
            raise CommandError(_("No village with the code %(code)s.") % {"code": village})
        when = None
        if at:
            when = parse_datetime(at)
            if when is None:
                raise CommandError(_('Give the time as "YYYY-MM-DD HH:MM:SS".'))
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        if household is None:
            code = village_fingerprint(found, at=when)
        else:
            one = Household.objects.filter(village=found, number=household).first()
            if one is None:
                raise CommandError(
                    _("No household %(number)s in %(village)s.") % {"number": household, "village": village}
                )
            code = household_fingerprint(one, at=when)
        self.stdout.write(code or _("No entries yet at that time."))
