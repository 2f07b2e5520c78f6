"""The year close in the admin: preview, close, the frozen figures, reopening; each for whom it is."""

import pytest
from django.urls import reverse

from credits.services import entry_record
from tests.credits.ledger import last_year, scores
from tests.factories import UserFactory
from years.models import YearClose
from years.services import year_close

pytestmark = pytest.mark.django_db

CLOSE = reverse("admin:years_yearclose_add")
CLOSES = reverse("admin:years_yearclose_changelist")


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def year(a1, a2, alice, award):
    for _ in range(3):
        entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)
    entry_record(household=a2, rule=award, occurred_on=last_year(), by=alice)
    return last_year().year


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True)


def detail(close) -> str:
    return reverse("admin:years_yearclose_change", args=[close.pk])


def test_the_clerk_previews_the_years_ranking_stars_and_totals_before_closing(english, alice, village_a, year):
    english.force_login(alice)

    page = english.get(CLOSE, {"village": village_a.pk, "year": year})

    assert page.status_code == 200
    html = page.content.decode()
    assert f"Preview of {year} for 农丰村" in html
    assert html.index("应美凤") < html.index("王建国")  # 6 points ahead of 2
    assert 'id="xf-close-form"' in html
    assert not YearClose.objects.exists()


def test_the_clerk_closes_the_year_with_the_choices_made(english, alice, village_a, year, a1):
    english.force_login(alice)

    page = english.post(
        CLOSE, {"village": village_a.pk, "year": year, "score_start": "restart", "balance_start": "carry"}
    )

    close = YearClose.objects.get()
    assert page.status_code == 302 and page["Location"] == detail(close)
    assert (close.closed_by, close.score_start, close.households) == (alice, "restart", 2)
    assert scores(a1) == [(100, 106)]
    shown = english.get(detail(close)).content.decode()
    assert "Closed on" in shown and "应美凤" in shown


def test_an_incomplete_expiry_is_a_form_error_and_closes_nothing(english, alice, village_a, year):
    english.force_login(alice)

    page = english.post(
        CLOSE, {"village": village_a.pk, "year": year, "score_start": "carry", "balance_start": "expire"}
    )

    assert page.status_code == 200
    assert "Say how much of the balance expires." in page.content.decode()
    assert not YearClose.objects.exists()


def test_closing_a_year_twice_says_so_in_the_users_language(client, alice, village_a, year):
    year_close(village=village_a, year=year, by=alice)
    client.force_login(alice)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    page = client.post(
        CLOSE, {"village": village_a.pk, "year": year, "score_start": "carry", "balance_start": "carry"}
    )

    assert page.status_code == 200
    assert f"农丰村已经结算过 {year} 年度。" in page.content.decode()
    assert YearClose.objects.count() == 1


def test_a_year_not_over_cannot_be_chosen(english, alice, village_a, a1):
    english.force_login(alice)

    page = english.get(CLOSE, {"village": village_a.pk, "year": last_year().year + 1})

    assert "A year is closed once it has ended." in page.content.decode()
    assert 'id="xf-close-form"' not in page.content.decode()


def test_a_clerk_cannot_close_or_read_another_villages_year(client, bob, alice, village_a, year):
    close = year_close(village=village_a, year=year, by=alice)
    client.force_login(bob)

    assert (
        client.post(
            CLOSE, {"village": village_a.pk, "year": year - 1, "score_start": "carry", "balance_start": "carry"}
        ).status_code
        == 200
    )
    assert YearClose.objects.count() == 1
    assert client.get(detail(close)).status_code == 404
    assert "农丰村" not in client.get(CLOSES).content.decode()


def test_the_officer_reads_closes_but_cannot_close(client, olivia, alice, village_a, year):
    close = year_close(village=village_a, year=year, by=alice)
    client.force_login(olivia)

    assert client.get(detail(close)).status_code == 200
    assert client.get(CLOSE).status_code == 403
    assert 'id="xf-reopen-form"' not in client.get(detail(close)).content.decode()


def test_someone_with_no_village_sees_nothing(client, mallory, alice, village_a, year):
    close = year_close(village=village_a, year=year, by=alice)
    client.force_login(mallory)

    assert client.get(detail(close)).status_code in (403, 404)
    assert client.get(CLOSE).status_code == 403


def test_a_superuser_reopens_with_a_reason_and_both_snapshots_stay(english, root, alice, village_a, year, a1, award):
    close = year_close(village=village_a, year=year, by=alice)
    english.force_login(root)
    reopen = reverse("admin:years_yearclose_reopen", args=[close.pk])

    assert 'id="xf-reopen-form"' in english.get(detail(close)).content.decode()
    english.post(reopen, {"reason": ""})
    close.refresh_from_db()
    assert close.standing
    assert english.post(reopen, {"reason": "漏记志愿服务"}).status_code == 302
    close.refresh_from_db()
    assert not close.standing and close.reopen_reason == "漏记志愿服务"

    entry_record(household=a1, rule=award, occurred_on=last_year(), by=alice)
    again = year_close(village=village_a, year=year, by=alice)
    page = english.get(detail(again)).content.decode()
    assert "reopened on" in page and "漏记志愿服务" in page
    assert close.rows.get(household=a1).points == 6 and again.rows.get(household=a1).points == 8


def test_a_clerk_cannot_reopen(client, alice, village_a, year):
    close = year_close(village=village_a, year=year, by=alice)
    client.force_login(alice)

    page = client.post(reverse("admin:years_yearclose_reopen", args=[close.pk]), {"reason": "想改"})

    assert page.status_code == 403
    close.refresh_from_db()
    assert close.standing
