"""PostgreSQL's timestamps are read by psycopg's compiled reader, and read back as written."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from psycopg._cmodule import _psycopg
from psycopg.pq import Format

from rendezvous.lib.database import UtcTimestampLoader

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL's reader of timestamps",
)
TIMESTAMPTZ = 1184  # PostgreSQL's type id
BERLIN = ZoneInfo("Europe/Berlin")
WRITTEN = [
    datetime(2026, 12, 6, 20, 19, 45, 695527, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=UTC),  # before Berlin's clocks go forward
    datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN),  # the hour Berlin's clocks show twice
    datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),
    datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


def read(*values) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["%s::timestamptz"] * len(values)), values)
        return cursor.fetchone()


def loaders(wrapper) -> tuple:
    """The reader the connection names (which Django checks) and the one its cursors use."""
    with wrapper.cursor() as cursor:
        return (
            cursor.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT),
            cursor.cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT),
        )


@on_postgresql
@pytest.mark.django_db
def test_postgresql_reads_timestamps_with_the_compiled_reader_on_every_connection():
    compiled = psycopg.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    another = connections.create_connection("default")
    try:
        assert loaders(connection) == (UtcTimestampLoader, compiled)
        assert loaders(another) == (UtcTimestampLoader, compiled)
        assert issubclass(compiled, _psycopg.CLoader)  # called without going through Python
    finally:
        another.close()


@on_postgresql
@pytest.mark.django_db
def test_each_timestamp_reads_back_as_the_same_instant_in_utc():
    answers = read(*WRITTEN)

    # In UTC: Python never finds a time of the repeated hour equal to one in another zone.
    assert answers == tuple(value.astimezone(UTC) for value in WRITTEN)
    assert all(answer.tzinfo is UTC for answer in answers)
    assert answers[2] - answers[3] == timedelta(hours=-1)


@on_postgresql
@pytest.mark.django_db
def test_the_compiled_reader_answers_as_djangos_own():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    ours = read(*WRITTEN)
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor)  # Django's reader, for this cursor
        assert cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT) is not UtcTimestampLoader
        cursor.execute("SELECT " + ", ".join(["%s::timestamptz"] * len(WRITTEN)), WRITTEN)
        djangos = cursor.fetchone()

    assert ours == djangos
    assert [value.tzinfo for value in ours] == [value.tzinfo for value in djangos]
