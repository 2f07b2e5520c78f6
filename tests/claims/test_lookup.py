"""Claims and reports from the lookup page: by card and by PIN, the household's own, in Chinese."""

from datetime import timedelta

import pytest
from django.urls import reverse

from claims.models import Claim, Report
from claims.services import claim_approve, claim_reject
from evidence.models import Evidence
from households.services import household_set_pin
from tests.claims.conftest import pdf, photo
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db

PIN = "2468"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def claim_url(household):
    return reverse("lookup_card_claim", args=[household.card_token])


def send(client, url, rule, **fields):
    data = {"rule": rule.pk, "occurred_on": today().isoformat(), "description": "帮邻居收稻子", **fields}
    return client.post(url, data, **ZH)


def errors_of(response) -> list[str]:
    return [str(error) for errors in response.context["form"].errors.values() for error in errors]


def test_the_record_offers_a_claim_and_a_report(client, a1, claimable):
    page = client.get(reverse("lookup_card", args=[a1.card_token]), **ZH).content.decode()
    assert claim_url(a1) in page
    assert reverse("lookup_card_report", args=[a1.card_token]) in page


def test_the_claim_page_offers_only_the_villages_claimable_rules(client, a1, claimable, capped_award, award_b):
    page = client.get(claim_url(a1), **ZH).content.decode()
    assert f'value="{claimable.pk}"' in page
    assert f'value="{capped_award.pk}"' not in page and f'value="{award_b.pk}"' not in page


def test_a_household_claims_by_its_card_with_a_photo(client, a1, claimable):
    response = send(client, claim_url(a1), claimable, photos=[photo()])

    assert response.status_code == 302 and response.url.endswith("#lk-claims")
    claim = Claim.objects.get()
    assert (claim.household, claim.state, claim.evidence.count()) == (a1, Claim.State.PENDING, 1)
    page = client.get(response.url, **ZH).content.decode()
    assert "帮邻居收稻子" in page and "等待村务管理员处理" in page


def test_a_household_claims_by_its_pin_and_only_for_itself(client, a1, a2, alice, claimable):
    household_set_pin(household=a1, pin=PIN, by=alice)
    client.post(reverse("lookup"), {"village": a1.village.code, "number": a1.number, "pin": PIN})

    response = send(client, reverse("lookup_me_claim"), claimable, household=a2.pk)

    assert response.status_code == 302
    assert Claim.objects.get().household == a1


def test_the_pin_claim_page_asks_for_the_pin_without_a_grant(client, a1, claimable):
    response = send(client, reverse("lookup_me_claim"), claimable)
    assert response.status_code == 302 and response.url == reverse("lookup")
    assert not Claim.objects.exists()


def test_an_unknown_card_claims_nothing(client, a1, claimable):
    response = send(client, reverse("lookup_card_claim", args=["x" * 32]), claimable)
    assert response.status_code == 404 and not Claim.objects.exists()


# The dates are read when the test runs, not when it is collected: a run that crosses midnight in
# Shanghai would otherwise send "tomorrow" as today.
@pytest.mark.parametrize(
    "fields, message",
    [
        (lambda: {"occurred_on": (today() + timedelta(days=1)).isoformat()}, "不能晚于今天"),
        (lambda: {"occurred_on": (today() - timedelta(days=31)).isoformat()}, "30 天"),
        (lambda: {"description": "  "}, "请说明"),
    ],
)
def test_it_refuses_bad_claims_in_chinese_and_keeps_nothing(client, a1, claimable, fields, message):
    response = send(client, claim_url(a1), claimable, photos=[photo()], **fields())

    assert response.status_code == 400
    assert any(message in error for error in errors_of(response)), errors_of(response)
    assert not Claim.objects.exists() and not Evidence.objects.exists()


def test_it_refuses_a_rule_not_claimable_or_of_another_village(client, a1, claimable, capped_award, award_b):
    for rule in (capped_award, award_b):
        response = send(client, claim_url(a1), rule)
        assert response.status_code == 400
        assert "可申报" in " ".join(errors_of(response))
    assert not Claim.objects.exists()


def test_it_refuses_a_pdf_and_more_than_three_photos(client, a1, claimable):
    response = send(client, claim_url(a1), claimable, photos=[pdf()])
    assert "不是照片" in " ".join(errors_of(response))
    response = send(client, claim_url(a1), claimable, photos=[photo(f"{n}.jpg") for n in range(4)])
    assert "最多" in " ".join(errors_of(response))
    assert not Claim.objects.exists() and not Evidence.objects.exists()


def test_it_refuses_a_claim_over_the_days_limit(client, a1, claimable):
    for _n in range(3):
        assert send(client, claim_url(a1), claimable).status_code == 302
    response = send(client, claim_url(a1), claimable)
    assert response.status_code == 400 and "明天" in " ".join(errors_of(response))
    assert Claim.objects.count() == 3


def test_the_household_sees_the_decision_and_the_points(client, a1, alice, claimable):
    send(client, claim_url(a1), claimable, description="扶老人过马路")
    send(client, claim_url(a1), claimable, description="帮忙搬家")
    approved, rejected = Claim.objects.order_by("id")
    claim_approve(claim=approved, by=alice)
    claim_reject(claim=rejected, by=alice, reason="同一天已经申报过")

    page = client.get(reverse("lookup_card", args=[a1.card_token]), **ZH).content.decode()

    assert "已通过" in page and "未通过" in page and "同一天已经申报过" in page
    assert 'id="lk-balance">102<' in page


def test_a_household_reports_something_in_the_village(client, a1):
    url = reverse("lookup_card_report", args=[a1.card_token])
    response = client.post(url, {"description": "桥边一堆垃圾", "place": "东桥", "photos": [photo()]}, **ZH)

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.household, report.place, report.evidence.count()) == (a1, "东桥", 1)
    page = client.get(reverse("lookup_card", args=[a1.card_token]), **ZH).content.decode()
    assert "桥边一堆垃圾" in page


def test_a_report_needs_a_place(client, a1):
    url = reverse("lookup_card_report", args=[a1.card_token])
    response = client.post(url, {"description": "桥边一堆垃圾", "place": ""}, **ZH)
    assert response.status_code == 400 and "请说明地点" in " ".join(errors_of(response))
    assert not Report.objects.exists()
