"""Every marked string has a German and a Russian translation."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

ENTRY = re.compile(r'(#, fuzzy\n)?msgid "(.*?)"\n(?:msgid_plural .*\n)?((?:msgstr.*\n?)+)', re.S)


def untranslated(po_file: Path) -> list[str]:
    text = po_file.read_text(encoding="utf-8")
    missing = []
    for block in text.split("\n\n")[1:]:
        match = ENTRY.search(block + "\n")
        if not match:
            continue
        fuzzy, msgid, msgstrs = match.groups()
        values = re.findall(r'msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', msgstrs)
        empty = any(not (first or rest.strip()) for first, rest in values)
        if fuzzy or empty:
            missing.append(msgid or block.splitlines()[-1])
    return missing


@pytest.mark.parametrize("language", ["de", "ru"])
def test_every_string_is_translated(language):
    po_file = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    assert po_file.exists()
    assert untranslated(po_file) == []


@pytest.mark.parametrize("language", ["de", "ru"])
def test_the_compiled_catalogue_is_up_to_date(language):
    po_file = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with po_file.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    singular = re.findall(
        r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\n(?!msgid_plural)', po_file.read_text("utf-8"), re.M
    )
    keys = [f"{context}\x04{msgid}" if context else msgid for context, msgid in singular]
    stale = [key for key in keys if key.replace('\\"', '"') not in catalogue]
    assert stale == []


@pytest.mark.parametrize("language", ["de", "ru"])
def test_every_plural_has_each_of_the_languages_forms(language):
    """Russian has four forms (the fourth for fractions): an entry with fewer shows its
    English text for those numbers, and msgfmt --check refuses the file."""
    text = (Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po").read_text(
        "utf-8"
    )
    forms = int(re.search(r"nplurals=(\d+)", text).group(1))
    short = [
        re.search(r'msgid "(.*)"', block).group(1)
        for block in text.split("\n\n")
        if "msgid_plural" in block and len(re.findall(r"^msgstr\[\d\]", block, re.M)) != forms
    ]
    assert short == []
