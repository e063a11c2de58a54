"""Small query helpers shared by the apps."""

import contextlib
import copy
import functools
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.sql import UpdateQuery
from django.db.transaction import TransactionManagementError


def by_key(rows: QuerySet) -> Model | None:
    """The row a lookup by primary key found, or None.

    QuerySet.first() would sort the rows first: no use for one row, and on a wide row (a user
    with their organisation, read on every page) building the ORDER BY is a quarter of the
    query's cost in Django."""
    return next(iter(rows.order_by()[:1]), None)


class Prepared:
    """A read that Django builds and compiles once per process and shape, then runs with new
    values: for the few hot queries where building costs Django many times what running costs
    the database (the booking's rule check: 1.9 ms to build and compile, 0.1 ms to run).

    `build(**values)` returns the query, written as usual. It is called twice per shape, each
    time with other markers in place of the values (ints, strings, datetimes, or lists of
    them), and compiled: a parameter that differs between the two is where a value goes, the
    others are the query's own. The two sets differ in start, step, letter case and length.
    A query whose form depends on the markers (Django leaves out a condition it finds always
    true for one), or a parameter that differs but is no marker (a value that Django or the
    build changed: `contains` wraps it in %, `upper()` changes its case, `+ 1` shifts it), is
    refused with ValueError. The shape is the names of the values
    given and the length of each list: a value left out may change the query's form. Lists are
    for `__in` lookups: each is padded with its last item to a power of two, so that lists of
    many lengths share a few shapes. Calling
    returns the rows as a list, through Django's own iterables, so models, related rows and
    annotations come back as from the query itself. Not for prefetch_related."""

    MAX_SHAPES = 64  # past this, a new shape is built afresh each time, as without preparing

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._plans: dict[tuple, _Plan | None] = {}

    def __call__(self, **values) -> list:
        plan = self._plan(values)
        if plan is None:
            return list(self._build(**values))
        return plan.run(values)

    def _plan(self, values: dict):
        """The plan for the shape of `values`; None to run the query as built."""
        key = tuple((name, _form(value)) for name, value in values.items())
        try:
            return self._plans[key]
        except KeyError:
            plan = self._prepare(values) if len(self._plans) < self.MAX_SHAPES else None
            self._plans[key] = plan
            return plan

    def _prepare(self, values: dict):
        count = sum(len(_items(value)) for value in values.values())
        if count > _MAX_MARKERS:
            return None
        plan, other = (self._plan_of(self._build(**_markers(values, turn))) for turn in (0, 1))
        if plan is None and other is None:
            return None  # Django finds no rows without running it (`pk__in=[]`)
        if plan is None or other is None or plan.sql != other.sql:
            raise ValueError("the prepared query's form depends on its values")
        plan.places = _places(plan.params, other.params)
        given = {place[1] for place in plan.places if place[0] != "constant"}
        if given != set(range(count)):
            raise ValueError("a value of the prepared query is not among its parameters")
        return plan

    def _plan_of(self, built) -> "_Plan | None":
        return _Plan.of(built)


class PreparedUpdate(Prepared):
    """An UPDATE of one table, prepared as Prepared prepares a read: Django builds and
    compiles QuerySet.update() anew on every call, at five or six times what sending a short
    UPDATE costs (0.48 against 0.07-0.09 ms). `build(**values)` returns the rows to change
    (a plain filter, joining no other table) and their new values, `(queryset, {field: value
    or expression})`; calling returns the number of rows changed, as update() does, in the
    caller's transaction."""

    def __call__(self, **values) -> int:
        plan = self._plan(values)
        if plan is None:
            rows, changes = self._build(**values)
            return rows.update(**changes)
        return plan.run(values)

    def _plan_of(self, built) -> "_UpdatePlan | None":
        return _UpdatePlan.of(*built)


# The markers of the two builds (turn 0 and turn 1), for the n-th value:
# - ints 1000 + 2n and 12000 + 3n: within every integer column's range, where Django keeps a
#   comparison as written (it leaves out a `gte` below a column's least value, for one);
# - strings of control characters and of the characters LIKE escapes, in other letter cases;
# - datetimes 2n seconds into the year 1000 and 3n seconds into 1001.
# The two differ in start and step, so a value that the build or Django changed (shifted, cut to
# a day, escaped, upper-cased) is found in neither.
_MAX_MARKERS = 5_000  # values in one call: the ints stay below 32,767
_INT_MARKS = (1_000, 12_000)
_STEPS = (2, 3)
_STRING_MARKS = ("\x1f%_a{}\x1e", "\x1f%_B{}\x1e\x1e")
_STRING_FOUND = tuple(
    re.compile(re.escape(mark).replace(r"\{\}", r"(\d+)")) for mark in _STRING_MARKS
)
_EPOCH_MARKS = (datetime(1000, 1, 1, tzinfo=UTC), datetime(1001, 1, 1, tzinfo=UTC))


def _is_list(value) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def _form(value) -> object:
    if _is_list(value):
        return (_padded_length(len(value)), *{type(item) for item in value})
    return type(value)


def _padded_length(length: int) -> int:
    return 1 << (length - 1).bit_length() if length else 0


def _marker(number: int, value, turn: int):
    """The marker of the number-th value, of `value`'s kind, in the build of `turn`."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"a prepared query takes ints, strings and datetimes, not {value!r}")
    if isinstance(value, int):
        return _INT_MARKS[turn] + _STEPS[turn] * number
    if isinstance(value, str):
        return _STRING_MARKS[turn].format(number)
    if isinstance(value, datetime):
        return _EPOCH_MARKS[turn] + timedelta(seconds=_STEPS[turn] * number)
    raise TypeError(f"a prepared query takes ints, strings and datetimes, not {value!r}")


def _items(value) -> list:
    if not _is_list(value):
        return [value]
    items = list(value)
    return items + items[-1:] * (_padded_length(len(items)) - len(items))


def _markers(values: dict, turn: int) -> dict:
    """The values as the first (turn 0) or the second build (turn 1) is given them."""
    marked, number = {}, 0
    for name, value in values.items():
        items = []
        for item in _items(value):
            items.append(_marker(number, item, turn))
            number += 1
        marked[name] = items if _is_list(value) else items[0]
    return marked


class _Plan:
    """A compiled query and, for each of its parameters, the value it takes: a constant of the
    query, or the n-th of the values given."""

    MAX_CONNECTIONS = 512  # whose converters are kept: a process's threads, a few each

    def __init__(self, queryset: QuerySet, compiler, sql: str, params: tuple):
        self.queryset, self.compiler, self.sql, self.params = queryset, compiler, sql, params
        self.places: list[tuple] = []  # set by Prepared, from two builds
        self.locks = bool(queryset.query.select_for_update) and (
            compiler.connection.features.has_select_for_update
        )
        self._converters: dict = {}

    @classmethod
    def of(cls, queryset: QuerySet) -> "_Plan | None":
        """None for a query Django finds empty without running it (`pk__in=[]`)."""
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        return cls(queryset, compiler, sql, tuple(params))

    def run(self, values: dict) -> list:
        connection = connections[self.queryset.db]
        if self.locks and connection.get_autocommit():
            # Django checks this when it compiles a query, which a prepared one does once.
            raise TransactionManagementError("select_for_update needs a transaction")
        params = _params(self.places, values, connection)
        compiler = copy.copy(self.compiler)
        compiler.connection, compiler.using = connection, self.queryset.db
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        compiler.get_converters = functools.partial(self._converters_of, compiler)
        bound = QuerySet.__new__(type(self.queryset))
        bound.__dict__.update(self.queryset.__dict__)
        bound._query, bound._result_cache = _BoundQuery(self.queryset.query, compiler), None
        return list(bound)

    def _converters_of(self, compiler, expressions) -> dict:
        """The columns' converters, which Django works out anew for every run, column by
        column: they depend only on the query and the connection (a fifth of a small query's
        time in Django), so each connection works them out once."""
        if len(self._converters) > self.MAX_CONNECTIONS:
            self._converters = {}
        key = (compiler.connection, tuple(map(id, expressions)))
        converters = self._converters.get(key)
        if converters is None:
            converters = type(compiler).get_converters(compiler, expressions)
            self._converters[key] = converters
        return converters


class _UpdatePlan:
    """A compiled UPDATE and, for each of its parameters, the value it takes (as _Plan)."""

    def __init__(self, db: str, sql: str, params: tuple):
        self.db, self.sql, self.params = db, sql, params
        self.places: list[tuple] = []  # set by PreparedUpdate, from two builds

    @classmethod
    def of(cls, rows: QuerySet, changes: dict) -> "_UpdatePlan | None":
        """As QuerySet.update() builds it; None when Django finds no row to change without
        running it (`pk__in=[]`)."""
        if rows.query.is_sliced or rows.query.combinator or not changes:
            raise ValueError("a prepared update changes a field of a plain filter's rows")
        rows._for_write = True  # as update(): the database that takes writes
        query = rows.query.chain(UpdateQuery)
        query.add_update_values(changes)
        query.clear_select_clause()
        query.get_initial_alias()
        if query.related_updates or query.count_active_tables() != 1:
            raise ValueError("a prepared update changes one table and joins no other")
        try:
            sql, params = query.get_compiler(using=rows.db).as_sql()
        except EmptyResultSet:
            return None
        return cls(rows.db, sql, tuple(params))

    def run(self, values: dict) -> int:
        connection = connections[self.db]
        params = _params(self.places, values, connection)
        with transaction.mark_for_rollback_on_error(using=self.db), connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.rowcount


def _params(places: list[tuple], values: dict, connection) -> tuple:
    """A plan's parameters for this call's values, on `connection`."""
    given = [item for value in values.values() for item in _items(value)]
    adapt = connection.ops.adapt_datetimefield_value
    return tuple(
        place[1] if place[0] == "constant" else _given(given[place[1]], place[0], adapt)
        for place in places
    )


def _given(value, how: str, adapt):
    return adapt(value) if how == "adapted" else value


def _places(params: Iterable, others: Iterable) -> list[tuple]:
    """For each parameter of the two builds: the query's own constant where they agree, else
    which value went there and whether Django adapted it (SQLite stores a datetime as text)."""
    return [
        ("constant", param) if param == other else _place(param, other)
        for param, other in zip(params, others, strict=True)
    ]


def _place(param, other) -> tuple:
    place = _marked(param, 0)
    if place is None or place != _marked(other, 1):
        raise ValueError(
            "a parameter of the prepared query differs between its two builds but is none of"
            f" its values: one changed on its way, or the build made it itself: {param!r}"
        )
    return place


def _marked(param, turn: int) -> tuple[str, int] | None:
    """Which value's marker of `turn` the parameter is, and whether Django adapted it (SQLite
    stores a datetime as text); None when it is none."""
    if isinstance(param, bool):
        return None
    if isinstance(param, int):
        return _nth("given", param - _INT_MARKS[turn], turn)
    if isinstance(param, datetime):
        return _nth("given", (param - _EPOCH_MARKS[turn]).total_seconds(), turn)
    if not isinstance(param, str):
        return None
    if found := _STRING_FOUND[turn].fullmatch(param):
        return ("given", int(found[1]))
    with contextlib.suppress(ValueError):
        adapted = datetime.fromisoformat(param).replace(tzinfo=UTC)
        return _nth("adapted", (adapted - _EPOCH_MARKS[turn]).total_seconds(), turn)
    return None


def _nth(how: str, offset: float, turn: int) -> tuple[str, int] | None:
    number, left = divmod(offset, _STEPS[turn])
    return (how, int(number)) if not left and 0 <= number < _MAX_MARKERS else None


class _BoundQuery:
    """A compiled query's stand-in: the iterables ask it for the compiler, which answers with
    the prepared SQL and this call's parameters."""

    def __init__(self, query, compiler):
        self._query, self._compiler = query, compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)
