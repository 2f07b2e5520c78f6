"""Reads of the selection of titles: who the candidates are, which named stars a household earned,
who holds which title, and what an officer may see.

The candidates read the year's figures from `years.selectors.year_figures` (the close's frozen
snapshot once the year is closed, else the live ledger). Vetoes and the nine-star conditions read
the year's entries, matched by rule (its key, whatever version of the catalogue it is in); an entry
that was reversed, and the reversal itself, count as nothing.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from credits.models import CatalogueVersion, Domain, Entry, Rule
from households.models import County, Household, Town, Village
from titles.models import Level, NamedStar, Nomination, Selection, Title
from years.selectors import year_figures

# The veto rules (一票否决) a new selection starts with, where the village's catalogue has them.
DEFAULT_VETOES = ("红白事大操大办", "受到治安处罚", "不履行赡养义务")


@dataclass
class CandidateRow:
    household_id: int
    number: str
    head_name: str
    points: int
    stars: int
    named_stars: list[str] = field(default_factory=list)


def year_entries(village: Village, year: int) -> QuerySet[Entry]:
    """The village's entries under a rule dated in `year` that stand (not reversed, not reversals)."""
    return Entry.objects.filter(
        household__village=village,
        occurred_on__gte=date(year, 1, 1),
        occurred_on__lte=date(year, 12, 31),
        rule__isnull=False,
        reversal__isnull=True,
        kind__in=[Entry.Kind.AWARD, Entry.Kind.DEDUCTION],
    )


def default_veto_rules(village: Village) -> list[Rule]:
    """One rule per key among the village's rules named as the default vetoes."""
    rules = Rule.objects.filter(version__catalogue__village=village, name__in=DEFAULT_VETOES).order_by("key", "-pk")
    return list({rule.key: rule for rule in reversed(list(rules))}.values())


def vetoed_households(village: Village, year: int, rule_keys: list[str], household_ids=None) -> set[int]:
    if not rule_keys:
        return set()
    entries = year_entries(village, year).filter(rule__key__in=rule_keys)
    if household_ids is not None:
        entries = entries.filter(household_id__in=household_ids)
    return set(entries.values_list("household_id", flat=True))


def domain_points(village: Village, year: int, domain_key: str) -> dict[int, int]:
    rows = (
        year_entries(village, year)
        .filter(rule__domain__key=domain_key)
        .values("household_id")
        .annotate(total=Sum("points"))
        .values_list("household_id", "total")
    )
    return dict(rows)


def rule_uses(village: Village, year: int, rule_keys: list[str]) -> Counter:
    ids = year_entries(village, year).filter(rule__key__in=rule_keys).values_list("household_id", flat=True)
    return Counter(ids)


def named_stars_earned(village: Village, year: int, household_ids: list[int]) -> dict[int, list[str]]:
    """Per household, the names of the village's named stars it earned in `year`, in the scheme's order."""
    earned: dict[int, list[str]] = defaultdict(list)
    stars = list(NamedStar.objects.filter(village=village).select_related("domain").prefetch_related("rules"))
    for star in stars:
        keys = [rule.key for rule in star.rules.all()]
        if star.condition == NamedStar.Condition.DOMAIN_POINTS:
            totals = domain_points(village, year, star.domain.key)
            holders = [pk for pk in household_ids if totals.get(pk, 0) >= star.n]
        elif star.condition == NamedStar.Condition.RULE_USES:
            uses = rule_uses(village, year, keys)
            holders = [pk for pk in household_ids if uses.get(pk, 0) >= star.n]
        else:
            touched = vetoed_households(village, year, keys)
            holders = [pk for pk in household_ids if pk not in touched]
        for pk in holders:
            earned[pk].append(star.name)
    return earned


def selection_candidates(selection: Selection) -> list[CandidateRow]:
    """The households meeting the selection's conditions in its year, with no veto entry; best first."""
    village, year = selection.village, selection.year
    figures = [figure for figure in year_figures(village, year) if figure.rank is not None]
    if selection.min_stars:
        figures = [figure for figure in figures if figure.stars >= selection.min_stars]
    for minimum in selection.minimums.select_related("domain"):
        totals = domain_points(village, year, minimum.domain.key)
        figures = [figure for figure in figures if totals.get(figure.household_id, 0) >= minimum.points]
    vetoed = vetoed_households(village, year, veto_keys(selection))
    figures = [figure for figure in figures if figure.household_id not in vetoed]
    named = named_stars_earned(village, year, [figure.household_id for figure in figures])
    return [
        CandidateRow(f.household_id, f.number, f.head_name, f.points, f.stars, named.get(f.household_id, []))
        for f in figures
    ]


def veto_keys(selection: Selection) -> list[str]:
    return list(selection.veto_rules.values_list("key", flat=True))


def is_town_officer(user, town: Town) -> bool:
    return user.is_active and (user.is_superuser or town.officers.filter(pk=user.pk).exists())


def is_county_officer(user, county: County | None) -> bool:
    if county is None:
        return bool(user.is_active and user.is_superuser)
    return user.is_active and (user.is_superuser or county.officers.filter(pk=user.pk).exists())


def titles_of(household: Household) -> list[Title]:
    """The household's titles, newest year first, the highest level first within a year; one query."""
    order = {Level.COUNTY: 0, Level.TOWN: 1, Level.VILLAGE: 2}
    # Sorted here, so not by the model's order (which joins the village): one title a year and level.
    titles = list(Title.objects.filter(household=household).order_by())
    return sorted(titles, key=lambda title: (-title.year, order[title.level]))


def nominations_for(user) -> QuerySet[Nomination]:
    """The nominations `user` decides: to a town they are officer of, to a county they are officer of."""
    queryset = Nomination.objects.select_related("title", "title__village", "title__village__town")
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(to_level=Level.TOWN, title__village__town__officers=user)
        | Q(to_level=Level.COUNTY, title__village__town__county__officers=user)
    ).distinct()


@dataclass
class Keyed:
    """One domain or rule of a village's catalogue, for a choice by key: the copy to offer and a note
    on its version when it is not the one in force."""

    item: Domain | Rule
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.item}（{self.note}）" if self.note else str(self.item)


def current_catalogue(village_id: int, *, on: date) -> tuple[list[Keyed], list[Keyed]]:
    """The village's domains and rules once each by key, for a choice that follows a key across versions.

    Each key is offered in the copy of the version in force on `on`; a key that version lacks, in the
    adopted version that brings it (pending), or else in the last version that had it (no longer in
    force: last year's entries may still hold it), with a note saying which. Drafts are not offered:
    nothing is recorded under them yet.
    """
    versions = list(
        CatalogueVersion.objects.filter(catalogue__village_id=village_id, adopted_on__isnull=False).order_by(
            "-effective_from", "-number"
        )
    )
    in_force = next((v for v in versions if v.effective_from <= on), None)
    pending = sorted((v for v in versions if v.effective_from > on), key=lambda v: v.effective_from)
    past = [v for v in versions if v is not in_force and v.effective_from <= on]
    ranked = [*([in_force] if in_force else []), *pending, *past]

    def note(version, item) -> str:
        if version is in_force:
            return "" if getattr(item, "active", True) else _("retired")
        if version.effective_from > on:
            return _("from version %(number)s, in force from %(date)s") % {
                "number": version.number,
                "date": formats.date_format(version.effective_from),
            }
        return _("not in the rules in force; last in version %(number)s") % {"number": version.number}

    def once(items) -> list[Keyed]:
        rank = {version.pk: i for i, version in enumerate(ranked)}
        chosen = {}
        for item in sorted(items, key=lambda item: rank[item.version_id]):
            chosen.setdefault(item.key, item)
        version_of = {version.pk: version for version in ranked}
        return [Keyed(item, note(version_of[item.version_id], item)) for item in chosen.values()]

    domains = once(Domain.objects.filter(version__in=ranked))
    rules = once(Rule.objects.filter(version__in=ranked).select_related("domain"))
    domains.sort(key=lambda k: (k.item.position, k.item.name))
    rules.sort(key=lambda k: (k.item.domain.position, k.item.position, k.item.name))
    return domains, rules
