"""The ledger's pages for households in the admin: opening, statement, recording, adjusting, batches."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import ProcessSettings
from credits.errors import RuleCapReached
from credits.models import Entry, Rule
from credits.services import entry_record, entry_reverse
from households.models import Household
from households.services import household_close
from tests.factories import open_household

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:households_household_changelist")
ADD = reverse("admin:households_household_add")


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name: str, obj) -> str:
    return reverse(f"admin:{name}", args=[obj.pk])


def statement_url(household) -> str:
    return url("households_household_statement", household)


def record_url(household) -> str:
    return url("households_household_record", household)


def today() -> str:
    return timezone.localdate().isoformat()


def errors_of(response) -> str:
    return " ".join(str(error) for error in response.context["form"].errors.values())


# Opening a household


def test_it_opens_a_household_with_its_opening_entry(client, alice, village_a):
    client.force_login(alice)

    response = client.post(ADD, {"village": village_a.pk, "number": "0101", "head_name": "应美凤", "group": "第一组"})

    household = Household.objects.get(village=village_a, number="0101")
    assert response.status_code == 302
    assert response.url == statement_url(household)
    assert (household.score, household.balance, household.head_initials) == (100, 100, "ymf")
    (entry,) = household.entries.all()
    assert (entry.kind, entry.points, entry.recorded_by) == (Entry.Kind.OPENING, 100, alice)


def test_it_offers_only_the_clerks_villages_when_opening(client, alice, village_a, village_b):
    client.force_login(alice)

    page = client.get(ADD).content.decode()

    assert "农丰村" in page
    assert "永丰村" not in page


def test_it_refuses_to_open_a_household_in_another_clerks_village(client, alice, village_b):
    client.force_login(alice)

    response = client.post(ADD, {"village": village_b.pk, "number": "0101", "head_name": "王五"})

    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Household.objects.filter(village=village_b).exists()


def test_it_refuses_a_household_number_already_used(english, alice, a1, village_a):
    english.force_login(alice)

    response = english.post(ADD, {"village": village_a.pk, "number": "0001", "head_name": "王五"})

    assert "already used in this village" in errors_of(response)
    assert Household.objects.filter(village=village_a).count() == 1


def test_it_does_not_let_the_officer_open_households(client, olivia, village_a):
    client.force_login(olivia)

    assert client.post(ADD, {"village": village_a.pk, "number": "0101", "head_name": "王五"}).status_code == 403
    assert not Household.objects.exists()


# The statement


def test_it_shows_the_statement_newest_first(client, alice, a1, award, deduction):
    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice, note="乱倒垃圾")
    client.force_login(alice)

    response = client.get(statement_url(a1))

    kinds = [row["entry"].kind for row in response.context["rows"]]
    assert kinds == [Entry.Kind.DEDUCTION, Entry.Kind.AWARD, Entry.Kind.OPENING]
    page = response.content.decode()
    assert page.index("乱倒垃圾") < page.index("测试奖励")
    assert "-5" in page and "+2" in page


def test_it_marks_an_entry_recorded_weeks_after_its_deed_and_says_how_the_statement_is_ordered(
    client, alice, a1, award
):
    today = timezone.localdate()
    late = entry_record(household=a1, rule=award, occurred_on=today - datetime.timedelta(days=30), by=alice)
    prompt = entry_record(household=a1, rule=award, occurred_on=today - datetime.timedelta(days=3), by=alice)
    client.force_login(alice)

    page = client.get(statement_url(a1), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert (late.recorded_late, prompt.recorded_late) == (True, False)
    assert page.count("补记") == 1
    assert "按记账先后，最近记的在前" in page
    row = page[page.index(f'id="entry-{late.pk}"') :]
    assert "补记" in row[: row.index("</tr>")]


def test_it_links_the_statement_from_the_list_and_the_household_page(client, alice, a1):
    client.force_login(alice)

    assert statement_url(a1) in client.get(CHANGELIST).content.decode()
    assert statement_url(a1) in client.get(url("households_household_change", a1)).content.decode()


def test_it_pages_the_statement_in_a_fixed_number_of_queries(client, alice, a1, a2, award, deduction):
    def count_queries(household) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(statement_url(household)).status_code == 200
        return len(queries)

    for n in range(59):
        entry_record(household=a1, rule=award if n % 2 else deduction, occurred_on=timezone.localdate(), by=alice)
    for entry in list(a1.entries.filter(kind=Entry.Kind.AWARD))[:5]:
        entry_reverse(entry=entry, reason="记错了", by=alice)
    entry_record(household=a2, rule=award, occurred_on=timezone.localdate(), by=alice)
    entry_record(household=a2, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)
    count_queries(a2)  # warm up what a first request caches

    queries = count_queries(a1)
    assert queries == count_queries(a2)
    # Two of them are the household's cases (cases.admin): those due finalised, those open listed;
    # one its star household titles (titles).
    assert queries <= 13
    assert len(client.get(statement_url(a1)).context["rows"]) == 50


def test_it_answers_404_for_another_villages_statement_and_forms(client, alice, b1, bob):
    entry = b1.entries.get()
    client.force_login(alice)

    assert client.get(statement_url(b1)).status_code == 404
    assert client.get(record_url(b1)).status_code == 404
    assert client.post(url("households_household_adjust", b1), {"points": 5, "reason": "x"}).status_code == 404
    assert client.get(url("credits_entry_reverse", entry)).status_code == 404
    assert client.get(url("credits_entry_change", entry)).status_code == 404


def test_it_lets_the_officer_read_the_statement_but_not_record(client, olivia, a1, award):
    client.force_login(olivia)

    response = client.get(statement_url(a1))
    assert response.status_code == 200
    assert record_url(a1) not in response.content.decode()
    assert client.post(record_url(a1), {"rule": award.pk, "occurred_on": today()}).status_code == 403
    a1.refresh_from_db()
    assert a1.score == 100


def test_it_shows_no_statement_to_staff_without_a_role(client, mallory, a1):
    client.force_login(mallory)

    assert client.get(statement_url(a1), follow=True).status_code == 403


# Recording and adjusting


def test_it_records_an_entry_and_changes_the_score(client, alice, a1, award):
    client.force_login(alice)

    response = client.post(record_url(a1), {"rule": award.pk, "occurred_on": today(), "note": "帮邻居修路"})

    assert response.status_code == 302
    assert response.url == statement_url(a1)
    a1.refresh_from_db()
    assert (a1.score, a1.balance) == (102, 102)
    entry = a1.entries.first()
    assert (entry.rule, entry.note, entry.recorded_by) == (award, "帮邻居修路", alice)


def test_it_offers_active_rules_grouped_by_domain_with_their_points(client, alice, a1, award, deduction):
    Rule.objects.filter(pk=deduction.pk).update(active=False)
    client.force_login(alice)

    page = client.get(record_url(a1)).content.decode()

    assert f'<optgroup label="{award.domain.name}">' in page
    assert "测试奖励 (+2)" in page
    assert "测试扣分" not in page


def test_it_shows_a_reached_cap_as_a_form_error_and_writes_nothing(client, alice, a1, capped_award):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)
    data = {"rule": capped_award.pk, "occurred_on": today()}

    for language in ("en", "zh-hans"):
        response = client.post(record_url(a1), data, HTTP_ACCEPT_LANGUAGE=language)
        with translation.override(language):
            expected = RuleCapReached(
                number=a1.number, rule=capped_award.name, cap=2, year=timezone.localdate().year
            ).message
        assert response.status_code == 200
        assert expected in errors_of(response)

    a1.refresh_from_db()
    assert (a1.score, a1.entries.count()) == (110, 3)


def test_it_refuses_a_deed_in_the_future(english, alice, a1, award):
    english.force_login(alice)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = english.post(record_url(a1), {"rule": award.pk, "occurred_on": tomorrow})

    assert "cannot be in the future" in errors_of(response)
    assert a1.entries.count() == 1


def test_it_refuses_to_record_for_a_closed_household(english, alice, a1, award):
    household_close(household=a1, by=alice)
    english.force_login(alice)

    response = english.post(record_url(a1), {"rule": award.pk, "occurred_on": today()})

    assert "is closed" in errors_of(response)
    assert a1.entries.count() == 1


def test_it_adjusts_points_with_a_reason(client, alice, a1):
    # A village that records adjustments at once (the default holds them for approval: tests/cases).
    ProcessSettings.objects.create(village=a1.village, approve_adjustments=False, notice_negative_adjustments=False)
    client.force_login(alice)

    response = client.post(
        url("households_household_adjust", a1), {"points": "-3", "reason": "补录去年少扣", "occurred_on": today()}
    )

    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.score == 97
    assert a1.entries.first().note == "补录去年少扣"


@pytest.mark.parametrize("data", [{"points": "0", "reason": "无"}, {"points": "3", "reason": ""}, {"points": "x"}])
def test_it_refuses_an_adjustment_without_points_or_reason(client, alice, a1, data):
    client.force_login(alice)

    response = client.post(url("households_household_adjust", a1), {**data, "occurred_on": today()})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert a1.entries.count() == 1


# Batches


def batch(client, households, *, apply=None, select_across=False, path=CHANGELIST):
    data = {"action": "record_rule", ACTION_CHECKBOX_NAME: [h.pk for h in households]}
    data["select_across"] = "1" if select_across else "0"
    if apply is None:
        data["index"] = "0"
    else:
        data.update(apply, apply="1", expected=str(len(households)))
    return client.post(path, data)


def test_it_asks_for_the_rule_then_records_it_for_every_chosen_household(client, alice, a1, a2, award):
    client.force_login(alice)

    confirm = batch(client, [a1, a2])
    assert confirm.status_code == 200
    assert [h.pk for h in confirm.context["households"]] == [a1.pk, a2.pk]
    assert a1.entries.count() == 1

    done = batch(client, [a1, a2], apply={"rule": award.pk, "occurred_on": today(), "note": "清洁家园"})

    assert done.status_code == 302
    assert [h.score for h in Household.objects.filter(pk__in=[a1.pk, a2.pk])] == [102, 102]


def test_it_records_nothing_when_any_household_is_refused_and_names_each(english, alice, a1, a2, capped_award):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)
    english.force_login(alice)

    response = batch(english, [a1, a2], apply={"rule": capped_award.pk, "occurred_on": today()})

    assert response.status_code == 200
    refusals = response.context["refusals"]
    assert [household.pk for household, _message in refusals] == [a1.pk]
    assert "the most allowed" in refusals[0][1]
    assert "Nothing was recorded" in response.content.decode()  # the service's own summary
    a2.refresh_from_db()
    assert (a2.score, a2.entries.count()) == (100, 1)


def test_it_records_the_others_only_when_asked_skipping_exactly_those_named(english, alice, a1, a2, capped_award):
    for _ in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)
    english.force_login(alice)
    data = {"rule": capped_award.pk, "occurred_on": today()}

    refused = batch(english, [a1, a2], apply=data)
    page = refused.content.decode()
    assert 'name="skip_refused"' in page and f'name="refused" value="{a1.pk}"' in page

    done = batch(english, [a1, a2], apply={**data, "skip_refused": "1", "refused": [str(a1.pk)]}).wsgi_request
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.score, a2.score) == (110, 105)
    said = [str(message) for message in get_messages(done)]
    assert any("Skipped, as asked: 0001 应美凤" in message for message in said)


def test_it_still_records_nothing_when_the_named_skips_leave_a_refusal(english, alice, a1, a2, capped_award):
    for household in (a1, a2):
        for _ in range(2):
            entry_record(household=household, rule=capped_award, occurred_on=timezone.localdate(), by=alice)
    english.force_login(alice)
    data = {"rule": capped_award.pk, "occurred_on": today(), "skip_refused": "1", "refused": [str(a1.pk)]}

    response = batch(english, [a1, a2], apply=data)

    assert "0002" in response.content.decode() and "the most allowed" in response.content.decode()
    assert Entry.objects.filter(household__in=[a1, a2]).count() == 6


def test_it_records_for_all_filtered_households_when_all_are_selected(client, alice, a1, a2, village_a, award):
    for n in range(3):
        open_household(village_a, by=alice, number=f"02{n:02d}", head_name="张三", group="第二组")
    client.force_login(alice)
    filtered = CHANGELIST + "?group=%E7%AC%AC%E4%BA%8C%E7%BB%84"  # 第二组

    confirm = batch(client, [a2], select_across=True, path=filtered)
    group = list(Household.objects.filter(group="第二组"))
    assert len(confirm.context["households"]) == 4

    batch(client, group, select_across=True, path=filtered, apply={"rule": award.pk, "occurred_on": today()})

    assert {h.score for h in Household.objects.filter(group="第二组")} == {102}
    a1.refresh_from_db()
    assert a1.score == 100


def test_it_refuses_a_select_all_batch_whose_list_changed(client, alice, a1, a2, village_a, award):
    client.force_login(alice)
    data = {"rule": award.pk, "occurred_on": today()}

    response = client.post(
        CHANGELIST,
        # Shown one household, but "select all" now finds two.
        {
            **data,
            "action": "record_rule",
            ACTION_CHECKBOX_NAME: [a1.pk],
            "select_across": "1",
            "apply": "1",
            "expected": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 0


def test_it_does_not_offer_batches_to_the_officer(client, olivia, a1, award):
    client.force_login(olivia)

    batch(client, [a1], apply={"rule": award.pk, "occurred_on": today()})

    a1.refresh_from_db()
    assert a1.score == 100


def test_it_names_only_the_clerks_own_catalogues_in_the_catalogue_filters(client, bob, award, award_b):
    client.force_login(bob)

    for url in ("/admin/credits/catalogueversion/", "/admin/credits/rule/", "/admin/credits/domain/"):
        page = client.get(url).content.decode()
        assert "永丰村" in page and "农丰村" not in page, url
