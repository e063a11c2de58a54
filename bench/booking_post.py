"""The booking POST: the server's CPU time and queries for one booking, and where the time goes.

Builds the school of bench/parent_page.py (fresh SQLite, or PostgreSQL with --postgres) with
PARENTS families of CHILDREN children each, then lets every family book one free time with each
of its children's teachers through Django's test client in this process, as the booking page's form
does. Prints the CPU and wall time per booking, the queries of one booking, and with --profile
the functions that took the most time.

    .venv/bin/python bench/booking_post.py [--parents 10] [--profile] [--postgres]
    .venv/bin/python bench/booking_post.py --profile --sort cumulative --only rendezvous
"""

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import parent_page  # the school builder beside this file


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=10)
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--free", type=int, default=600, help="free times in all")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--sort", default="tottime", help="the profile's order (pstats keys)")
    parser.add_argument("--only", default=".", help="profile rows matching this pattern")
    parser.add_argument("--top", type=int, default=25, help="profile rows to print")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    return parser.parse_args()


def more_families(first_parent, count: int) -> list:
    """`count` parents in all, each with as many children as the first in the same class."""
    from rendezvous.accounts.models import Role, User
    from rendezvous.school.models import Guardianship, Pupil

    children = list(first_parent.children.all())
    parents = [first_parent]
    for number in range(1, count):
        parent = User.objects.create(
            organisation=first_parent.organisation,
            role=Role.PARENT,
            login_code=f"{10000 + number}",
            email=f"parent{number}@bench.example",
            last_name=f"Parent {number}",
        )
        for child in children:
            pupil = Pupil.objects.create(
                organisation=parent.organisation,
                school_class=child.school_class,
                first_name=child.first_name,
                last_name=f"P{number}",
            )
            Guardianship.objects.create(pupil=pupil, parent=parent)
        parents.append(parent)
    return parents


FORM = re.compile(rb'<form method="post" action="([^"]+)" class="offer-form">(.*?)</form>', re.S)
FIELD = re.compile(rb'name="(csrfmiddlewaretoken|pupil|idempotency_key|next)" value="([^"]*)"')
TIME = re.compile(rb'name="slot" value="(\d+)"')


def booking_posts(client, home_url) -> list[tuple[str, dict]]:
    """One POST per teacher and child, as a parent choosing a time and pressing Book sends it:
    the k-th offer takes its k-th free time, so a family's choices do not clash."""
    page = client.get(home_url).content
    posts, seen = [], set()
    for action, body in FORM.findall(page):
        fields = {name.decode(): value.decode() for name, value in FIELD.findall(body)}
        times = TIME.findall(body)
        offer = (fields.get("pupil"), fields.get("next"))
        if times and offer not in seen:
            seen.add(offer)
            chosen = times[len(posts) % len(times)].decode()
            posts.append((action.decode(), {**fields, "slot": chosen}))
    return posts


def book_all(parents):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    home = reverse("bookings:parent-home")
    booked = reverse("bookings:parent-appointments")
    cpu = wall = 0.0
    posts, bookings, one_booking = 0, 0, None
    for parent in parents:
        client = Client(enforce_csrf_checks=True)
        client.force_login(parent)
        for action, data in booking_posts(client, home):
            if one_booking is None:  # the queries of one booking, outside the timing
                with CaptureQueriesContext(connection) as queries:
                    response = client.post(action, data)
                one_booking = [q["sql"] for q in queries.captured_queries]
            else:
                started_cpu, started_wall = time.process_time(), time.perf_counter()
                response = client.post(action, data)
                cpu += time.process_time() - started_cpu
                wall += time.perf_counter() - started_wall
                posts += 1
            assert response.status_code == 302, response.status_code
            bookings += response["Location"] == booked
    return posts, bookings, cpu, wall, one_booking


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="rendezvous-post-") as tmp:
        parent_page.prepare(Path(tmp), args.postgres)
        parents = more_families(parent_page.create_school(args), args.parents)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        posts, bookings, cpu, wall, queries = book_all(parents)
        if profiler:
            profiler.disable()
        from rendezvous.bookings.models import Booking

        assert Booking.objects.count() == bookings
        print(f"booking POSTs       {posts}, {bookings} booked ({args.parents} families; the rest")
        print("                    refused: the time clashed with the family's other bookings)")
        cpu_ms, wall_ms = cpu / posts * 1000, wall / posts * 1000
        print(f"per booking POST    {cpu_ms:.1f} ms CPU, {wall_ms:.1f} ms wall")
        print(f"queries per POST    {len(queries)}")
        for sql in queries:
            print(f"  {sql[:150]}")
        if profiler:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.only, args.top)


if __name__ == "__main__":
    main()
