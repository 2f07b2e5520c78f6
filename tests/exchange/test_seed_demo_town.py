"""`manage.py seed_demo` over a demo town already loaded: what a second run keeps and changes, and
what each village of the town holds.

The town (30 households in 农丰村) is loaded once for the module, inside a transaction rolled back
at its end; each test's own changes, a second run of the command among them, are rolled back after
the test as usual. `test_seed_demo.py` loads the full-size town and the cases that need another
start.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from credits.demo.catalogue import demo_plan, demo_rules, rule_specs
from credits.demo.history import final_scores
from credits.models import CatalogueVersion, Entry
from credits.selectors import site_template, version_in_force
from exchange.models import Redemption, Shop
from households.models import Village
from tests.exchange.test_seed_demo import PASSWORD, counts, reconcile, seed, signs_in, written

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed("--households", "30", "--password", PASSWORD)
        yield
        transaction.set_rollback(True)


def test_it_gives_the_demo_users_peoples_names_for_receipts_and_statements(demo_town):
    redemption = Redemption.objects.select_related("shopkeeper").filter(shop__village__code="nongfeng").first()
    client = Client()
    client.force_login(redemption.shopkeeper)
    receipt = client.get(f"/counter/{redemption.shop_id}/r/{redemption.pk}/").content.decode()

    assert {user.username: user.get_full_name() for user in User.objects.all()} == {
        "clerk": "沈丽华",
        "officer": "陆建明",
        "shopkeeper": "顾秀英",
        "clerk2": "褚晓燕",
        "shopkeeper2": "费建林",
    }
    assert "顾秀英" in receipt


def test_it_changes_nothing_when_run_again(demo_town):
    before = counts()

    again = seed("--households", "30")

    assert counts() == before
    assert "already loaded" in again
    assert signs_in("clerk", PASSWORD)


def test_it_keeps_everyone_logged_in_when_run_again_with_the_same_password(demo_town):
    client = Client()
    client.force_login(User.objects.get(username="clerk"))
    hashes = dict(User.objects.values_list("username", "password"))

    seed("--password", PASSWORD)

    assert dict(User.objects.values_list("username", "password")) == hashes
    assert client.get("/admin/").status_code == 200


def test_it_resets_the_demo_passwords_on_a_second_run_given_one(demo_town):
    before = counts()

    seed("--password", "another-pass-2025")

    assert counts() == before
    assert signs_in("clerk", "another-pass-2025")
    assert not User.objects.get(username="officer").check_password(PASSWORD)


def test_it_loads_a_second_village_of_the_town_with_its_own_staff_shop_and_history(demo_town):
    first, second = Village.objects.get(code="nongfeng"), Village.objects.get(code="sangyuan")
    assert (second.name, second.town) == ("桑园村", first.town)
    assert second.households.count() == 12 and first.households.count() == 30
    assert set(second.households.values_list("number", flat=True)) >= {"0001", "0012"}
    clerk2, shopkeeper2 = User.objects.get(username="clerk2"), User.objects.get(username="shopkeeper2")
    assert list(second.clerks.all()) == [clerk2] and list(first.clerks.all()) == [User.objects.get(username="clerk")]
    assert [g.name for g in clerk2.groups.all()] == ["clerk"] and [g.name for g in shopkeeper2.groups.all()] == [
        "shopkeeper"
    ]
    shop = Shop.objects.get(village=second)
    assert shop.name == "桑园村兑换超市" and list(shop.shopkeepers.all()) == [shopkeeper2]
    assert shop.products.count() == 12
    redemptions = Redemption.objects.filter(shop=shop)
    assert redemptions.exists() and set(redemptions.values_list("shopkeeper", flat=True)) == {shopkeeper2.pk}
    assert set(redemptions.values_list("household__village", flat=True)) == {second.pk}

    entries = Entry.objects.filter(household__village=second)
    assert entries.filter(kind="award").count() > 100 and entries.filter(kind="deduction").exists()
    assert set(entries.exclude(rule=None).values_list("rule__version__catalogue__village", flat=True)) == {second.pk}
    assert set(entries.exclude(kind="opening").values_list("recorded_by", flat=True)) <= {clerk2.pk, shopkeeper2.pk}
    rules = demo_rules(version_in_force(second.pk, on=timezone.localdate()))
    planned = final_scores(
        demo_plan(rules, households=12, today=timezone.localdate(), seed=20250311, village_name="桑园村"),
        rule_specs(rules),
        base=100,
    )
    assert planned == written(second)
    reconcile()
    assert signs_in("clerk2", PASSWORD) and signs_in("shopkeeper2", PASSWORD, at="/accounts/login/", then="/counter/")


def test_it_gives_the_second_village_the_towns_template_and_a_newer_version_pending(demo_town):
    village = Village.objects.get(code="sangyuan")
    today = timezone.localdate()

    first, pending = village.catalogue.versions.order_by("number")
    template = first.based_on
    assert (template.catalogue.town, template.catalogue.village) == (village.town, None) and template.adopted
    site = {rule.name: rule.points for rule in site_template().rules.all()}
    town = {rule.name: rule.points for rule in template.rules.all()}
    assert len(town) == len(site) + 1
    assert {name for name in site if town[name] != site[name]} == {"垃圾分类", "破坏环境"}
    assert {rule.name: rule.points for rule in first.rules.all()} == town
    # 农丰村 keeps the site's template as it is.
    nongfeng = Village.objects.get(code="nongfeng").catalogue.versions.get()
    assert {rule.name: rule.points for rule in nongfeng.rules.all()} == site

    assert pending.adopted and pending.adopted_on < today < pending.effective_from <= today + timedelta(days=7)
    assert pending.meeting
    changed = {rule.name for rule in pending.rules.all() if town[rule.name] != rule.points}
    assert changed == {"门前三包"}
    assert version_in_force(village.pk, on=today) == first
    assert version_in_force(village.pk, on=pending.effective_from) == pending
    assert Entry.objects.filter(household__village=village, rule__name="垃圾分类").first().points == 2
    assert not CatalogueVersion.objects.filter(adopted_on__isnull=True).exists()


def test_it_keeps_each_clerk_to_their_own_village_and_shows_the_officer_both(demo_town):
    first, second = Village.objects.get(code="nongfeng"), Village.objects.get(code="sangyuan")
    theirs = first.households.get(number="0001")
    client = Client()

    client.force_login(User.objects.get(username="clerk2"))
    listed = client.get("/admin/households/household/").context["cl"].result_list
    assert {h.village_id for h in listed} == {second.pk}
    assert client.get(f"/admin/households/household/{theirs.pk}/change/").status_code == 404
    assert "农丰村" not in client.get("/admin/households/household/").content.decode()

    client.force_login(User.objects.get(username="clerk"))
    assert client.get(f"/admin/households/household/{second.households.first().pk}/change/").status_code == 404

    client.force_login(User.objects.get(username="officer"))
    with translation.override("en"):
        page = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page.context["comparing"]
    assert [figures.village.name for figures in page.context["report"].comparison] == ["农丰村", "桑园村"]
    assert "Comparison of villages" in page.content.decode()
