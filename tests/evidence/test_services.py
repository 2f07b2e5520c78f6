"""Adding evidence: the real type read from the content, photos cleaned of their metadata and
reduced for display, refusals that store nothing, and evidence kept with its entry."""

import io

import pytest
from django.utils import timezone
from PIL import ExifTags, Image

from credits.errors import RuleCapReached
from credits.services import entry_record
from evidence.errors import (
    EvidenceEmpty,
    EvidenceOnFinalEntry,
    EvidenceTooLarge,
    EvidenceWrongHousehold,
    EvidenceWrongType,
)
from evidence.models import Evidence
from evidence.services import evidence_add, evidence_atomic, evidence_delete, evidence_link
from households.errors import NotYours
from tests.evidence.conftest import PDF, gps_exif, image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def read_stored(field) -> bytes:
    with field.open("rb") as stored:
        return stored.read()


def test_it_keeps_a_photo_without_its_gps_position_and_with_a_reduced_copy(a1, alice, photo, media):
    evidence = evidence_add(household=a1, file=photo, by=alice)

    assert (evidence.content_type, evidence.original_name, evidence.uploaded_by) == (
        "image/jpeg",
        "IMG_0001.jpg",
        alice,
    )
    kept = read_stored(evidence.file)
    assert evidence.size == len(kept)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (1600, 1200)
    assert not image.getexif() and b"PhoneMaker" not in kept
    display = Image.open(io.BytesIO(read_stored(evidence.display)))
    assert display.format == "JPEG" and max(display.size) == 1280
    assert len(stored_files(media)) == 2


def test_it_strips_gps_exif_from_a_png(a1, alice, media):
    data = image_bytes("PNG", size=(300, 200), exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the phone's position is there

    evidence = evidence_add(household=a1, file=upload(data, "screen.png", "image/png"), by=alice)

    kept = read_stored(evidence.file)
    image = Image.open(io.BytesIO(kept))
    assert (image.format, evidence.content_type) == ("PNG", "image/png")
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"eXIf" not in kept and b"PhoneMaker" not in kept


def test_it_turns_a_photo_upright_by_its_orientation_before_dropping_it(a1, alice):
    # Orientation 6: the camera was held sideways; the stored pixels are turned to be upright.
    data = image_bytes(size=(400, 300), exif=gps_exif(orientation=6))

    evidence = evidence_add(household=a1, file=upload(data), by=alice)

    image = Image.open(io.BytesIO(read_stored(evidence.file)))
    assert image.size == (300, 400)
    assert ExifTags.Base.Orientation not in image.getexif()


def test_it_keeps_an_heic_photo_as_jpeg(a1, alice):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    data = image_bytes("HEIF", size=(640, 480), exif=gps_exif())

    evidence = evidence_add(household=a1, file=upload(data, "IMG_1234.HEIC", "image/heic"), by=alice)

    kept = read_stored(evidence.file)
    image = Image.open(io.BytesIO(kept))
    assert (image.format, image.size, evidence.content_type) == ("JPEG", (640, 480), "image/jpeg")
    assert not image.getexif() and b"PhoneMaker" not in kept


def test_it_keeps_a_pdf_as_it_came_with_no_display_copy(a1, alice, pdf):
    evidence = evidence_add(household=a1, file=pdf, by=alice)

    assert (evidence.content_type, evidence.original_name, evidence.display.name) == (
        "application/pdf",
        "村民代表会议纪要.pdf",
        "",
    )
    assert read_stored(evidence.file) == PDF


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"this is only text pretending to be a photo\n", "photo.jpg"),
        (b"<html><script>alert(1)</script></html>", "page.png"),
        (b"GIF89a" + bytes(40), "animation.gif"),
        (image_bytes("BMP", size=(20, 20)), "scan.jpg"),
        (image_bytes("JPEG", size=(200, 200))[:300], "cut-short.jpg"),
    ],
)
def test_it_refuses_a_file_that_is_not_really_a_photo_or_pdf(a1, alice, media, data, name):
    with pytest.raises(EvidenceWrongType) as refused:
        evidence_add(household=a1, file=upload(data, name), by=alice)

    assert name in refused.value.message and "JPEG, PNG or HEIC" in refused.value.message
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_it_refuses_a_file_over_the_size_limit(a1, alice, media, settings):
    settings.XIANGFENG_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = upload(image_bytes(size=(10, 10)) + bytes(1536 * 1024))

    with pytest.raises(EvidenceTooLarge) as refused:
        evidence_add(household=a1, file=big, by=alice)

    assert "is 1.5\xa0MB" in refused.value.message and "at most 1.0\xa0MB" in refused.value.message
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_it_refuses_an_empty_file(a1, alice, media):
    with pytest.raises(EvidenceEmpty):
        evidence_add(household=a1, file=upload(b"", "empty.pdf"), by=alice)

    assert stored_files(media) == []


def test_it_refuses_a_clerk_of_another_village(a1, bob, photo, media):
    with pytest.raises(NotYours):
        evidence_add(household=a1, file=photo, by=bob)

    assert not Evidence.objects.exists() and stored_files(media) == []


def test_it_takes_a_villagers_own_upload_without_a_user(a1, photo):
    evidence = evidence_add(household=a1, file=photo, by=None)

    assert evidence.uploaded_by is None and evidence.household == a1


def test_it_refuses_an_entry_of_another_household(a1, a2, alice, award, photo):
    entry = entry_record(household=a2, rule=award, occurred_on=timezone.localdate(), by=alice)

    with pytest.raises(EvidenceWrongHousehold):
        evidence_add(household=a1, file=photo, by=alice, entry=entry)


def test_it_deletes_the_files_stored_in_a_block_that_rolls_back(a1, alice, capped_award, photo, pdf, media):
    today = timezone.localdate()
    for _time in range(2):
        entry_record(household=a1, rule=capped_award, occurred_on=today, by=alice)

    with pytest.raises(RuleCapReached), evidence_atomic():
        evidence_add(household=a1, file=pdf, by=alice)
        # The ledger refuses after the file was stored: the file goes with the rolled-back row.
        entry_record(household=a1, rule=capped_award, occurred_on=today, by=alice)

    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_it_keeps_the_files_of_a_block_that_commits(a1, alice, award, photo, media):
    with evidence_atomic():
        entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
        evidence = evidence_add(household=a1, file=photo, by=alice, entry=entry)

    assert list(entry.evidence.all()) == [evidence]
    assert len(stored_files(media)) == 2


def test_it_links_a_cases_evidence_to_the_entry_once(a1, alice, award, photo):
    evidence = evidence_add(household=a1, file=photo, by=None)
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    other = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)

    evidence_link(evidence=evidence, entry=entry, by=alice)

    evidence.refresh_from_db()
    assert evidence.entry == entry
    with pytest.raises(EvidenceOnFinalEntry):
        evidence_link(evidence=evidence, entry=other, by=alice)


def test_it_deletes_evidence_on_no_entry_with_its_files(a1, alice, photo, media):
    evidence = evidence_add(household=a1, file=photo, by=alice)

    with pytest.MonkeyPatch.context() as patch:
        # on_commit runs at once outside a test's wrapping transaction only; run it here.
        patch.setattr("django.db.transaction.on_commit", lambda callback, **kwargs: callback())
        evidence_delete(evidence=evidence, by=alice)

    assert not Evidence.objects.exists() and stored_files(media) == []


def test_it_refuses_to_delete_evidence_of_an_entry_in_the_ledger(a1, alice, award, photo, media):
    entry = entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    evidence = evidence_add(household=a1, file=photo, by=alice, entry=entry)

    with pytest.raises(EvidenceOnFinalEntry):
        evidence_delete(evidence=evidence, by=alice)

    assert Evidence.objects.filter(pk=evidence.pk).exists() and len(stored_files(media)) == 2


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_it_refuses_a_photo_cut_short(a1, alice, media, fmt):
    whole = image_bytes(fmt, size=(300, 200))

    with pytest.raises(EvidenceWrongType):
        evidence_add(household=a1, file=upload(whole[: len(whole) // 2], f"cut.{fmt.lower()}"), by=alice)

    assert stored_files(media) == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_damaged_photo_is_kept_or_refused_never_a_failure(a1, alice, fmt):
    whole = image_bytes(fmt, size=(300, 200))
    for at in range(2, len(whole) - 8, max(1, len(whole) // 40)):
        damaged = whole[:at] + bytes([whole[at] ^ 0xFF]) + whole[at + 1 :]
        try:
            evidence_add(household=a1, file=upload(damaged, f"damaged.{fmt.lower()}"), by=alice)
        except EvidenceWrongType:
            pass  # a clear refusal is as good as a cleaned copy; anything else would be a 500


def test_it_shows_a_cmyk_photo_in_rgb(a1, alice):
    evidence = evidence_add(household=a1, file=upload(image_bytes(mode="CMYK", color=(0, 200, 200, 0))), by=alice)

    assert Image.open(io.BytesIO(read_stored(evidence.display))).mode == "RGB"


def test_it_keeps_a_transparent_png_and_shows_it_on_white(a1, alice):
    data = image_bytes("PNG", size=(40, 40), mode="RGBA", color=(255, 0, 0, 0))

    evidence = evidence_add(household=a1, file=upload(data, "logo.png", "image/png"), by=alice)

    assert Image.open(io.BytesIO(read_stored(evidence.file))).mode == "RGBA"
    assert Image.open(io.BytesIO(read_stored(evidence.display))).getpixel((5, 5)) == (255, 255, 255)
