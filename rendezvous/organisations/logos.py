"""Checking an uploaded logo by its content and storing a clean copy.

The file's name and declared type prove nothing, so Pillow reads it; only PNG, JPEG, GIF and
WebP pass. The size the image declares is checked before its pixels are decoded, so a small
file that unpacks into billions of pixels (a decompression bomb) is refused without being
unpacked. What is stored is a new PNG drawn from the pixels alone: no metadata (EXIF with
a camera's location, comments) and nothing a browser could take for a script.
"""

import hashlib
import io
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from rendezvous.lib.errors import DomainError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000  # pixels, either side, of the uploaded image
STORED_SIDE = 800  # the stored copy fits in this square: sharp in a header, on paper and in mail
FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}

NOT_AN_IMAGE = _("This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP file.")
TOO_LARGE = _("The file is larger than 2 MB. Upload a smaller image.")
DAMAGED = _("The image file is damaged. Save it again and upload the new file.")
TOO_MANY_PIXELS = _(
    "The image is too large: a logo may be at most 4000 pixels wide and 4000 pixels high."
)


class LogoRefused(DomainError):
    """The upload is not a usable logo; `message` says why, for the form's logo field."""

    code = "logo_refused"
    field = "logo"


def _open(data: bytes) -> Image.Image:
    """The image, its header read and its pixels not yet decoded."""
    try:
        with warnings.catch_warnings():
            # Pillow warns about sizes between its limit and twice it (and refuses beyond);
            # ours is far lower and is checked next, before a single pixel is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise LogoRefused(NOT_AN_IMAGE) from None
    except Image.DecompressionBombError:  # Pillow's own limit, far beyond ours
        raise LogoRefused(TOO_MANY_PIXELS) from None
    if image.format not in FORMATS:
        raise LogoRefused(NOT_AN_IMAGE)
    return image


def _check_size(image: Image.Image) -> None:
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE:
        raise LogoRefused(TOO_MANY_PIXELS)
    if width < 1 or height < 1:
        raise LogoRefused(NOT_AN_IMAGE)


def _decode(image: Image.Image) -> Image.Image:
    """The pixels, upright, as RGB or RGBA (the first frame of an animation)."""
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # Truncated or corrupt data that only shows when the pixels are read.
        raise LogoRefused(DAMAGED) from None
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _encode(image: Image.Image) -> bytes:
    image.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)  # pixels only: no info, no EXIF, no ICC profile travels along
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def prepare_logo(upload, *, slug: str) -> ContentFile:
    """A clean PNG copy of an uploaded logo, named by its content; LogoRefused with a message
    for the form when the upload is not a usable image."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise LogoRefused(TOO_LARGE)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LogoRefused(TOO_LARGE)
    image = _open(data)
    _check_size(image)
    png = _encode(_decode(image))
    digest = hashlib.sha256(png).hexdigest()[:12]
    return ContentFile(png, name=f"{slug}-{digest}.png")
