"""`manage.py finalise_cases`: record every case whose notice period ended without objection.

Meant for cron (deploy/systemd/xiangfeng-cases.timer). Reading a case after its deadline
finalises it too; whichever comes first records the one entry, the other finds it final.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy, ngettext

from cases.services import finalise_due


class Command(BaseCommand):
    help = gettext_lazy("Record the entry of every case whose notice period ended without objection.")

    def handle(self, **options):
        count = finalise_due()
        self.stdout.write(
            ngettext("%(count)d case finalised.", "%(count)d cases finalised.", count) % {"count": count}
        )
