"""When the database is away: which errors mean "try again shortly", and a limit on how long
a PostgreSQL round trip may take. How PostgreSQL's timestamps are read."""

from datetime import UTC

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from psycopg.adapt import Loader
from psycopg.pq import Format

# What SQLite reports when the file is busy or cannot be reached; its other "operational"
# errors (no such table, a syntax error) are bugs and stay 500s.
SQLITE_UNAVAILABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")
# Seconds a client should wait before it asks again (the Retry-After header of a 503).
RETRY_AFTER = 5
# A statement the server cancels (statement_timeout) answers a little after the limit; only
# a server that says nothing at all is cut off by the client.
ROUND_TRIP_SLACK = 1.0


def is_unavailable(error: BaseException) -> bool:
    """True for a database that is down, frozen, locked or too slow right now: the same
    request may well succeed in a few seconds."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    name = getattr(error.__cause__, "sqlite_errorname", None)
    return name is None or name.startswith(SQLITE_UNAVAILABLE)


def log_failure(logger, what: str, error: BaseException) -> None:
    """A background task's failure: one line while the database is away (expected now and
    then; the next round tries again), the traceback for anything else."""
    if is_unavailable(error):
        summary = next(iter(str(error).strip().splitlines()), "")
        logger.warning("%s skipped, database unavailable: %s", what, summary)
    else:
        logger.error("%s failed", what, exc_info=error)


def round_trip_limit() -> float | None:
    """Seconds a PostgreSQL round trip may take, or None for no limit."""
    statement_ms = settings.DATABASE_STATEMENT_TIMEOUT_MS
    return statement_ms / 1000 + ROUND_TRIP_SLACK if statement_ms > 0 else None


def limit_round_trips(sender, connection, **kwargs) -> None:
    """Give up on a PostgreSQL server that stopped answering.

    statement_timeout is enforced by the server, so a server that is frozen (or a network
    that swallows packets) never sends the cancellation, and libpq waits forever on a
    connection it already holds: the request hangs. psycopg sends every round trip of a
    connection, its health check included, through Connection.wait(), which takes a
    timeout; this gives that wait the limit and closes the connection when it expires, so
    Django opens a new one (with connect_timeout) on the next request.
    """
    if connection.vendor != "postgresql" or (limit := round_trip_limit()) is None:
        return
    raw = connection.connection
    if getattr(raw, "_round_trips_limited", False):  # a pooled connection, handed out again
        return
    raw._round_trips_limited = True
    wait = raw.wait

    def wait_with_limit(gen, *args, timeout=None, **kwargs):
        ours = timeout is None or timeout > limit
        try:
            return wait(gen, *args, timeout=limit if ours else timeout, **kwargs)
        except psycopg.errors._WaitTimeout:
            if not ours:
                raise
            # The answer may still arrive; the connection cannot be used for anything else.
            raw.close()
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} seconds"
            ) from None

    raw.wait = wait_with_limit


def watch_round_trips() -> None:
    connection_created.connect(limit_round_trips, dispatch_uid="rendezvous-round-trip-limit")


_TIMESTAMPTZ = psycopg.postgres.types["timestamptz"].oid
# psycopg's own reader of timestamps, compiled when its C speed-ups are installed.
_COMPILED_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


class UtcTimestampLoader(Loader):
    """What a connection in UTC names as its reader of timestamps, for Django to see.

    Django reads every timestamp with a reader written in Python (it sets the time zone of each
    value afterwards), which cost a booking page with 300 free times a third of its queries'
    time. On a connection whose time zone is UTC, as Django sets it, psycopg's compiled reader
    gives the very same values. Django checks the connection's reader, by its `timezone`,
    whenever it opens a cursor, and would put its own back in place of the compiled one; so
    the connection names this one, and each of its cursors reads with the compiled one
    (read_timestamps_compiled)."""

    timezone = UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._compiled = _COMPILED_TIMESTAMPTZ_LOADER(oid, context)

    def load(self, data):
        return self._compiled.load(data)


def read_timestamps_compiled(sender, connection, **kwargs) -> None:
    """Give a new PostgreSQL connection in UTC the compiled timestamp reader (a pooled
    connection handed out again has it already)."""
    if connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    raw = connection.connection
    if psycopg.pq.__impl__ == "python" or raw.info.parameter_status("TimeZone") != "UTC":
        return  # without its C speed-ups psycopg has no compiled reader to give
    if raw.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT) is UtcTimestampLoader:
        return
    raw.adapters.register_loader(_TIMESTAMPTZ, UtcTimestampLoader)
    cursor = raw.cursor

    def cursor_reading_compiled(*args, **kwargs):
        # The compiled reader itself, not one written in Python around it: psycopg then
        # reads each value without calling into Python.
        made = cursor(*args, **kwargs)
        made.adapters.register_loader(_TIMESTAMPTZ, _COMPILED_TIMESTAMPTZ_LOADER)
        return made

    raw.cursor = cursor_reading_compiled


def read_timestamps_compiled_everywhere() -> None:
    connection_created.connect(read_timestamps_compiled, dispatch_uid="rendezvous-timestamps")
