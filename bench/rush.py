"""The booking rush, against a live server: SQLite and PostgreSQL, 64 and 512 connections, each
beside its ceiling (bench/ceiling.py, a bare view doing the same conditional UPDATE and INSERT on
the same server set-up) measured in the same run. Prints one table.

    .venv/bin/python bench/rush.py [--databases sqlite postgres] [--connections 64 512]
        [--parents 2000] [--seconds 60] [--ceiling-seconds 10] [--workers 0]

Workload: 100 teachers with 20 single-seat slots each, and a group slot of 25 places for each
of the ten most popular; 2,000 signed-in parents with one child each and an email address
(each booking marks their mail due, with its invitation), in 20 classes of 10 teachers; 80 % of
the choices go to the 20 % popular teachers. Each parent loads the booking page and books a
time; when it was taken they reload and choose again, until booked, nothing is free, or the
time is up. A 503 (the server is full, rendezvous.lib.admission) makes them wait
the seconds its Retry-After asks for, as its page does, and load the page again. Each database
and connection count runs in a process of its own, on a fresh database, with the web server as
deployed (config/gunicorn.py's defaults). With --workers N, N outbox workers (`manage.py
run_worker`, as scripts/serve.py starts them) run beside it on the same cores: they queue the
parents' and the teachers' mails about the new bookings and deliver every mail (to files), and
the table gives their CPU and the mail they sent; then, once the clients are done, when the
last mail had gone (the workers run below the web server, so some of it waits for the rush to
end) and the workers' CPU until then.

Then the booking POST alone, on the same server with the evening emptied again: every parent
sends the booking form for a time of their child's teachers that nobody else was given, without
loading the page, so that every POST books, as each of the ceiling's does. Its bookings/s beside
the ceiling's is what a booking costs through sessions, CSRF, access checks, the rules and the
outbox, against the bare UPDATE and INSERT.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

from booking_rush import booking_forms, free_port, fresh_postgres

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/rendezvous_rush"
TEACHERS, SLOTS_PER_TEACHER, CLASSES, TEACHERS_PER_CLASS = 100, 20, 20, 10
POPULAR = 20  # teachers 0..19: 80 % of the choices
GROUPS, GROUP_PLACES = 10, 25  # the first ten teachers also hold a group slot


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--connections", nargs="+", type=int, default=[64, 512])
    parser.add_argument("--parents", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ceiling-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=0, help="outbox workers beside the server")
    parser.add_argument("--run", nargs=2, metavar=("DATABASE", "CONNECTIONS"), help="one run")
    return parser.parse_args()


# One run, in its own process.


def environment(database: str, var_dir: Path) -> dict:
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_URL": f"file://{var_dir / 'mail'}",
        "LOGIN_RATE_LIMIT": "100000/m/ip,100000/m/key",
        "REQUEST_LOG": "off",
        "PYTHONPATH": str(ROOT / "bench"),
    }
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = fresh_postgres(PG_URL)
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def create_school(parents: int, slots_per_teacher: int = SLOTS_PER_TEACHER) -> dict:
    """The rush's school, written in bulk; the sessions of its parents and what the clients
    need to know of it."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from rendezvous.accounts.models import Role, User
    from rendezvous.organisations.models import Organisation
    from rendezvous.scheduling.models import Event, Phase, Slot
    from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass

    org = Organisation.objects.create(name="Rush School", slug="rush")
    teachers = User.objects.bulk_create(
        User(organisation=org, role=Role.TEACHER, email=f"t{n}@rush.example", last_name=f"T{n}")
        for n in range(TEACHERS)
    )
    department = Department.objects.create(organisation=org, name="All")
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(organisation=org, department=department, name=f"K{n}") for n in range(CLASSES)
    )
    for number, school_class in enumerate(classes):
        # Teacher t teaches classes t % 20 and (t + 10) % 20: two popular teachers per class.
        school_class.subject_teachers.add(
            *(t for n, t in enumerate(teachers) if number in {n % 20, (n + 10) % 20})
        )
    now = timezone.now()
    day = (now + timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        organisation=org,
        name="Rush",
        starts_on=day.date(),
        ends_on=day.date(),
        booking_opens_at=now - timedelta(days=1),
        booking_closes_at=now + timedelta(days=6),
        phase=Phase.OPEN,
    )
    event.classes.add(*classes)
    singles = [
        Slot(
            organisation=org,
            host=teacher,
            event=event,
            starts_at=day + timedelta(hours=1, minutes=5 * n),
            ends_at=day + timedelta(hours=1, minutes=5 * n + 5),
        )
        for teacher in teachers
        for n in range(slots_per_teacher)
    ]
    groups = [
        Slot(
            organisation=org,
            host=teacher,
            event=event,
            starts_at=day,
            ends_at=day + timedelta(minutes=30),
            capacity=GROUP_PLACES,
        )
        for teacher in teachers[:GROUPS]
    ]
    ceiling = Slot(
        organisation=org,
        host=teachers[-1],
        starts_at=day - timedelta(days=1),
        ends_at=day - timedelta(days=1) + timedelta(minutes=5),
        capacity=32767,
    )
    Slot.objects.bulk_create([*singles, *groups, ceiling])
    family = User.objects.bulk_create(
        # Each with an address, as the office imports them: every booking queues their mail.
        User(
            organisation=org,
            role=Role.PARENT,
            login_code=str(10000 + n),
            email=f"p{n}@rush.example",
            last_name=f"P{n}",
        )
        for n in range(parents)
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(
            organisation=org,
            school_class=classes[n % CLASSES],
            first_name="Kid",
            last_name=f"P{n}",
        )
        for n in range(parents)
    )
    Guardianship.objects.bulk_create(
        Guardianship(pupil=pupil, parent=parent)
        for pupil, parent in zip(pupils, family, strict=True)
    )
    sessions = signed_in(family)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the statistics a live database has for its planner
    popular = {
        slot.pk
        for slot in [*singles, *groups]
        if slot.host_id in {t.pk for t in teachers[:POPULAR]}
    }
    return {
        "sessions": sessions,
        "families": families(sessions, pupils, classes, [*singles, *groups]),
        "popular": popular,
        "event": event.pk,
        "ceiling": f"/ceiling/{org.pk}/{ceiling.host_id}/{ceiling.pk}/",
    }


def families(sessions: list[str], pupils: list, classes: list, slots: list) -> list:
    """For the POST-only phase: each parent's session and the booking form they send, for a
    time of their child's teachers that no other parent was given (seats of a group slot
    count one by one), so that every POST books, as every one of the ceiling's does."""
    from django.urls import reverse

    action = reverse("bookings:parent-book")
    teachers_of = {c.pk: [t.pk for t in c.subject_teachers.all()] for c in classes}
    seats: dict[int, list[str]] = {}  # each seat once, under its teacher
    for slot in slots:
        seats.setdefault(slot.host_id, []).extend([str(slot.pk)] * slot.capacity)
    posts = []
    for session, pupil in zip(sessions, pupils, strict=True):
        teachers = teachers_of[pupil.school_class_id]
        teacher = next((t for t in teachers if seats.get(t)), None)
        if teacher is not None:
            posts.append((session, action, {"pupil": str(pupil.pk), "slot": seats[teacher].pop()}))
    return posts


def signed_in(parents: list) -> list[str]:
    """A session for each parent, as signing in would leave it: their session keys."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from rendezvous.accounts.models import Session
    from rendezvous.accounts.sessions import SessionStore

    expires = timezone.now() + timedelta(days=1)
    sessions = [
        Session(
            session_key=get_random_string(32),
            session_data=SessionStore().encode(
                {
                    SESSION_KEY: str(parent.pk),
                    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                    HASH_SESSION_KEY: parent.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
            user=parent,
        )
        for parent in parents
    ]
    Session.objects.bulk_create(sessions)
    return [session.session_key for session in sessions]


def start_server(env: dict, port: int, settings_module: str) -> subprocess.Popen:
    """gunicorn as deployed (config/gunicorn.py and its defaults)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config/gunicorn.py")],
        cwd=ROOT,
        env={
            **env,
            "PORT": str(port),
            "DJANGO_SETTINGS_MODULE": settings_module,
            "GUNICORN_CMD_ARGS": "--log-level warning",
        },
    )
    for _ in range(300):  # until a worker answers (any status), with all of them booted
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            time.sleep(2)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def start_worker(env: dict) -> subprocess.Popen:
    """An outbox worker as deployed (scripts/serve.py), its output discarded."""
    command = [sys.executable, "manage.py", "run_worker"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(30)


class Client:
    """What the clients saw: latencies by kind, status counts, when each booking landed."""

    def __init__(self, port: int):
        self.port = port
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"page": [], "booking": [], "post": []}
        self.statuses: Counter = Counter()
        self.booked_at: list[float] = []
        self.started = time.perf_counter()
        self._asked = threading.local()  # the Retry-After of this thread's last answer

    def request(self, kind, method, path, cookies="", body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "localhost", "Cookie": cookies, **(headers or {})}
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            status, location = response.status, response.headers.get("Location", "")
            set_cookies = response.headers.get_all("Set-Cookie") or []
            self._asked.seconds = float(response.headers.get("Retry-After", 1))
        except OSError:
            status, text, location, set_cookies = "refused", "", "", []
        finally:
            connection.close()
        with self.lock:
            self.statuses[status] += 1
            if kind:
                self.latencies[kind].append(time.perf_counter() - began)
        return status, text, location, set_cookies

    def wait_as_asked(self) -> None:
        """Wait the seconds the last answer's Retry-After asked for, as its page does."""
        time.sleep(getattr(self._asked, "seconds", 1))


def choose(forms: list, popular: set) -> tuple[str, dict] | None:
    """A form and a time from the booking page's forms: a popular teacher's four times in
    five."""
    if not forms:
        return None
    wanted_popular = random.random() < 0.8
    wanted = [form for form in forms if any(int(t) in popular for t in form[2]) == wanted_popular]
    action, hidden, times = random.choice(wanted or forms)
    return action, {**hidden, "slot": random.choice(times)}


def parent(client: Client, session: str, popular: set, deadline: float) -> None:
    cookies = f"sessionid={session}"
    while time.perf_counter() < deadline:
        status, page, _, set_cookies = client.request("page", "GET", "/parent/", cookies)
        if status == 503:  # busy: the parent waits the seconds the page asks for
            client.wait_as_asked()
            continue
        for cookie in set_cookies:
            if cookie.startswith("csrftoken="):
                cookies = f"sessionid={session}; {cookie.split(';')[0]}"
        choice = choose(booking_forms(page), popular) if status == 200 else None
        if choice is None:
            return
        action, fields = choice
        status, _, location, _ = client.request(
            "booking", "POST", action, cookies, urlencode(fields)
        )
        if status == 302 and location.endswith("/parent/appointments/"):
            with client.lock:
                client.booked_at.append(time.perf_counter() - client.started)
            return
        if status == 503:
            client.wait_as_asked()
        elif status not in (302, 409, 429):
            return


def poster(client: Client, family: tuple, popular: set, deadline: float) -> None:
    """A parent who sends the booking form for their time without loading the page first: the
    POST alone. A 503 makes them wait the seconds it asks for and send it again."""
    session, action, fields = family
    secret = uuid.uuid4().hex  # a CSRF cookie, as the page sets it, sent back in the form
    cookies = f"sessionid={session}; csrftoken={secret}"
    body = urlencode({**fields, "csrfmiddlewaretoken": secret, "idempotency_key": secret})
    while time.perf_counter() < deadline:
        status, _, location, _ = client.request("post", "POST", action, cookies, body)
        if status == 302 and location.endswith("/parent/appointments/"):
            with client.lock:
                client.booked_at.append(time.perf_counter() - client.started)
        if status != 503:
            return
        client.wait_as_asked()


def in_threads(connections: int, work, items: list) -> float:
    """`work(item)` for every item through `connections` threads; the seconds it took."""
    queue, lock = list(reversed(items)), threading.Lock()

    def loop():
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            work(item)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def measure_ceiling(env, school, connections: int, seconds: float) -> tuple[float, int]:
    """The bare view's bookings/s, and how many it answered 503 (its database gave up: on
    SQLite at 512 connections, "database is locked")."""
    port = free_port()
    server = start_server(env, port, "ceiling")
    client = Client(port)
    deadline = time.perf_counter() + seconds
    try:

        def book(_):
            while time.perf_counter() < deadline:
                client.request(None, "POST", school["ceiling"], body="")

        elapsed = in_threads(connections, book, list(range(connections)))
    finally:
        stop_server(server)
    if not client.statuses[201]:
        raise SystemExit(f"the ceiling booked nothing: {dict(client.statuses)}")
    return client.statuses[201] / elapsed, client.statuses[503]


def invariants(event_id: int) -> dict:
    from itertools import pairwise

    from django.db.models import F, Q, Sum

    from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
    from rendezvous.scheduling.models import Slot

    slots = Slot.objects.filter(event_id=event_id).annotate(
        active=Sum("bookings__seats", filter=Q(bookings__status__in=ACTIVE_STATUSES), default=0)
    )
    spans: dict[int, list] = {}
    active = Booking.objects.filter(event_id=event_id, status__in=ACTIVE_STATUSES)
    for booker, starts, ends in active.values_list("booker", "slot__starts_at", "slot__ends_at"):
        spans.setdefault(booker, []).append((starts, ends))
    overlapping = sum(
        any(later[0] < earlier[1] for earlier, later in pairwise(sorted(times)))
        for times in spans.values()
    )
    return {
        "overbooked": slots.filter(active__gt=F("capacity")).count(),
        "counter_off": slots.exclude(active=F("seats_taken")).count(),
        "overlapping": overlapping,
        "bookings": active.count(),
    }


def one_run(database: str, connections: int, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="rendezvous-rush-") as tmp:
        env = environment(database, Path(tmp))
        school = create_school(args.parents)
        ceiling, ceiling_refused = measure_ceiling(env, school, connections, args.ceiling_seconds)
        port = free_port()
        server = start_server(env, port, "config.settings")
        workers = [start_worker(env) for _ in range(args.workers)]
        served = (server, port, workers)
        try:
            rush = phase(served, connections, args, parent, school["sessions"], school)
            emptied(school["event"])
            posts = phase(served, connections, args, poster, school["families"], school)
        finally:
            for process in [server, *workers]:
                stop_server(process)
        return {
            "database": database,
            "connections": connections,
            "ceiling": ceiling,
            "ceiling_refused": ceiling_refused,
            **rush,
            "posts": posts,
        }


def phase(served, connections: int, args, client_loop, families: list, school: dict) -> dict:
    """Every family through `client_loop` on `connections` connections to the (server, port,
    workers): what they saw, the CPU it took, the mail sent meanwhile, and the invariants after."""
    server, port, workers = served
    client = Client(port)
    deadline = time.perf_counter() + args.seconds
    pids = (server.pid, [worker.pid for worker in workers])
    before = cpu_seconds(*pids)
    elapsed = in_threads(
        connections,
        lambda family: client_loop(client, family, school["popular"], deadline),
        families,
    )
    cpu, mail = cpu_used(before, cpu_seconds(*pids)), mail_states()
    # The mail the workers left for later (they run below the web: run_worker): when it had
    # all gone (None: not within the wait), and what the workers spent on it in all.
    mail_done = all_mail_sent(client.started) if workers else 0
    return {
        "cpu": cpu,
        "mail": mail,
        "mail_done": mail_done,
        "worker_cpu_to_the_end": cpu_used(before, cpu_seconds(*pids))["worker"],
        "elapsed": elapsed,
        "requests": sum(client.statuses.values()),
        "statuses": {str(status): count for status, count in client.statuses.items()},
        **{kind: percentiles(values) for kind, values in client.latencies.items()},
        "last_booking": max(client.booked_at, default=0),
        **invariants(school["event"]),
    }


def emptied(event_id: int) -> None:
    """The evening as before the rush: no bookings, no mail, every seat free."""
    from django.db import connection

    from rendezvous.bookings.models import Booking
    from rendezvous.notifications.models import OutgoingEmail
    from rendezvous.scheduling.models import Slot

    Booking.objects.filter(event_id=event_id).delete()
    OutgoingEmail.objects.all().delete()
    Slot.objects.filter(event_id=event_id).update(seats_taken=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# Where the machine's CPU went: read from /proc, as the processes run on this machine.

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command name, CPU seconds) of every process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found.append(
            (int(entry), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS)
        )
    return found


# The marks of a new booking's mails, which the workers queue (bookings.services.booking_mails).
MARKS = ("booker_mail_due", "request_mail_due")


def mail_states() -> dict:
    """The outbox by state: what the workers had sent by the end, and what still waited."""
    from django.db.models import Count

    from rendezvous.bookings.models import Booking
    from rendezvous.notifications.models import OutgoingEmail

    rows = OutgoingEmail.objects.values_list("state").annotate(n=Count("id")).order_by()
    due = sum(Booking.objects.filter(**{mark: True}).count() for mark in MARKS)
    return {**dict(rows), "due": due}


def all_mail_sent(started: float, wait: float = 300) -> float | None:
    """Seconds from `started` until no mail was due, queued or being sent; None when some
    still was after waiting `wait` seconds more."""
    deadline = time.perf_counter() + wait
    while time.perf_counter() < deadline:
        mail = mail_states()
        if not (mail["due"] or mail.get("queued") or mail.get("sending")):
            return time.perf_counter() - started
        time.sleep(0.25)
    return None


def cpu_seconds(server_pid: int, worker_pids: Iterable[int] = ()) -> dict:
    """CPU seconds so far: the web server (its master and workers), the outbox workers, the
    database server (every postgres process), this client, and the whole machine (busy, from
    /proc/stat)."""
    processes = _processes()
    web = sum(cpu for pid, parent, _, cpu in processes if server_pid in (pid, parent))
    worker = sum(cpu for pid, _, _, cpu in processes if pid in worker_pids)
    database = sum(cpu for _, _, name, cpu in processes if name == "postgres")
    usage = os.times()
    busy = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    idle = int(busy[3]) + int(busy[4])  # idle and iowait
    return {
        "web": web,
        "worker": worker,
        "database": database,
        "client": usage.user + usage.system,
        "machine": (sum(int(value) for value in busy[:8]) - idle) / TICKS,
    }


def cpu_used(before: dict, after: dict) -> dict:
    return {part: after[part] - before[part] for part in before}


def percentiles(values: list[float]) -> list[float]:
    if not values:
        return [0, 0, 0]
    ordered = sorted(values)
    return [
        ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000
        for share in (0.5, 0.95, 0.99)
    ]


# The table.


def row(label: str, values: list) -> None:
    print(f"{label:26}" + "".join(f"{value:>20}" for value in values))


def print_table(results: list[dict]) -> None:
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    heads = [f"{names[r['database']]} {r['connections']}" for r in results]
    print(f"{'':26}" + "".join(f"{head:>20}" for head in heads))
    row("ceiling bookings/s", [f"{r['ceiling']:.0f}" for r in results])
    if any(r["ceiling_refused"] for r in results):
        row("  its 503s", [r["ceiling_refused"] for r in results])
    row("bookings/s", [f"{r['bookings'] / r['elapsed']:.1f}" for r in results])
    row(
        "  share of the ceiling",
        [f"{r['bookings'] / r['elapsed'] / r['ceiling']:.1%}" for r in results],
    )
    row("requests/s", [f"{r['requests'] / r['elapsed']:.1f}" for r in results])
    for kind in ("page", "booking"):
        row(f"{kind} ms p50/p95/p99", ["/".join(f"{v:.0f}" for v in r[kind]) for r in results])
    statuses = sorted({status for r in results for status in r["statuses"]})
    for status in statuses:
        row(f"status {status}", [r["statuses"].get(status, 0) for r in results])
    row("bookings", [r["bookings"] for r in results])
    row("last booking at s", [f"{r['last_booking']:.1f}" for r in results])
    row("run s", [f"{r['elapsed']:.1f}" for r in results])
    for part in ("web", "worker", "database", "client", "machine"):
        row(
            f"CPU ms/booking: {part}",
            [f"{r['cpu'][part] * 1000 / max(r['bookings'], 1):.1f}" for r in results],
        )
    row("mail sent / queued / due", [mail_row(r["mail"]) for r in results])
    if any(r["mail_done"] != 0 for r in results):
        mail_done_rows(results)
    row("overbooked slots", [r["overbooked"] for r in results])
    row("seats counter != rows", [r["counter_off"] for r in results])
    row("families overlapping", [r["overlapping"] for r in results])
    print("The booking POST alone (the form sent without loading the page; same server, emptied)")
    posts = [r["posts"] for r in results]
    row("bookings/s", [f"{p['bookings'] / p['elapsed']:.1f}" for p in posts])
    row(
        "  share of the ceiling",
        [
            f"{p['bookings'] / p['elapsed'] / r['ceiling']:.1%}"
            for p, r in zip(posts, results, strict=True)
        ],
    )
    row("POST ms p50/p95/p99", ["/".join(f"{v:.0f}" for v in p["post"]) for p in posts])
    for status in sorted({status for p in posts for status in p["statuses"]}):
        row(f"status {status}", [p["statuses"].get(status, 0) for p in posts])
    row("bookings", [p["bookings"] for p in posts])
    for part in ("web", "worker"):
        row(
            f"CPU ms/booking: {part}",
            [f"{p['cpu'][part] * 1000 / max(p['bookings'], 1):.1f}" for p in posts],
        )
    row("mail sent / queued / due", [mail_row(p["mail"]) for p in posts])
    if any(p["mail_done"] != 0 for p in posts):
        mail_done_rows(posts)
    row(
        "overbooked, counter, overlap",
        [f"{p['overbooked']}, {p['counter_off']}, {p['overlapping']}" for p in posts],
    )


def mail_done_rows(phases: list[dict]) -> None:
    row(
        "all mail sent at s",
        [f"{p['mail_done']:.1f}" if p["mail_done"] is not None else "later" for p in phases],
    )
    row(
        "  worker CPU ms/booking",
        [f"{p['worker_cpu_to_the_end'] * 1000 / max(p['bookings'], 1):.1f}" for p in phases],
    )


def mail_row(mail: dict) -> str:
    """At the end of a phase: mails sent, mails waiting in the outbox (queued or being sent),
    and requests whose teacher's mail was still to be queued."""
    waiting = mail.get("queued", 0) + mail.get("sending", 0)
    return f"{mail.get('sent', 0)} / {waiting} / {mail['due']}"


def main():
    args = parse_args()
    if args.run:
        database, connections = args.run
        print(json.dumps(one_run(database, int(connections), args)))
        return
    with collected_static():
        results = all_runs(args)
    print(
        f"{os.cpu_count()} cores, client on the same machine; {args.parents} parents;"
        f" {args.workers} outbox worker(s)"
    )
    print_table(results)


@contextlib.contextmanager
def collected_static():
    """Static files under hashed names, as deployed, in a folder of their own (not the
    checkout's, which tests may be reading); the processes started inside inherit it."""
    with tempfile.TemporaryDirectory(prefix="rendezvous-static-") as static:
        os.environ["STATIC_ROOT"] = static
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, check=True)
        yield


def all_runs(args) -> list[dict]:
    results = []
    for database in args.databases:
        for connections in args.connections:
            command = [
                sys.executable,
                __file__,
                "--run",
                database,
                str(connections),
                "--parents",
                str(args.parents),
                "--seconds",
                str(args.seconds),
                "--ceiling-seconds",
                str(args.ceiling_seconds),
                "--workers",
                str(args.workers),
            ]
            output = subprocess.run(
                command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
            )
            results.append(json.loads(output.stdout.strip().splitlines()[-1]))
            print(f"{database} at {connections} connections: done", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
