"""The ledger in the admin: reversing an entry, the read-only list of entries, and the rule catalogue."""

import pytest
from django.urls import reverse
from django.utils import timezone

from credits.models import Entry, Rule
from credits.services import entry_adjust, entry_record, entry_reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name: str, obj) -> str:
    return reverse(f"admin:{name}", args=[obj.pk])


def errors_of(response) -> str:
    return " ".join(str(error) for error in response.context["form"].errors.values())


# Reversal


def test_it_reverses_an_entry_once_with_a_reason(english, alice, a1, award):
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    english.force_login(alice)
    reverse_url = url("credits_entry_reverse", entry)

    first = english.post(reverse_url, {"reason": "记错了户"})
    second = english.post(reverse_url, {"reason": "再来一次"})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "already been reversed" in errors_of(second)
    a1.refresh_from_db()
    assert a1.score == 100
    assert a1.entries.filter(kind=Entry.Kind.REVERSAL).count() == 1


@pytest.mark.parametrize("kind", ["opening", "reversal"])
def test_it_refuses_to_reverse_what_cannot_be(english, alice, a1, award, kind):
    if kind == "reversal":
        recorded = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
        entry = entry_reverse(entry=recorded, reason="记错", by=alice)
    else:
        entry = a1.entries.get()
    english.force_login(alice)

    response = english.post(url("credits_entry_reverse", entry), {"reason": "试试"})

    assert "cannot" in errors_of(response)
    assert a1.entries.count() == (1 if kind == "opening" else 3)


def test_it_asks_a_reason_to_reverse(client, alice, a1, award):
    entry = entry_adjust(household=a1, points=4, reason="补录", by=alice)
    client.force_login(alice)

    response = client.post(url("credits_entry_reverse", entry), {"reason": " "})

    assert "reason" in response.context["form"].errors
    assert not Entry.objects.filter(kind=Entry.Kind.REVERSAL).exists()


def test_it_sends_the_clerk_back_to_the_statement_after_reversing(client, alice, a1, award):
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)

    response = client.post(url("credits_entry_reverse", entry), {"reason": "记错了户"}, follow=True)

    assert response.redirect_chain[-1][0] == url("households_household_statement", a1)
    (row, *_rest) = response.context["rows"]
    assert row["entry"].reverses == entry
    assert response.context["rows"][1]["reversal"] == row["entry"]


def test_it_lets_the_officer_read_entries_but_not_reverse(client, olivia, a1, award, alice):
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    client.force_login(olivia)

    assert client.get(url("credits_entry_change", entry)).status_code == 200
    assert client.post(url("credits_entry_reverse", entry), {"reason": "看看"}).status_code == 403


# The entries


def test_it_lists_only_entries_of_the_clerks_village(client, alice, a1, a2, b1):
    client.force_login(alice)

    response = client.get(reverse("admin:credits_entry_changelist"))

    assert {entry.household_id for entry in response.context["cl"].result_list} == {a1.pk, a2.pk}
    assert "永丰村" not in response.content.decode()


def test_it_finds_entries_by_household_number_or_name(client, alice, a1, a2):
    client.force_login(alice)
    changelist = reverse("admin:credits_entry_changelist")

    assert {e.household_id for e in client.get(changelist, {"q": "王建国"}).context["cl"].result_list} == {a2.pk}
    assert {e.household_id for e in client.get(changelist, {"q": "0001"}).context["cl"].result_list} == {a1.pk}
    assert {e.household_id for e in client.get(changelist, {"q": "1"}).context["cl"].result_list} == {a1.pk}


def test_it_never_adds_changes_or_deletes_entries_in_the_admin(client, alice, admin_user, a1):
    entry = a1.entries.get()
    for user in (alice, admin_user):
        client.force_login(user)
        assert client.get(reverse("admin:credits_entry_add")).status_code == 403
        assert client.post(url("credits_entry_change", entry), {"points": 999}).status_code == 403
        assert client.post(url("credits_entry_delete", entry), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.points == 100


def test_it_shows_nothing_of_the_ledger_to_staff_without_a_role(client, mallory, a1):
    client.force_login(mallory)

    assert client.get(reverse("admin:credits_entry_changelist")).status_code == 403


# The catalogue


def test_it_lets_a_clerk_add_and_retire_rules_but_not_delete_them(client, alice, draft_award):
    client.force_login(alice)
    award = draft_award
    data = {"domain": award.domain_id, "name": "河道保洁", "points": "3", "cap_per_year": "4", "position": "0"}

    assert client.post(reverse("admin:credits_rule_add"), {**data, "active": "on"}).status_code == 302
    rule = Rule.objects.get(name="河道保洁")
    assert client.post(url("credits_rule_change", rule), data).status_code == 302
    rule.refresh_from_db()
    assert rule.active is False
    assert client.post(url("credits_rule_delete", rule), {"post": "yes"}).status_code == 403
    assert client.post(url("credits_domain_delete", award.domain), {"post": "yes"}).status_code == 403


def test_it_refuses_a_rule_of_zero_points(english, alice, draft_award):
    english.force_login(alice)
    award = draft_award

    response = english.post(
        reverse("admin:credits_rule_add"), {"domain": award.domain_id, "name": "空", "points": "0", "position": "0"}
    )

    assert "must not be zero" in " ".join(str(e) for e in response.context["adminform"].form.errors.values())
    assert not Rule.objects.filter(name="空").exists()


def test_it_does_not_let_the_officer_edit_rules(client, olivia, award):
    client.force_login(olivia)

    data = {"domain": award.domain_id, "name": "改", "points": "9", "position": "0"}
    assert client.post(url("credits_rule_change", award), data).status_code == 403
    award.refresh_from_db()
    assert award.points == 2
