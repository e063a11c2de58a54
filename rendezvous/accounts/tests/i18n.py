"""A tiny message catalogue for tests that must show an email in the recipient's language
before the project's own translations are written."""

import array
import struct
from pathlib import Path


def write_catalogue(locale_dir: Path, language: str, messages: dict[str, str]) -> None:
    """Write locale_dir/<language>/LC_MESSAGES/django.mo (GNU gettext format)."""
    catalogue = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(key.encode() for key in catalogue)
    values = {key.encode(): value.encode() for key, value in catalogue.items()}
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(values[key])))
        ids += key + b"\0"
        strs += values[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table = []
    for id_offset, id_length, _str_offset, _str_length in offsets:
        table += [id_length, id_offset + key_start]
    for _id_offset, _id_length, str_offset, str_length in offsets:
        table += [str_length, str_offset + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    target = locale_dir / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    (target / "django.mo").write_bytes(header + array.array("i", table).tobytes() + ids + strs)
