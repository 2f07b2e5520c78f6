"""Evidence in the admin: photos taken or chosen while recording, added to an entry later, shown
on the entry's page; a refused file records nothing and stores nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from credits.models import Entry
from credits.services import entry_record
from evidence.models import Evidence
from evidence.services import evidence_add
from tests.evidence.conftest import PDF, gps_exif, image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def record_url(household) -> str:
    return reverse("admin:households_household_record", args=[household.pk])


def record(client, household, rule, **files):
    data = {"rule": str(rule.pk), "occurred_on": timezone.localdate().isoformat(), "note": "乱倒垃圾", **files}
    return client.post(record_url(household), data)


def test_the_record_form_opens_the_phones_camera(client, alice, a1):
    client.force_login(alice)

    page = client.get(record_url(a1)).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page and "multiple" in page


def test_it_records_a_deduction_with_its_photos_and_document(client, alice, a1, deduction, media, straight):
    client.force_login(alice)
    photo = upload(image_bytes(exif=gps_exif()), "现场.jpg")
    second = upload(image_bytes("PNG", size=(200, 100)), "现场2.png", "image/png")

    response = record(client, a1, deduction, evidence=[photo, second, upload(PDF, "通知.pdf")])

    assert response.status_code == 302
    entry = Entry.objects.get(household=a1, kind="deduction")
    assert [e.original_name for e in entry.evidence.order_by("id")] == ["现场.jpg", "现场2.png", "通知.pdf"]
    assert {e.uploaded_by for e in entry.evidence.all()} == {alice}
    assert len(stored_files(media)) == 5  # two photos with their display copies, and the PDF


def test_a_refused_file_records_nothing_and_stores_nothing(client, alice, a1, deduction, media, straight):
    client.force_login(alice)
    good = upload(image_bytes(), "现场.jpg")
    fake = upload(b"not a photo at all", "假照片.jpg")

    response = record(client, a1, deduction, evidence=[good, fake])

    assert response.status_code == 200
    page = response.content.decode()
    assert "假照片.jpg" in page and "JPEG, PNG or HEIC" in page
    assert not Entry.objects.filter(household=a1, kind="deduction").exists()
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_a_refused_entry_keeps_no_file(client, alice, a1, capped_award, media):
    client.force_login(alice)
    for _time in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=timezone.localdate(), by=alice)

    response = record(client, a1, capped_award, evidence=[upload(image_bytes())])

    assert response.status_code == 200 and "the most allowed" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_it_refuses_a_file_over_the_limit_in_chinese(client, alice, a1, deduction, media, settings):
    settings.XIANGFENG_EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(alice)
    big = upload(image_bytes() + bytes(2 * 1024 * 1024), "大照片.jpg")

    response = client.post(
        record_url(a1),
        {"rule": str(deduction.pk), "occurred_on": timezone.localdate().isoformat(), "evidence": [big]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "“大照片.jpg”大小为" in response.content.decode() and "每个文件最大 1.0" in response.content.decode()
    assert not Entry.objects.filter(kind="deduction").exists() and stored_files(media) == []


def test_it_adjusts_with_a_photo(client, alice, a1, straight):
    client.force_login(alice)

    response = client.post(
        reverse("admin:households_household_adjust", args=[a1.pk]),
        {
            "points": "-3",
            "reason": "损坏公共设施",
            "occurred_on": timezone.localdate().isoformat(),
            "evidence": [upload(PDF)],
        },
    )

    assert response.status_code == 302
    assert Entry.objects.get(kind="adjustment").evidence.get().content_type == "application/pdf"


def test_it_adds_evidence_to_an_entry_and_shows_its_thumbnails(client, alice, a1, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)
    change = reverse("admin:credits_entry_change", args=[entry.pk])
    add = reverse("admin:credits_entry_evidence", args=[entry.pk])
    assert add in client.get(change).content.decode()

    response = client.post(add, {"photos": [upload(image_bytes(), "补拍.jpg")]})

    assert response.status_code == 302 and response["Location"] == change
    evidence = entry.evidence.get()
    page = client.get(change).content.decode()
    assert f'src="{evidence.get_absolute_url()}"' in page and f'href="{evidence.original_url}"' in page


def test_adding_evidence_needs_a_file(client, alice, a1, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)

    response = client.post(reverse("admin:credits_entry_evidence", args=[entry.pk]), {})

    assert response.status_code == 200 and "Choose at least one photo or document." in response.content.decode()


def test_an_officer_reads_the_thumbnails_but_adds_nothing(client, alice, olivia, a1, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    evidence = evidence_add(household=a1, file=upload(image_bytes()), by=alice, entry=entry)
    client.force_login(olivia)

    page = client.get(reverse("admin:credits_entry_change", args=[entry.pk])).content.decode()

    assert evidence.get_absolute_url() in page
    assert reverse("admin:credits_entry_evidence", args=[entry.pk]) not in page
    assert client.post(reverse("admin:credits_entry_evidence", args=[entry.pk]), {}).status_code == 403


def test_a_clerk_of_another_village_cannot_reach_the_entry(client, alice, bob, a1, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    client.force_login(bob)

    response = client.post(reverse("admin:credits_entry_evidence", args=[entry.pk]), {"files": [upload(PDF)]})

    assert response.status_code == 404 and not Evidence.objects.exists()


def test_the_evidence_list_is_scoped_and_keeps_an_entrys_evidence(client, alice, bob, a1, b1, deduction):
    entry = entry_record(household=a1, rule=deduction, occurred_on=timezone.localdate(), by=alice)
    on_entry = evidence_add(household=a1, file=upload(PDF, "a.pdf"), by=alice, entry=entry)
    loose = evidence_add(household=a1, file=upload(PDF, "b.pdf"), by=alice)
    theirs = evidence_add(household=b1, file=upload(PDF, "bob.pdf"), by=bob)
    client.force_login(alice)

    listing = client.get(reverse("admin:evidence_evidence_changelist")).content.decode()
    assert "a.pdf" in listing and "b.pdf" in listing and "bob.pdf" not in listing
    assert client.get(reverse("admin:evidence_evidence_change", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:evidence_evidence_delete", args=[on_entry.pk])).status_code == 403

    response = client.post(reverse("admin:evidence_evidence_delete", args=[loose.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert set(Evidence.objects.values_list("original_name", flat=True)) == {"a.pdf", "bob.pdf"}


def test_a_deduction_held_for_notice_keeps_its_photo_with_the_case(client, alice, a1, deduction, media):
    # 农丰村 by default puts every deduction through notice: no entry yet, the photo is the case's.
    client.force_login(alice)

    response = record(client, a1, deduction, evidence=[upload(image_bytes(), "现场.jpg")])

    assert response.status_code == 302
    assert not Entry.objects.filter(household=a1, kind="deduction").exists()
    evidence = Evidence.objects.get()
    assert (evidence.household, evidence.entry, evidence.original_name) == (a1, None, "现场.jpg")
    assert list(Case.objects.get(household=a1).evidence.all()) == [evidence]
