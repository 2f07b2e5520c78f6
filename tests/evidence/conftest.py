"""Evidence tests keep their files in a folder of their own, emptied after each test."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    """Every file under the media folder, as paths relative to it."""
    if not media.exists():
        return []
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: a camera, a time, and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.DateTime] = "2026:11:30 09:15:00"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (120.0, 56.0, 7.0)
    return exif


def image_bytes(fmt: str = "JPEG", size=(1600, 1200), mode="RGB", color=(180, 40, 40), exif=None) -> bytes:
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    params = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **params)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def photo():
    return upload(image_bytes(exif=gps_exif()), "IMG_0001.jpg")


@pytest.fixture
def pdf():
    return upload(PDF, "村民代表会议纪要.pdf", "application/pdf")


@pytest.fixture
def straight(village_a):
    """农丰村 records deductions and adjustments straight into the ledger: no notice, no approval."""
    from cases.models import ProcessSettings

    settings, _created = ProcessSettings.objects.update_or_create(
        village=village_a,
        defaults={
            "notice_deductions": False,
            "notice_negative_adjustments": False,
            "approve_adjustments": False,
            "approval_threshold": None,
        },
    )
    return settings
