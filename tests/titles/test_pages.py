"""Where people meet the titles: the household's lookup page and statement, the board (titles, and
the candidates during a notice), the officers' town-wide ranking, the export, and the demo."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.credits.ledger import today
from titles.models import Level, Selection, Title
from titles.services import selection_confirm, selection_create, selection_publish, title_nominate, title_select

pytestmark = pytest.mark.django_db


def test_the_households_lookup_page_lists_its_titles_by_year_and_level(client, awarded, alice, olivia, a1, town_quota):
    title_select(nomination=title_nominate(title=awarded[0], by=alice), by=olivia)

    html = client.get(f"/lookup/c/{a1.card_token}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    section = html[html.index('id="household-titles"') :]
    assert section.index("镇级") < section.index("村级")
    assert str(awarded[0].year) in section


def test_the_statement_in_the_admin_lists_the_households_titles(client, awarded, alice, a1):
    client.force_login(alice)

    html = client.get(reverse("admin:households_household_statement", args=[a1.pk])).content.decode()

    assert 'id="household-titles"' in html and "village level" in html


def test_a_household_without_titles_shows_no_titles_section(client, a1):
    assert 'id="household-titles"' not in client.get(f"/lookup/c/{a1.card_token}/").content.decode()


def test_the_board_shows_the_candidates_during_the_notice_then_the_titles(client, village_a, year, alice):
    selection = selection_create(village=village_a, year=year, by=alice)
    selection_confirm(selection=selection, by=alice)
    assert 'id="board-candidates"' not in client.get("/board/nongfeng/").content.decode()

    selection_publish(selection=selection, by=alice, notice_until=today())
    html = client.get("/board/nongfeng/").content.decode()
    assert 'id="board-candidates"' in html and "0001" in html and "0003" not in html

    from tests.titles.conftest import after_notice
    from titles.services import selection_award

    selection_award(selection=Selection.objects.get(), by=alice, at=after_notice())
    html = client.get("/board/nongfeng/").content.decode()
    assert 'id="board-candidates"' not in html
    assert 'id="board-titles"' in html and f"star households of {year}" in html


def test_the_board_api_carries_the_titles(client, awarded):
    board = client.get("/api/board/nongfeng/").json()
    assert board["titles"]["year"] == awarded[0].year
    assert {row["number"] for row in board["titles"]["titles"]} == {"0001", "0002"}


def test_an_officer_ranks_the_towns_households_by_year(client, olivia, village_b, bob, awarded, year):
    from credits.services import entry_record
    from tests.credits.ledger import last_year
    from tests.factories import RuleFactory, open_household

    b1 = open_household(village_b, by=bob, number="0001", head_name="李秀英")
    rule = RuleFactory(village=village_b, name="测试奖励", points=5)
    entry_record(household=b1, rule=rule, occurred_on=last_year(), by=bob)
    client.force_login(olivia)

    response = client.get(reverse("admin:titles_title_ranking"), {"town": village_b.town_id, "year": year})

    rows = response.context["rows"]
    assert [(row.village, row.number, row.rank) for row in rows][:2] == [("农丰村", "0001", 1), ("永丰村", "0001", 2)]
    assert rows[0].levels == ["village level"]
    csv = client.get(reverse("admin:titles_title_ranking"), {"town": village_b.town_id, "year": year, "format": "csv"})
    assert "李秀英" in csv.content.decode("utf-8-sig")


def test_a_clerk_has_no_town_ranking(client, alice, year):
    client.force_login(alice)
    assert client.get(reverse("admin:titles_title_ranking")).status_code == 403


def test_the_titles_export_as_a_sheet_within_scope(client, awarded, alice, bob):
    client.force_login(alice)
    url = reverse("admin:titles_title_export")
    response = client.post(
        url,
        {
            "format": "0",
            "resource": "0",
            **{
                f"titleresource_{f}": "on"
                for f in ("year", "level", "village", "number", "head_name", "stars", "named_stars", "awarded_at")
            },
        },
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "应美凤" in text and "village level" in text
    client.force_login(bob)
    response = client.post(
        url, {"format": "0", "resource": "0", "titleresource_number": "on", "titleresource_head_name": "on"}
    )
    assert "应美凤" not in response.content.decode("utf-8-sig")


def test_the_demo_shows_last_years_closed_year_with_titles(settings):
    with translation.override("en"):
        call_command("seed_demo", "--households", "40", "--password", "demo-pass-2024", stdout=io.StringIO())

    last = today().year - 1
    village = Title.objects.filter(level=Level.VILLAGE, year=last)
    if today() > today().replace(month=1, day=13):
        assert village.filter(village__code="nongfeng").count() >= 2
        assert Title.objects.filter(level=Level.TOWN, year=last).count() == 1
        assert Title.objects.filter(level=Level.VILLAGE, year=last, nominations__isnull=False).count() >= 2
    else:  # a demo loaded in the first days of January shows the candidates on notice
        assert Selection.objects.filter(state=Selection.State.NOTICE).exists()
    call_command("reconcile", stdout=io.StringIO())
