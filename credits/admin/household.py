"""The ledger's pages for a household: opening, the statement, recording, adjusting, and batches.

`households.admin.HouseholdAdmin` keeps the household's own fields. Every page here that writes
needs `credits.add_entry` and the household's village in the user's care; each calls one service
and shows its refusal (a `DomainError`) as a form error, with nothing saved.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from credits.admin.pages import admin_page, form_page
from credits.admin.roster import RosterAdminMixin
from credits.errors import BatchRefused
from credits.forms import AdjustForm, RecordEntryForm
from credits.models import Entry
from credits.selectors import statement
from credits.services import entry_adjust, entry_record_batch, household_open
from households.admin import HouseholdAdmin, may_write, writable_village_ids
from households.errors import DomainError
from households.forms import HouseholdOpenForm
from households.models import Household
from households.selectors import star_levels, stars_for_year, villages_for, with_year_points, year_stars_of
from households.templatetags.stars import draw_stars

STATEMENT_PAGE_SIZE = 50
# What a clerk may undo with a reversal; shop spending is undone by voiding the redemption.
REVERSIBLE_KINDS = {Entry.Kind.AWARD, Entry.Kind.DEDUCTION, Entry.Kind.ADJUSTMENT}


class StarredChangeList(ChangeList):
    """The households list, each household on the page told its stars.

    The stars follow each village's own levels, read once for all the villages on the page, so
    the column costs one query per page rather than one per row.
    """

    def get_results(self, request):
        super().get_results(request)
        stars = year_stars_of(self.result_list, timezone.localdate().year)
        for household in self.result_list:
            household.stars, household.most_stars = stars[household.pk]


class HouseholdLedgerAdmin(RosterAdminMixin, HouseholdAdmin):
    change_form_template = "admin/credits/household/change_form.html"
    list_display = (
        "number",
        "head_name",
        "village",
        "score",
        "stars",
        "balance",
        "statement_link",
        "group",
        "active",
        "phone_shown",
    )
    actions = ["record_rule", *HouseholdAdmin.actions]
    # The forms of one household's record and adjust pages (an app above the ledger adds fields).
    record_form = RecordEntryForm
    adjust_form = AdjustForm

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        # Before the defaults, whose "<path:object_id>/" would swallow these.
        return [
            path("<int:object_id>/statement/", view(self.statement_view), name=f"{name}_statement"),
            path("<int:object_id>/record/", view(self.record_view), name=f"{name}_record"),
            path("<int:object_id>/adjust/", view(self.adjust_view), name=f"{name}_adjust"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return request.user.has_perm("households.add_household") and bool(writable_village_ids(request))

    def has_record_permission(self, request, obj=None):
        """May record, adjust and reverse entries: for `obj`'s village, or for some village."""
        if not request.user.has_perm("credits.add_entry"):
            return False
        if obj is None:
            return request.user.is_superuser or bool(writable_village_ids(request))
        return may_write(request, obj.village_id)

    def get_changelist(self, request, **kwargs):
        return StarredChangeList

    @admin.display(description=gettext_lazy("stars"))
    def stars(self, household):
        # Set by `StarredChangeList` for the households on the page.
        return draw_stars(household.stars, household.most_stars) or "—"

    @admin.display(description=gettext_lazy("statement"))
    def statement_link(self, household):
        url = reverse("admin:households_household_statement", args=[household.pk])
        return format_html('<a href="{}">{}</a>', url, _("Statement"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_record"] = obj.active and self.has_record_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def add_view(self, request, form_url="", extra_context=None):
        """Open a household through the ledger's service, which writes its opening entry."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        villages = villages_for(request.user, write=True)
        if request.method == "POST":
            form = HouseholdOpenForm(request.POST, villages=villages)
            if form.is_valid():
                try:
                    household = household_open(by=request.user, **form.cleaned_data)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    self.log_addition(request, household, [{"added": {}}])
                    message = _("Household %(household)s was opened with %(score)s points.")
                    self.message_user(
                        request, message % {"household": household, "score": household.score}, messages.SUCCESS
                    )
                    return redirect("admin:households_household_statement", household.pk)
        else:
            form = HouseholdOpenForm(villages=villages)
        return form_page(self, request, form=form, title=_("Open a household"), submit_label=_("Open"))

    def statement_view(self, request, object_id):
        """The household's bank book, newest first, a fixed number of queries whatever its length."""
        household = self._household(request, object_id)
        if not request.user.has_perm("credits.view_entry"):
            raise PermissionDenied
        household = self.before_statement(request, household)
        paginator = Paginator(statement(household), STATEMENT_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        can_record = household.active and self.has_record_permission(request, household)
        rows = [_statement_row(entry, can_record=can_record) for entry in page]
        return admin_page(
            self,
            request,
            "admin/credits/household/statement.html",
            title=_("Statement of household %(household)s") % {"household": household},
            household=household,
            page=page,
            page_range=paginator.get_elided_page_range(page.number),
            rows=rows,
            stars=self._stars(household),
            can_record=can_record,
            can_change=self.has_change_permission(request, household),
        )

    def record_view(self, request, object_id):
        household = self._household(request, object_id, write=True)
        villages = [household.village_id]
        form = (
            self.record_form(request.POST, request.FILES, village_ids=villages)
            if request.method == "POST"
            else self.record_form(village_ids=villages)
        )
        if request.method == "POST" and form.is_valid():
            try:
                entries = self.record_write(request, households=[household], **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = _(
                    "Recorded “%(rule)s” (%(points)+d) for %(household)s: score %(score)s, balance %(balance)s."
                )
                return self._done(request, household, message, entries)
        return form_page(
            self,
            request,
            form=form,
            title=_("Record an entry for %(household)s") % {"household": household},
            submit_label=_("Record"),
            household=household,
            stars=self._stars(household),
        )

    def adjust_view(self, request, object_id):
        household = self._household(request, object_id, write=True)
        form = self.adjust_form(request.POST, request.FILES) if request.method == "POST" else self.adjust_form()
        if request.method == "POST" and form.is_valid():
            try:
                entries = self.adjust_write(request, household=household, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = _("Adjusted %(household)s by %(points)+d: score %(score)s, balance %(balance)s.")
                return self._done(request, household, message, entries)
        return form_page(
            self,
            request,
            form=form,
            title=_("Adjust the points of %(household)s") % {"household": household},
            submit_label=_("Adjust"),
            household=household,
            stars=self._stars(household),
        )

    @admin.action(description=gettext_lazy("Record a rule for the selected households"), permissions=["record"])
    def record_rule(self, request, queryset):
        """Ask for the rule, then record it for every chosen household, all or nothing.

        When some are refused, the page names them and offers a second, explicit step: record the
        others and skip exactly those named."""
        households = list(queryset.order_by("village__name", "number"))
        select_across = request.POST.get("select_across") == "1"
        applying = "apply" in request.POST
        villages = {household.village_id for household in households}
        form = (
            RecordEntryForm(request.POST, village_ids=villages) if applying else RecordEntryForm(village_ids=villages)
        )
        refusals = []
        if applying and request.POST.get("expected") != str(len(households)):
            # The selection is read again on confirming ("select all" from the list's filters):
            # if it is not what the clerk was shown, say so rather than record for other households.
            form.add_error(None, _("The list of households changed meanwhile; please check it and confirm again."))
        elif applying and form.is_valid():
            named = set(request.POST.getlist("refused")) if "skip_refused" in request.POST else set()
            skipped = [household for household in households if str(household.pk) in named]
            chosen = [household for household in households if str(household.pk) not in named]
            try:
                entries = self.record_write(request, households=chosen, **form.cleaned_data)
            except BatchRefused as error:
                refusals = error.refusals
                form.add_error(None, error.message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                rule = form.cleaned_data["rule"]
                message = ngettext(
                    "Recorded “%(rule)s” (%(points)+d) for %(count)d household.",
                    "Recorded “%(rule)s” (%(points)+d) for %(count)d households.",
                    len(entries),
                )
                if entries:
                    self.message_user(
                        request,
                        message % {"rule": rule.name, "points": rule.points, "count": len(entries)},
                        messages.SUCCESS,
                    )
                if skipped:
                    names = "、".join(str(household) for household in skipped)
                    self.message_user(
                        request, _("Skipped, as asked: %(households)s.") % {"households": names}, messages.WARNING
                    )
                return None  # back to the list, its filters kept
        refused_ids = {household.pk for household, _message in refusals}
        return admin_page(
            self,
            request,
            "admin/credits/household/record_batch.html",
            title=_("Record a rule for %(count)d households") % {"count": len(households)},
            adminform=helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            form=form,
            media=self.media + form.media,
            households=households,
            refusals=refusals,
            refused_ids=refused_ids,
            select_across=select_across,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    def _household(self, request, object_id, *, write: bool = False) -> Household:
        """The household if the user may read it (else 404) and, with `write`, record for it (else 403)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # This year's points come with the household, for its stars (no query of their own).
        households = with_year_points(self.get_queryset(request), timezone.localdate().year)
        household = get_object_or_404(households, pk=object_id)
        if write and not self.has_record_permission(request, household):
            raise PermissionDenied
        return household

    def before_statement(self, request, household: Household) -> Household:
        """The household as its statement is to show it. An app above the ledger (`cases`) first
        writes what has fallen due, and reads the household again if it did."""
        return household

    def _stars(self, household) -> int:
        return stars_for_year(household.year_points, star_levels(household.village_id))

    def record_write(self, request, *, households, **fields) -> list[Entry]:
        """Record a rule for the households; the entries that reached the ledger.

        The one place the pages write entries: an app above the ledger (`cases`) overrides it to
        hold some back for notice or approval, and says so to the user itself."""
        return entry_record_batch(households=households, by=request.user, **fields)

    def adjust_write(self, request, *, household, **fields) -> list[Entry]:
        """Adjust a household's points by hand; the entry, if it reached the ledger (see `record_write`)."""
        return [entry_adjust(household=household, by=request.user, **fields)]

    def _done(self, request, household, message, entries):
        if not entries:  # held back, and `record_write` said so
            return redirect("admin:households_household_statement", household.pk)
        (entry,) = entries
        params = {
            "rule": entry.rule_name,
            "points": entry.points,
            "household": household,
            "score": entry.score_after,
            "balance": entry.balance_after,
        }
        self.message_user(request, message % params, messages.SUCCESS)
        return redirect("admin:households_household_statement", household.pk)


def _statement_row(entry: Entry, *, can_record: bool) -> dict:
    """What one line of the statement shows, read here once: the template then looks each value up
    in a dict instead of on the entry, and formats nothing (fifty lines a page made it the page's
    largest cost). The text is what the template's filters gave: dates as Y-m-d, the recording
    time in the site's time zone, the points signed."""
    # Both sides of a reversal come with the page (select_related): no query per row.
    reversal = getattr(entry, "reversal", None)
    recorded_at = timezone.localtime(entry.created_at)
    by = entry.recorded_by
    row = {
        "entry": entry,
        "pk": str(entry.pk),
        "reversal": reversal,
        "occurred_on": f"{entry.occurred_on:%Y-%m-%d}",
        "recorded_late": entry.recorded_late,
        "recorded_on": f"{recorded_at:%Y-%m-%d}",
        "recorded_at": f"{recorded_at:%Y-%m-%d %H:%M}",
        "plus": entry.points > 0,
        "points": f"{entry.points:+d}",
        "rule_name": entry.rule_name or "-",
        "kind": entry.get_kind_display(),
        "note": entry.note,
        "in_score": entry.in_score,
        "score_after": str(entry.score_after),
        "balance_after": str(entry.balance_after),
        "recorded_by": by.get_full_name() or by.username,
        "reverses_id": entry.reverses_id,
    }
    if reversal is not None:
        row["reversal_url"] = reverse("admin:credits_entry_change", args=[reversal.pk])
    elif entry.reverses_id:
        row["reverses_url"] = reverse("admin:credits_entry_change", args=[entry.reverses_id])
    elif can_record and entry.kind in REVERSIBLE_KINDS:
        row["reverse_url"] = reverse("admin:credits_entry_reverse", args=[entry.pk])
    return row


# households.admin registered the household's own admin (it must not know the ledger); the
# ledger's version replaces it so that the one household page also carries the ledger's tools.
admin.site.unregister(Household)
admin.site.register(Household, HouseholdLedgerAdmin)
