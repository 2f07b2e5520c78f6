"""The ledger app's background tasks, run by the worker (`manage.py db_worker`, django-tasks-db).

Each task is a thin call of a service, which does the work and records how it went.
"""

from django_tasks import task

from credits.models import RosterImport
from credits.services import rosters


@task()
def roster_check(job_id: int) -> None:
    rosters.roster_import_check(job=RosterImport.objects.get(pk=job_id))


@task()
def roster_apply(job_id: int) -> None:
    rosters.roster_import_apply(job=RosterImport.objects.get(pk=job_id))
