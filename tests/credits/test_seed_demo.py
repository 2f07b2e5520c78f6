"""`manage.py seed_demo`: the demo village, its year of history, and its three demo users.

The first test loads the full-size village once (a few seconds) and checks what a person trying
the demo relies on; the second uses a small village, because only the second run matters there.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from credits.demo.history import final_scores
from credits.management.commands.seed_demo import demo_plan, demo_rules, rule_specs
from credits.models import Entry
from households.models import Household, Town, Village

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-2024"


def seed(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in (Town, Village, Household, Entry, User)} | {
        "scores": sum(Household.objects.values_list("score", flat=True))
    }


def signs_in(username, password):
    response = Client().post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_it_loads_a_village_with_a_year_of_reconciled_history():
    output = seed("--password", PASSWORD)

    village = Village.objects.get(code="nongfeng")
    assert (village.name, village.town.name) == ("农丰村", "百步镇")
    households = village.households.all()
    assert households.count() == 300
    assert {h.group for h in households} == {f"第{n}村民小组" for n in "一二三四五六七八"}
    assert households.filter(number="0001").exists() and households.filter(number="0300").exists()
    assert households.exclude(phone="").count() > 200
    assert households.filter(active=False).count() == 2

    today = timezone.localdate()
    entries = Entry.objects.filter(household__village=village)
    assert set(entries.values_list("kind", flat=True)) == set(Entry.Kind) - {Entry.Kind.REDEMPTION}
    assert not entries.filter(occurred_on__gt=today).exists()
    assert entries.filter(kind="opening").earliest("occurred_on").occurred_on == today - timedelta(days=365)
    assert entries.count() > 4000
    # Batches, not one entry a day: a monthly check lands on many households at once.
    assert (
        Counter(entries.filter(rule__name="垃圾分类").values_list("occurred_on", flat=True)).most_common(1)[0][1] > 50
    )

    scores = sorted(households.values_list("score", flat=True))
    assert 70 <= scores[0] and scores[-1] <= 190
    assert 105 <= scores[len(scores) // 2] <= 145
    # Every planned step was written as planned: no refusal was swallowed on the way.
    rules = demo_rules()
    planned = final_scores(demo_plan(rules, households=300, today=today), rule_specs(rules), base=100)
    assert planned == dict(households.values_list("number", "score"))
    call_command("reconcile", stdout=StringIO())

    clerk, officer, shopkeeper = (User.objects.get(username=name) for name in ("clerk", "officer", "shopkeeper"))
    assert [list(u.groups.values_list("name", flat=True)) for u in (clerk, officer, shopkeeper)] == [
        ["clerk"],
        ["officer"],
        ["shopkeeper"],
    ]
    assert all(u.is_staff and not u.is_superuser for u in (clerk, officer, shopkeeper))
    assert list(village.clerks.all()) == [clerk]
    assert list(village.town.officers.all()) == [officer]
    assert signs_in("clerk", PASSWORD) and signs_in("officer", PASSWORD)
    assert "clerk" in output and PASSWORD in output


def test_it_prints_new_random_passwords_that_work():
    output = seed("--households", "30")

    line = next(line for line in output.splitlines() if line.split()[:1] == ["clerk"])
    password = line.split()[1]
    assert len(password) >= 12 and password != PASSWORD
    assert signs_in("clerk", password)


def test_it_changes_nothing_when_run_again():
    seed("--households", "30", "--password", PASSWORD)
    before = counts()

    again = seed("--households", "30")

    assert counts() == before
    assert "already loaded" in again
    assert signs_in("clerk", PASSWORD)


def test_it_resets_the_demo_passwords_on_a_second_run_given_one():
    seed("--households", "30", "--password", PASSWORD)
    before = counts()

    seed("--password", "another-pass-2025")

    assert counts() == before
    assert signs_in("clerk", "another-pass-2025")
    assert not User.objects.get(username="officer").check_password(PASSWORD)
