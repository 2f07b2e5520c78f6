"""`manage.py seed_demo`: the demo town's two villages, their year of history, their shops, and the
demo users.

The first test loads the full-size villages once (tens of seconds) and checks what a person trying
the demo relies on; the others use small villages, because the size does not matter there.
"""

import re
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone, translation

from activities.models import Signup
from claims.models import Claim
from credits.demo.catalogue import demo_plan, demo_rules, rule_specs
from credits.demo.history import final_balances, final_scores
from credits.models import Entry, YearScore
from exchange.models import Product, Redemption, RedemptionVoid, Shop, StockMovement
from households.models import Household, Town, Village
from tests.factories import UserFactory, VillageFactory, open_household
from years.models import YearClose

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-2024"


def seed(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    models = (Town, Village, Household, Entry, User, Shop, Product, StockMovement, Redemption, RedemptionVoid)
    return {model.__name__: model.objects.count() for model in models} | {
        "scores": sum(Household.objects.values_list("score", flat=True)),
        "balances": sum(Household.objects.values_list("balance", flat=True)),
        "stock": sum(Product.objects.values_list("stock", flat=True)),
    }


def signs_in(username, password, *, at="/admin/login/", then="/admin/"):
    response = Client().post(at, {"username": username, "password": password, "next": then})
    return response.status_code == 302 and response["Location"] == then


def written(village, field="score") -> dict[str, int]:
    """Each household's score (or balance) as the ledger's plan wrote it: without the points of the
    demo's claims (`claims.demo`), which the clerk approved after the plan, nor of its activity's
    attendance (`activities.demo`), awarded when the clerk closed it."""
    claimed = Counter()
    for number, points in Claim.objects.filter(village=village, entry__isnull=False).values_list(
        "household__number", "entry__points"
    ):
        claimed[number] += points
    for number, points in Signup.objects.filter(activity__village=village, entry__isnull=False).values_list(
        "household__number", "entry__points"
    ):
        claimed[number] += points
    return {number: value - claimed[number] for number, value in village.households.values_list("number", field)}


def reconcile():
    """Raises CommandError on any difference between the caches and the books, stock included."""
    call_command("reconcile", stdout=StringIO())


def test_it_loads_a_village_with_last_year_closed_and_reconciled_history():
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
    # Every kind of entry but an expiry: the village restarts its scores at the close, keeping balances.
    assert set(entries.values_list("kind", flat=True)) == set(Entry.Kind) - {Entry.Kind.EXPIRY}
    assert not entries.filter(occurred_on__gt=today).exists()
    assert entries.filter(kind="opening").earliest("occurred_on").occurred_on == date(today.year - 1, 1, 1)
    assert entries.count() > 8000

    # Last year is whole and closed, in its first days of January, by the village's clerk.
    close = YearClose.objects.get(village=village)
    assert (close.year, close.score_start, close.closed_by.username) == (today.year - 1, "restart", "clerk")
    assert timezone.localtime(close.closed_at).date() == min(today, date(today.year, 1, 5))
    assert close.households == close.rows.count() > 290
    assert close.rows.filter(stars__gt=0).exists() and close.rows.filter(rank=1).exists()
    assert not entries.filter(occurred_on__year=today.year - 1, created_at__gt=close.closed_at).exists()
    restarted = entries.filter(kind=Entry.Kind.RESTART)
    assert set(restarted.values_list("occurred_on", flat=True)) == {date(today.year, 1, 1)}
    # Since the restart, each score is the base and this year's points; the closed year kept its own.
    this_year = YearScore.objects.filter(household__village=village, year=today.year)
    this_year = dict(this_year.values_list("household__number", "points"))
    for number, score in households.filter(active=True).values_list("number", "score"):
        assert score == 100 + this_year.get(number, 0)
    # Batches, not one entry a day: a monthly check lands on many households at once.
    assert (
        Counter(entries.filter(rule__name="垃圾分类").values_list("occurred_on", flat=True)).most_common(1)[0][1] > 50
    )

    scores = sorted(households.values_list("score", flat=True))
    assert 70 <= scores[0] and scores[-1] <= 190
    # A whole year's points, as the closed year froze them: most households earn a few dozen.
    points = sorted(close.rows.values_list("points", flat=True))
    assert 5 <= points[len(points) // 2] <= 45
    # Every planned step was written as planned: no refusal was swallowed on the way. Spending at
    # the shop lowers balances, never scores.
    rules = demo_rules()
    planned = final_scores(demo_plan(rules, households=300, today=today, restart=True), rule_specs(rules), base=100)
    assert planned == written(village)
    reconcile()

    # A few hundred visits to the counter; most households keep most of their points.
    assert 150 <= Redemption.objects.filter(shop__village=village).count() <= 600
    spent = -entries.filter(kind=Entry.Kind.REDEMPTION).aggregate(points=Sum("points"))["points"]
    assert 0 < spent < sum(households.values_list("balance", flat=True))

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
    assert "clerk" in output and PASSWORD in output and "农丰村兑换超市" in output


def test_it_opens_the_village_shop_with_months_of_redemptions():
    seed("--households", "60", "--password", PASSWORD)

    village = Village.objects.get(code="nongfeng")
    clerk, shopkeeper = User.objects.get(username="clerk"), User.objects.get(username="shopkeeper")
    shop = Shop.objects.get(village=village)
    assert (shop.name, shop.village, shop.active) == ("农丰村兑换超市", village, True)
    assert list(shop.shopkeepers.all()) == [shopkeeper]

    products = list(shop.products.all())
    assert len(products) == 12 and all(p.active for p in products)
    assert {p.name for p in products} >= {"大米（10斤装）", "菜籽油（5升）", "洗衣皂", "食盐（400克）", "挂面"}
    assert all(p.unit and 1 <= p.price <= 60 and 0 < p.low_stock < 20 and 0 <= p.stock < 100 for p in products)

    restocks = StockMovement.objects.filter(kind=StockMovement.Kind.RESTOCK, product__shop=shop)
    assert set(restocks.values_list("recorded_by", flat=True)) == {clerk.pk}
    # Each delivery carries the day of the story, in its note and as its time.
    assert all(re.match(r"\d+月\d+日", note) for note in restocks.values_list("note", flat=True))
    for note, at in restocks.values_list("note", "created_at"):
        assert note.startswith(f"{timezone.localtime(at).month}月{timezone.localtime(at).day}日")
    # A first delivery of everything, and more as goods ran low.
    assert restocks.count() > len(products)
    assert set(restocks.values_list("product", flat=True)) == {p.pk for p in products}

    redemptions = Redemption.objects.filter(shop=shop)
    assert redemptions.count() > 10
    assert set(redemptions.values_list("shopkeeper", flat=True)) == {shopkeeper.pk}
    assert all(key.startswith("demo-") for key in redemptions.values_list("idempotency_key", flat=True))
    # Sold over months, as the story tells, never later than now; each sale's entry on its day.
    months = {timezone.localtime(at).strftime("%Y-%m") for at in redemptions.values_list("created_at", flat=True)}
    assert len(months) >= 3
    assert redemptions.filter(created_at__gt=timezone.now()).count() == 0
    assert all(r.entry.occurred_on == timezone.localdate(r.created_at) for r in redemptions.select_related("entry"))
    voids = RedemptionVoid.objects.filter(redemption__shop=shop)
    assert voids.count() == 2
    assert set(voids.values_list("voided_by", flat=True)) == {clerk.pk} and all(v.reason for v in voids)

    # Every household spent what its redemptions say, and none went below zero.
    kept = redemptions.filter(void__isnull=True).values("household__number").annotate(spent=Sum("total"))
    spent = {row["household__number"]: row["spent"] for row in kept}
    rules = demo_rules()
    plan = demo_plan(rules, households=60, today=timezone.localdate(), restart=True)
    earned = final_balances(plan, rule_specs(rules), base=100)
    assert min(village.households.values_list("balance", flat=True)) >= 0
    for number, balance in written(village, "balance").items():
        assert earned[number] - balance == spent.get(number, 0)
    reconcile()

    assert signs_in("shopkeeper", PASSWORD, at="/accounts/login/", then="/counter/")
    client = Client()
    client.force_login(shopkeeper)
    page = client.get("/counter/", follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0] == f"/counter/{shop.pk}/"


def test_it_records_the_demo_in_the_order_it_happened_each_row_when_it_happened():
    seed("--households", "40", "--password", PASSWORD)

    rows = list(Entry.objects.order_by("household_id", "id").values_list("household_id", "created_at", "kind"))
    assert all(a[1] <= b[1] for a, b in pairwise(rows) if a[0] == b[0])  # ids follow time
    assert len({created.date() for _h, created, _k in rows}) > 100  # not all on the day it was loaded
    for household in Household.objects.all():
        opening = household.entries.get(kind=Entry.Kind.OPENING)
        assert timezone.localdate(opening.created_at) == opening.occurred_on
        assert timezone.localdate(household.created_at) == opening.occurred_on
    assert sum(entry.recorded_late for entry in Entry.objects.all()) <= 3  # only the clerk's corrections
    call_command("reconcile", stdout=StringIO())


def test_it_prints_new_random_passwords_that_work():
    output = seed("--households", "30")

    line = next(line for line in output.splitlines() if line.split()[:1] == ["clerk"])
    password = line.split()[1]
    assert len(password) >= 12 and password != PASSWORD
    assert signs_in("clerk", password)


def test_it_opens_the_shop_in_a_village_loaded_before_the_demo_had_one():
    village = VillageFactory(code="nongfeng", name="农丰村")
    clerk = UserFactory(username="clerk", role="clerk")
    village.clerks.add(clerk)
    UserFactory(username="shopkeeper", role="shopkeeper")
    today = timezone.localdate()
    for n in range(1, 21):
        open_household(village, by=clerk, number=f"{n:04d}", opened_on=today - timedelta(days=200))

    output = seed()

    shop = Shop.objects.get(village=village)
    assert shop.products.count() == 12 and Redemption.objects.filter(shop=shop).exists()
    assert "Opened 农丰村兑换超市" in output
    reconcile()
    before = counts()
    seed()
    assert counts() == before


def test_it_adds_the_second_village_to_a_demo_loaded_before_it_had_one(monkeypatch):
    from exchange.management.commands import seed_demo

    with monkeypatch.context() as patch:
        patch.setattr(seed_demo, "VILLAGES", seed_demo.VILLAGES[:1])
        seed("--households", "30", "--password", PASSWORD)
    first = Village.objects.get(code="nongfeng")
    before = (Entry.objects.filter(household__village=first).count(), Redemption.objects.count())
    hashes = dict(User.objects.values_list("username", "password"))

    output = seed("--households", "30")

    second = Village.objects.get(code="sangyuan")
    assert second.households.count() == 12 and Shop.objects.filter(village=second).exists()
    assert (
        Entry.objects.filter(household__village=first).count(),
        Redemption.objects.filter(shop__village=first).count(),
    ) == before
    assert {u: p for u, p in User.objects.values_list("username", "password") if u in hashes} == hashes
    assert "already loaded" in output and "clerk2" in output and "shopkeeper2" in output
    assert not re.search(r"^\s*officer\s", output, re.M)
    reconcile()


@pytest.mark.parametrize("households", ["1", "2"])
def test_it_loads_the_smallest_villages_reconciled(households):
    # The plan once drew two households from a village of one (the second village is smaller than
    # the first), and stopped with a ValueError.
    seed("--households", households, "--password", PASSWORD)
    assert Household.objects.filter(village__code="nongfeng").count() == int(households)
    reconcile()
