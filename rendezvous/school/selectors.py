"""Reads of the school's people for the office's pages."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import User
from rendezvous.lib.sorting import by_person, person_key
from rendezvous.lib.views import parse_id
from rendezvous.school.models import Pupil, SchoolClass

# A picker shows at most this many matches; the person types more of the name for others.
SEARCH_LIMIT = 20
# How many matches are read to choose the first SEARCH_LIMIT in alphabetical order: the
# databases order "Özdemir" after "Zander", so the first twenty are chosen in Python.
SEARCH_CANDIDATES = 500
SEARCH_MAX_LENGTH = 100


def parents_of(
    parents: QuerySet[User],
    *,
    school_class: SchoolClass | None = None,
    event=None,
    without_credentials: bool = False,
) -> QuerySet[User]:
    """Of these parents, those of one class or of the classes of a parents' evening."""
    if school_class is not None:
        parents = parents.filter(children__school_class=school_class)
    if event is not None:
        parents = parents.filter(children__school_class__events=event)
    if without_credentials:
        parents = parents.filter(credentials_sent_at__isnull=True)
    return parents.distinct().order_by("last_name", "first_name", "pk")


class CredentialsState(models.TextChoices):
    """Where a parent's sign-in stands: never sent, asked of the worker, or sent."""

    NEW = "new", _("Not sent yet")
    REQUESTED = "requested", _("Being sent")
    SENT = "sent", _("Sent")


CREDENTIALS_STATES = {
    CredentialsState.NEW: Q(
        credentials_sent_at__isnull=True, credentials_requested_at__isnull=True
    ),
    CredentialsState.REQUESTED: Q(credentials_requested_at__isnull=False),
    CredentialsState.SENT: Q(
        credentials_sent_at__isnull=False, credentials_requested_at__isnull=True
    ),
}


def in_credentials_state(parents: QuerySet[User], state: str) -> QuerySet[User]:
    """The parents whose credentials are in this state; all of them for no state."""
    condition = CREDENTIALS_STATES.get(state)
    return parents if condition is None else parents.filter(condition)


def with_children(parents: QuerySet[User]) -> QuerySet[User]:
    children = Pupil.objects.select_related("school_class").order_by("first_name")
    return parents.prefetch_related(Prefetch("children", queryset=children))


def search_words(query: str) -> list[str]:
    """The words of a search box. PostgreSQL refuses text with a NUL character in it, and
    nobody's name holds one."""
    return query.replace("\x00", "").strip()[:SEARCH_MAX_LENGTH].split()


def _spellings(word: str) -> set[str]:
    """SQLite ignores case for ASCII letters only: "müller" would not find "Müller", nor
    "иванов" "Иванов". Names are mostly written capitalised, so these spellings find them."""
    return {word, word.lower(), word.upper(), word.capitalize()}


def _contains(fields: Iterable[str], word: str) -> Q:
    condition = Q()
    for name in fields:
        for spelling in _spellings(word):
            condition |= Q(**{f"{name}__icontains": spelling})
    return condition


@dataclass(frozen=True)
class SearchResult:
    """The first matches of a search, in alphabetical order, and how many there are."""

    query: str
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _first_matches(rows: QuerySet, query: str, fields: tuple[str, ...]) -> SearchResult:
    candidates = list(rows.order_by().values_list("pk", *fields)[:SEARCH_CANDIDATES])
    total = len(candidates)
    if total == SEARCH_CANDIDATES:
        total = rows.count()
    candidates.sort(key=lambda row: (*person_key(row[1], row[2]), row[0]))
    chosen = [row[0] for row in candidates[:SEARCH_LIMIT]]
    found = rows.in_bulk(chosen)
    return SearchResult(query=query, rows=[found[pk] for pk in chosen], total=total)


def matching_pupils(pupils: QuerySet[Pupil], words: list[str]) -> QuerySet[Pupil]:
    """Pupils whose first or last name contains each word, or whose class starts with it
    ("mia 7a", "7")."""
    for word in words:
        pupils = pupils.filter(
            _contains(("first_name", "last_name"), word) | Q(school_class__name__istartswith=word)
        )
    return pupils


def matching_people(
    people: QuerySet[User], words: list[str], *, emails: bool = True
) -> QuerySet[User]:
    """People whose name (or, with `emails`, email address) contains each word."""
    fields = ("first_name", "last_name", "email") if emails else ("first_name", "last_name")
    for word in words:
        people = people.filter(_contains(fields, word))
    return people


def search_pupils(pupils: QuerySet[Pupil], query: str, *, exclude: Iterable[int] = ()):
    """The first matches of a picker's search among `pupils`; an empty search finds nobody."""
    words = search_words(query)
    if not words:
        return SearchResult(query="")
    pupils = matching_pupils(pupils, words).exclude(pk__in=list(exclude))
    pupils = pupils.select_related("school_class")
    return _first_matches(pupils, " ".join(words), ("last_name", "first_name"))


def search_parents(parents: QuerySet[User], query: str, *, exclude: Iterable[int] = ()):
    """The first matches of a picker's search among `parents`; an empty search finds nobody."""
    words = search_words(query)
    if not words:
        return SearchResult(query="")
    parents = with_children(matching_people(parents, words).exclude(pk__in=list(exclude)))
    return _first_matches(parents, " ".join(words), ("last_name", "first_name"))


def pupils_by_ids(pupils: QuerySet[Pupil], ids: Iterable) -> list[Pupil]:
    """The pupils among `pupils` with these ids (ignoring what is no id), alphabetically."""
    wanted = {parse_id(str(value)) for value in ids} - {None}
    rows = pupils.filter(pk__in=wanted).select_related("school_class")
    return sorted(rows, key=by_person)


def sorted_people(rows: Iterable) -> list:
    return sorted(rows, key=by_person)


def upcoming_events_of(parent: User, today: datetime.date) -> list:
    """The parents' evenings of the parent's children's classes that have not ended yet,
    soonest first. Read through the classes, which the evenings name."""
    event_model = SchoolClass._meta.get_field("events").related_model
    return list(
        event_model.objects.filter(
            classes__pupils__guardianships__parent=parent, ends_on__gte=today
        )
        .distinct()
        .order_by("starts_on", "name")
    )


def credentials_state_of(parent: User) -> CredentialsState:
    if parent.credentials_requested_at is not None:
        return CredentialsState.REQUESTED
    if parent.credentials_sent_at is not None:
        return CredentialsState.SENT
    return CredentialsState.NEW
