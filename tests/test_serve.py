"""Production on one machine (scripts/serve.py): two web servers and two workers on one
database. Parents racing for the same times through both servers never overbook a slot, and
every mail the bookings queued reaches the SMTP server exactly once, whichever worker took it;
a mail server that hangs does not hold up a booking, and its mail goes out once it answers.
Runs on the suite's database (SQLite or PostgreSQL)."""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking, BookingStatus
from rendezvous.lib.tests.race import finish, in_thread, race
from rendezvous.lib.tests.tcp_proxy import TcpProxy
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.tests.smtp import free_port
from rendezvous.notifications.tests.test_worker_lease import database_url
from rendezvous.scheduling.models import Slot
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.scheduling.tests.test_slot_move_race import waits_for_a_lock
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory
from tests.test_make_run import still_running

SERVE = settings.BASE_DIR / "scripts/serve.py"
PARENTS = 12
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def http_request(port, method, path, cookies, body=None):
    """The answer, after as many tries as a busy server asks for (503 with Retry-After, as
    its page asks a person to do), for up to a minute."""
    deadline = time.monotonic() + 60
    while True:
        status, headers, text = _one_request(port, method, path, cookies, body)
        if status != 503 or "Retry-After" not in headers or time.monotonic() > deadline:
            return status, headers.get("Location", ""), text
        time.sleep(int(headers["Retry-After"]))


def _one_request(port, method, path, cookies, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";")[0].split("=", 1)
        cookies[name] = value
    connection.close()
    return response.status, response.headers, text


def book_first_free(port, session_key, child, slots):
    """A parent on one server: the booking page, then the times in order until one is theirs.
    The slot they got, or None."""
    cookies = {"sessionid": session_key}
    status, _, page = http_request(port, "GET", "/parent/", cookies)
    assert status == 200
    token = CSRF_FIELD.search(page)[1]
    for slot in slots:
        fields = {"csrfmiddlewaretoken": token, "slot": slot.pk, "pupil": child.pk}
        status, location, _ = http_request(
            port, "POST", "/parent/book/", cookies, urlencode(fields)
        )
        assert status == 302
        if location.endswith("/parent/appointments/"):
            return slot.pk
    return None


def two_free_ports() -> int:
    """A free port whose next one is free too: the second web server listens there."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def wait_until_listening(ports, process, seconds=300):
    deadline = time.monotonic() + seconds
    waiting = set(ports)
    while waiting and time.monotonic() < deadline:
        assert process.poll() is None, "scripts/serve.py ended early"
        for port in list(waiting):
            try:
                http_request(port, "GET", "/healthz", {})
                waiting.discard(port)
            except OSError:
                time.sleep(0.2)
    assert not waiting, f"not listening after {seconds}s: {waiting}"


def wait_until_sent(seconds=60) -> None:
    """Until the workers have queued the mails the bookings marked due, and sent every mail."""
    deadline = time.monotonic() + seconds
    due = Booking.objects.filter(Q(booker_mail_due=True) | Q(request_mail_due=True))
    while due.exists() or OutgoingEmail.objects.exclude(state=EmailState.SENT).exists():
        assert time.monotonic() < deadline, "the workers left mail unsent"
        time.sleep(0.2)


@dataclass
class Served:
    pid: int
    ports: tuple[int, int]

    def web_workers(self, port: int) -> list[int]:
        """The worker processes of the web server on `port` (serve.py's child whose
        environment names that port)."""
        for master in children(self.pid):
            environment = Path(f"/proc/{master}/environ").read_bytes().split(b"\0")
            if f"PORT={port}".encode() in environment:
                return children(master)
        raise AssertionError(f"no web server on port {port}")


def children(pid: int) -> list[int]:
    listed = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return [int(line) for line in listed.stdout.split()]


@pytest.fixture
def families(organisation, school_class):
    """Parents signed in (their session keys), each with a child in the class."""
    pairs = []
    for _ in range(PARENTS):
        parent = ParentFactory(organisation=organisation)
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        client = Client()
        client.force_login(parent)
        pairs.append((client.cookies["sessionid"].value, child))
    return pairs


@contextlib.contextmanager
def serving(tmp_path, smtp_server, database: str, **environment):
    """scripts/serve.py with two web servers and two workers on `database`."""
    port = two_free_ports()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "EMAIL_URL": f"smtp://{smtp_server.host}:{smtp_server.port}?timeout=60",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions the test signed in
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "REQUEST_LOG": "off",
        **environment,
    }
    command = [sys.executable, SERVE, "--web", "2", "--workers", "2", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_listening([port, port + 1], process)
        yield Served(process.pid, (port, port + 1))
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log.read_text()[-3000:]
        assert not still_running(process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


@pytest.fixture
def serve(tmp_path, smtp_server):
    """The topology on the test database."""
    with serving(tmp_path, smtp_server, database_url()) as served:
        yield served


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_web_servers_and_two_workers_never_overbook_and_send_each_mail_once(
    organisation, teacher, event, families, serve, smtp_server
):
    slots = SlotFactory.create_batch(3, organisation=organisation, host=teacher, event=event)
    got = race(
        [
            lambda n=n, key=key, child=child: book_first_free(
                serve.ports[n % 2], key, child, slots
            )
            for n, (key, child) in enumerate(families)
        ]
    )

    assert sorted(filter(None, got)) == sorted(slot.pk for slot in slots)
    assert got.count(None) == PARENTS - len(slots)
    counted = Slot.objects.annotate(
        active=Count("bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES))
    )
    assert {(slot.seats_taken, slot.active) for slot in counted} == {(1, 1)}
    assert Booking.objects.count() == len(slots)

    wait_until_sent()
    queued = set(OutgoingEmail.objects.values_list("pk", flat=True))
    assert queued
    assert sends(smtp_server) == dict.fromkeys(queued, 1)


def sends(smtp_server) -> Counter:
    return Counter(int(message["X-Rendezvous-Email"]) for message in smtp_server.messages)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_workers_run_below_the_web_servers(tmp_path, smtp_server):
    """On the machine they share, the web servers get the cores first (WORKER_NICENESS; the
    tests' own processes keep theirs, see conftest.py)."""
    own = os.getpriority(os.PRIO_PROCESS, 0)
    lower = min(own + 7, 19)
    with serving(tmp_path, smtp_server, database_url(), WORKER_NICENESS=str(lower)) as serve:
        web = [pid for port in serve.ports for pid in serve.web_workers(port)]
        workers = [pid for pid in children(serve.pid) if b"run_worker" in command_line(pid)]
        assert len(web) >= 2 and len(workers) == 2

        def niceness(pids) -> set[int]:
            return {os.getpriority(os.PRIO_PROCESS, pid) for pid in pids}

        deadline = time.monotonic() + 60  # a worker lowers its priority once Django is set up
        while niceness(workers) != {lower}:
            assert time.monotonic() < deadline, f"the workers' niceness: {niceness(workers)}"
            time.sleep(0.1)
        assert niceness(web) == {own}


def command_line(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_hanging_mail_server_holds_up_no_booking_and_gets_each_mail_once_later(
    organisation, teacher, event, families, serve, smtp_server
):
    first, second = SlotFactory.create_batch(
        2, organisation=organisation, host=teacher, event=event
    )
    (first_key, first_child), (second_key, second_child) = families[:2]
    smtp_server.stall(count=1000)

    assert book_first_free(serve.ports[0], first_key, first_child, [first]) == first.pk
    assert smtp_server.handler.stalled.wait(60), "no worker began to send the first mail"
    # A worker hangs in the middle of a delivery: the next parent still gets their answer.
    assert book_first_free(serve.ports[1], second_key, second_child, [second]) == second.pk
    assert not smtp_server.messages
    smtp_server.resume()

    wait_until_sent()
    queued = set(OutgoingEmail.objects.values_list("pk", flat=True))
    assert len(queued) >= 2
    assert sends(smtp_server) == dict.fromkeys(queued, 1)


BOOKING_BACKENDS = """
    SELECT pid FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE 'INSERT INTO "bookings_booking"%%'
"""


def booking_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(BOOKING_BACKENDS)
        return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database at BEGIN: no booking stops halfway",
)
@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_mid_booking_leaves_the_seat_free(
    organisation, teacher, event, families, serve
):
    """The booking is stopped between taking the seat and writing its row (the test holds a
    row the new one must wait for), then its web process is killed with SIGKILL: nothing of
    it stays, and the parent books the same time afterwards."""
    slot, other = SlotFactory.create_batch(2, organisation=organisation, host=teacher, event=event)
    key, child = families[0]
    holding, release = threading.Event(), threading.Event()

    def hold_a_row_the_booking_waits_for():
        with transaction.atomic():  # the same child and teacher: the new row must wait
            Booking.objects.create(
                organisation=organisation,
                slot=other,
                host=teacher,
                event=event,
                pupil=child,
                status=BookingStatus.PENDING,
            )
            holding.set()
            assert release.wait(60), "nobody let the holder go"
            transaction.set_rollback(True)

    holder = in_thread(hold_a_row_the_booking_waits_for)
    assert holding.wait(60)
    booking = in_thread(lambda: book_first_free(serve.ports[1], key, child, [slot]))
    deadline = time.monotonic() + 60
    while not (waiting := [pid for pid in booking_backends() if waits_for_a_lock(pid)]):
        assert time.monotonic() < deadline, "the booking never reached its INSERT"
        time.sleep(0.05)
    for pid in serve.web_workers(serve.ports[1]):
        os.kill(pid, signal.SIGKILL)
    release.set()
    (held,) = finish([holder])
    (answered,) = finish([booking])
    assert held is None
    assert isinstance(answered, OSError), answered  # the connection died with the process
    while set(waiting) & set(booking_backends()):  # the database ends the orphaned transaction
        assert time.monotonic() < deadline, "the killed booking's transaction stayed open"
        time.sleep(0.05)

    slot.refresh_from_db()
    assert slot.seats_taken == 0
    assert not Booking.objects.exists()
    assert book_first_free(serve.ports[1], key, child, [slot]) == slot.pk  # a new worker serves
    slot.refresh_from_db()
    assert slot.seats_taken == 1 == Booking.objects.filter(slot=slot).count()


# Seconds within which a request must be answered while PostgreSQL is away (its limits are set
# short below), against a client that would otherwise hang; slack for a busy two-core machine.
PROMPT = 12


@pytest.fixture
def proxy():
    """A TCP proxy in front of the test database's server, which the test stops and starts."""
    db = connection.settings_dict
    with TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) as proxy:
        yield proxy


@pytest.fixture
def serve_through_proxy(tmp_path, smtp_server, proxy):
    """The topology reaching the test database only through the proxy."""
    db = connection.settings_dict
    url = database_url().replace(f"@{db['HOST']}:{db['PORT']}/", f"@127.0.0.1:{proxy.port}/")
    short_limits = {"DATABASE_STATEMENT_TIMEOUT_MS": "1000", "DATABASE_CONNECT_TIMEOUT": "2"}
    with serving(tmp_path, smtp_server, url, **short_limits) as served:
        yield served


def booking_form(port, session_key, child, slot) -> tuple[dict, dict]:
    """A parent's cookies and the fields of their booking form for `slot`, as the page gave
    them (with the form's idempotency key, so that sending it again books once)."""
    cookies = {"sessionid": session_key}
    status, _, page = http_request(port, "GET", "/parent/", cookies)
    assert status == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    fields = {"csrfmiddlewaretoken": CSRF_FIELD.search(page)[1], "idempotency_key": key}
    return cookies, {**fields, "slot": slot.pk, "pupil": child.pk}


def timed_post(port, cookies, fields):
    started = time.monotonic()
    status, headers, _ = _one_request(port, "POST", "/parent/book/", cookies, urlencode(fields))
    return status, headers, time.monotonic() - started


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the proxy stands in for PostgreSQL's server"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_stopped_mid_rush_answers_503_leaves_nothing_half_written_and_resumes(
    organisation, teacher, event, families, proxy, serve_through_proxy, tmp_path
):
    """The parents book at once through both web servers; PostgreSQL stops as the first
    booking lands. Every answer is a booking or a prompt 503 with Retry-After; the seats match
    the rows; the workers log one line per round they skip (no traceback, serving() checks);
    once it is back, each parent's same form books, once, without a restart."""
    slots = SlotFactory.create_batch(PARENTS, organisation=organisation, host=teacher, event=event)
    ports = [serve_through_proxy.ports[n % 2] for n in range(PARENTS)]
    forms = [
        booking_form(port, key, child, slot)
        for port, (key, child), slot in zip(ports, families, slots, strict=True)
    ]

    def stop_at_the_first_booking():
        deadline = time.monotonic() + 60
        while not Booking.objects.exists():
            assert time.monotonic() < deadline, "no booking landed"
            time.sleep(0.005)
        proxy.down()

    stopper = in_thread(stop_at_the_first_booking)
    posts = list(zip(ports, forms, strict=True))
    answers = race([lambda p=p, f=f: timed_post(p, *f) for p, f in posts])
    finish([stopper])
    still_down = [timed_post(port, *form) for port, form in posts]

    for status, headers, seconds in answers + still_down:
        assert status in (302, 503), status
        assert seconds < PROMPT, seconds
        assert status == 302 or int(headers["Retry-After"]) > 0
    assert {status for status, _, _ in still_down} == {503}
    assert_seats_match_rows()
    wait_for_line(tmp_path / "serve.log", "skipped, database unavailable")

    proxy.up()
    for port, (cookies, fields) in zip(ports, forms, strict=True):
        status, location, _ = http_request(
            port, "POST", "/parent/book/", cookies, urlencode(fields)
        )
        assert (status, location) == (302, "/parent/appointments/")
    assert sorted(Booking.objects.values_list("pupil", flat=True)) == sorted(
        child.pk for _, child in families
    )
    assert_seats_match_rows()


def wait_for_line(log: Path, text: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert time.monotonic() < deadline, f"no {text!r} in the log: {log.read_text()[-2000:]}"
        time.sleep(0.2)


def assert_seats_match_rows():
    counted = Slot.objects.annotate(
        active=Count("bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES))
    )
    assert [
        (slot.seats_taken, slot.active) for slot in counted if slot.seats_taken != slot.active
    ] == []


WEB_BACKENDS = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid != pg_backend_pid()
"""


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a pool of PostgreSQL connections")
@pytest.mark.django_db(transaction=True)
def test_hundreds_of_connections_at_once_share_a_few_database_connections(serve):
    """Each web process holds 128 connections but only a pool of 4 database connections:
    300 health checks at once (never refused, each reads the database) all answer, and
    PostgreSQL (100 connections) sees at most the pools and the workers."""
    processes = sum(len(serve.web_workers(port)) for port in serve.ports)
    most, done = [0], threading.Event()

    def count_backends():
        try:
            while not done.is_set():
                with connection.cursor() as cursor:
                    cursor.execute(WEB_BACKENDS)
                    most[0] = max(most[0], cursor.fetchone()[0] - 1)  # less the test's own
                time.sleep(0.01)
        finally:
            connection.close()

    counting = threading.Thread(target=count_backends, daemon=True)
    counting.start()
    try:
        got = race(
            [
                lambda n=n: _one_request(serve.ports[n % 2], "GET", "/healthz", {}, None)[0]
                for n in range(300)
            ]
        )
    finally:
        done.set()
        counting.join(10)
    assert Counter(got) == {200: 300}
    assert 0 < most[0] <= processes * 4 + 2  # the pools and the two workers
