"""The report page, `/reports/`: a village's figures, or the whole town's for an officer.

Clerks see the villages they keep, officers the villages of their towns (and may take them all
together, with the comparison of villages); anyone else is refused. A village outside the
reader's scope is a 404, like one that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.replica import reads_from_replica
from households.selectors import villages_for
from reports import charts
from reports.activities import activity_figures
from reports.claims import claim_figures
from reports.forms import WHOLE, ReportForm
from reports.selectors import village_report


def _reads_whole_town(user) -> bool:
    return user.is_superuser or user.officer_of_towns.exists() or user.officer_of_counties.exists()


@login_required
@reads_from_replica
def report(request):
    villages = list(villages_for(request.user).select_related("town").order_by("town__name", "name"))
    if not villages:
        raise PermissionDenied
    whole_town = _reads_whole_town(request.user)
    chosen = request.GET.get("village")
    if chosen and chosen not in {str(village.pk) for village in villages}:
        raise Http404
    data = request.GET.copy()
    if not chosen:
        data["village"] = WHOLE if whole_town else str(villages[0].pk)
    form = ReportForm(data, villages=villages, whole_town=whole_town)
    context = {"form": form, "whole_town": whole_town}
    if form.is_valid():
        village_id = form.cleaned_data["village"]
        scope = villages if village_id == WHOLE else [v for v in villages if str(v.pk) == village_id]
        result = village_report(scope, form.cleaned_data["period"])
        context.update(report=result, charts=_charts(result), comparing=village_id == WHOLE and len(scope) > 1)
        context["claim_figures"] = claim_figures(scope, form.cleaned_data["period"])
        context["activity_figures"] = activity_figures(scope, form.cleaned_data["period"])
    return render(request, "reports/report.html", context)


def _month(month) -> str:
    # The month's number, short enough for twelve columns on a phone; the table beside has the year.
    return str(month.month)


def _charts(report) -> dict:
    return {
        "months": charts.month_bars(
            _("Points awarded and deducted by month"),
            [(_month(month), sides.awarded, sides.deducted) for month, sides in report.months],
        ),
        "domains": charts.hbars(
            _("Points awarded and deducted by domain"),
            [(name, [(sides.awarded, "award"), (sides.deducted, "deduction")]) for name, sides in report.domains],
        ),
        "groups": charts.hbars(
            _("Share of households with at least one award, by group"),
            [(group.name or _("(no group)"), [(group.rate, "award")]) for group in report.groups],
            percent=True,
        ),
        "stars": charts.hbars(
            _("Households by star level"),
            [("★" * stars if stars else _("no star"), [(n, "star")]) for stars, n in report.stars],
        ),
        "redemptions": charts.line(
            _("Points redeemed at the shop by month"),
            [(_month(month), points) for month, _n, points in report.redemptions],
        ),
        "goods": charts.hbars(
            _("Most redeemed goods"), [(name, [(quantity, "star")]) for name, quantity, _p in report.goods]
        ),
        "villages": charts.hbars(
            _("Participation by village"),
            [(figures.village.name, [(figures.participation, "award")]) for figures in report.comparison],
            percent=True,
        ),
    }
