"""Reading back the QR codes our pages draw: the dark modules of an SVG data address."""

import re
from urllib.parse import unquote

import segno

from rendezvous.lib.qr import ERROR_CORRECTION, QUIET_ZONE

PATH = re.compile(r"<path class='qrline'[^>]* d='([^']*)'")
COMMAND = re.compile(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?")


def dark_modules(data_uri: str) -> set[tuple[int, int]]:
    """(column, row) of every dark module the SVG's path draws: segno draws each row as
    horizontal strokes ("h3" = three modules) joined by relative moves ("m2 0", "m-29 1")."""
    svg = unquote(data_uri.removeprefix("data:image/svg+xml;charset=utf-8,"))
    x = y = 0.0
    dark = set()
    for command, first, second in COMMAND.findall(PATH.search(svg).group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            length = int(float(first))
            dark |= {(int(x) + step - QUIET_ZONE, int(y) - QUIET_ZONE) for step in range(length)}
            x += length
    return dark


def expected_modules(text: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code of `text`, as segno computes them."""
    matrix = segno.make(text, error=ERROR_CORRECTION, micro=False).matrix
    return {(col, row) for row, line in enumerate(matrix) for col, bit in enumerate(line) if bit}
