"""The rule catalogue's writers. Rules are data that clerks keep; entries keep the points they were
recorded with, so editing a rule never changes the ledger's past."""

from django.db import IntegrityError, transaction

from credits.errors import (
    BadRule,
    RuleNameTaken,
    ZeroPoints,
)
from credits.models import Domain, Rule
from history.context import acting
from households.errors import NotYours

MAX_RULE_POINTS = 1000
MAX_RULE_CAP = 366
RULE_FIELDS = ("domain", "name", "points", "cap_per_year", "description", "active", "position")


def rule_create(
    *,
    domain: Domain,
    name: str,
    points: int,
    by,
    cap_per_year: int | None = None,
    description: str = "",
    active: bool = True,
    position: int = 0,
) -> Rule:
    """Add a rule to the catalogue. Rules are shared by every village; clerks keep them."""
    rule = Rule(domain=domain, position=position)
    return _rule_save(
        rule, name=name, points=points, cap_per_year=cap_per_year, description=description, active=active, by=by
    )


def rule_update(*, rule: Rule, by, **changes) -> Rule:
    """Edit a rule; entries already recorded keep the name and points they were recorded with."""
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"rule_update() got unexpected fields {sorted(unknown)}")
    for field in ("domain", "position"):
        if field in changes:
            setattr(rule, field, changes.pop(field))
    fields = {field: getattr(rule, field) for field in ("name", "points", "cap_per_year", "description", "active")}
    return _rule_save(rule, by=by, **{**fields, **changes})


def _rule_save(rule: Rule, *, name, points, cap_per_year, description, active, by) -> Rule:
    if not by.has_perm("credits.change_rule" if rule.pk else "credits.add_rule"):
        raise NotYours()
    if points == 0:
        raise ZeroPoints()
    if not -MAX_RULE_POINTS <= points <= MAX_RULE_POINTS or not (
        cap_per_year is None or 1 <= cap_per_year <= MAX_RULE_CAP
    ):
        raise BadRule()
    rule.name, rule.points, rule.cap_per_year = name.strip(), points, cap_per_year
    rule.description, rule.active = description.strip(), active
    try:
        with transaction.atomic(), acting(by):
            rule.save()
    except IntegrityError:
        if Rule.objects.filter(domain=rule.domain, name=rule.name).exclude(pk=rule.pk).exists():
            raise RuleNameTaken(name=rule.name) from None
        raise
    return rule
