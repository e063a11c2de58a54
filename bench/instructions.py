"""The parent's booking page in instructions per render, counted by Valgrind: a figure that does
not move with the machine's load or clock, to compare two versions of the code on a machine
whose CPU time varies from one run to the next. With --post, the booking POST instead: each of
RENDERS parents of one more child in the class books a time nobody else takes, with the form
and the CSRF token of their page, as bench/rush.py's POST alone does.

Runs bench/parent_page.py's school in a process of its own under Valgrind's cachegrind, once
rendering the page RENDERS times and once not at all, and prints the difference divided by
RENDERS: the instructions of one request through Django's test client, the page's queries
included (on SQLite the database's own work too, as it runs in the process). Valgrind slows
the process some fifty times; a run takes about a minute. Needs Debian's package valgrind.

    .venv/bin/python bench/instructions.py [--postgres] [--children 2] [--teachers 10]
        [--free 300] [--renders 20] [--path /parent/plan/] [--post]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import parent_page  # beside this file


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--free", type=int, default=300, help="free times in all")
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--path", help="another address than the booking page")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument("--post", action="store_true", help="the booking POST, not a page")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # renders, under Valgrind
    return parser.parse_args()


def render(args) -> None:
    """In the process Valgrind watches: the school, then the page `args.child` times."""
    from django.test import Client
    from django.urls import reverse

    with tempfile.TemporaryDirectory(prefix="rendezvous-instructions-") as tmp:
        parent_page.prepare(Path(tmp), args.postgres)
        parent = parent_page.create_school(args)
        if args.post:
            post(parent, args)
            return
        client = Client()
        client.force_login(parent)
        url = args.path or reverse("bookings:parent-home")
        for _ in range(3):  # templates, prepared queries and translations loaded
            client.get(url)
        for _ in range(args.child):
            assert client.get(url).status_code == 200


WARM_UP = 3


def post(parent, args) -> None:
    """`args.renders` + WARM_UP parents' forms, read in both runs; `args.child` of them sent."""
    from booking_post import FIELD, FORM, TIME, more_families
    from django.test import Client
    from django.urls import reverse

    sends, taken = [], set()
    for number, family in enumerate(more_families(parent, args.renders + WARM_UP)):
        client = Client(enforce_csrf_checks=True)
        client.force_login(family)
        offers = FORM.findall(client.get(reverse("bookings:parent-home")).content)
        offers = offers[number % len(offers) :] + offers[: number % len(offers)]
        # A time nobody took yet: the children of a class share their teachers' times.
        action, body, slot = next(
            (action, body, time)
            for action, body in offers
            for time in TIME.findall(body)
            if time not in taken
        )
        taken.add(slot)
        fields = {name.decode(): value.decode() for name, value in FIELD.findall(body)}
        sends.append((client, action.decode(), {**fields, "slot": slot.decode()}))
    booked = reverse("bookings:parent-appointments")
    for client, action, fields in sends[: WARM_UP + args.child]:
        assert client.post(action, fields)["Location"] == booked


def instructions(renders: int) -> int:
    """All instructions of a run that renders the page `renders` times."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        *sys.argv[1:],
        "--child",
        str(renders),
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    counted = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    return int(counted.group(1).replace(",", ""))


def main():
    args = parse_args()
    if args.child is not None:
        render(args)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (Debian: apt-get install valgrind)")
    per_render = (instructions(args.renders) - instructions(0)) / args.renders
    database = "postgres" if args.postgres else "sqlite"
    measured = "POST /parent/book/" if args.post else args.path or "/parent/"
    print(f"{database}: {measured} with {args.children} children x", end="")
    print(f" {args.teachers} teachers, {args.free} free times")
    print(f"instructions per render   {per_render / 1e6:.2f} M (of {args.renders} renders)")


if __name__ == "__main__":
    main()
