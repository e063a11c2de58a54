"""Lists: `limit` and `offset`, the total in X-Total-Count and the neighbouring pages in an
RFC 8288 Link header; a chosen order; filters by id that name only what the caller may see."""

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

from rendezvous.accounts.models import User
from rendezvous.scheduling.access import get_event_for_user, get_subject_for_user
from rendezvous.school.access import (
    get_class_for_user,
    get_department_for_user,
    get_parent_for_user,
    get_pupil_for_user,
    get_teacher_for_user,
)

MAX_LIMIT = 200
MAX_OFFSET = 10**9  # beyond any list; a larger one would overflow the database's integer


class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def page_of(request: HttpRequest, response: HttpResponse, rows: QuerySet, page: Page) -> list:
    found = list(rows[page.offset : page.offset + page.limit])
    # A short page that is not past the end holds the last rows: no need to count them.
    if len(found) < page.limit and (found or page.offset == 0):
        total = page.offset + len(found)
    else:
        total = rows.count()
    response["X-Total-Count"] = str(total)
    links = []
    if page.offset + page.limit < total:
        links.append(_link(request, page.limit, page.offset + page.limit, "next"))
    if page.offset > 0:
        previous = min(page.offset - page.limit, total - page.limit)  # past the end: the last
        links.append(_link(request, page.limit, max(0, previous), "prev"))
    if links:
        response["Link"] = ", ".join(links)
    return found


def _link(request: HttpRequest, limit: int, offset: int, rel: str) -> str:
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="{rel}"'


Columns = dict[str, tuple[str, ...]]


def sort_choices(columns: Columns):
    """The `sort` values of a list: each column's name, or with a leading - for descending."""
    return Literal[tuple(name for key in columns for name in (key, f"-{key}"))]


def ordered(rows: QuerySet, sort: str, columns: Columns) -> QuerySet:
    """Ordered by the chosen column, ties broken by id, so pages never overlap."""
    descending = sort.startswith("-")
    sign = "-" if descending else ""
    fields = columns[sort.removeprefix("-")]
    return rows.order_by(*(f"{sign}{field}" for field in fields), f"{sign}pk")


def sort_field(default: str):
    return Field(default, description="a column; with a leading - the other way round")


# The access function that finds what each id filter names, by the filter's name in the query.
FINDERS = {
    "event": get_event_for_user,
    "teacher": get_teacher_for_user,
    "subject": get_subject_for_user,
    "class": get_class_for_user,
    "pupil": get_pupil_for_user,
    "parent": get_parent_for_user,
    "department": get_department_for_user,
}


def check_filters(user: User, filters: Schema) -> None:
    """404 for a filter naming what the caller may not see, such as another organisation's
    event: the answer its own URL gives. What they see but nothing matches is an empty list."""
    for name, field in type(filters).model_fields.items():
        value = getattr(filters, name)
        if value is not None and (find := FINDERS.get(field.alias or name)):
            find(user, value)
