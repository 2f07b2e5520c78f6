"""The clerk's queue in the admin: their villages' claims only, photos side by side, approve and reject."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimableRule, ClaimSettings, Report
from claims.services import claim_submit, report_handle, report_submit
from credits.models import Entry
from tests.claims.conftest import photo
from tests.credits.ledger import scores, today

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:claims_claim_changelist")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def claim(a1, claimable):
    return claim_submit(
        household=a1,
        rule=claimable,
        occurred_on=today(),
        description="帮邻居收稻子",
        files=[photo("1.jpg"), photo("2.jpg")],
    )


@pytest.fixture
def claim_b(b1, claimable_b):
    return claim_submit(household=b1, rule=claimable_b, occurred_on=today(), description="永丰的申报")


def test_the_queue_shows_the_clerks_villages_claims_with_their_photos(client, alice, claim, claim_b):
    client.force_login(alice)
    page = client.get(QUEUE, **ZH).content.decode()

    assert str(claim.household) in page and str(claim_b.household) not in page
    for item in claim.evidence.all():
        assert item.get_absolute_url() in page


def test_a_clerk_approves_and_the_entry_is_recorded_by_them(client, alice, claim, a1):
    client.force_login(alice)
    page = client.get(reverse("admin:claims_claim_approve", args=[claim.pk]), **ZH).content.decode()
    assert "帮邻居收稻子" in page and claim.evidence.first().original_url in page

    response = client.post(reverse("admin:claims_claim_approve", args=[claim.pk]), **ZH)

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == Claim.State.APPROVED and claim.decided_by == alice
    assert claim.entry.recorded_by == alice and claim.entry.evidence.count() == 2
    assert scores(a1) == [(102, 102)]


def test_a_clerk_rejects_with_a_reason(client, alice, claim, a1):
    client.force_login(alice)
    url = reverse("admin:claims_claim_reject", args=[claim.pk])
    assert client.post(url, {"reason": ""}, **ZH).status_code == 200
    claim.refresh_from_db()
    assert claim.state == Claim.State.PENDING

    response = client.post(url, {"reason": "照片看不清"}, **ZH)

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.reason) == (Claim.State.REJECTED, "照片看不清")
    assert scores(a1) == [(100, 100)]


def test_approving_a_decided_claim_says_so_and_changes_nothing(client, alice, claim):
    client.force_login(alice)
    url = reverse("admin:claims_claim_approve", args=[claim.pk])
    client.post(url)
    response = client.post(url, **ZH)
    assert response.status_code == 200 and "已经处理过了" in response.content.decode()
    assert Entry.objects.filter(kind=Entry.Kind.AWARD).count() == 1


def test_another_villages_clerk_cannot_reach_the_claim(client, bob, claim):
    client.force_login(bob)
    for name in ("change", "approve", "reject"):
        assert client.get(reverse(f"admin:claims_claim_{name}", args=[claim.pk])).status_code == 404
    assert client.post(reverse("admin:claims_claim_approve", args=[claim.pk])).status_code == 404
    claim.refresh_from_db()
    assert claim.state == Claim.State.PENDING


def test_an_officer_reads_the_queue_but_decides_nothing(client, olivia, claim):
    client.force_login(olivia)
    assert str(claim.household) in client.get(QUEUE).content.decode()
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert 'id="xf-approve"' not in page
    response = client.post(reverse("admin:claims_claim_approve", args=[claim.pk]), **ZH)
    assert "只有本村的村务管理员" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == Claim.State.PENDING


def test_someone_with_no_role_sees_no_claim(client, mallory, claim):
    client.force_login(mallory)
    assert client.get(QUEUE).status_code == 403


def test_a_clerk_marks_a_report_handled(client, alice, bob, a1):
    report = report_submit(household=a1, description="桥边一堆垃圾", place="东桥", files=[photo()])
    client.force_login(bob)
    assert client.get(reverse("admin:claims_report_handle", args=[report.pk])).status_code == 404
    client.force_login(alice)
    assert "东桥" in client.get(reverse("admin:claims_report_changelist")).content.decode()

    response = client.post(reverse("admin:claims_report_handle", args=[report.pk]), {"note": "已清理"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.handled_by, report.note) == (Report.State.HANDLED, alice, "已清理")


def test_a_clerk_opens_rules_to_claims_and_sets_the_limits(client, alice, village_a, award, capped_award, deduction):
    client.force_login(alice)
    url = reverse("admin:claims_claimsettings_add")
    page = client.get(url).content.decode()
    assert award.key in page and capped_award.key in page and deduction.key not in page

    data = {"village": village_a.pk, "per_day": 2, "window_days": 14, "claimable": [award.key]}
    response = client.post(url, data)

    assert response.status_code == 302
    assert (ClaimSettings.objects.get().per_day, ClaimSettings.objects.get().window_days) == (2, 14)
    assert list(ClaimableRule.objects.values_list("key", flat=True)) == [award.key]


def test_another_villages_clerk_cannot_change_its_settings(client, alice, bob, village_a, award):
    settings = ClaimSettings.objects.create(village=village_a)
    client.force_login(bob)
    assert client.get(reverse("admin:claims_claimsettings_change", args=[settings.pk])).status_code == 404
    data = {"village": village_a.pk, "per_day": 2, "window_days": 14, "claimable": [award.key]}
    client.post(reverse("admin:claims_claimsettings_add"), data)
    assert not ClaimableRule.objects.exists()


def test_the_queue_lists_pending_claims_first_the_longest_waiting_on_top(client, alice, queue):
    client.force_login(alice)
    page = client.get(QUEUE).content.decode()

    links = [page.index(reverse("admin:claims_claim_change", args=[pk])) for pk in queue]

    assert links == sorted(links)


def test_the_reports_list_open_ones_first_the_longest_waiting_on_top(client, alice, a1, a2):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    recent = report_submit(household=a1, description="路灯坏了", place="西头", now=now - timedelta(days=1))
    old = report_submit(household=a2, description="桥边垃圾", place="东桥", now=now - timedelta(days=3))
    handled = report_submit(household=a2, description="井盖松了", place="北口", now=now - timedelta(days=5))
    report_handle(report=handled, by=alice, note="已修好")
    client.force_login(alice)
    page = client.get(reverse("admin:claims_report_changelist")).content.decode()

    links = [page.index(reverse("admin:claims_report_change", args=[r.pk])) for r in (old, recent, handled)]

    assert links == sorted(links)
