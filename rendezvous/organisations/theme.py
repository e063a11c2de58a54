"""The organisation's accent colour, made readable.

Pages use the accent for links on white and as the background of buttons with white text on
them, so the colour must stand out from white by WCAG AA's ratio for normal text (4.5:1).
A colour that does not (a pale yellow, a light green) is darkened, keeping its hue, until it
does. The hover shade is darker still; the subtle tint is a pale wash of the accent behind
ordinary text, and links in the accent must still read on it.
"""

import colorsys
from dataclasses import dataclass
from functools import lru_cache

from rendezvous.organisations.models import DEFAULT_ACCENT

AA_NORMAL_TEXT = 4.5
WHITE = (1.0, 1.0, 1.0)
BLACK = (0.0, 0.0, 0.0)
# Bump when the way shades are derived changes, so that browsers fetch the stylesheet again.
ALGORITHM = "1"

RGB = tuple[float, float, float]


def parse(colour: str) -> RGB:
    """'#0b5cad' → (0.04, 0.36, 0.68); anything unreadable is the default accent."""
    value = colour.strip().lstrip("#") if isinstance(colour, str) else ""
    if len(value) != 6:
        value = DEFAULT_ACCENT.lstrip("#")
    try:
        red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return parse(DEFAULT_ACCENT)
    return red, green, blue


def to_hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG's relative luminance: 0 for black, 1 for white."""
    red, green, blue = (_linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: RGB, other: RGB) -> float:
    """WCAG's contrast ratio, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(rgb: RGB, other: RGB, amount: float) -> RGB:
    """`amount` of `other` mixed into `rgb`."""
    r, g, b = (c + (o - c) * amount for c, o in zip(rgb, other, strict=True))
    return r, g, b


def darker(rgb: RGB, step: float = 0.02) -> RGB:
    """The same hue and saturation, a little less light."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb)
    return colorsys.hls_to_rgb(hue, max(lightness - step, 0.0), saturation)


def subtle_of(rgb: RGB) -> RGB:
    return mix(rgb, WHITE, 0.9)


def readable_accent(rgb: RGB) -> RGB:
    """The colour itself if links in it read on white and on its own pale tint, else the
    lightest darker shade of it that does."""
    while (
        contrast(rgb, WHITE) < AA_NORMAL_TEXT or contrast(rgb, subtle_of(rgb)) < AA_NORMAL_TEXT
    ) and rgb != BLACK:
        rgb = darker(rgb)
    return rgb


@dataclass(frozen=True)
class Palette:
    accent: str
    hover: str
    subtle: str
    contrast: str  # the text colour on the accent
    chosen: str  # the colour the office picked

    @property
    def adjusted(self) -> bool:
        return self.accent != self.chosen


def hover_of(accent: RGB) -> RGB:
    """Darker, so the change shows; a near-black accent has no darker shade and gets lighter,
    staying far above the contrast it needs."""
    if contrast(accent, WHITE) > 12:
        return mix(accent, WHITE, 0.2)
    return mix(accent, BLACK, 0.15)


@lru_cache(maxsize=1024)
def palette(colour: str) -> Palette:
    """The shades of an organisation's colour: worked out once per colour, as every mail's
    layout and button name its accent."""
    chosen = parse(colour)
    accent = readable_accent(chosen)
    return Palette(
        accent=to_hex(accent),
        hover=to_hex(hover_of(accent)),
        subtle=to_hex(subtle_of(accent)),
        # The accent passes against white, so white text on it passes too.
        contrast="#ffffff",
        chosen=to_hex(chosen),
    )


def version(colour: str) -> str:
    """Part of the stylesheet's address: it changes whenever the stylesheet would."""
    return f"{ALGORITHM}-{to_hex(parse(colour)).lstrip('#')}"


def stylesheet(colour: str) -> str:
    shades = palette(colour)
    return (
        ":root {\n"
        f"  --accent: {shades.accent};\n"
        f"  --accent-hover: {shades.hover};\n"
        f"  --accent-subtle: {shades.subtle};\n"
        f"  --accent-contrast: {shades.contrast};\n"
        "}\n"
    )
