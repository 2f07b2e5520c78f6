"""The selection of star-rated civilized households (星级文明户) at village, town and county level.

Design overview
---------------
A village's `Selection` of a year names its conditions (a least star level of the year, least
points in chosen domains) and its veto rules (一票否决): a household with any entry under a veto
rule in the year, not reversed, is no candidate. The village's review confirms the list (each
`Candidate` keeps its figures as they were read), publishes it on the board until a date, and at
the end of the notice the titles are awarded, the vetoes read again. A `Title` is held by a
household for a year at one level, once (a database constraint); it keeps the stars it was earned
with. The village nominates titled households to its town (`Nomination`); the town's officers
select town titles within the town's `Quota` of the year, nominate some to the county, and the
county's officers select county titles the same way. A village may run a nine-star scheme: its
`NamedStar`s, each earned for the year by its own condition over the year's entries.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from credits.models import Domain, Rule
from households.models import County, Household, Town, Village
from households.validators import printable


class Level(models.TextChoices):
    VILLAGE = "village", _("village level")
    TOWN = "town", _("town level")
    COUNTY = "county", _("county level")


class Selection(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        CONFIRMED = "confirmed", _("confirmed by the village review")
        NOTICE = "notice", _("on notice")
        AWARDED = "awarded", _("awarded")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="selections", verbose_name=_("village")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    min_stars = models.PositiveSmallIntegerField(
        _("least star level"), null=True, blank=True, help_text=_("Stars from the year's points; empty for none.")
    )
    veto_rules = models.ManyToManyField(
        Rule,
        blank=True,
        related_name="+",
        verbose_name=_("veto rules (一票否决)"),
        help_text=_("One entry under any of these rules in the year, not reversed, and a household is no candidate."),
    )
    notice_until = models.DateField(_("on notice until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["village", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="selection_one_per_village_year"),
            models.CheckConstraint(
                condition=~models.Q(state="notice") | models.Q(notice_until__isnull=False),
                name="selection_notice_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"


class DomainMinimum(models.Model):
    """A condition of a selection: at least `points` in the year under a domain's rules."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="minimums")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("domain"))
    points = models.IntegerField(_("least points"))

    class Meta:
        verbose_name = _("least points in a domain")
        verbose_name_plural = _("least points in domains")
        constraints = [models.UniqueConstraint(fields=["selection", "domain"], name="domain_minimum_unique")]

    def __str__(self) -> str:
        return f"{self.domain.name} ≥ {self.points}"


class Candidate(models.Model):
    """A household on a confirmed list, its figures as they were read; `vetoed` if struck at the award."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="candidates")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household"))
    number = models.CharField(_("household number"), max_length=20)
    head_name = models.CharField(_("head of household"), max_length=50)
    points = models.IntegerField(_("points of the year"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    named_stars = models.JSONField(_("named stars"), default=list, blank=True)
    vetoed = models.BooleanField(_("struck by a veto"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["selection", "-points", "number"]
        constraints = [models.UniqueConstraint(fields=["selection", "household"], name="candidate_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"


class Title(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="titles", verbose_name=_("household")
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    # What it was earned with, copied so later edits of the scheme never change a title.
    number = models.CharField(_("household number"), max_length=20)
    head_name = models.CharField(_("head of household"), max_length=50)
    stars = models.PositiveSmallIntegerField(_("stars"))
    named_stars = models.JSONField(_("named stars"), default=list, blank=True)
    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, null=True, blank=True, related_name="titles")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(_("awarded at"))

    class Meta:
        # Not "title" (标题, a heading): the honour a household holds.
        verbose_name = _("star household title")
        verbose_name_plural = _("titles")
        ordering = ["-year", "level", "village", "number"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "level"], name="title_once_per_household_year_level")
        ]
        indexes = [models.Index(fields=["village", "year"], name="title_village_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()} {self.number} {self.head_name}"

    @property
    def stars_drawn(self) -> str:
        return "★" * self.stars


class Nomination(models.Model):
    """A titled household put forward to the level above (village → town, town → county)."""

    title = models.ForeignKey(
        Title, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("star household title")
    )
    to_level = models.CharField(_("to level"), max_length=8, choices=Level.choices)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(_("nominated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-nominated_at"]
        constraints = [
            models.UniqueConstraint(fields=["title", "to_level"], name="nomination_once"),
            models.CheckConstraint(condition=~models.Q(to_level="village"), name="nomination_upwards"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.get_to_level_display()}"


class Quota(models.Model):
    """How many titles a town or a county awards in a year."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(town__isnull=True, county__isnull=False)
                | models.Q(town__isnull=False, county__isnull=True),
                name="quota_one_owner",
            ),
            models.UniqueConstraint(fields=["town", "year"], name="quota_town_year"),
            models.UniqueConstraint(fields=["county", "year"], name="quota_county_year"),
        ]

    def __str__(self) -> str:
        return f"{self.town or self.county} {self.year}: {self.places}"


class NamedStar(models.Model):
    """One star of a village's nine-star scheme (九星级), earned for the year by its condition."""

    class Condition(models.TextChoices):
        DOMAIN_POINTS = "domain_points", _("points in a domain at least n")
        RULE_USES = "rule_uses", _("entries under the chosen rules at least n")
        NO_ENTRY = "no_entry", _("no entry under the chosen rules")

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="named_stars", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=20, validators=[printable])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("domain")
    )
    rules = models.ManyToManyField(Rule, blank=True, related_name="+", verbose_name=_("rules"))
    n = models.IntegerField(_("n"), default=1)

    class Meta:
        verbose_name = _("named star")
        verbose_name_plural = _("named stars")
        ordering = ["village", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="named_star_unique_in_village"),
            models.CheckConstraint(
                condition=~models.Q(condition="domain_points") | models.Q(domain__isnull=False),
                name="named_star_domain_given",
            ),
        ]

    def __str__(self) -> str:
        return self.name
