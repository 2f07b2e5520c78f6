"""Refusals of the ledger's services."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from households.errors import DomainError


class RuleRetired(DomainError):
    code = "rule_retired"
    default_message = _("The rule “%(rule)s” is retired and can no longer be recorded.")


class RuleCapReached(DomainError):
    code = "rule_cap_reached"
    default_message = _(
        "Household %(number)s has already been recorded for “%(rule)s” %(cap)s times in %(year)s, the most allowed."
    )


class FutureDate(DomainError):
    code = "future_date"
    default_message = _("The date of the deed cannot be in the future.")


class BeforeOpening(DomainError):
    code = "before_opening"
    default_message = _("Household %(number)s was opened on %(opened)s; the date of the deed cannot be earlier.")


class BeforeEarliestDeed(DomainError):
    code = "before_earliest_deed"
    default_message = _("%(village)s records no deeds dated before %(earliest)s.")


class YearClosed(DomainError):
    code = "year_closed"
    default_message = _(
        "%(village)s has closed its year %(year)s: nothing may be dated on or before %(end)s. "
        "To correct it, record an adjustment in the open year, with a reason."
    )


class ReasonRequired(DomainError):
    code = "reason_required"
    default_message = _("Please give a reason.")


class ZeroPoints(DomainError):
    code = "zero_points"
    default_message = _("The points must not be zero.")


class NotReversible(DomainError):
    code = "not_reversible"
    default_message = _("This entry cannot be reversed.")


class AlreadyReversed(DomainError):
    code = "already_reversed"
    default_message = _("This entry has already been reversed.")


class InsufficientBalance(DomainError):
    code = "insufficient_balance"
    default_message = _("Household %(number)s has %(balance)s points to spend; %(cost)s are needed.")


class BatchRefused(DomainError):
    """A batch that applied nothing, with every household it refused and why."""

    code = "batch_refused"
    default_message = ngettext_lazy(
        "Nothing was recorded: %(count)s household was refused.",
        "Nothing was recorded: %(count)s households were refused.",
        "count",
    )

    def __init__(self, refusals: list[tuple[object, str]]):
        self.refusals = refusals
        super().__init__(count=len(refusals))


class RuleNameTaken(DomainError):
    code = "rule_name_taken"
    default_message = _("The domain already has a rule named “%(name)s”.")


class BadRule(DomainError):
    code = "bad_rule"
    default_message = _(
        "Points per occurrence are from -1000 to 1000 and not zero; a yearly limit is from 1 to 366, "
        "a monthly one from 1 to 31."
    )


class RuleMonthCapReached(RuleCapReached):
    default_message = _(
        "Household %(number)s has already been recorded for “%(rule)s” %(cap)s times in %(month)s, the most allowed."
    )


class RuleNotInForce(DomainError):
    code = "rule_not_in_force"
    default_message = _("“%(rule)s” is not in the village's catalogue in force on %(date)s.")


class VersionAdopted(DomainError):
    code = "version_adopted"
    default_message = _(
        "Version %(number)s of the catalogue is adopted and stays as it was; start a new version to change it."
    )


class DraftPending(DomainError):
    code = "draft_pending"
    default_message = _("Version %(number)s of the catalogue is still a draft: adopt it or go on editing it.")


class BadEffectiveDate(DomainError):
    code = "bad_effective_date"
    default_message = _(
        "A new version takes effect after the version before it (in force from %(date)s), no earlier "
        "than the meeting that adopted it, and after every deed already recorded under the catalogue."
    )


class EmptyVersion(DomainError):
    code = "empty_version"
    default_message = _("A version without active rules cannot be adopted.")


class DomainNameTaken(DomainError):
    code = "domain_name_taken"
    default_message = _("The catalogue already has a domain named “%(name)s”.")


class ReducedPointsOutOfRange(DomainError):
    code = "reduced_points_out_of_range"
    default_message = _("Reduced points keep the rule's sign and are smaller than its %(points)+d, and not zero.")


class MinutesType(DomainError):
    code = "minutes_type"
    default_message = _("The minutes must be a PDF, JPEG or PNG file; this file is none of these.")


class MinutesTooLarge(DomainError):
    code = "minutes_too_large"
    default_message = _("The minutes file is %(size)s MB; at most %(limit)s MB is accepted.")


class MinutesBeforeAdoption(DomainError):
    code = "minutes_before_adoption"
    default_message = _("Version %(number)s is a draft: its minutes are added when it is adopted.")
