"""The scanned minutes of the meeting that adopted a catalogue version: only a PDF, JPEG or PNG by
its content and within the size limit, stored under an unguessable name, and served only to who may
read the version, or to anyone for the version in force, whose rules are public."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credits.errors import BadEffectiveDate, MinutesBeforeAdoption, MinutesTooLarge, MinutesType
from credits.services import version_adopt, version_attach_minutes
from households.errors import NotYours
from tests.credits.ledger import today

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def scan(content: bytes = PDF, name: str = "村民代表大会会议记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def adopt(draft, by, *, effective_in_days: int = 0, **kwargs):
    return version_adopt(
        version=draft,
        meeting="村民代表大会",
        adopted_on=today(),
        effective_from=today() + timedelta(days=effective_in_days),
        by=by,
        **kwargs,
    )


def minutes_url(version) -> str:
    return reverse("catalogue_minutes", args=[version.pk])


# The file checks and the storage


def test_it_keeps_the_scan_adopted_with_a_version_under_an_unguessable_name(alice, draft, media):
    version = adopt(draft, alice, minutes=scan())

    assert version.adopted
    assert version.minutes.name.startswith("minutes/") and version.minutes.name.endswith(".pdf")
    assert "会议记录" not in version.minutes.name and len(version.minutes.name) > 30
    with default_storage.open(version.minutes.name) as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(("content", "suffix"), [(JPEG, ".jpg"), (PNG, ".png"), (b"\n\n" + PDF, ".pdf")])
def test_it_tells_the_type_by_the_content_whatever_the_file_is_called(alice, draft, content, suffix):
    version = adopt(draft, alice, minutes=scan(content, name="scan.pdf"))

    assert version.minutes.name.endswith(suffix)


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"PK\x03\x04 a zip named .pdf", b"", b"GIF89a" + bytes(50)],
)
def test_it_refuses_what_is_not_a_pdf_jpeg_or_png_and_changes_nothing(alice, draft, media, content):
    with pytest.raises(MinutesType):
        adopt(draft, alice, minutes=scan(content))

    draft.refresh_from_db()
    assert not draft.adopted and not draft.minutes
    assert stored_files(media) == []


def test_it_refuses_a_scan_above_the_size_limit_and_changes_nothing(settings, alice, draft, media):
    settings.XIANGFENG_MINUTES_MAX_MB = 1

    with pytest.raises(MinutesTooLarge) as refused:
        adopt(draft, alice, minutes=scan(PDF + bytes(1024 * 1024)))

    assert "1 MB" in refused.value.message
    draft.refresh_from_db()
    assert not draft.adopted and stored_files(media) == []
    assert adopt(draft, alice, minutes=scan(PDF + bytes(1024 * 1024 - len(PDF)))).minutes


def test_it_leaves_no_file_behind_when_the_adoption_is_refused(alice, draft, media):
    with pytest.raises(BadEffectiveDate):
        version_adopt(
            version=draft,
            meeting="村民代表大会",
            adopted_on=today(),
            effective_from=today() - timedelta(days=1),
            by=alice,
            minutes=scan(),
        )

    assert stored_files(media) == []


def test_it_adds_the_scan_to_an_adopted_version_and_keeps_the_one_it_replaces(alice, award, media):
    version = award.version
    first = version_attach_minutes(version=version, minutes=scan(), by=alice).minutes.name

    second = version_attach_minutes(version=version, minutes=scan(PNG, "better.png"), by=alice).minutes.name

    version.refresh_from_db()
    assert version.minutes.name == second != first
    assert default_storage.exists(first) and default_storage.exists(second)
    assert (version.meeting, version.adopted_on, version.effective_from) == (
        award.version.meeting,
        award.version.adopted_on,
        award.version.effective_from,
    )


def test_it_adds_minutes_to_a_draft_only_by_adopting_it(alice, draft, media):
    with pytest.raises(MinutesBeforeAdoption):
        version_attach_minutes(version=draft, minutes=scan(), by=alice)

    assert stored_files(media) == []


def test_it_refuses_minutes_for_another_villages_catalogue(bob, olivia, award, media):
    for someone in (bob, olivia):
        with pytest.raises(NotYours):
            version_attach_minutes(version=award.version, minutes=scan(), by=someone)

    assert stored_files(media) == []


# Serving


@pytest.fixture
def past(alice, award, draft):
    """Version 1 with its minutes, no longer in force: version 2 took effect today."""
    version_attach_minutes(version=award.version, minutes=scan(), by=alice)
    adopt(draft, alice, minutes=scan(PNG, "v2.png"))
    award.version.refresh_from_db()
    return award.version


@pytest.fixture
def pending(alice, award, draft):
    """Version 2 with its minutes, adopted and taking effect in ten days."""
    return adopt(draft, alice, effective_in_days=10, minutes=scan())


def test_it_serves_the_minutes_to_the_villages_clerk_inline_and_uncached(client, alice, past):
    client.force_login(alice)

    response = client.get(minutes_url(past))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "nongfeng-v1-minutes.pdf" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("which", ["past", "pending"])
def test_it_serves_the_minutes_of_a_version_not_in_force_to_the_towns_officer(request, client, olivia, which):
    version = request.getfixturevalue(which)
    client.force_login(olivia)

    assert client.get(minutes_url(version)).status_code == 200


@pytest.mark.parametrize("which", ["past", "pending"])
def test_it_hides_minutes_of_a_version_not_in_force_from_anyone_out_of_scope(request, client, bob, mallory, which):
    version = request.getfixturevalue(which)
    assert client.get(minutes_url(version)).status_code == 404
    for someone in (bob, mallory):
        client.force_login(someone)
        assert client.get(minutes_url(version)).status_code == 404


def test_it_serves_the_minutes_of_the_version_in_force_to_anyone_since_its_rules_are_public(
    client, alice, award, pending
):
    in_force = version_attach_minutes(version=award.version, minutes=scan(JPEG, "v1.jpg"), by=alice)

    response = client.get(minutes_url(in_force))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(minutes_url(pending)).status_code == 404


def test_it_answers_404_for_a_version_without_minutes_or_whose_file_is_gone(client, alice, award, draft):
    client.force_login(alice)
    assert client.get(minutes_url(draft)).status_code == 404

    version = version_attach_minutes(version=award.version, minutes=scan(), by=alice)
    default_storage.delete(version.minutes.name)
    assert client.get(minutes_url(version)).status_code == 404


def test_it_never_serves_the_file_at_its_media_address(client, alice, past):
    client.force_login(alice)

    assert client.get(f"/media/{past.minutes.name}").status_code == 404


# The rules page and the admin


def test_the_rules_page_links_the_minutes_of_the_version_in_force_only(client, alice, award, pending):
    page = client.get("/lookup/rules/nongfeng/").content.decode()
    assert minutes_url(pending) not in page and 'id="rl-minutes"' not in page

    version_attach_minutes(version=award.version, minutes=scan(), by=alice)
    page = client.get("/lookup/rules/nongfeng/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert f'href="{minutes_url(award.version)}"' in page
    assert "会议记录" in page
    assert "/media/" not in page


def change_url(version) -> str:
    return reverse("admin:credits_catalogueversion_change", args=[version.pk])


def admin_post(client, version, **data):
    """Post the version's admin page as the browser would, with its read-only inline's forms."""
    response = client.get(change_url(version))
    assert response.status_code == 200
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        for form in formset.forms:
            data.update({form.add_prefix(name): form[name].value() or "" for name in form.fields})
    data["_save"] = "Save"
    return client.post(change_url(version), data)


def test_a_clerk_adopts_a_version_with_its_minutes_in_the_admin(client, alice, draft):
    client.force_login(alice)
    day = today().isoformat()

    response = admin_post(
        client, draft, meeting="村民代表大会", adopted_on=day, effective_from=day, minutes_file=scan()
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.adopted and draft.minutes.name.endswith(".pdf")
    page = client.get(change_url(draft)).content.decode()
    assert f'href="{minutes_url(draft)}"' in page and "/media/" not in page


def test_the_admin_refuses_a_wrong_file_in_chinese_and_adopts_nothing(client, alice, draft, media):
    client.force_login(alice)
    client.cookies.load({"django_language": "zh-hans"})
    day = today().isoformat()

    response = admin_post(
        client,
        draft,
        meeting="村民代表大会",
        adopted_on=day,
        effective_from=day,
        minutes_file=scan(b"MZ\x90\x00 not a scan", "会议记录.pdf"),
    )

    assert response.status_code == 200
    assert "会议记录必须是 PDF、JPEG 或 PNG 文件" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.adopted and stored_files(media) == []


def test_a_clerk_adds_the_minutes_to_an_adopted_version_without_touching_its_dates(client, alice, award):
    version = award.version
    client.force_login(alice)

    response = admin_post(client, version, minutes_file=scan(PNG, "scan.png"), meeting="改过的会议")

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.minutes.name.endswith(".png") and version.meeting == award.version.meeting


def test_the_admin_page_of_another_villages_version_is_a_404(client, bob, past):
    client.force_login(bob)

    assert client.get(change_url(past)).status_code == 404


def test_the_officer_reads_the_link_but_cannot_upload(client, olivia, past):
    client.force_login(olivia)

    page = client.get(change_url(past)).content.decode()

    assert f'href="{minutes_url(past)}"' in page and 'name="minutes_file"' not in page
    assert client.post(change_url(past), {"minutes_file": scan()}).status_code == 403
