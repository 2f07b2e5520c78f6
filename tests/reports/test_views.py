"""The report page: who may see which figures, and that the figures are the ledger's own sums."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.models import Entry
from credits.services import entry_record
from exchange.models import RedemptionLine
from reports.selectors import Period
from tests.factories import UserFactory, open_household

pytestmark = pytest.mark.django_db

URL = reverse("reports")


def report_of(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["report"]


def points(village, **filters):
    """Independent sums straight from the ledger's rows."""
    entries = Entry.objects.filter(household__village=village, in_score=True, rule__isnull=False, **filters)
    return entries.aggregate(total=Sum("points"))["total"] or 0


def test_it_shows_a_clerk_the_figures_of_their_village(client, alice, village_a, history, award, deduction, today):
    client.force_login(alice)

    report = report_of(client)

    assert [v.code for v in report.villages] == ["nongfeng"]
    awards = points(village_a, kind__in=["award"]) + points(village_a, kind="reversal", points__lt=0)
    deductions = points(village_a, kind="deduction") + points(village_a, kind="reversal", points__gt=0)
    assert report.totals.awarded == awards == 2 + 20
    assert report.totals.deducted == deductions == -10
    domains = dict(report.domains)
    assert domains[award.domain.name].awarded == awards
    assert domains[deduction.domain.name].deducted == deductions
    months = dict(report.months)
    this_month = today.replace(day=1)
    assert months[this_month].awarded == points(village_a, kind__in=["award", "reversal"], occurred_on__gte=this_month)
    assert sum(sides.net for sides in months.values()) == awards + deductions


def test_it_ranks_rules_by_times_used_less_reversals(client, alice, history, award, deduction):
    client.force_login(alice)

    rules = [(name, sides.times, sides.net) for name, _domain, sides in report_of(client).rules]

    # Equal use: the rule that moved more points comes first.
    assert rules == [(deduction.name, 2, -10), ("见义勇为", 1, 20), (award.name, 1, 2)]


def test_it_counts_participation_by_group_without_reversed_awards(client, alice, history):
    client.force_login(alice)

    groups = {group.name: (group.households, group.participating) for group in report_of(client).groups}

    # a1 was awarded; a2's award was reversed; a3 has no group and no award.
    assert groups == {"第一组": (1, 1), "第二组": (1, 0), "": (1, 0)}


def test_it_counts_households_by_star_level(client, alice, village_a, history):
    from households.models import StarLevel

    StarLevel.objects.create(village=village_a, stars=1, min_score=95)
    StarLevel.objects.create(village=village_a, stars=2, min_score=110)
    client.force_login(alice)

    # a1: 122, a2: 95, a3: 95.
    assert report_of(client).stars == [(0, 0), (1, 2), (2, 1)]


def test_it_sums_redemptions_by_month_and_goods_and_lists_low_stock(client, alice, history, today):
    client.force_login(alice)

    report = report_of(client)

    lines = RedemptionLine.objects.filter(redemption__shop__village__code="nongfeng")
    spent = sum(line.unit_price * line.quantity for line in lines)
    assert dict((month, points) for month, _n, points in report.redemptions)[today.replace(day=1)] == spent == 50
    assert report.goods == [("洗衣皂", 2, 20), ("食用油", 1, 30)]
    assert [product.name for product in report.low_stock] == ["洗衣皂"]


def test_it_leaves_voided_redemptions_out(client, alice, history):
    from exchange.models import Redemption
    from exchange.services import redemption_void

    redemption_void(redemption=Redemption.objects.get(), reason="退货", by=alice)
    client.force_login(alice)

    report = report_of(client)

    assert report.goods == []
    assert sum(points for _m, _n, points in report.redemptions) == 0


def test_it_limits_the_figures_to_the_chosen_period(client, alice, village_a, history, today):
    client.force_login(alice)

    report = report_of(client, start=today - timedelta(days=7), end=today)

    week = today - timedelta(days=7)
    assert report.totals.awarded == points(village_a, kind__in=["award", "reversal"], occurred_on__gte=week) == 20
    assert report.totals.deducted == points(village_a, kind="deduction", occurred_on__gte=week) == -5


def test_it_shows_the_last_twelve_months_in_the_period_fields_when_none_is_chosen(client, alice, history, today):
    client.force_login(alice)

    response = client.get(URL)

    period = response.context["report"].period
    assert period == Period.last_twelve_months(today)
    assert (period.start.day, period.end) == (1, today)
    page = response.content.decode()
    assert f'name="start" value="{period.start.isoformat()}"' in page
    assert f'name="end" value="{today.isoformat()}"' in page


def test_it_gives_the_officer_the_whole_town_and_the_comparison(client, olivia, village_a, village_b, history):
    client.force_login(olivia)

    response = client.get(URL)
    report = response.context["report"]

    assert response.context["comparing"]
    assert {v.code for v in report.villages} == {"nongfeng", "yongfeng"}
    figures = {f.village.code: f for f in report.comparison}
    assert (figures["nongfeng"].households, figures["nongfeng"].participating) == (3, 1)
    assert figures["nongfeng"].average_score == pytest.approx((122 + 95 + 95) / 3)
    # 农丰村: two deductions over three households; 永丰村: one over one.
    assert figures["nongfeng"].deductions_per_100 == pytest.approx(200 / 3)
    assert figures["yongfeng"].deductions_per_100 == 100
    totals = Entry.objects.filter(Q(kind="award") | Q(kind="reversal", points__lt=0), rule__isnull=False)
    assert report.totals.awarded == totals.aggregate(total=Sum("points"))["total"]
    assert "永丰村" in response.content.decode()


def test_it_lets_the_officer_choose_one_village(client, olivia, village_b, history):
    client.force_login(olivia)

    response = client.get(URL, {"village": village_b.pk})

    assert [v.code for v in response.context["report"].villages] == ["yongfeng"]
    assert not response.context["comparing"]


def test_it_refuses_a_clerk_another_village(client, alice, village_b, history):
    client.force_login(alice)

    response = client.get(URL, {"village": village_b.pk})

    assert response.status_code == 404


def test_it_refuses_everyone_without_a_village(client, mallory, sam, history):
    for user in (mallory, sam):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_it_sends_a_stranger_to_log_in(client, history):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_never_shows_a_clerk_another_villages_names_or_figures(client, bob, history):
    client.force_login(bob)

    page = client.get(URL).content.decode()

    assert "永丰村" in page
    assert "农丰村" not in page
    assert "洗衣皂" not in page


def test_it_says_what_is_wrong_with_a_bad_period(client, alice, history, today):
    client.force_login(alice)

    response = client.get(URL, {"start": today, "end": today - timedelta(days=1)})

    assert response.status_code == 200
    assert "report" not in response.context
    assert response.context["form"].non_field_errors()
    assert client.get(URL, {"start": "not-a-date"}).status_code == 200


def test_it_draws_its_charts_as_inline_svg_with_their_numbers(client, alice, history):
    client.force_login(alice)

    page = client.get(URL).content.decode()

    assert page.count('<svg class="chart"') >= 6
    assert ">20</text>" in page  # 见义勇为's points written on the bar
    # Nothing from the internet: the only script is the site's own print button.
    assert re.findall(r'<script src="([^"]+)"', page) == ["/static/xiangfeng/print.js"]
    assert "http" not in page.split("<body")[1].replace("http://testserver", "")


def test_it_runs_a_fixed_number_of_queries_whatever_the_history(
    client, alice, village_a, award, deduction, history, today
):
    client.force_login(alice)
    client.get(URL)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for n in range(30):
        household = open_household(village_a, by=alice, group=f"第{n % 7 + 1}组")
        for days in (0, 40, 80, 200):
            entry_record(household=household, rule=award, occurred_on=today - timedelta(days=days), by=alice)
    with CaptureQueriesContext(connection) as after:
        client.get(URL)

    assert len(after) == len(before)


def test_it_links_the_reports_from_the_admin_for_clerks_and_officers(client, alice, olivia, sam):
    for user in (alice, olivia):
        client.force_login(user)
        assert URL in client.get(reverse("admin:index")).content.decode()


def test_it_serves_a_superuser_every_village(client, village_a, village_b, history):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)

    report = report_of(client)

    assert {v.code for v in report.villages} == {"nongfeng", "yongfeng"}
    kinds = ["award", "deduction", "reversal"]
    each = [points(village, kind__in=kinds) for village in (village_a, village_b)]
    assert report.totals.net == sum(each) and all(each)
