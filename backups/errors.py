"""Refusals of `backup` and `restore`, with a message in the operator's language."""

from django.utils.translation import gettext_lazy as _

from households.errors import DomainError


class BackupRefused(DomainError):
    code = "backup_refused"
    default_message = _("The backup could not be made.")


class NotABackup(BackupRefused):
    code = "not_a_backup"
    default_message = _("%(path)s is not a Xiangfeng backup archive (%(reason)s).")


class BackupDamaged(BackupRefused):
    code = "backup_damaged"
    default_message = _("The archive is damaged: %(member)s does not match the checksum in its manifest.")


class WrongDatabase(BackupRefused):
    code = "wrong_database"
    default_message = _(
        "This is a backup of a %(archive)s database and cannot be restored into %(target)s; "
        "point DATABASE_URL at a %(archive)s database."
    )


class DatabaseNotEmpty(BackupRefused):
    code = "database_not_empty"
    default_message = _(
        "The database %(name)s is not empty (it has %(tables)s tables). A backup is restored only into "
        "an empty database: create a new one, point DATABASE_URL at it and run restore again."
    )


class FileInTheWay(BackupRefused):
    code = "file_in_the_way"
    default_message = _("The uploaded file %(name)s already exists with other contents; restore into empty storage.")


class RestoredCountsDiffer(BackupRefused):
    code = "restored_counts_differ"
    default_message = _("The restored table %(table)s has %(restored)s rows, but the backup counted %(counted)s.")
