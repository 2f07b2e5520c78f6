"""The rule catalogues' writers: each village's own catalogue, its versions, domains and rules.

A village's clerks change only their own village's catalogue; superusers keep the templates of
towns and of the site. Only a draft version is edited: an adopted one stays as it was adopted,
so what a village published is what its entries were recorded under. Entries keep their own copy
of the rule's name, points, domain and standard besides, so nothing here changes the ledger.
Every change is kept in the history (`history`), attributed to `by`.

`scope_checked=True` is for a management command acting as the site itself, with no one signed in
(`seed_demo` keeping its town's template, which only a superuser may): `by` may then be None, and
the history names no one. Pages and the API never pass it.
"""

from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.errors import (
    BadEffectiveDate,
    BadRule,
    DomainNameTaken,
    DraftPending,
    EmptyVersion,
    FutureDate,
    MinutesBeforeAdoption,
    MinutesTooLarge,
    MinutesType,
    RuleNameTaken,
    VersionAdopted,
    ZeroPoints,
)
from credits.models import Catalogue, CatalogueVersion, Domain, Entry, Rule
from history.context import acting
from households.errors import NotYours
from households.models import Town, Village
from households.selectors import may_change_village

MAX_RULE_POINTS = 1000
MAX_RULE_CAP = 366
MAX_RULE_MONTH_CAP = 31
RULE_FIELDS = ("domain", "name", "points", "cap_per_year", "cap_per_month", "description", "active", "position")
DOMAIN_FIELDS = ("name", "position", "description")
# The first bytes of each type the minutes may be, whatever the file's name or the browser says.
MINUTES_SIGNATURES = ((b"%PDF-", ".pdf"), (b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))


def ensure_keeps(*, catalogue: Catalogue, user, scope_checked: bool = False) -> None:
    """Refuse unless `user` may change this catalogue: its village's clerks, or superusers for templates."""
    if scope_checked:
        return
    if catalogue.village_id is not None:
        allowed = may_change_village(user, catalogue.village_id)
    else:
        allowed = user.is_active and user.is_superuser
    if not allowed:
        raise NotYours()


def catalogue_create(
    *,
    name: str,
    by,
    village: Village | None = None,
    town: Town | None = None,
    template: CatalogueVersion | None = None,
    scope_checked: bool = False,
) -> Catalogue:
    """A village's own catalogue, or a template of a town (or, with neither, of the site).

    Its first version is a draft: a copy of `template` when given, else empty.
    """
    catalogue = Catalogue(village=village, town=None if village else town, name=name.strip())
    ensure_keeps(catalogue=catalogue, user=by, scope_checked=scope_checked)
    with transaction.atomic(), acting(by):
        catalogue.save()
        _copy(template, catalogue=catalogue, number=1)
    return catalogue


def catalogue_adopt_template(
    *, village: Village, template: CatalogueVersion, name: str, meeting: str, effective_from: date, by
) -> CatalogueVersion:
    """A village's own catalogue as a copy of a template, adopted at once: a village taking its
    town's standards as they stand. Returns the adopted version."""
    with transaction.atomic():
        catalogue = catalogue_create(name=name, village=village, template=template, by=by)
        return version_adopt(
            version=catalogue.versions.get(),
            meeting=meeting,
            adopted_on=min(effective_from, timezone.localdate()),
            effective_from=effective_from,
            by=by,
        )


def version_draft(*, catalogue: Catalogue, by) -> CatalogueVersion:
    """Start the catalogue's next version, a draft copy of its latest one."""
    ensure_keeps(catalogue=catalogue, user=by)
    with transaction.atomic(), acting(by):
        # One draft at a time: two clerks starting one at once wait here for each other.
        Catalogue.objects.select_for_update().get(pk=catalogue.pk)
        latest = catalogue.versions.order_by("-number").first()
        if latest is not None and not latest.adopted:
            raise DraftPending(number=latest.number)
        return _copy(latest, catalogue=catalogue, number=latest.number + 1 if latest else 1)


def version_adopt(
    *,
    version: CatalogueVersion,
    meeting: str,
    adopted_on: date,
    effective_from: date,
    by,
    minutes: File | None = None,
    scope_checked: bool = False,
) -> CatalogueVersion:
    """Adopt a draft at a meeting, in force from `effective_from` until a later version's day,
    with the meeting's scanned `minutes` if given.

    The day must come after the version in force before it, no earlier than the meeting, and
    after every deed already recorded under the catalogue, so no entry finds itself under a
    version other than the one it was recorded by.
    """
    ensure_keeps(catalogue=version.catalogue, user=by, scope_checked=scope_checked)
    if adopted_on > timezone.localdate():
        raise FutureDate(_("The meeting cannot be dated in the future."))
    with _minutes_stored(minutes) as stored:
        return _adopt(
            version, meeting=meeting, adopted_on=adopted_on, effective_from=effective_from, by=by, minutes=stored
        )


def version_attach_minutes(*, version: CatalogueVersion, minutes: File, by) -> CatalogueVersion:
    """Keep the scanned minutes of the meeting that adopted `version`, or a better scan of them.

    The rules of an adopted version never change; its minutes are a record of the meeting and
    often arrive after it. A replaced scan stays in the storage, so the history's old name for it
    still leads to what was shown before.
    """
    ensure_keeps(catalogue=version.catalogue, user=by)
    if not version.adopted:
        raise MinutesBeforeAdoption(number=version.number)
    with _minutes_stored(minutes) as stored, transaction.atomic(), acting(by):
        version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
        version.minutes = stored
        version.save(update_fields=["minutes"])
    return version


def minutes_suffix(file: File) -> str:
    """The suffix of the minutes' real type, read from the content; refuses a file too large or of
    another type, so a page can tell the clerk before anything is adopted or stored."""
    limit = settings.XIANGFENG_MINUTES_MAX_MB
    if file.size > limit * 1024 * 1024:
        raise MinutesTooLarge(size=f"{file.size / 1024 / 1024:.1f}", limit=limit)
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    for signature, suffix in MINUTES_SIGNATURES:
        # A PDF's header may follow a little junk (the format allows 1024 bytes); the others lead.
        if head.startswith(signature) or (suffix == ".pdf" and signature in head):
            return suffix
    raise MinutesType()


@contextmanager
def _minutes_stored(file: File | None):
    """Store the checked file (outside any transaction: it is slow) under an unguessable name,
    and remove it again if what it was stored for then fails."""
    if file is None:
        yield None
        return
    field = CatalogueVersion._meta.get_field("minutes")
    name = field.generate_filename(None, f"minutes{minutes_suffix(file)}")
    stored = field.storage.save(name, file, max_length=field.max_length)
    try:
        yield stored
    except BaseException:
        field.storage.delete(stored)
        raise


def _adopt(version, *, meeting, adopted_on, effective_from, by, minutes):
    with transaction.atomic(), acting(by):
        version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
        if version.adopted:
            raise VersionAdopted(number=version.number)
        before = version.catalogue.versions.filter(adopted_on__isnull=False).order_by("-effective_from").first()
        recorded_after = Entry.objects.filter(
            rule__version__catalogue_id=version.catalogue_id, occurred_on__gte=effective_from
        )
        if (
            effective_from < adopted_on
            or (before is not None and effective_from <= before.effective_from)
            or recorded_after.exists()
        ):
            raise BadEffectiveDate(date=before.effective_from if before else adopted_on)
        if not version.rules.filter(active=True).exists():
            raise EmptyVersion()
        version.meeting, version.adopted_on, version.effective_from = meeting.strip(), adopted_on, effective_from
        if minutes:
            version.minutes = minutes
        version.save()
    return version


def domain_create(*, version: CatalogueVersion, name: str, by, position: int = 0, description: str = "") -> Domain:
    return _domain_save(Domain(version=version), by=by, name=name, position=position, description=description)


def domain_update(*, domain: Domain, by, **changes) -> Domain:
    _known(changes, DOMAIN_FIELDS, "domain_update")
    fields = {field: getattr(domain, field) for field in DOMAIN_FIELDS}
    return _domain_save(domain, by=by, **{**fields, **changes})


def rule_create(
    *,
    domain: Domain,
    name: str,
    points: int,
    by,
    cap_per_year: int | None = None,
    cap_per_month: int | None = None,
    description: str = "",
    active: bool = True,
    position: int = 0,
    scope_checked: bool = False,
) -> Rule:
    """Add a rule to a domain of a draft version."""
    rule = Rule(domain=domain, version_id=domain.version_id)
    fields = dict(cap_per_year=cap_per_year, cap_per_month=cap_per_month, description=description, active=active)
    return _rule_save(rule, by=by, name=name, points=points, position=position, scope_checked=scope_checked, **fields)


def rule_update(*, rule: Rule, by, scope_checked: bool = False, **changes) -> Rule:
    """Edit a rule of a draft version; entries already recorded keep what they were recorded with."""
    _known(changes, RULE_FIELDS, "rule_update")
    if "domain" in changes and changes["domain"].version_id != rule.version_id:
        raise NotYours()
    fields = {field: getattr(rule, field) for field in RULE_FIELDS}
    return _rule_save(rule, by=by, scope_checked=scope_checked, **{**fields, **changes})


def _copy(source: CatalogueVersion | None, *, catalogue: Catalogue, number: int) -> CatalogueVersion:
    """A new draft of `catalogue` holding a copy of `source`'s domains and rules, keys and all."""
    version = CatalogueVersion.objects.create(catalogue=catalogue, number=number, based_on=source)
    if source is None:
        return version
    domains = list(source.domains.all())
    copies = Domain.objects.bulk_create(
        Domain(version=version, key=d.key, name=d.name, position=d.position, description=d.description)
        for d in domains
    )
    domain_of = {old.pk: new for old, new in zip(domains, copies, strict=True)}
    Rule.objects.bulk_create(
        Rule(
            version=version,
            key=rule.key,
            domain=domain_of[rule.domain_id],
            name=rule.name,
            points=rule.points,
            cap_per_year=rule.cap_per_year,
            cap_per_month=rule.cap_per_month,
            description=rule.description,
            active=rule.active,
            position=rule.position,
        )
        for rule in source.rules.all()
    )
    return version


def _ensure_draft(version: CatalogueVersion, by, *, scope_checked: bool = False) -> None:
    ensure_keeps(catalogue=version.catalogue, user=by, scope_checked=scope_checked)
    if version.adopted:
        raise VersionAdopted(number=version.number)


def _known(changes: dict, allowed: tuple[str, ...], name: str) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{name}() got unexpected fields {sorted(unknown)}")


def _domain_save(domain: Domain, *, by, name: str, position: int, description: str) -> Domain:
    _ensure_draft(domain.version, by)
    domain.name, domain.position, domain.description = name.strip(), position, description.strip()
    try:
        with transaction.atomic(), acting(by):
            domain.save()
    except IntegrityError:
        if Domain.objects.filter(version=domain.version_id, name=domain.name).exclude(pk=domain.pk).exists():
            raise DomainNameTaken(name=domain.name) from None
        raise
    return domain


def _rule_save(
    rule: Rule,
    *,
    by,
    domain: Domain | None = None,
    name,
    points,
    cap_per_year,
    cap_per_month,
    description,
    active,
    position,
    scope_checked: bool = False,
) -> Rule:
    _ensure_draft(rule.version, by, scope_checked=scope_checked)
    if points == 0:
        raise ZeroPoints()
    if not (
        -MAX_RULE_POINTS <= points <= MAX_RULE_POINTS
        and (cap_per_year is None or 1 <= cap_per_year <= MAX_RULE_CAP)
        and (cap_per_month is None or 1 <= cap_per_month <= MAX_RULE_MONTH_CAP)
    ):
        raise BadRule()
    if domain is not None:
        rule.domain = domain
    rule.name, rule.points, rule.position = name.strip(), points, position
    rule.cap_per_year, rule.cap_per_month = cap_per_year, cap_per_month
    rule.description, rule.active = description.strip(), active
    try:
        with transaction.atomic(), acting(by):
            rule.save()
    except IntegrityError:
        if Rule.objects.filter(domain=rule.domain, name=rule.name).exclude(pk=rule.pk).exists():
            raise RuleNameTaken(name=rule.name) from None
        raise
    return rule
