"""A real web server whose PostgreSQL goes down, freezes and comes back.

The server (gunicorn) reaches PostgreSQL through a TCP proxy that the test switches, so the
machine's PostgreSQL itself is never stopped. Each request must answer within a few seconds:
503 with Retry-After while the database is away, the pages again once it is back, without a
restart.
"""

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from rendezvous.lib.tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = ("127.0.0.1", 5432)
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Long enough to tell "answered in a few seconds" from "hung until the client gave up".
CLIENT_TIMEOUT = 20
# The server's limits, kept short so the test is quick: 1 s per statement, 2 s to connect.
STATEMENT_TIMEOUT_MS = 1000
CONNECT_TIMEOUT = 2
# One stale connection costs a round-trip limit and a connection attempt; slack for a busy
# two-core machine running the rest of the suite beside this test.
PROMPT = 12
CSRF = "a" * 32
EMAIL, PASSWORD = "office@example.org", "a long and correct password"

# Migrates the scratch database and signs an admin in (one Django start instead of two).
SETUP_SCRIPT = f"""
from django.core.management import call_command
call_command("migrate", verbosity=0)

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from rendezvous.accounts.sessions import SessionStore
from rendezvous.accounts.models import Role, User
from rendezvous.organisations.models import Organisation

school = Organisation.objects.create(name="Proxy School", slug="proxy")
admin = User.objects.create_user(
    {EMAIL!r}, {PASSWORD!r}, role=Role.ADMIN, organisation=school, language="en"
)
session = SessionStore()
session[SESSION_KEY] = str(admin.pk)
session[BACKEND_SESSION_KEY] = "rendezvous.accounts.backends.StaffEmailBackend"
session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def _postgres_answers() -> bool:
    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL answers at 127.0.0.1:5432"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scratch_database():
    name = f"rdv_db_proxy_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def proxy():
    with TcpProxy(POSTGRES) as proxy:
        yield proxy


def _environment(tmp_path: Path, database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url,
        VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY="proxy-test-" + "k" * 40,
        EMAIL_URL=f"file://{tmp_path / 'mail'}",
        DATABASE_STATEMENT_TIMEOUT_MS=str(STATEMENT_TIMEOUT_MS),
        DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def server(tmp_path, scratch_database, proxy):
    """gunicorn on a migrated scratch database that it reaches only through the proxy;
    yields (base address, session cookie of a signed-in admin, path of the server's log)."""
    direct = _environment(tmp_path, f"postgres://postgres@127.0.0.1:5432/{scratch_database}")
    session = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=direct,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    port = _free_port()
    log = tmp_path / "server.log"
    through_proxy = _environment(
        tmp_path, f"postgres://postgres@127.0.0.1:{proxy.port}/{scratch_database}"
    )
    # One synchronous worker: every request reuses the same persistent connection.
    command = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--timeout", "120", "--log-level", "warning"]
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=through_proxy,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, process)
        yield base, session, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the web server exited at its start")
        try:
            with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), 1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the web server did not start")


class Answer:
    def __init__(self, status: int, headers, body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def __repr__(self) -> str:
        return f"<{self.status} after {self.seconds:.1f} s: {self.body[:200]!r}>"

    def json(self):
        return json.loads(self.body)


def _fetch(base: str, path: str, *, session: str = "", form: dict | None = None) -> Answer:
    cookies = f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")
    data = urlencode({**form, "csrfmiddlewaretoken": CSRF}).encode() if form else None
    request = urllib.request.Request(base + path, data=data, headers={"Cookie": cookies})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    except TimeoutError:
        raise AssertionError(
            f"{request.get_method()} {path} hung for {CLIENT_TIMEOUT} s"
        ) from None
    return Answer(status, headers, body, time.monotonic() - started)


class Pages:
    """The requests the test repeats in each state of the database."""

    def __init__(self, base: str, session: str):
        self.base, self.session = base, session

    def health(self) -> Answer:
        return _fetch(self.base, "/healthz")

    def office(self) -> Answer:
        """A signed-in page: the session and the user are read before the view runs."""
        return _fetch(self.base, "/office/", session=self.session)

    def api(self) -> Answer:
        return _fetch(self.base, "/api/v1/events/", session=self.session)

    def sign_in(self) -> Answer:
        """A failed sign-in: the view itself asks the database."""
        return _fetch(self.base, "/accounts/login/", form={"login": EMAIL, "password": "wrong"})


def _assert_working(pages: Pages) -> None:
    health = pages.health()
    assert health.status == 200, health
    assert health.json() == {"database": "ok", "cache": "ok"}
    office = pages.office()
    assert office.status == 200, office


def _assert_unavailable(pages: Pages) -> None:
    health, office, api, sign_in = pages.health(), pages.office(), pages.api(), pages.sign_in()
    for answer in (health, office, api, sign_in):
        assert answer.status == 503, answer
        assert answer.seconds < PROMPT, answer
        assert int(answer.headers["Retry-After"]) > 0
    assert health.json() == {"database": "unavailable", "cache": "ok"}
    assert b"<h1>" in office.body and b"Rendezvous" in office.body
    assert api.headers["Content-Type"].startswith("application/json")
    assert api.json()["code"] == "unavailable" and api.json()["message"]
    assert api.json()["details"] == {}


@contextlib.contextmanager
def _explained_by(log: Path):
    """A failure shows the end of the server's log."""
    try:
        yield
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n--- server log ---\n{log.read_text()[-3000:]}") from None


def test_a_database_that_goes_down_freezes_and_returns(server, proxy):
    base, session, log = server
    with _explained_by(log):
        _down_frozen_and_back(Pages(base, session), proxy)
    output = log.read_text()
    assert "Traceback" not in output, output
    assert "database unavailable" in output.lower(), output


def _down_frozen_and_back(pages: Pages, proxy: TcpProxy) -> None:
    _assert_working(pages)
    sign_in = pages.sign_in()
    assert sign_in.status == 200 and b"errorlist" in sign_in.body, sign_in

    proxy.down()
    _assert_unavailable(pages)
    proxy.up()
    _assert_working(pages)

    proxy.freeze()
    _assert_unavailable(pages)
    proxy.up()
    _assert_working(pages)
