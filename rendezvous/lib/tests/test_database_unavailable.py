"""A database that cannot answer: 503 with Retry-After within a few seconds, never a 500,
and the next request works once it is back.

The database really fails here: another connection holds SQLite's write lock, or the
connection settings point where no database is. The outage of a running PostgreSQL server,
frozen ones included, is tested against a real web server in test_database_down.py.
"""

import logging
import socket
import sqlite3
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

# The middleware module connects its receiver of Django's got_request_exception signal on
# import; it must come before the one the test client connects for each request, or the
# client reports an error from the session middleware as unhandled although the answer is
# a 503. Importing it here, at collection, settles the order for the whole test run.
import rendezvous.lib.middleware  # noqa: F401
from rendezvous.accounts.tests.factories import PASSWORD
from rendezvous.lib.database import RETRY_AFTER

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="SQLite's file lock")
BUSY_TIMEOUT = 0.3
HOME = reverse("home")


@contextmanager
def connection_options(**changes):
    """The test database's connection settings, changed for connections opened inside the
    block (the current one is closed on the way in and out)."""
    saved = {key: connection.settings_dict[key] for key in changes}
    connection.close()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@contextmanager
def busy_timeout(seconds: float):
    with connection_options(OPTIONS={**connection.settings_dict["OPTIONS"], "timeout": seconds}):
        yield


@contextmanager
def write_lock():
    """What another process's write transaction does: it holds the file's write lock."""
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def database_unreachable(tmp_path):
    """New connections fail: a file in a folder that does not exist, or a port where no
    server listens."""
    if ON_SQLITE:
        changes = {"NAME": str(tmp_path / "gone" / "db.sqlite3")}
    else:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        changes = {"HOST": "127.0.0.1", "PORT": str(port)}
    with connection_options(**changes):
        yield


def sign_in(client, email):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)


@sqlite_only
def test_the_busy_timeout_is_a_few_seconds():
    assert 0 < settings.DATABASES["default"]["OPTIONS"]["timeout"] <= 5


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_sign_in_while_the_file_is_locked_answers_503_then_works(client, teacher):
    with busy_timeout(BUSY_TIMEOUT):
        with write_lock():
            started = time.monotonic()
            response = sign_in(client, teacher.email)
            waited = time.monotonic() - started
        assert_unavailable(response)
        assert "Temporarily unavailable" in response.content.decode()
        assert waited < BUSY_TIMEOUT + 2

        response = sign_in(client, teacher.email)
        assert response.status_code == 302
        assert client.get(reverse("healthz")).wsgi_request.user == teacher


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_answers_503_when_the_session_cannot_be_read(
    client, teacher, tmp_path, caplog
):
    """The session and the user are read by middleware, before any view runs."""
    client.force_login(teacher)
    with database_unreachable(tmp_path), caplog.at_level(logging.WARNING):
        response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    assert_unavailable(response)
    page = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in page
    assert "Try again" in page
    warnings = [r for r in caplog.records if r.name == "rendezvous.lib.middleware"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is None
    assert not [r for r in caplog.records if r.name == "django.request"]

    assert client.get(HOME).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_sign_in_answers_503_when_the_view_cannot_reach_the_database(
    client, teacher, tmp_path
):
    with database_unreachable(tmp_path):
        assert_unavailable(sign_in(client, teacher.email))
    assert sign_in(client, teacher.email).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_in_json(client, teacher, tmp_path):
    client.force_login(teacher)
    with database_unreachable(tmp_path):
        response = client.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="en")
    assert_unavailable(response)
    assert response.json() == {
        "code": "unavailable",
        "message": "Rendezvous is unavailable for a moment. Please try again shortly.",
        "details": {},
    }


@pytest.mark.django_db(transaction=True)
def test_the_unavailable_page_speaks_the_browsers_language(client, teacher, tmp_path):
    client.force_login(teacher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    with database_unreachable(tmp_path):
        response = client.get(HOME)
    assert_unavailable(response)
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert f'data-reload-after="{RETRY_AFTER}"' in page  # it loads itself again (app.js)
    assert f"Diese Seite lädt sich in {RETRY_AFTER} Sekunden von selbst neu." in page
