"""Claims and reports as the services take them: each path, each refusal, and scope."""

from datetime import timedelta

import pytest

from cases.models import Case
from claims.errors import (
    ClaimTooLate,
    DailyLimit,
    MayNotReview,
    NotClaimable,
    NotPending,
    PhotoOnly,
    ReportDailyLimit,
    RuleOfAnotherVillage,
    TooManyPhotos,
)
from claims.models import Claim, ClaimSettings, Report
from claims.services import (
    claim_approve,
    claim_reject,
    claim_submit,
    claimable_set,
    report_handle,
    report_submit,
)
from credits.errors import FutureDate, ReasonRequired, RuleCapReached
from credits.models import Entry
from evidence.errors import EvidenceWrongType
from evidence.models import Evidence
from households.errors import HouseholdClosed
from households.services import household_close
from tests.claims.conftest import pdf, photo, upload
from tests.credits.ledger import assert_ledger_agrees, scores, today
from tests.factories import RuleFactory

pytestmark = pytest.mark.django_db


def submit(household, rule, **fields):
    fields = {"occurred_on": today(), "description": "帮邻居收稻子", **fields}
    return claim_submit(household=household, rule=rule, **fields)


def nothing_sent():
    assert Claim.objects.count() == 0
    assert Evidence.objects.count() == 0


def test_it_takes_a_claim_with_photos_and_records_nothing_yet(a1, claimable):
    claim = submit(a1, claimable, files=[photo("1.jpg"), photo("2.jpg")])

    assert claim.state == Claim.State.PENDING
    assert (claim.rule_name, claim.points, claim.village_id) == (claimable.name, 2, a1.village_id)
    assert [e.original_name for e in claim.evidence.order_by("id")] == ["1.jpg", "2.jpg"]
    assert claim.evidence.first().uploaded_by is None
    assert scores(a1) == [(100, 100)]


def test_approving_records_the_award_with_the_claims_photos_and_who_approved(a1, alice, claimable):
    claim = submit(a1, claimable, files=[photo()])

    claim = claim_approve(claim=claim, by=alice)

    assert claim.state == Claim.State.APPROVED and claim.decided_by == alice
    entry = claim.entry
    assert (entry.kind, entry.points, entry.rule_name, entry.recorded_by) == (
        Entry.Kind.AWARD,
        2,
        claimable.name,
        alice,
    )
    assert entry.occurred_on == claim.occurred_on
    assert f"#{claim.pk}" in entry.note
    assert list(entry.evidence.all()) == list(claim.evidence.all())
    assert scores(a1) == [(102, 102)]
    assert_ledger_agrees(a1)


def test_a_large_award_becomes_a_case_waiting_for_a_second_person(a1, alice, village_a):
    big = RuleFactory(village=village_a, name="见义勇为", points=20)

    claimable_set(village=village_a, keys=[big.key], by=alice)
    claim = submit(a1, big, files=[photo()])

    claim = claim_approve(claim=claim, by=alice)

    assert claim.state == Claim.State.APPROVED and claim.entry is None
    assert claim.case.state == Case.State.APPROVAL and claim.case.recorded_by == alice
    assert list(claim.case.evidence.all()) == list(claim.evidence.all())
    assert scores(a1) == [(100, 100)]


def test_the_ledgers_cap_holds_and_the_claim_keeps_waiting(a1, alice, village_a):
    capped = RuleFactory(village=village_a, name="邻里互助", points=3, cap_per_year=1)

    claimable_set(village=village_a, keys=[capped.key], by=alice)
    first, second = submit(a1, capped), submit(a1, capped)
    claim_approve(claim=first, by=alice)

    with pytest.raises(RuleCapReached):
        claim_approve(claim=second, by=alice)

    second.refresh_from_db()
    assert second.state == Claim.State.PENDING and second.entry is None
    assert scores(a1) == [(103, 103)]


def test_rejecting_keeps_the_reason_and_records_nothing(a1, alice, claimable):
    claim = submit(a1, claimable)

    claim = claim_reject(claim=claim, by=alice, reason="照片看不出是哪一天")

    assert (claim.state, claim.reason, claim.decided_by) == (Claim.State.REJECTED, "照片看不出是哪一天", alice)
    assert scores(a1) == [(100, 100)]


def test_a_rejection_needs_a_reason(a1, alice, claimable):
    claim = submit(a1, claimable)
    with pytest.raises(ReasonRequired):
        claim_reject(claim=claim, by=alice, reason="  ")
    claim.refresh_from_db()
    assert claim.state == Claim.State.PENDING


def test_a_decided_claim_is_not_decided_again(a1, alice, claimable):
    claim = claim_approve(claim=submit(a1, claimable), by=alice)
    with pytest.raises(NotPending):
        claim_approve(claim=claim, by=alice)
    with pytest.raises(NotPending):
        claim_reject(claim=claim, by=alice, reason="重复")
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 1


# Scope


def test_a_clerk_reviews_only_their_villages(a1, bob, olivia, mallory, claimable):
    claim = submit(a1, claimable)
    for user in (bob, olivia, mallory):
        with pytest.raises(MayNotReview):
            claim_approve(claim=claim, by=user)
        with pytest.raises(MayNotReview):
            claim_reject(claim=claim, by=user, reason="不是我的村")
    claim.refresh_from_db()
    assert claim.state == Claim.State.PENDING and scores(a1) == [(100, 100)]


def test_a_household_claims_only_its_own_villages_rules(b1, claimable, claimable_b):
    with pytest.raises(RuleOfAnotherVillage):
        submit(b1, claimable)
    nothing_sent()


# Refusals: nothing changed


def test_it_refuses_a_rule_not_claimable(a1, award, capped_award, claimable):
    with pytest.raises(NotClaimable):
        submit(a1, capped_award)
    nothing_sent()


def test_it_refuses_a_deduction_even_if_its_key_were_listed(a1, alice, deduction, village_a):

    claimable_set(village=village_a, keys=[deduction.key], by=alice)
    with pytest.raises(NotClaimable):
        submit(a1, deduction)
    nothing_sent()


def test_it_refuses_a_date_in_the_future(a1, claimable):
    with pytest.raises(FutureDate):
        submit(a1, claimable, occurred_on=today() + timedelta(days=1), files=[photo()])
    nothing_sent()


def test_it_refuses_a_date_past_the_villages_window(a1, claimable, village_a):
    ClaimSettings.objects.create(village=village_a, window_days=10)
    submit(a1, claimable, occurred_on=today() - timedelta(days=10))
    with pytest.raises(ClaimTooLate) as refused:
        submit(a1, claimable, occurred_on=today() - timedelta(days=11))
    assert "10" in refused.value.message
    assert Claim.objects.count() == 1


def test_it_refuses_a_claim_over_the_days_limit(a1, claimable):
    for _n in range(3):
        submit(a1, claimable)
    with pytest.raises(DailyLimit):
        submit(a1, claimable, files=[photo()])
    assert Claim.objects.count() == 3 and Evidence.objects.count() == 0


def test_the_days_limit_is_the_villages(a1, claimable, village_a):
    ClaimSettings.objects.create(village=village_a, per_day=1)
    submit(a1, claimable)
    with pytest.raises(DailyLimit):
        submit(a1, claimable)


def test_it_refuses_more_than_three_photos(a1, claimable):
    with pytest.raises(TooManyPhotos):
        submit(a1, claimable, files=[photo(f"{n}.jpg") for n in range(4)])
    nothing_sent()


def test_it_refuses_a_file_that_is_not_an_image(a1, claimable):
    with pytest.raises(EvidenceWrongType):
        submit(a1, claimable, files=[photo(), upload(b"MZ\x90\x00not a photo", "photo.jpg")])
    nothing_sent()


def test_it_refuses_a_pdf_as_a_photo(a1, claimable):
    with pytest.raises(PhotoOnly):
        submit(a1, claimable, files=[pdf()])
    nothing_sent()


def test_it_refuses_a_closed_household(a1, alice, claimable):
    household_close(household=a1, by=alice)
    with pytest.raises(HouseholdClosed):
        submit(a1, claimable, files=[photo()])
    with pytest.raises(HouseholdClosed):
        report_submit(household=a1, description="桥边有垃圾", place="东桥")
    nothing_sent()


# Reports (随手拍)


def test_a_report_goes_to_the_clerk_who_marks_it_handled(a1, alice, bob):
    report = report_submit(household=a1, description="桥边一堆垃圾", place="东桥", files=[photo()])
    assert report.state == Report.State.OPEN and report.evidence.count() == 1

    with pytest.raises(MayNotReview):
        report_handle(report=report, by=bob, note="不是我的村")
    report = report_handle(report=report, by=alice, note="已清理")

    assert (report.state, report.handled_by, report.note) == (Report.State.HANDLED, alice, "已清理")
    assert scores(a1) == [(100, 100)]
    with pytest.raises(NotPending):
        report_handle(report=report, by=alice, note="再清理")


def test_reports_have_their_own_days_limit(a1, village_a):
    ClaimSettings.objects.create(village=village_a, per_day=1)
    report_submit(household=a1, description="路灯坏了", place="村口")
    with pytest.raises(ReportDailyLimit):
        report_submit(household=a1, description="路灯又坏了", place="村口")
    assert Report.objects.count() == 1
