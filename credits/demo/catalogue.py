"""The rules the demo villages keep, for `manage.py seed_demo`: the town's template, each village's
copy of a template and its next version, written through the catalogue's services like a clerk's own.

It also turns those rules into the plan the command replays (`demo_plan`, from `people` and
`history`), so the plan's points and caps are the ones the catalogue holds.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from credits.demo.history import ANNUAL, SINGLES, RuleSpec, Step, plan_history
from credits.demo.people import invent_households
from credits.models import CatalogueVersion, Rule
from credits.selectors import site_template
from credits.services import (
    catalogue_adopt_template,
    catalogue_create,
    rule_create,
    rule_update,
    version_adopt,
    version_draft,
)
from households.models import Town, Village

# The first village's: `demo_plan` plans 农丰村 unless told otherwise.
SEED = 20240601
VILLAGE_NAME = "农丰村"
# Rules the plan uses besides ANNUAL and SINGLES.
SCHEDULED_RULES = ["垃圾分类", "门前三包", "美丽庭院", "志愿服务", "村民议事", "平安巡防", "支持村庄建设"]
# How 百步镇's template differs from the site's: waste sorting earns more, damaging the
# environment costs more, and the rivers the town is known for get an item of their own.
TOWN_POINTS = {"垃圾分类": 2, "破坏环境": -10}
# The added item, beside which rule: (beside, name, points, times a year at most, standard).
TOWN_RULE = ("垃圾分类", "护河爱河", 2, 12, "参加河道巡查保洁，劝阻向河道倾倒垃圾")
# The meeting that adopted the newer version met this many days ago; the version takes effect in so many.
NEXT_MEETING_DAYS_AGO, NEXT_EFFECTIVE_IN_DAYS = 3, 5


def demo_rules(template: CatalogueVersion | None = None) -> dict[str, Rule]:
    """The rules the demo records, by name, from a template (the site's unless given); it must
    still hold them."""
    names = set(SCHEDULED_RULES) | {row[0] for row in ANNUAL} | {row[0] for row in SINGLES}
    rules: dict[str, Rule] = {}
    template = template or site_template()
    found = template.rules.filter(name__in=names, active=True).order_by("id") if template else Rule.objects.none()
    for rule in found:
        rules.setdefault(rule.name, rule)
    missing = sorted(names - rules.keys())
    if missing:
        raise CommandError(
            _("The demo needs these rules of the default catalogue, active: %(names)s.")
            % {"names": "、".join(missing)}
        )
    return rules


def adopt_template(village: Village, rules: dict[str, Rule], *, clerk: User, since: date) -> dict[str, Rule]:
    """Give the village its own copy of the template `rules` belong to, in force `since`; the demo's
    rules as they stand in that copy."""
    version = catalogue_adopt_template(
        village=village,
        template=next(iter(rules.values())).version,
        name=_("%(village)s village rules") % {"village": village.name},
        meeting=_("Village representatives' meeting"),
        effective_from=since,
        by=clerk,
    )
    own = {rule.key: rule for rule in version.rules.all()}
    return {name: own[rule.key] for name, rule in rules.items()}


def town_template(town: Town, *, today: date) -> CatalogueVersion:
    """The town's own template: a copy of the site's with a few items changed and one more, adopted
    by the town shortly before the villages' books open. Kept by superusers only, so kept here as the site itself."""
    existing = (
        CatalogueVersion.objects.filter(
            catalogue__town=town, catalogue__village__isnull=True, adopted_on__isnull=False
        )
        .order_by("-catalogue_id", "-number")
        .first()
    )
    if existing is not None:
        return existing
    site = site_template()
    if site is None:
        raise CommandError(_("The demo needs the site's template of rules."))
    site_rules = {rule.name: rule for rule in site.rules.filter(name__in=[*TOWN_POINTS, TOWN_RULE[0]])}
    if set(site_rules) != {*TOWN_POINTS, TOWN_RULE[0]}:
        raise CommandError(
            _("The demo needs these rules of the default catalogue, active: %(names)s.")
            % {"names": "、".join(sorted({*TOWN_POINTS, TOWN_RULE[0]}))}
        )
    catalogue = catalogue_create(
        name=_("%(town)s rules template") % {"town": town.name}, town=town, template=site, by=None, scope_checked=True
    )
    draft = catalogue.versions.get()
    own = {rule.key: rule for rule in draft.rules.select_related("domain")}
    for name, points in TOWN_POINTS.items():
        rule_update(rule=own[site_rules[name].key], points=points, by=None, scope_checked=True)
    beside, name, points, cap, standard = TOWN_RULE
    neighbour = own[site_rules[beside].key]
    rule_create(
        domain=neighbour.domain, name=name, points=points, cap_per_year=cap, description=standard,
        position=neighbour.position, by=None, scope_checked=True,
    )  # fmt: skip
    day = history_start(today) - timedelta(days=15)
    return version_adopt(
        version=draft, meeting=_("Town government meeting"), adopted_on=day, effective_from=day, by=None,
        scope_checked=True,
    )  # fmt: skip


def adopt_next_version(village: Village, change: tuple[str, int], *, clerk: User, today: date) -> CatalogueVersion:
    """The village's next version, one rule's points changed, adopted at a meeting a few days ago
    and in force in a few days: the clerk sees a version pending, the rules page announces it."""
    draft = version_draft(catalogue=village.catalogue, by=clerk)
    name, points = change
    rule_update(rule=draft.rules.get(name=name), points=points, by=clerk)
    return version_adopt(
        version=draft,
        meeting=_("Village representatives' meeting"),
        adopted_on=today - timedelta(days=NEXT_MEETING_DAYS_AGO),
        effective_from=today + timedelta(days=NEXT_EFFECTIVE_IN_DAYS),
        by=clerk,
    )


def demo_plan(
    rules: dict[str, Rule],
    *,
    households: int,
    today: date,
    seed: int = SEED,
    village_name: str = VILLAGE_NAME,
    restart: bool = False,
) -> list[Step]:
    """A demo village's steps for `households` as of `today`, from the start of last year: the same
    on every run that day."""
    rnd = random.Random(seed)
    start = history_start(today)
    people = invent_households(rnd, count=households, village_name=village_name, start=start, today=today)
    return plan_history(rnd, people, rule_specs(rules), start=start, today=today, restart=restart)


def history_start(today: date) -> date:
    """The demo's books open on 1 January last year, so last year is whole, and closed."""
    return date(today.year - 1, 1, 1)


def rule_specs(rules: dict[str, Rule]) -> dict[str, RuleSpec]:
    return {name: RuleSpec(points=rule.points, cap=rule.cap_per_year) for name, rule in rules.items()}
