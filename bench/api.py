"""The JSON API under load, against a live server as deployed: `GET /api/v1/slots?free=true`
and `POST /api/v1/bookings` at 64 connections, on SQLite and PostgreSQL. Prints one table.

    .venv/bin/python bench/api.py [--databases sqlite postgres] [--connections 64]
        [--seconds 20]

The school is the rush's (bench/rush.py) with 40 times per teacher: 100 teachers, 4,000
times, 2,000 signed-in parents with one child each in 20 classes of 10 teachers. Each parent
sees the 400 times of their child's teachers. First every connection lists the free times
(50 to a page) for SECONDS; then parents book: each reads its CSRF token from /auth/me and
its child from the free times' teachers (not timed), posts a booking with an Idempotency-Key
and, when the time was taken, lists the free times again and chooses another. A 503 (the
server is full) waits the second it asks for.
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import rush
from booking_rush import free_port

ROOT = Path(__file__).resolve().parent.parent
SLOTS_PER_TEACHER = 40


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--run", metavar="DATABASE", help="one database, in this process")
    return parser.parse_args()


def child_of(parent_id: int) -> int:
    from rendezvous.school.models import Pupil

    return Pupil.objects.get(guardianships__parent_id=parent_id).pk


def free_times(client, cookies: str) -> list[int]:
    status, text, _, _ = client.request(None, "GET", "/api/v1/slots?free=true&limit=200", cookies)
    return [slot["id"] for slot in json.loads(text)] if status == 200 else []


def listing(client, sessions: list[str], deadline: float):
    def work(session):
        cookies = f"sessionid={session}"
        while time.perf_counter() < deadline:
            status, *_ = client.request("list", "GET", "/api/v1/slots?free=true", cookies)
            if status == 503:
                client.wait_as_asked()

    return work


def signed_in(client, session: str) -> tuple[str, str, int] | None:
    """(cookies with the CSRF cookie, CSRF token, the parent's id) from /auth/me."""
    cookies = f"sessionid={session}"
    status, text, _, set_cookies = client.request(None, "GET", "/api/v1/auth/me", cookies)
    if status != 200:
        return None
    for cookie in set_cookies:
        if cookie.startswith("csrftoken="):
            cookies = f"{cookies}; {cookie.split(';')[0]}"
    me = json.loads(text)
    return cookies, me["csrf_token"], me["id"]


def booking(client, deadline: float):
    def work(session):
        me = signed_in(client, session)
        if me is None:
            return
        cookies, token, parent_id = me
        pupil = child_of(parent_id)
        while time.perf_counter() < deadline:
            times = free_times(client, cookies)
            if not times:
                return
            body = json.dumps({"slot": random.choice(times), "pupil": pupil})
            headers = {
                "Content-Type": "application/json",
                "X-CSRFToken": token,
                "Idempotency-Key": uuid.uuid4().hex,
            }
            status, *_ = client.request("book", "POST", "/api/v1/bookings", cookies, body, headers)
            if status == 201:
                return
            if status == 503:
                client.wait_as_asked()

    return work


def one_run(database: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="rendezvous-api-") as tmp:
        env = rush.environment(database, Path(tmp))
        school = rush.create_school(2000, slots_per_teacher=SLOTS_PER_TEACHER)
        port = free_port()
        server = rush.start_server(env, port, "config.settings")
        client = rush.Client(port)
        client.latencies = {"list": [], "book": []}
        try:
            sessions = school["sessions"]
            deadline = time.perf_counter() + args.seconds
            listed = rush.in_threads(
                args.connections, listing(client, sessions, deadline), sessions[: args.connections]
            )
            list_statuses = dict(client.statuses)
            client.statuses.clear()
            deadline = time.perf_counter() + args.seconds
            booked = rush.in_threads(
                args.connections, booking(client, deadline), sessions[args.connections :]
            )
        finally:
            rush.stop_server(server)
        return {
            "database": database,
            "list": (len(client.latencies["list"]) / listed, list_statuses),
            "book": (client.statuses[201] / booked, dict(client.statuses)),
            "list_ms": rush.percentiles(client.latencies["list"]),
            "book_ms": rush.percentiles(client.latencies["book"]),
            "invariants": rush.invariants(school["event"]),
        }


def main():
    args = parse_args()
    if args.run:
        print(json.dumps(one_run(args.run, args), default=str))
        return
    results = []
    with rush.collected_static():
        for database in args.databases:
            command = [sys.executable, __file__, "--run", database]
            command += ["--connections", str(args.connections), "--seconds", str(args.seconds)]
            output = subprocess.run(
                command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
            )
            results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    print(f"{args.connections} connections, client on the same machine (2,000 parents)")
    for result in results:
        rate, statuses = result["list"]
        p = "/".join(f"{ms:.0f}" for ms in result["list_ms"])
        name = result["database"]
        print(f"{name:9} GET /slots?free=true  {rate:6.1f} answers/s   ms p50/p95/p99 {p}")
        print(f"{'':9}   statuses {statuses}")
        rate, statuses = result["book"]
        p = "/".join(f"{ms:.0f}" for ms in result["book_ms"])
        print(f"{'':9} POST /bookings          {rate:6.1f} bookings/s  ms p50/p95/p99 {p}")
        print(f"{'':9}   statuses {statuses}; invariants {result['invariants']}")


if __name__ == "__main__":
    main()
