"""Star levels (星级文明户): thresholds per village, kept by its clerks on the village's admin page."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.services import entry_adjust
from households.models import StarLevel, Village
from households.selectors import star_counts, star_levels, star_levels_of, stars_for, year_stars_of
from households.services import household_close
from public.models import BoardSettings
from tests.credits.ledger import today
from tests.factories import open_household

pytestmark = pytest.mark.django_db

DEFAULTS = [(1, 110), (2, 120), (3, 130), (4, 140), (5, 150)]
HOUSEHOLDS = reverse("admin:households_household_changelist")


def set_levels(village, levels):
    StarLevel.objects.bulk_create(StarLevel(village=village, stars=s, min_score=m) for s, m in levels)


def with_score(village, clerk, score, **fields):
    household = open_household(village, by=clerk, **fields)
    if score != household.score:
        entry_adjust(household=household, points=score - household.score, reason="测试", by=clerk)
    household.refresh_from_db()
    return household


def change_url(village) -> str:
    return reverse("admin:households_village_change", args=[village.pk])


def village_form(village, levels, *, board=None) -> dict:
    """What the village page posts: `levels` edit the saved rows in place; leftover rows are deleted."""
    existing = list(village.star_levels.order_by("stars"))
    total = max(len(existing), len(levels))
    data = {
        "star_levels-TOTAL_FORMS": total,
        "star_levels-INITIAL_FORMS": len(existing),
        "star_levels-MIN_NUM_FORMS": 0,
        "star_levels-MAX_NUM_FORMS": 9,
    }
    for i in range(total):
        prefix = f"star_levels-{i}"
        data[f"{prefix}-village"] = village.pk
        if i < len(existing):
            data[f"{prefix}-id"] = existing[i].pk
        if i < len(levels):
            data[f"{prefix}-stars"], data[f"{prefix}-min_score"] = levels[i]
        else:
            data[f"{prefix}-stars"], data[f"{prefix}-min_score"] = existing[i].stars, existing[i].min_score
            data[f"{prefix}-DELETE"] = "on"
    saved = BoardSettings.objects.filter(village=village).first()
    data.update(
        {
            "board_settings-TOTAL_FORMS": 1,
            "board_settings-INITIAL_FORMS": 1 if saved else 0,
            "board_settings-MIN_NUM_FORMS": 0,
            "board_settings-MAX_NUM_FORMS": 1,
            "board_settings-0-village": village.pk,
        }
    )
    if saved:
        data["board_settings-0-id"] = saved.pk
    if board is None:
        # As a browser posts the form it was shown: the saved settings, or the defaults.
        shown = saved or BoardSettings(village=village)
        board = {name: getattr(shown, name) for name in BOARD}
        board = {name: ("on" if value is True else value) for name, value in board.items() if value is not False}
    data.update({f"board_settings-0-{name}": value for name, value in board.items()})
    return data


BOARD = {"show_red_list": "on", "red_list_size": 8, "show_stars": "on", "show_recent": "on", "recent_days": 7}
BOARD |= {"recent_size": 15, "show_black_list": "on", "black_list_size": 5, "mask_names": "on"}


def formset_errors(response) -> str:
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return " ".join(f"{formset.non_form_errors()} {formset.errors}" for formset in formsets)


# The levels


def test_it_uses_the_default_levels_when_a_village_has_none(village_a):
    assert star_levels(village_a.pk) == DEFAULTS


def test_it_uses_the_villages_own_levels_fewest_stars_first(village_a, village_b):
    set_levels(village_a, [(3, 200), (1, 105), (2, 150)])

    assert star_levels(village_a.pk) == [(1, 105), (2, 150), (3, 200)]
    assert star_levels(village_b.pk) == DEFAULTS


@pytest.mark.parametrize(
    ("score", "stars"),
    [(0, 0), (109, 0), (110, 1), (119, 1), (120, 2), (139, 3), (149, 4), (150, 5), (900, 5), (-20, 0)],
)
def test_it_gives_the_most_stars_whose_threshold_the_score_reaches(score, stars):
    assert stars_for(score, DEFAULTS) == stars


def test_it_follows_a_nine_star_scheme():
    nine = [(stars, 100 + 10 * stars) for stars in range(1, 10)]

    assert stars_for(189, nine) == 8
    assert stars_for(190, nine) == 9
    assert stars_for(110, nine) == 1
    assert stars_for(109, nine) == 0


def test_it_reads_the_levels_of_many_villages_in_one_query(village_a, village_b):
    set_levels(village_a, [(1, 50), (2, 60)])

    with CaptureQueriesContext(connection) as queries:
        levels = star_levels_of([village_a.pk, village_b.pk])

    assert len(queries) == 1
    assert levels == {village_a.pk: [(1, 50), (2, 60)], village_b.pk: DEFAULTS}


def test_it_counts_the_active_households_at_each_level(village_a, village_b, alice, bob):
    for score in (100, 109, 110, 125, 129, 150, 170):
        with_score(village_a, alice, score)
    household_close(household=with_score(village_a, alice, 160), by=alice)
    with_score(village_b, bob, 150)

    assert star_counts(village_a.pk, DEFAULTS, year=today().year) == {0: 2, 1: 1, 2: 2, 3: 0, 4: 0, 5: 2}


def test_the_star_counts_read_only_the_villages_rows_of_the_year(village_a, alice, village_b, bob):
    """The board's star counts joined every household's points of the year in the county (a
    county of 100,000 households: 3.4 ms at 10,000, 40 ms at 100,000, `bench/lookup.py`); the join
    now names the village, so its index reads that village's rows alone."""
    with_score(village_a, alice, 125)
    with_score(village_b, bob, 125)

    with CaptureQueriesContext(connection) as queries:
        counts = star_counts(village_a.pk, DEFAULTS, year=today().year)

    assert counts == {0: 0, 1: 0, 2: 1, 3: 0, 4: 0, 5: 0}
    (query,) = queries.captured_queries
    join = query["sql"].split(" JOIN ")[-1]
    assert f'"village_id" = {village_a.pk}' in join.split(" WHERE ")[0]


def test_stars_read_the_years_points_not_the_lifetime_score(client, village_a, alice, a1):
    """150 points earned in an earlier year made a lifetime score of 250; this year a1 has 10."""
    entry_adjust(household=a1, points=150, reason="往年的积分", by=alice, occurred_on=date(today().year - 1, 6, 1))
    entry_adjust(household=a1, points=10, reason="今年的积分", by=alice)
    a1.refresh_from_db()
    assert a1.score == 260

    assert year_stars_of([a1], today().year)[a1.pk] == (1, 5)
    assert year_stars_of([a1], today().year - 1)[a1.pk] == (5, 5)
    assert star_counts(village_a.pk, DEFAULTS, year=today().year) == {0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0}
    client.force_login(alice)
    statement = client.get(reverse("admin:households_household_statement", args=[a1.pk])).content.decode()
    assert 'title="1"' in statement


# The admin: the clerk keeps their village's levels and board, nothing else of it


def test_it_lets_a_clerk_set_their_villages_star_levels(client, alice, village_a):
    client.force_login(alice)

    response = client.post(change_url(village_a), village_form(village_a, [(1, 100), (2, 130), (3, 180)]))

    assert response.status_code == 302, formset_errors(response)
    assert star_levels(village_a.pk) == [(1, 100), (2, 130), (3, 180)]
    assert not BoardSettings.objects.exists()  # the board's defaults were left as they were


def test_it_lets_a_clerk_change_and_remove_levels(client, alice, village_a):
    set_levels(village_a, [(1, 100), (2, 130), (3, 180)])
    client.force_login(alice)

    response = client.post(change_url(village_a), village_form(village_a, [(1, 105), (2, 140)]))

    assert response.status_code == 302, formset_errors(response)
    assert star_levels(village_a.pk) == [(1, 105), (2, 140)]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([(1, 120), (2, 120)], "More stars must need a higher score: 2★ from 120 is not above 1★ from 120."),
        ([(1, 130), (2, 120)], "More stars must need a higher score: 2★ from 120 is not above 1★ from 130."),
        ([(2, 110), (3, 150), (1, 140)], "2★ from 110 is not above 1★ from 140."),
        ([(1, 110), (1, 120)], "Each number of stars may be set only once; 1★ is set twice."),
        ([(10, 200)], "less than or equal to 9"),
        ([(0, 90)], "greater than or equal to 1"),
    ],
)
def test_it_refuses_star_levels_that_do_not_make_a_scheme(client, alice, village_a, levels, message):
    client.force_login(alice)

    response = client.post(change_url(village_a), village_form(village_a, levels))

    assert response.status_code == 200
    assert message in formset_errors(response)
    assert not StarLevel.objects.exists()


def test_it_shows_which_levels_apply_while_a_village_has_none(client, alice, village_a):
    client.force_login(alice)

    page = client.get(change_url(village_a)).content.decode()

    assert "the defaults apply" in page
    assert "1★ from 110" in page and "5★ from 150" in page

    set_levels(village_a, [(1, 100)])
    assert "the defaults apply" not in client.get(change_url(village_a)).content.decode()


def test_it_lets_a_clerk_save_their_villages_board_settings(client, alice, village_a):
    client.force_login(alice)

    response = client.post(change_url(village_a), village_form(village_a, [], board=BOARD))

    assert response.status_code == 302, formset_errors(response)
    settings = BoardSettings.objects.get(village=village_a)
    assert (settings.show_black_list, settings.black_list_size, settings.red_list_size) == (True, 5, 8)


def test_it_refuses_board_sizes_beyond_the_limits(client, alice, village_a):
    client.force_login(alice)

    response = client.post(change_url(village_a), village_form(village_a, [], board=BOARD | {"recent_days": 365}))

    assert response.status_code == 200
    assert "less than or equal to 90" in formset_errors(response)
    assert not BoardSettings.objects.exists()


def test_it_never_lets_a_clerk_change_who_the_village_is(client, alice, bob, village_a):
    client.force_login(alice)
    data = village_form(village_a, [(1, 100)]) | {"code": "hacked", "name": "改名村", "clerks": [bob.pk]}

    response = client.post(change_url(village_a), data)

    assert response.status_code == 302
    village = Village.objects.get(pk=village_a.pk)
    assert (village.code, village.name, list(village.clerks.all())) == ("nongfeng", "农丰村", [alice])
    assert star_levels(village_a.pk) == [(1, 100)]
    # The one field of the village itself a clerk sets: the earliest date a deed may carry.
    assert set(client.get(change_url(village_a)).context["adminform"].form.fields) == {"earliest_deed_on"}


def test_it_answers_404_for_another_villages_page(client, alice, village_b):
    client.force_login(alice)

    assert client.get(change_url(village_b)).status_code == 404
    assert client.post(change_url(village_b), village_form(village_b, [(1, 1)])).status_code == 404
    assert not StarLevel.objects.exists()


def test_it_shows_the_officer_the_levels_and_board_but_changes_nothing(client, olivia, village_a):
    set_levels(village_a, [(1, 105)])
    client.force_login(olivia)

    response = client.get(change_url(village_a))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    formsets = {f.formset.prefix: f for f in response.context["inline_admin_formsets"]}
    assert set(formsets) == {"star_levels", "board_settings"}
    assert not any(f.has_add_permission or f.has_change_permission for f in formsets.values())
    assert client.post(change_url(village_a), village_form(village_a, [(1, 1)], board=BOARD)).status_code == 403
    assert star_levels(village_a.pk) == [(1, 105)]
    assert not BoardSettings.objects.exists()


# Where clerks see a household's stars


def test_it_shows_each_households_stars_in_the_list_by_its_villages_levels(
    client, django_user_model, alice, bob, village_a, village_b
):
    set_levels(village_b, [(1, 100), (2, 101)])
    three = with_score(village_a, alice, 135, number="0101")
    two = with_score(village_b, bob, 101, number="0201")
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))

    response = client.get(HOUSEHOLDS)

    admin = response.context["cl"].model_admin
    stars = {str(h): admin.stars(h) for h in response.context["cl"].result_list}
    assert stars == {str(three): "★★★", str(two): "★★"}
    assert "★★★" in response.content.decode()


def test_it_lists_stars_in_a_fixed_number_of_queries(client, alice, bob, village_a, village_b):
    town_village = Village.objects.create(code="dongfeng", name="东风村", town=village_a.town)
    town_village.clerks.add(alice)
    with_score(village_a, alice, 120)
    client.force_login(alice)
    client.get(HOUSEHOLDS)  # warm up what a first request caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOUSEHOLDS).status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        with_score(village_a if n % 2 else town_village, alice, 100 + 10 * n)
    set_levels(town_village, [(1, 100)])

    assert count() == few


def test_it_shows_the_stars_on_the_households_statement(client, alice, village_a):
    household = with_score(village_a, alice, 141)
    client.force_login(alice)

    response = client.get(reverse("admin:households_household_statement", args=[household.pk]))

    assert response.context["stars"] == 4
    assert 'id="xf-stars"' in response.content.decode()
    assert "★★★★<" in response.content.decode()
