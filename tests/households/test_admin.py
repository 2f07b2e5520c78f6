"""The clerk's admin for households, towns and villages: what each person sees and may change."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from households.models import Household
from tests.factories import TownFactory, UserFactory, VillageFactory, open_household

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:households_household_changelist")
FORMSET_COUNTS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def listed(response) -> set[str]:
    return {str(household) for household in response.context["cl"].result_list}


def change_url(household) -> str:
    return reverse("admin:households_household_change", args=[household.pk])


def test_it_lists_only_the_households_of_the_clerks_village(client, alice, bob, a1, a2, b1):
    client.force_login(alice)
    assert listed(client.get(CHANGELIST)) == {str(a1), str(a2)}

    client.force_login(bob)
    assert listed(client.get(CHANGELIST)) == {str(b1)}


def test_it_never_names_another_village_or_its_groups_to_a_clerk(client, alice, a1, b1, bob, village_b):
    open_household(village_b, by=bob, head_name="赵六", group="第九组")
    client.force_login(alice)

    page = client.get(CHANGELIST).content.decode()

    assert "应美凤" in page
    assert "永丰村" not in page
    assert "第九组" not in page
    assert "李秀英" not in page


def test_it_offers_only_the_clerks_villages_in_the_village_filter(client, alice, a1, b1):
    elsewhere = VillageFactory(code="dongfeng", name="东风村", town=TownFactory(name="武原街道"))
    elsewhere.clerks.add(alice)
    client.force_login(alice)

    response = client.get(CHANGELIST)

    village_filter = next(f for f in response.context["cl"].filter_specs if getattr(f, "field_path", "") == "village")
    assert sorted(name for _pk, name in village_filter.lookup_choices) == sorted(["农丰村", "东风村"])
    assert "永丰村" not in response.content.decode()
    assert listed(client.get(CHANGELIST, {"village__id__exact": b1.village_id})) == set()


def test_it_lets_the_officer_read_both_villages_but_change_nothing(client, olivia, a1, a2, b1):
    client.force_login(olivia)

    response = client.get(CHANGELIST)
    assert listed(response) == {str(a1), str(a2), str(b1)}
    assert reverse("admin:households_household_add") not in response.content.decode()
    # Printing cards is a read (tests/households/test_cards.py); nothing that changes is offered.
    assert [name for name, _label in response.context["action_form"].fields["action"].choices if name] == [
        "print_cards"
    ]

    change_page = client.get(change_url(a1))
    assert change_page.status_code == 200
    assert not change_page.context["has_change_permission"]
    assert client.post(change_url(a1), {"head_name": "改名"}).status_code == 403
    a1.refresh_from_db()
    assert a1.head_name == "应美凤"


def test_it_shows_nothing_to_staff_without_a_role(client, mallory, a1, b1):
    client.force_login(mallory)

    for address in (CHANGELIST, change_url(a1), reverse("admin:index")):
        response = client.get(address, follow=True)
        assert response.status_code == 403
        assert "no role in the village administration" in response.content.decode()


def test_it_shows_nothing_to_a_clerk_without_a_village(client, a1, b1):
    newcomer = UserFactory(username="newcomer", role="clerk")
    client.force_login(newcomer)

    assert listed(client.get(CHANGELIST)) == set()
    assert client.get(change_url(a1)).status_code == 404


def test_it_shows_phone_numbers_in_the_list_in_full_only_to_who_may_see_them(client, alice, olivia, a1):
    client.force_login(olivia)
    page = client.get(CHANGELIST).content.decode()
    assert "138****1234" in page and "13812341234" not in page

    client.force_login(alice)
    assert "13812341234" in client.get(CHANGELIST).content.decode()


def test_it_masks_the_phone_on_the_household_page_of_who_may_not_see_it(client, alice, olivia, a1):
    client.force_login(olivia)
    page = client.get(change_url(a1)).content.decode()
    assert "138****1234" in page and "13812341234" not in page

    client.force_login(alice)
    assert 'value="13812341234"' in client.get(change_url(a1)).content.decode()


def test_it_keeps_the_phone_of_a_clerk_without_the_permission_unchanged_on_save(client, alice, a1):
    alice.groups.get(name="clerk").permissions.remove(Permission.objects.get(codename="view_full_phone"))
    client.force_login(alice)
    assert "13812341234" not in client.get(change_url(a1)).content.decode()

    client.post(change_url(a1), {"head_name": "应美凤", "group": "第一组", "address": "", "phone": "1"})

    a1.refresh_from_db()
    assert a1.phone == "13812341234"


@pytest.mark.parametrize("term", ["ymf", "YMF", "应美", "0001", "1"])
def test_it_finds_a_household_by_number_name_or_pinyin_initials(client, alice, a1, a2, term):
    client.force_login(alice)

    assert listed(client.get(CHANGELIST, {"q": term})) == {str(a1)}


def test_it_does_not_search_into_another_village(client, alice, a1, b1):
    client.force_login(alice)

    assert listed(client.get(CHANGELIST, {"q": "lxy"})) == set()


def test_it_filters_by_group(client, alice, a1, a2):
    client.force_login(alice)

    assert listed(client.get(CHANGELIST, {"group": "第二组"})) == {str(a2)}


def test_it_offers_the_groups_in_the_order_people_count_them(client, alice, village_a):
    for group in ["第一组", "第七组", "第十一组", "第三组", "第二组", "第十组", "村委会"]:
        open_household(village_a, by=alice, group=group)
    client.force_login(alice)

    filters = client.get(CHANGELIST).context["cl"].filter_specs
    (groups,) = [spec for spec in filters if getattr(spec, "parameter_name", "") == "group"]

    assert [value for value, _label in groups.lookup_choices] == [
        "第一组",
        "第二组",
        "第三组",
        "第七组",
        "第十组",
        "第十一组",
        "村委会",
    ]


def test_it_answers_404_for_another_villages_household(client, alice, b1):
    client.force_login(alice)

    assert client.get(change_url(b1)).status_code == 404
    assert client.post(change_url(b1), {"head_name": "改名"}).status_code == 404


def test_it_edits_a_household_through_the_service_keeping_score_and_initials(client, alice, a1):
    client.force_login(alice)

    response = client.post(
        change_url(a1), {"head_name": "王小明", "group": "第三组", "address": "村东 8 号", "phone": "13900001111"}
    )

    assert response.status_code == 302
    a1.refresh_from_db()
    assert (a1.head_name, a1.head_initials, a1.group, a1.phone) == ("王小明", "wxm", "第三组", "13900001111")
    assert (a1.score, a1.balance, a1.number) == (100, 100, "0001")


def test_it_keeps_score_and_balance_out_of_the_form(client, alice, a1):
    client.force_login(alice)

    client.post(change_url(a1), {"head_name": "应美凤", "score": "9999", "balance": "9999", "number": "9"})

    a1.refresh_from_db()
    assert (a1.score, a1.balance, a1.number) == (100, 100, "0001")


def test_it_never_deletes_a_household(client, alice, a1, admin_user):
    for user in (alice, admin_user):
        client.force_login(user)
        assert client.get(reverse("admin:households_household_delete", args=[a1.pk])).status_code == 403
        actions = dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)
        assert "delete_selected" not in actions
    assert Household.objects.filter(pk=a1.pk).exists()


def test_it_closes_and_reopens_households_with_actions(client, alice, a1, a2):
    client.force_login(alice)

    client.post(CHANGELIST, {"action": "close_households", ACTION_CHECKBOX_NAME: [a1.pk, a2.pk], "index": 0})
    a1.refresh_from_db()
    assert a1.active is False
    assert a1.closed_on is not None

    client.post(CHANGELIST, {"action": "reopen_households", ACTION_CHECKBOX_NAME: [a1.pk], "index": 0})
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.active, a1.closed_on, a2.active) == (True, None, False)


def test_it_does_not_let_the_officer_close_households(client, olivia, a1):
    client.force_login(olivia)

    client.post(CHANGELIST, {"action": "close_households", ACTION_CHECKBOX_NAME: [a1.pk], "index": 0})

    a1.refresh_from_db()
    assert a1.active is True


def test_it_shows_a_clerk_only_their_own_village_and_town(client, alice, village_a, village_b, town):
    client.force_login(alice)

    villages = client.get(reverse("admin:households_village_changelist")).context["cl"].result_list
    assert list(villages) == [village_a]
    assert client.get(reverse("admin:households_village_change", args=[village_b.pk])).status_code == 404
    assert client.get(reverse("admin:households_village_add")).status_code == 403
    towns = client.get(reverse("admin:households_town_changelist")).context["cl"].result_list
    assert list(towns) == [town]


def test_it_lets_only_superusers_change_who_a_village_is(client, alice, olivia, admin_user, village_a):
    url = reverse("admin:households_village_change", args=[village_a.pk])
    # The village page's inlines (star levels, board settings; see tests/households/test_stars.py), left empty.
    inlines = {f"{prefix}-{field}": 0 for prefix in ("star_levels", "board_settings") for field in FORMSET_COUNTS}

    client.force_login(olivia)
    assert client.post(url, {"code": "x", "name": "改名", "town": village_a.town_id, **inlines}).status_code == 403

    client.force_login(alice)  # her village's clerk changes its inlines, never its code or name
    assert client.post(url, {"code": "x", "name": "改名", "town": village_a.town_id, **inlines}).status_code == 302
    village_a.refresh_from_db()
    assert (village_a.code, village_a.name) == ("nongfeng", "农丰村")

    client.force_login(admin_user)
    response = client.post(url, {"code": "nongfeng", "name": "农丰新村", "town": village_a.town_id, **inlines})
    assert response.status_code == 302
    village_a.refresh_from_db()
    assert village_a.name == "农丰新村"
