"""The household's pages with its cases: the statement lists the open ones, and recording or
adjusting goes through notice and approval where the village's settings ask for it."""

from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.translation import ngettext

from cases.forms import AdjustWithEvidenceForm, RecordWithEvidenceForm
from cases.models import Case
from cases.services import (
    adjust,
    finalise_due,
    record,
)
from credits.admin.household import HouseholdLedgerAdmin
from households.models import Household

State = Case.State


class HouseholdCasesAdmin(HouseholdLedgerAdmin):
    """The ledger's household pages, their writes routed by the village's notice and approval
    settings, with photos or documents as evidence (one household's page; a batch takes none)."""

    record_form = RecordWithEvidenceForm
    adjust_form = AdjustWithEvidenceForm

    def statement_view(self, request, object_id):
        """The statement, with the household's open cases above it (a fixed number of queries)."""
        response = super().statement_view(request, object_id)
        household = response.context_data["household"]
        response.template_name = "admin/cases/household/statement.html"
        response.context_data["open_cases"] = list(
            household.cases.filter(state__in=Case.OPEN_STATES).select_related("recorded_by").order_by("-id")[:50]
        )
        return response

    def before_statement(self, request, household):
        # A case whose notice has ended reaches the ledger before the statement is read.
        if finalise_due(household=household):
            return self._household(request, household.pk)
        return household

    def record_write(self, request, *, households, evidence=(), **fields):
        outcome = record(households=households, by=request.user, files=evidence, **fields)
        self._say_held(request, outcome.cases)
        return outcome.entries

    def adjust_write(self, request, *, household, points, reason, occurred_on, evidence=()):
        outcome = adjust(
            household=household,
            points=points,
            reason=reason,
            occurred_on=occurred_on,
            files=evidence,
            by=request.user,
        )
        self._say_held(request, outcome.cases)
        return outcome.entries

    def _say_held(self, request, cases):
        """Which households wait, and for what: nothing of it is in their points yet."""
        if not cases:
            return
        names = "、".join(str(case.household) for case in cases)
        first = cases[0]
        if first.state == State.APPROVAL:
            message = ngettext(
                "Not yet recorded: %(households)s waits for approval by another clerk or a reviewer.",
                "Not yet recorded: %(households)s wait for approval by another clerk or a reviewer.",
                len(cases),
            )
            params = {"households": names}
        else:
            message = ngettext(
                "Not yet recorded: %(households)s is in notice until %(deadline)s, and is recorded then "
                "unless the household objects.",
                "Not yet recorded: %(households)s are in notice until %(deadline)s, and are recorded then "
                "unless a household objects.",
                len(cases),
            )
            deadline = formats.date_format(timezone.localtime(first.notice_ends_at), "SHORT_DATETIME_FORMAT")
            params = {"households": names, "deadline": deadline}
        self.message_user(request, message % params, messages.WARNING)


admin.site.unregister(Household)
admin.site.register(Household, HouseholdCasesAdmin)
