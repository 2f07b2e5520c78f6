"""The default catalogue and the staff roles that the migrations install on a fresh database."""

import pytest
from django.contrib.auth.models import Group

from credits.models import Domain, Rule

pytestmark = pytest.mark.django_db

DOMAINS = ["民生实事", "乡风文明", "美丽乡村", "公益美德", "平安创建"]


def test_it_installs_the_five_domains_in_the_published_order():
    assert list(Domain.objects.values_list("name", flat=True)) == DOMAINS


def test_it_installs_forty_rules_eight_per_domain():
    assert Rule.objects.count() == 40
    for domain in Domain.objects.all():
        assert domain.rules.count() == 8, domain.name
    assert Rule.objects.filter(active=True).count() == 40


def test_it_installs_awards_and_deductions_in_every_domain():
    for domain in Domain.objects.all():
        signs = {rule.points > 0 for rule in domain.rules.all()}
        assert signs == {True, False}, domain.name


def test_it_installs_the_items_named_in_the_scheme():
    names = set(Rule.objects.values_list("name", flat=True))

    assert {"村民议事", "移风易俗", "志愿服务", "邻里互助", "孝老爱亲"} <= names


def test_it_deducts_5_for_damaging_the_environment_and_20_for_an_extravagant_wedding():
    assert Rule.objects.get(name="破坏环境").points == -5
    assert Rule.objects.get(name="红白事大操大办").points == -20


def test_it_caps_no_deduction():
    # A deduction is "each time": a cap would let the fourth offence of a year go unrecorded.
    assert not Rule.objects.filter(points__lt=0, cap_per_year__isnull=False).exists()


def test_it_describes_every_rule_with_its_standard():
    assert not Rule.objects.filter(description="").exists()


def test_it_creates_the_three_staff_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {"clerk", "shopkeeper", "officer"}


def test_it_lets_an_officer_only_view():
    codenames = set(Group.objects.get(name="officer").permissions.values_list("codename", flat=True))

    assert codenames
    assert all(codename.startswith("view_") for codename in codenames), codenames
    assert {"view_household", "view_entry", "view_rule"} <= codenames


def test_it_lets_a_clerk_add_entries_but_never_change_or_delete_them():
    codenames = set(Group.objects.get(name="clerk").permissions.values_list("codename", flat=True))

    assert {"add_entry", "view_entry", "add_household", "change_rule"} <= codenames
    assert not {"change_entry", "delete_entry", "delete_household"} & codenames
