"""`manage.py backup [--to DIR] [--keep N]`: one archive of the database and the uploaded files.

Safe while the site runs. Prints one line for cron mail; exits non-zero if no backup was made.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backups.errors import BackupRefused
from backups.services import backup_create, backup_summary


class Command(BaseCommand):
    help = gettext_lazy("Write a backup archive of the database and the uploaded files, and drop the oldest ones.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", type=Path, default=settings.XIANGFENG_BACKUP_DIR,
            help=gettext_lazy("Folder to write the archive into (XIANGFENG_BACKUP_DIR)."),
        )  # fmt: skip
        parser.add_argument(
            "--keep", type=int, default=settings.XIANGFENG_BACKUP_KEEP,
            help=gettext_lazy("How many archives to keep in that folder (XIANGFENG_BACKUP_KEEP)."),
        )  # fmt: skip

    def handle(self, *, to: Path, keep: int, **options):
        if keep < 1:
            raise CommandError(_("--keep must be at least 1."))
        try:
            backup = backup_create(to=to, keep=keep)
        except BackupRefused as refused:
            raise CommandError(_("No backup was made: %(reason)s") % {"reason": refused.message}) from refused
        self.stdout.write(
            _(
                "Backup written to %(path)s (%(size)s): %(households)s households, %(entries)s entries, "
                "%(redemptions)s redemptions, %(files)s files; %(removed)s older archives removed."
            )
            % {
                "path": backup.path,
                "size": filesizeformat(backup.path.stat().st_size),
                "removed": len(backup.removed),
                **backup_summary(backup.manifest),
            }
        )
