"""A roster import as a background job: started by the upload, checked, confirmed, applied.

A county's roster (100,000 rows) takes longer than a web request may, so the page only starts
the work (`roster_import_start`) and shows its progress; `credits.tasks` runs the two steps in
the worker (`manage.py db_worker`). Both steps read the sheet through the same import resource
as before (`credits.roster`): checking with `dry_run` and no transaction, so the progress it
reports is committed as it goes; applying in one transaction that any refused row rolls back.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from credits.models import RosterImport
from credits.roster import HouseholdImportResource, read_sheet
from credits.sheet import UnreadableSheet
from credits.tasks import roster_apply, roster_check

State = RosterImport.State
# How often, in rows, the check reports its progress.
PROGRESS_EVERY = 500


def roster_import_start(*, by, file_name: str, file_format: str, content: bytes, language: str) -> RosterImport:
    """Keep the uploaded sheet and have the worker check it (called outside a transaction: the
    worker must find the job when it takes the task)."""
    job = RosterImport.objects.create(
        user=by, file_name=file_name[:200], file_format=file_format, content=content, language=language
    )
    roster_check.enqueue(job.pk)
    job.refresh_from_db()
    return job


def roster_import_confirm(*, job: RosterImport, by) -> RosterImport:
    """The clerk has seen the check's outcome: have the worker apply it, once however often confirmed."""
    confirmed = RosterImport.objects.filter(pk=job.pk, user=by, state=State.CHECKED)
    if confirmed.update(state=State.APPLYING, rows_done=0) == 1:
        roster_apply.enqueue(job.pk)
    job.refresh_from_db()
    return job


def roster_import_check(*, job: RosterImport) -> None:
    """The worker's first step: every row checked, nothing written."""
    with translation.override(job.language):
        _run(job, dry_run=True)
    _finish(job, State.REFUSED if job.problems else State.CHECKED)


def roster_import_apply(*, job: RosterImport) -> None:
    """The worker's second step: the households opened and updated, all or nothing."""
    with translation.override(job.language):
        _run(job, dry_run=False)
    _finish(job, State.REFUSED if job.problems else State.DONE)


def _run(job: RosterImport, *, dry_run: bool) -> None:
    try:
        dataset = read_sheet(bytes(job.content), job.file_format)
    except UnreadableSheet as error:
        job.problems = [[None, [str(error)]]]
        return
    except Exception:  # openpyxl and csv refuse what is not their format in many ways
        message = _("The file cannot be read as %(format)s: choose the format that matches the file.")
        job.problems = [[None, [message % {"format": job.get_file_format_display()}]]]
        return

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            RosterImport.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    resource = HouseholdImportResource(user=job.user, progress=progress if dry_run else None)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        # The check writes nothing, so it needs no transaction, and its progress is seen as it goes.
        use_transactions=not dry_run,
        raise_errors=False,
        rollback_on_validation_errors=True,
        user=job.user,
    )
    job.problems = problems_of(result)
    totals = result.totals
    job.new, job.updated, job.unchanged = totals["new"], totals["update"], totals["skip"] - resource.preamble
    job.rows_total = job.rows_done = result.total_rows - resource.preamble


def problems_of(result) -> list:
    """Every reason the import refused, with its line in the sheet (None: the whole sheet)."""
    problems = [[None, [str(error.error)]] for error in result.base_errors]
    problems += [[line + 1, [str(error.error) for error in errors]] for line, errors in result.row_errors()]
    problems += [[row.number + 1, [str(m) for m in row.error.messages]] for row in result.invalid_rows]
    return sorted(problems, key=lambda problem: (problem[0] is not None, problem[0] or 0))


def _finish(job: RosterImport, state: str) -> None:
    job.state = state
    job.finished_at = timezone.now()
    job.save(
        update_fields=["state", "problems", "new", "updated", "unchanged", "rows_total", "rows_done", "finished_at"]
    )
