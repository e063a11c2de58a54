"""Orders in which people read lists: class names by their numbers ("5a" before "10a") and
people's names as a dictionary would ("Schäfer" before "Schwarz", "Ёлкин" among the "Е").

The databases cannot do this on their own: SQLite compares code points, so "ä" comes after
"z", and "10a" before "5a" everywhere. Lists are sorted in Python with these keys; a long list
fetches only the fields the key needs, sorts them and then loads one page (sorted_page).
"""

import re
import unicodedata
from collections.abc import Callable, Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

DIGITS = re.compile(r"(\d+)")
# Letters that are their own letter of the alphabet, not a letter with an accent: stripping
# the mark would file "Йорк" among the "И". Kept as they are, they sort in their place,
# since the Russian alphabet's code points are in alphabetical order.
OWN_LETTERS = frozenset("йЙ")
# Letters that Unicode does not decompose but a reader files under a plain letter.
SPELLED_OUT = {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}


def _plain(character: str) -> str:
    if character in OWN_LETTERS:
        return character.casefold()
    letters = unicodedata.normalize("NFKD", character.casefold())
    letters = "".join(part for part in letters if not unicodedata.combining(part))
    return "".join(SPELLED_OUT.get(letter, letter) for letter in letters)


def text_key(text: str) -> str:
    """The text without accents and case: "Schäfer" → "schafer", "Straße" → "strasse"."""
    return "".join(_plain(character) for character in text.strip())


def natural_key(text: str) -> tuple:
    """Numbers inside the text compare as numbers: "5a" < "10a" < "10b" < "Q1"."""
    parts = []
    for number, part in enumerate(DIGITS.split(text.strip())):
        if not part:
            continue
        # Numbers before letters at the same place; each part tagged so that a number is
        # never compared with a text.
        parts.append((0, int(part), "") if number % 2 else (1, 0, text_key(part)))
    return (tuple(parts), text)


def person_key(last_name: str, first_name: str) -> tuple:
    """Last name, then first name, as a dictionary orders them; the exact spelling only
    decides between names that are otherwise the same."""
    return (text_key(last_name), text_key(first_name), last_name, first_name)


def by_person(row) -> tuple:
    """The key of anything with a first and last name (a user, a pupil)."""
    return person_key(row.last_name, row.first_name)


def by_name(row) -> tuple:
    """The key of anything with a name that may hold numbers (a class, a department)."""
    return natural_key(row.name)


def sorted_page(
    rows: QuerySet,
    *,
    fields: Sequence[str],
    key: Callable[..., tuple],
    number,
    per_page: int,
) -> Page:
    """One page of `rows` in the order of `key`, called with the values of `fields`.

    Only the ids and those fields of all matching rows are read (a few kilobytes for a
    school of a thousand pupils); the page's own rows are then loaded with what the
    queryset prefetches, in that order.
    """
    values = rows.order_by().values_list("pk", *fields)
    ordered = [row[0] for row in sorted(values, key=lambda row: (*key(*row[1:]), row[0]))]
    page = Paginator(ordered, per_page).get_page(number)
    found = rows.in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


class SortedChoices(ModelChoiceIterator):
    """A model choice field's options in the order of the field's `sort_key` (by_name,
    by_person) rather than the database's: set `iterator = SortedChoices` on the field."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in sorted(self.queryset, key=self.field.sort_key):
            yield self.choice(row)
