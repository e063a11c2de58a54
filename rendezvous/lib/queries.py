"""Small query helpers shared by the apps."""

from django.db.models import Model, QuerySet


def by_key(rows: QuerySet) -> Model | None:
    """The row a lookup by primary key found, or None.

    QuerySet.first() would sort the rows first: no use for one row, and on a wide row (a user
    with their organisation, read on every page) building the ORDER BY is a quarter of the
    query's cost in Django."""
    return next(iter(rows.order_by()[:1]), None)
