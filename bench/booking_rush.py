"""Booking rush: many parents book at once against a running server.

Starts gunicorn on a fresh database (SQLite file, or PostgreSQL with --postgres), lets PARENTS
parents open the booking page and book a free slot of their child's teacher, all at once through
CONCURRENCY client threads, retrying with another slot when theirs was taken. Prints successful
bookings per second, latency percentiles of the booking request, and the count of overbooked
slots (which must be 0).

    .venv/bin/python bench/booking_rush.py [--postgres] [--parents 400] [--concurrency 32]
"""

import argparse
import http.client
import importlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/rendezvous_bench"
REDIS_URL = "redis://127.0.0.1:6379/7"
# The booking page has one form per teacher and day: hidden fields (the token, the child, the
# form's key) and the day's free times as radio buttons named "slot".
BOOK_FORM = re.compile(r'<form[^>]*action="([^"]*/book/[^"]*)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help=f"use {PG_URL}")
    parser.add_argument("--redis", action="store_true", help=f"cache and sessions in {REDIS_URL}")
    parser.add_argument("--parents", type=int, default=400)
    parser.add_argument("--teachers", type=int, default=8)
    parser.add_argument("--slots-per-teacher", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    return parser.parse_args()


def fresh_postgres(url: str) -> str:
    """An empty database at `url` (postgres://postgres@127.0.0.1:5432/NAME), made anew."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return url


def prepare_environment(args, var_dir: Path) -> dict:
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),  # not the checkout's, which tests may be reading
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env["EMAIL_URL"] = "file://" + str(var_dir / "mail")
    env["LOGIN_RATE_LIMIT"] = "100000/m/ip,100000/m/key"
    env["REQUEST_LOG"] = "off"
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres(PG_URL)
    if args.redis:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # As deployed: static files under hashed names, from the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def create_school(args) -> list[tuple[int, str]]:
    """The bench school; returns (parent id, session cookie) pairs."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from rendezvous.accounts.models import Role, User
    from rendezvous.organisations.models import Organisation
    from rendezvous.scheduling.models import Event, Phase, Slot
    from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass

    org = Organisation.objects.create(name="Bench School", slug="bench")
    teachers = [
        User.objects.create(
            organisation=org, role=Role.TEACHER, email=f"t{n}@bench.example", last_name=f"T{n}"
        )
        for n in range(args.teachers)
    ]
    department = Department.objects.create(organisation=org, name="All")
    school_class = SchoolClass.objects.create(organisation=org, department=department, name="5a")
    school_class.subject_teachers.add(*teachers)
    now = timezone.now()
    event = Event.objects.create(
        organisation=org,
        name="Rush",
        starts_on=(now + timedelta(days=7)).date(),
        ends_on=(now + timedelta(days=7)).date(),
        booking_opens_at=now - timedelta(days=1),
        booking_closes_at=now + timedelta(days=6),
        phase=Phase.OPEN,
    )
    event.classes.add(school_class)
    start = now.replace(microsecond=0) + timedelta(days=7)
    Slot.objects.bulk_create(
        Slot(
            organisation=org,
            host=teacher,
            event=event,
            starts_at=start + timedelta(minutes=10 * n),
            ends_at=start + timedelta(minutes=10 * n + 10),
        )
        for teacher in teachers
        for n in range(args.slots_per_teacher)
    )
    SessionStore = importlib.import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    sessions = []
    for n in range(args.parents):
        parent = User.objects.create(
            organisation=org, role=Role.PARENT, login_code=f"{10000 + n}", last_name=f"P{n}"
        )
        pupil = Pupil.objects.create(
            organisation=org, school_class=school_class, first_name="Kid", last_name=f"P{n}"
        )
        Guardianship.objects.create(pupil=pupil, parent=parent)
        session = SessionStore()
        session[SESSION_KEY] = str(parent.pk)
        session[BACKEND_SESSION_KEY] = "rendezvous.accounts.backends.ParentCodeBackend"
        session[HASH_SESSION_KEY] = parent.get_session_auth_hash()
        session.create()
        sessions.append((parent.pk, session.session_key))
    return sessions


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            request(port, "GET", "/healthz", "")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def request(port, method, path, session, body=None, csrf=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "Host": "localhost"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://localhost:{port}/"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode()
    cookies = response.headers.get_all("Set-Cookie") or []
    location = response.headers.get("Location", "")
    conn.close()
    return response.status, data, [*cookies, f"location={location}"]


def csrf_cookie(cookies, fallback):
    for cookie in cookies:
        if cookie.startswith("csrftoken="):
            return cookie.split(";")[0].split("=", 1)[1]
    return fallback


def booking_forms(page: str) -> list[tuple[str, dict, list[str]]]:
    """The booking page's forms that offer times: (action, hidden fields, the times' ids)."""
    forms = []
    for action, inner in BOOK_FORM.findall(page):
        hidden, times = {}, []
        for tag in INPUT.findall(inner):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get("type") == "radio" and attributes.get("name") == "slot":
                times.append(attributes["value"])
            elif attributes.get("type") == "hidden":
                hidden[attributes["name"]] = attributes.get("value", "")
        if times:
            forms.append((action, hidden, times))
    return forms


def booking_choice(page: str) -> tuple[str, dict] | None:
    """What a parent sends from the booking page: a random form's action and fields, with one
    of its times chosen at random. None when the page offers no time."""
    forms = booking_forms(page)
    if not forms:
        return None
    action, hidden, times = random.choice(forms)
    return action, {**hidden, "slot": random.choice(times)}


class Rush:
    def __init__(self, port: int):
        self.port = port
        self.latencies: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()

    def parent(self, session: str) -> None:
        csrf = ""
        for _attempt in range(5):
            status, page, cookies = request(self.port, "GET", "/parent/", session, csrf=csrf)
            csrf = csrf_cookie(cookies, csrf)
            choice = booking_choice(page) if status == 200 else None
            if choice is None:
                return
            action, fields = choice
            fields.setdefault("csrfmiddlewaretoken", csrf)
            started = time.perf_counter()
            status, _, headers = request(
                self.port, "POST", action, session, urlencode(fields), csrf=csrf
            )
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies.append(elapsed)
                self.errors += status >= 500
            if status == 302 and "location=/parent/appointments/" in headers:
                return


def overbooked_slots() -> int:
    from django.db.models import F, Q, Sum

    from rendezvous.bookings.models import ACTIVE_STATUSES
    from rendezvous.scheduling.models import Slot

    slots = Slot.objects.annotate(
        active=Sum("bookings__seats", filter=Q(bookings__status__in=ACTIVE_STATUSES), default=0)
    )
    return slots.filter(Q(active__gt=F("capacity")) | ~Q(active=F("seats_taken"))).count()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="rendezvous-bench-") as tmp:
        env = prepare_environment(args, Path(tmp))
        sessions = create_school(args)
        port = free_port()
        server = start_server(args, env, port)
        rush = Rush(port)
        try:
            queue = [key for _, key in sessions]
            started = time.perf_counter()
            run_threads(rush, queue, args.concurrency)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait()
        report(args, rush, elapsed)


def run_threads(rush: Rush, queue: list[str], concurrency: int) -> None:
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not queue:
                    return
                session = queue.pop()
            rush.parent(session)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def report(args, rush: Rush, elapsed: float) -> None:
    from rendezvous.bookings.models import ACTIVE_STATUSES, Booking

    booked = Booking.objects.filter(status__in=ACTIVE_STATUSES).count()
    database = "postgresql" if args.postgres else "sqlite"
    print(f"database            {database}")
    print(f"parents             {args.parents} ({args.concurrency} at once)")
    print(f"slots               {args.teachers * args.slots_per_teacher}")
    print(f"server              gunicorn {args.workers} workers x {args.threads} threads")
    print(f"cache and sessions  {'redis' if args.redis else 'local memory, database'}")
    print(f"booking requests    {len(rush.latencies)} (5xx: {rush.errors})")
    print(f"bookings            {booked} in {elapsed:.2f} s = {booked / elapsed:.1f} per second")
    if rush.latencies:
        lat = rush.latencies
        p50, p90, p99 = (percentile(lat, share) for share in (0.5, 0.9, 0.99))
        mean, worst = statistics.mean(lat) * 1000, max(lat) * 1000
        print(f"latency ms          p50 {p50:.0f}  p90 {p90:.0f}  p99 {p99:.0f}", end="")
        print(f"  max {worst:.0f}  mean {mean:.0f}")
    print(f"overbooked slots    {overbooked_slots()}")


if __name__ == "__main__":
    main()
