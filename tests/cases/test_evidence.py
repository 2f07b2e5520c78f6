"""A case's photos: the recorder's go with the case and become the entry's when it is final; the
household's objection keeps its own; a file that is not a photo or PDF refuses the whole write."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import case_decide, case_finalise, case_object, record
from evidence.errors import EvidenceWrongType
from evidence.models import Evidence
from tests.evidence.conftest import gps_exif, image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db
State = Case.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo(name="IMG_0001.jpg"):
    return upload(image_bytes(exif=gps_exif()), name)


def held(household, rule, by, **options):
    return record(households=[household], rule=rule, occurred_on=timezone.localdate(), by=by, **options).cases


def later():
    return timezone.now() + timedelta(days=8)


def test_the_recorders_photo_goes_with_the_case_and_then_with_its_entry(a1, alice, deduction):
    (case,) = record(
        households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice, files=[photo()]
    ).cases
    (evidence,) = case.evidence.all()
    assert (evidence.household, evidence.entry, evidence.uploaded_by) == (a1, None, alice)

    case = case_finalise(case=case, now=later())

    evidence.refresh_from_db()
    assert evidence.entry == case.entry


def test_an_award_straight_to_the_ledger_keeps_its_photo_on_the_entry(a1, alice, award):
    (entry,) = record(households=[a1], rule=award, occurred_on=timezone.localdate(), by=alice, files=[photo()]).entries

    assert list(Evidence.objects.filter(entry=entry).values_list("household", flat=True)) == [a1.pk]


def test_the_households_objection_keeps_its_photos_apart_from_the_entry(a1, alice, rita, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases

    case = case_object(case=case, text="不服", files=[photo("mine.jpg")])
    case = case_decide(case=case, by=rita, decision="upheld", reason="维持")

    (theirs,) = case.objection_evidence.all()
    assert (theirs.uploaded_by, theirs.entry, theirs.original_name) == (None, None, "mine.jpg")


def test_a_file_that_is_no_photo_refuses_the_write_and_stores_nothing(a1, alice, deduction, media):
    bad = upload(b"MZ\x90\x00 not a photo", "photo.jpg")

    with pytest.raises(EvidenceWrongType):
        record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice, files=[bad])

    assert not Case.objects.exists() and not Evidence.objects.exists()
    assert stored_files(media) == []


def test_the_card_page_shows_the_cases_photo_and_takes_an_objection_with_one(client, a1, alice, deduction):
    (case,) = record(
        households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice, files=[photo()]
    ).cases
    (evidence,) = case.evidence.all()

    page = client.get(reverse("lookup_card", args=[a1.card_token])).content.decode()
    assert evidence.get_absolute_url() in page
    assert client.get(evidence.get_absolute_url()).status_code == 200  # the card's page opened it for this browser

    url = reverse("lookup_card_object", args=[a1.card_token, case.pk])
    client.post(url, {"text": "那天没有倒垃圾", "photos": [photo("road.jpg"), photo("gate.jpg")]})

    case.refresh_from_db()
    assert case.state == State.OBJECTED
    assert sorted(case.objection_evidence.values_list("original_name", flat=True)) == ["gate.jpg", "road.jpg"]


def test_a_bad_photo_with_an_objection_is_refused_with_a_message_and_changes_nothing(client, a1, alice, deduction):
    (case,) = record(households=[a1], rule=deduction, occurred_on=timezone.localdate(), by=alice).cases
    url = reverse("lookup_card_object", args=[a1.card_token, case.pk])

    response = client.post(url, {"text": "不服", "photos": [upload(b"not a photo", "x.jpg")]}, follow=True)

    assert "x.jpg" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.objection) == (State.NOTICE, "")


def test_the_clerk_attaches_a_photo_on_the_record_page(client, alice, a1, deduction):
    client.force_login(alice)

    client.post(
        reverse("admin:households_household_record", args=[a1.pk]),
        {"rule": deduction.pk, "occurred_on": timezone.localdate().isoformat(), "evidence": [photo()]},
    )

    case = Case.objects.get(household=a1)
    assert case.evidence.count() == 1
    assert 'class="xf-evidence"' in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
