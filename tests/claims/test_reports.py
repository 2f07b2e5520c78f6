"""The report page's claims: sent, approved and rejected, by month and by group, of the reader's villages only."""

import pytest
from django.urls import reverse

from claims.services import claim_approve, claim_reject, claim_submit
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db

URL = reverse("reports")


def send(household, rule, text="帮忙"):
    return claim_submit(household=household, rule=rule, occurred_on=today(), description=text)


def test_it_counts_the_claims_by_month_and_group(client, alice, a1, a2, b1, claimable, claimable_b):
    claim_approve(claim=send(a1, claimable), by=alice)
    claim_reject(claim=send(a1, claimable), by=alice, reason="重复")
    send(a2, claimable)
    send(b1, claimable_b)  # another village's: not counted
    client.force_login(alice)

    response = client.get(URL)

    figures = response.context["claim_figures"]
    months = dict(figures.months)
    this_month = months[today().replace(day=1)]
    assert (this_month.sent, this_month.approved, this_month.rejected, this_month.pending) == (3, 1, 1, 1)
    groups = {name: (c.sent, c.approved, c.rejected) for name, c in figures.groups}
    assert groups == {"第一组": (2, 1, 1), "第二组": (1, 0, 0)}
    page = response.content.decode()
    assert 'id="report-claims-months"' in page and "第二组" in page


def test_an_officer_reads_the_town_together(client, olivia, alice, a1, b1, claimable, claimable_b):
    send(a1, claimable)
    send(b1, claimable_b)
    client.force_login(olivia)
    figures = client.get(URL).context["claim_figures"]
    assert figures.total.sent == 2
