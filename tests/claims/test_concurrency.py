"""A claim is approved once: two clerks at the same moment make one entry, on file SQLite and on
PostgreSQL; two claims sent at once never pass the day's limit. Real threads (tests/threads.py)."""

import pytest

from claims.models import Claim, ClaimSettings
from claims.services import claim_approve, claim_reject, claim_submit
from credits.models import Entry
from credits.selectors import ledger_differences
from tests.claims.conftest import photo
from tests.credits.ledger import assert_ledger_agrees, today
from tests.factories import UserFactory
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def carol(village_a):
    """A second clerk of 农丰村."""
    user = UserFactory(username="carol", role="clerk")
    village_a.clerks.add(user)
    return user


def test_two_clerks_approving_at_once_make_one_entry(a1, alice, carol, claimable):
    claim = claim_submit(household=a1, rule=claimable, occurred_on=today(), description="帮忙", files=[photo()])

    _results, errors = run_together(
        lambda: claim_approve(claim=claim, by=alice), lambda: claim_approve(claim=claim, by=carol)
    )

    assert sorted(type(error).__name__ for error in errors if error) == ["NotPending"]
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 1
    assert claim.decided_by_id == claim.entry.recorded_by_id
    assert claim.evidence.get().entry_id == claim.entry_id
    assert_ledger_agrees(a1)
    assert ledger_differences() == []


def test_an_approval_racing_a_rejection_ends_one_way(a1, alice, carol, claimable):
    claim = claim_submit(household=a1, rule=claimable, occurred_on=today(), description="帮忙")

    _results, errors = run_together(
        lambda: claim_approve(claim=claim, by=alice), lambda: claim_reject(claim=claim, by=carol, reason="不符合")
    )

    assert sorted(type(error).__name__ for error in errors if error) == ["NotPending"]
    claim.refresh_from_db()
    awards = Entry.objects.filter(kind=Entry.Kind.AWARD).count()
    assert (claim.state, awards) in [(Claim.State.APPROVED, 1), (Claim.State.REJECTED, 0)]
    assert_ledger_agrees(a1)


def test_claims_sent_at_once_never_pass_the_days_limit(a1, claimable, village_a):
    ClaimSettings.objects.create(village=village_a, per_day=2)

    def send():
        return claim_submit(household=a1, rule=claimable, occurred_on=today(), description="帮忙")

    _results, errors = run_together(send, send, send, send)

    assert sorted(type(error).__name__ for error in errors if error) == ["DailyLimit", "DailyLimit"]
    assert Claim.objects.count() == 2
