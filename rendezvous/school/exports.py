"""Pupils and parents as rows of a CSV file (rendezvous.lib.csv_export), the header in the
current language. A person's name is split into its two parts, as a mail merge needs them."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rendezvous.accounts.models import User
from rendezvous.lib.csv_export import streamed_rows
from rendezvous.lib.sorting import by_person
from rendezvous.school.models import Pupil

LIST_SEPARATOR = ", "


def pupil_header() -> list[str]:
    return [_("Last name"), _("First name"), _("Class"), _("Parents")]


def pupil_rows(pupils: QuerySet[Pupil]) -> Iterator[list]:
    return streamed_rows(pupils.select_related("school_class").prefetch_related("parents"), _pupil)


def _pupil(pupil: Pupil) -> list:
    parents = sorted(pupil.parents.all(), key=by_person)
    return [
        pupil.last_name,
        pupil.first_name,
        pupil.school_class.name,
        LIST_SEPARATOR.join(parent.full_name for parent in parents),
    ]


def parent_header() -> list[str]:
    return [_("Last name"), _("First name"), _("Email"), _("Code"), _("Children")]


def parent_rows(parents: QuerySet[User]) -> Iterator[list]:
    return streamed_rows(parents.prefetch_related("children__school_class"), _parent)


def _parent(parent: User) -> list:
    children = sorted(parent.children.all(), key=by_person)
    return [
        parent.last_name,
        parent.first_name,
        parent.email,
        parent.login_code,
        LIST_SEPARATOR.join(f"{child} ({child.school_class.name})" for child in children),
    ]
