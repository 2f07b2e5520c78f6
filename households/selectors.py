"""Reads of villages and households, scoped to the person asking.

Every list a member of staff sees starts from `villages_for(user)`: superusers see every village,
clerks the villages they are assigned to, officers the villages of their towns, county officers
the villages of their county's towns.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.db.models.functions import Coalesce

from households.models import Household, StarLevel, Village, mask_phone, number_key


def villages_for(user, *, write: bool = False) -> QuerySet[Village]:
    """The villages `user` may read, or with `write` the ones they may change.

    Officers (of a town or a county) read only: they never appear among the writers.
    """
    if not user.is_authenticated or not user.is_active:
        return Village.objects.none()
    if user.is_superuser:
        return Village.objects.all()
    scope = Q(clerks=user)
    if not write:
        scope |= Q(town__officers=user) | Q(town__county__officers=user)
    return Village.objects.filter(pk__in=Village.objects.filter(scope).values("pk"))


def households_for(user, *, write: bool = False) -> QuerySet[Household]:
    return Household.objects.filter(village__in=villages_for(user, write=write))


def may_change_village(user, village_id: int) -> bool:
    return villages_for(user, write=True).filter(pk=village_id).exists()


def may_see_full_phone(user) -> bool:
    """The one rule for phone numbers, on every page, the admin, the API, exports and receipts:
    in full only to whoever holds `households.view_full_phone` (clerks), masked to everyone else."""
    return user.has_perm("households.view_full_phone")


def phone_for(user, phone: str) -> str:
    return phone if may_see_full_phone(user) else mask_phone(phone)


def household_match(term: str, *, path: str = "") -> Q:
    """Households whose number (however padded: 4 finds 0004), head's name or pinyin initials
    match what a person typed; `path` leads from the rows searched to their household."""
    term = term.strip()
    if not term:
        return Q()
    key = number_key(term)
    return (
        Q(**{f"{path}number_key__startswith": key})
        | Q(**{f"{path}number__startswith": term})
        | Q(**{f"{path}head_name__contains": term})
        | Q(**{f"{path}head_initials__startswith": term.lower()})
    )


def household_search(queryset: QuerySet[Household], term: str) -> QuerySet[Household]:
    return queryset.filter(household_match(term))


def household_numbered(queryset: QuerySet[Household], term: str) -> Household | None:
    """The household whose number is what a person typed, zeros or not, if there is one."""
    key = number_key(term)
    return queryset.filter(number_key=key).first() if key else None


def group_order(name: str) -> tuple:
    """Groups as people count them: 第二组 after 第一组, 第十组 after 第九组, 第10组 after 第9组;
    Chinese and Arabic numerals are read as numbers, and a name without one comes after."""
    digits = "".join(ch for ch in name if ch.isdigit())
    chinese = "一二三四五六七八九十"
    if digits:
        return (0, int(digits), name)
    if any(ch in chinese for ch in name):
        value = 0
        for ch in name:
            if ch == "十":
                value = (value or 1) * 10
            elif ch in chinese:
                value += chinese.index(ch) + 1
        return (0, value, name)
    return (1, 0, name)


# A household card's QR code holds its lookup link, …/lookup/c/<token>/; a scanner at the counter
# types that link (or, from older cards, the bare token) followed by Enter.
CARD_LINK = re.compile(r"/c/([A-Za-z0-9_-]{16,32})/?\s*$")
BARE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def card_token_in(text: str) -> str | None:
    """The card code in what a scanner typed, if it typed one."""
    text = text.strip()
    if match := CARD_LINK.search(text):
        return match.group(1)
    if BARE_TOKEN.match(text):
        return text
    return None


def default_star_levels() -> list[tuple[int, int]]:
    """(stars, from score) of the scheme a village follows until its clerk sets its own."""
    return list(enumerate(settings.XIANGFENG_DEFAULT_STARS, start=1))


def star_levels(village_id: int) -> list[tuple[int, int]]:
    """(stars, from score) of a village's scheme, fewest stars first; the defaults if it set none."""
    levels = list(StarLevel.objects.filter(village_id=village_id).order_by("stars").values_list("stars", "min_score"))
    return levels or default_star_levels()


def star_levels_of(village_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """`star_levels` of many villages in one query, e.g. for the villages on a page of households."""
    found: dict[int, list[tuple[int, int]]] = {village_id: [] for village_id in village_ids}
    if found:
        rows = StarLevel.objects.filter(village_id__in=found).order_by("stars")
        for village_id, stars, min_score in rows.values_list("village_id", "stars", "min_score"):
            found[village_id].append((stars, min_score))
    return {village_id: levels or default_star_levels() for village_id, levels in found.items()}


def stars_for(score: int, levels: list[tuple[int, int]]) -> int:
    """The most stars whose threshold the score reaches; 0 below the first."""
    return max((stars for stars, min_score in levels if score >= min_score), default=0)


def stars_for_year(points: int, levels: list[tuple[int, int]]) -> int:
    """The stars a year's points earn: the thresholds read as the score of a household that began
    the year at the base (110 is the base of 100 and 10 points of the year), so a village's levels
    mean the same whether its scores carry on from year to year or restart at the base."""
    return stars_for(settings.XIANGFENG_BASE_SCORE + points, levels)


def with_year_points(
    households: QuerySet[Household], year: int, *, village_id: int | None = None
) -> QuerySet[Household]:
    """The households, each with `year_points`: its points of `year` (0 for none), in the same query.

    Given the village all of them belong to, the join reads only that village's rows of the year
    (by the (village, year, points) index), not every household's of the county: the cost then
    follows the village's size, not the county's."""
    condition = Q(year_scores__year=year)
    if village_id is not None:
        condition &= Q(year_scores__village_id=village_id)
    return households.annotate(
        this_year=FilteredRelation("year_scores", condition=condition),
        year_points=Coalesce("this_year__points", 0),
    )


def year_points_of(household_ids: Iterable[int], year: int) -> dict[int, int]:
    """Each household's points of `year` (the ledger's cached `YearScore`, read through the
    household's side so this layer needs no import of the ledger); 0 for one with none. One query."""
    ids = list(household_ids)
    points = dict.fromkeys(ids, 0)
    if ids:
        rows = Household.objects.filter(pk__in=ids, year_scores__year=year).values_list("pk", "year_scores__points")
        points.update(rows)
    return points


def year_stars_of(households: Iterable[Household], year: int) -> dict[int, tuple[int, int]]:
    """(stars, most stars of its village's scheme) of each household from its points of `year`; two queries."""
    households = list(households)
    levels = star_levels_of({household.village_id for household in households})
    points = year_points_of([household.pk for household in households], year)
    return {
        household.pk: (
            stars_for_year(points[household.pk], levels[household.village_id]),
            max((stars for stars, _min in levels[household.village_id]), default=0),
        )
        for household in households
    }


def star_counts(village_id: int, levels: list[tuple[int, int]], *, year: int) -> dict[int, int]:
    """How many active households of the village hold each star level (0 included) by their points
    of `year`, in one query."""
    households = with_year_points(
        Household.objects.filter(village_id=village_id, active=True), year, village_id=village_id
    )
    base = settings.XIANGFENG_BASE_SCORE
    cases = {}
    for stars in [0, *(stars for stars, _min in levels)]:
        # A household holds exactly `stars` when it reaches that level and no higher one.
        reached = Q() if stars == 0 else Q(year_points__gte=dict(levels)[stars] - base)
        higher = [min_score for s, min_score in levels if s > stars]
        condition = reached & ~Q(year_points__gte=min(higher) - base) if higher else reached
        cases[f"s{stars}"] = Count("pk", filter=condition)
    totals = households.aggregate(**cases)
    return {int(key[1:]): value for key, value in totals.items()}
