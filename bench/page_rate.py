"""The parent's booking page through the web server as deployed: pages per second, and the
latency of one parent alone and of many at once.

The school is bench/parent_page.py's (one parent with CHILDREN children, TEACHERS teachers,
FREE free times), on a fresh database; the server is gunicorn with config/gunicorn.py's
defaults, as in bench/rush.py. First one connection loads the page again and again (the page
unloaded), then CONNECTIONS at once for SECONDS (the pages per second a full server gives).
Each connection is a parent of its own, with the same family. Prints the figures and the web
server's CPU per page.

    .venv/bin/python bench/page_rate.py [--postgres] [--connections 16] [--seconds 20]
        [--children 2] [--teachers 10] [--free 300]
"""

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import parent_page  # beside this file
import rush

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--unloaded", type=int, default=200, help="pages loaded one at a time")
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--free", type=int, default=300, help="free times in all")
    return parser.parse_args()


def school(args) -> list[str]:
    """The family's school, and a session for each connection's copy of the parent."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from rendezvous.accounts.models import Role, User
    from rendezvous.school.models import Guardianship

    parent = parent_page.create_school(args)
    children = list(Guardianship.objects.filter(parent=parent))
    others = User.objects.bulk_create(
        User(
            organisation=parent.organisation,
            role=Role.PARENT,
            login_code=str(20000 + n),
            last_name=f"Parent {n}",
        )
        for n in range(args.connections - 1)
    )
    Guardianship.objects.bulk_create(
        Guardianship(pupil_id=child.pupil_id, parent=other)
        for other in others
        for child in children
    )
    return rush.signed_in([parent, *others])


class Unexpected(Exception):
    """The page answered neither 200 nor 503: the figures would not be the page's."""


def load(client: rush.Client, session: str) -> int:
    status = client.request("page", "GET", "/parent/", f"sessionid={session}")[0]
    if status != 200 and status != 503:
        raise Unexpected(f"the booking page answered {status}")
    return status


def unloaded(client: rush.Client, session: str, pages: int) -> list[float]:
    for _ in range(pages):
        load(client, session)
    latencies = client.latencies["page"]
    client.latencies["page"] = []
    return rush.percentiles(latencies)


def loaded(client: rush.Client, sessions: list[str], seconds: float) -> int:
    """Pages served (200) in `seconds`, each connection loading the page again and again."""
    deadline = time.perf_counter() + seconds
    served, failures = [], []  # per connection

    def loop(session):
        statuses = Counter()
        try:
            while time.perf_counter() < deadline:
                statuses[load(client, session)] += 1
        except Unexpected as failure:
            failures.append(failure)
        served.append(statuses[200])

    threads = [threading.Thread(target=loop, args=[session]) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(str(failures[0]))
    if not sum(served):
        raise SystemExit("no page was served in time: every answer was 503")
    return sum(served)


def main():
    args = parse_args()
    database = "postgres" if args.postgres else "sqlite"
    with rush.collected_static(), tempfile.TemporaryDirectory(prefix="rendezvous-page-") as tmp:
        env = rush.environment(database, Path(tmp))
        sessions = school(args)
        port = rush.free_port()
        server = rush.start_server(env, port, "config.settings")
        client = rush.Client(port)
        try:
            alone = unloaded(client, sessions[0], args.unloaded)
            client.statuses.clear()
            before = rush.cpu_seconds(server.pid)
            began = time.perf_counter()
            pages = loaded(client, sessions, args.seconds)
            elapsed = time.perf_counter() - began
            cpu = rush.cpu_used(before, rush.cpu_seconds(server.pid))
        finally:
            rush.stop_server(server)
    full = rush.percentiles(client.latencies["page"])
    print(f"{database}: /parent/ with {args.children} children x {args.teachers} teachers,")
    print(f"{args.free} free times; client on the same machine")
    print(f"one at a time, ms p50/p95/p99   {'/'.join(f'{v:.1f}' for v in alone)}")
    print(f"{args.connections} at once: pages/s          {pages / elapsed:.1f}")
    print(f"  page ms p50/p95/p99           {'/'.join(f'{v:.0f}' for v in full)}")
    print(f"  statuses                      {dict(client.statuses)}")
    print(f"  web server CPU per page, ms   {cpu['web'] / pages * 1000:.2f}")


if __name__ == "__main__":
    main()
