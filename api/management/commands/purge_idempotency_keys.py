"""`manage.py purge_idempotency_keys [--days N]`: forget the API's answers to old idempotent writes.

A client retries a write within minutes, not months; the writes themselves stay in the ledger and
the shop's books (which keep each redemption's key for good, so a redemption is never made twice
however late the retry). Run this nightly from cron.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api.idempotency import keys_purge

DEFAULT_DAYS = 30


class Command(BaseCommand):
    help = gettext_lazy("Delete the API's kept answers to idempotent requests older than some days.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=gettext_lazy("keep this many days"))

    def handle(self, *, days: int, **options):
        if days < 1:
            raise CommandError(_("Keep at least one day of answers."))
        deleted = keys_purge(before=timezone.now() - timedelta(days=days))
        self.stdout.write(_("Deleted %(count)d kept answers.") % {"count": deleted})
