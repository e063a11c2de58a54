"""QR codes as images that pages may show under the Content-Security-Policy: an SVG in a
data: address (img-src allows data:), drawn with attributes only, no inline style."""

import segno

# Medium error correction survives a crease or a smudge on a printed letter.
ERROR_CORRECTION = "m"
QUIET_ZONE = 4  # modules of white around the code, which scanners need


def qr_code(text: str) -> segno.QRCode:
    return segno.make(text, error=ERROR_CORRECTION, micro=False)


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as a data: address for an <img>; its size comes from CSS."""
    return qr_code(text).svg_data_uri(border=QUIET_ZONE, omitsize=True, light="#fff", nl=False)
