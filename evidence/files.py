"""Reading an uploaded file for what it really is, and cleaning it before anything is stored.

The name a phone gives a file and the type its browser claims are not trusted: a PDF is a PDF when
its content starts with the PDF signature, a photo when Pillow decodes it as JPEG, PNG or HEIC
(through pillow-heif) and nothing else. A photo is turned upright by its EXIF orientation, then
re-encoded with none of its metadata (camera, time, GPS position), and reduced for display. An
HEIC photo is kept as JPEG, which every browser shows. All of it happens in memory, before the
storage or the database is touched, so a refusal leaves nothing behind.
"""

import io
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

from evidence.errors import EvidenceEmpty, EvidenceTooLarge, EvidenceTooManyPixels, EvidenceWrongType
from households.validators import CONTROL_CHARACTER

try:
    import pillow_heif
except ImportError:  # pragma: no cover - HEIC is then refused as an unknown type
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

PDF_SIGNATURE = b"%PDF-"
# Formats as Pillow names them; HEIF is pillow-heif's, for HEIC photos from iPhones.
IMAGE_FORMATS = ["JPEG", "PNG", "HEIF"] if pillow_heif else ["JPEG", "PNG"]
# A photo with more pixels than this is no phone's: refused before it is decoded.
MAX_PIXELS = 50_000_000
DISPLAY_SIDE = 1280
MAX_NAME = 200


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what will be stored, not yet stored."""

    name: str  # the sender's file name, without a path or control characters
    content_type: str
    data: bytes
    display: bytes | None  # a photo's reduced JPEG copy
    extension: str

    @property
    def size(self) -> int:
        return len(self.data)


def max_bytes() -> int:
    return settings.XIANGFENG_EVIDENCE_MAX_BYTES


def check_upload(upload) -> CheckedFile:
    """The upload read, recognised and cleaned; an `EvidenceRefused` says why not."""
    if isinstance(upload, CheckedFile):
        return upload
    name = safe_name(getattr(upload, "name", "") or "")
    limit = max_bytes()
    if (getattr(upload, "size", None) or 0) > limit:
        raise EvidenceTooLarge(name=name, size=filesizeformat(upload.size), limit=filesizeformat(limit))
    upload.seek(0)
    # One byte past the limit tells a file whose announced size was wrong.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise EvidenceTooLarge(name=name, size=filesizeformat(len(data)), limit=filesizeformat(limit))
    if not data:
        raise EvidenceEmpty(name=name)
    if data.startswith(PDF_SIGNATURE):
        return CheckedFile(name=name, content_type="application/pdf", data=data, display=None, extension=".pdf")
    return _checked_image(name, data)


def safe_name(name: str) -> str:
    """The last part of a path as either system writes it, printable, at most 200 characters."""
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = CONTROL_CHARACTER.sub("", unicodedata.normalize("NFC", name)).strip() or "file"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        keep = extension[:10] if dot else ""
        name = (stem if dot else name)[: MAX_NAME - len(keep) - 1] + ("." + keep if keep else "")
    return name


def _checked_image(name: str, data: bytes) -> CheckedFile:
    try:
        image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceWrongType(name=name) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise EvidenceTooManyPixels(name=name, width=width, height=height, limit=MAX_PIXELS // 1_000_000)
    try:
        return _cleaned(name, image)
    except Exception:
        # Cut short, not what its first bytes promised, or in a form no browser shows: whatever
        # the decoder says, it is not a photo we can keep, and the sender is told so (never a 500).
        raise EvidenceWrongType(name=name) from None


def _cleaned(name: str, image: Image.Image) -> CheckedFile:
    image.load()
    upright = ImageOps.exif_transpose(image)
    kept = _without_metadata(upright)
    out = io.BytesIO()
    if image.format == "PNG":
        kept.save(out, format="PNG", optimize=True, **_kept_info(upright))
        content_type, extension = "image/png", ".png"
    else:
        _jpeg_ready(kept).save(out, format="JPEG", quality=90, **_kept_info(upright))
        content_type, extension = "image/jpeg", ".jpg"
    # The copy pages show is plain RGB (or grey): a CMYK photo looks wrong in some browsers.
    display = _jpeg_ready(kept.copy())
    if display.mode == "CMYK":
        display = display.convert("RGB")
    display.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
    small = io.BytesIO()
    display.save(small, format="JPEG", quality=82, optimize=True)
    return CheckedFile(
        name=name, content_type=content_type, data=out.getvalue(), display=small.getvalue(), extension=extension
    )


def _without_metadata(image: Image.Image) -> Image.Image:
    """The pixels alone: EXIF (with any GPS position), XMP, text chunks and comments left behind."""
    clean = image.copy()
    # A palette's transparent colour is part of the picture, not of its metadata.
    clean.info = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    return clean


def _kept_info(image: Image.Image) -> dict:
    # The colour profile is part of how the photo looks.
    return {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}


def _jpeg_ready(image: Image.Image) -> Image.Image:
    """RGB, L or CMYK, as JPEG takes them; transparency laid on white, as a page shows it."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")
