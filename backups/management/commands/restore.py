"""`manage.py restore FILE`: a backup archive into an empty database and storage, then `reconcile`.

Refuses, changing nothing, an archive that is damaged, of the other kind of database, or a
database that already has tables.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backups.errors import BackupRefused
from backups.services import backup_restore, backup_summary


class Command(BaseCommand):
    help = gettext_lazy("Restore a backup archive into an empty database, check it whole and reconcile it.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help=gettext_lazy("The archive `backup` wrote."))

    def handle(self, *, archive: Path, **options):
        try:
            manifest = backup_restore(archive=archive)
        except BackupRefused as refused:
            raise CommandError(_("The restore stopped: %(reason)s") % {"reason": refused.message}) from refused
        self.stdout.write(
            _(
                "Restored %(path)s, made %(created)s: %(households)s households, %(entries)s entries, "
                "%(redemptions)s redemptions, %(files)s files."
            )
            % {"path": archive, "created": manifest["created_at"], **backup_summary(manifest)}
        )
        call_command("reconcile", stdout=self.stdout, stderr=self.stderr)
