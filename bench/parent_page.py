"""The parent's booking page: its size and the server's time to render it.

Builds a fresh school (SQLite in a temporary folder, or with --postgres a fresh PostgreSQL
database on 127.0.0.1): one parent with CHILDREN children in one
class, TEACHERS teachers of that class and FREE free times in all, spread evenly over the
teachers and two evenings. Then renders the booking page RENDERS times in this process through
Django's test client and prints the page's size, its forms and the time per render (CPU time
of this process, and wall time). The page's size is also given gzipped, as a proxy in front of
the server would usually send it.

    .venv/bin/python bench/parent_page.py [--children 2] [--teachers 10] [--free 300]
        [--path /api/v1/slots?free=true] [--profile 25] [--sort tottime] [--postgres]

`--path` measures another address the parent reads in the same school (by default the booking
page); `--profile N` also prints the N functions that took the most time, from cProfile.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--free", type=int, default=300, help="free times in all")
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--path", help="another address than the booking page")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (pstats)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    return parser.parse_args()


PG_URL = "postgres://postgres@127.0.0.1:5432/rendezvous_page"


def prepare(var_dir: Path, postgres: bool = False) -> None:
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),  # not the checkout's, which tests may be reading
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REQUEST_LOG": "off",
    }
    env.pop("DATABASE_URL", None)
    if postgres:
        from booking_rush import fresh_postgres  # beside this file

        env["DATABASE_URL"] = fresh_postgres(PG_URL)
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # As deployed: static files under hashed names, from the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_school(args):
    """The school; returns the parent."""
    from datetime import timedelta

    from django.utils import timezone

    from rendezvous.accounts.models import Role, User
    from rendezvous.organisations.models import Organisation
    from rendezvous.scheduling.models import Event, Phase, Slot
    from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass

    org = Organisation.objects.create(name="Bench School", slug="bench")
    teachers = [
        User.objects.create(
            organisation=org,
            role=Role.TEACHER,
            email=f"t{n}@bench.example",
            first_name="Teacher",
            last_name=f"Number {n}",
        )
        for n in range(args.teachers)
    ]
    department = Department.objects.create(organisation=org, name="All")
    school_class = SchoolClass.objects.create(organisation=org, department=department, name="5a")
    school_class.class_teachers.add(teachers[0])
    school_class.subject_teachers.add(*teachers[1:])
    today = timezone.localdate()
    event = Event.objects.create(
        organisation=org,
        name="Parents' evening",
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=8),
        booking_opens_at=timezone.now() - timedelta(days=1),
        booking_closes_at=timezone.now() + timedelta(days=6),
        phase=Phase.OPEN,
    )
    event.classes.add(school_class)
    per_teacher = args.free // args.teachers
    first = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    evenings = [first + timedelta(days=7), first + timedelta(days=8)]

    def starts(n):
        return evenings[n % 2] + timedelta(minutes=5 * (n // 2))

    Slot.objects.bulk_create(
        Slot(
            organisation=org,
            host=teacher,
            event=event,
            room=f"R{number}",
            starts_at=starts(n),
            ends_at=starts(n) + timedelta(minutes=5),
        )
        for number, teacher in enumerate(teachers)
        for n in range(per_teacher)
    )
    parent = User.objects.create(
        organisation=org,
        role=Role.PARENT,
        login_code="10000",
        email="parent@bench.example",
        last_name="Parent",
    )
    for n in range(args.children):
        pupil = Pupil.objects.create(
            organisation=org, school_class=school_class, first_name=f"Child{n}", last_name="P"
        )
        Guardianship.objects.create(pupil=pupil, parent=parent)
    return parent


def measure(args, parent) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(parent)
    url = args.path or reverse("bookings:parent-home")
    page = client.get(url).content  # warm the template cache
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.renders):
        response = client.get(url)
        assert response.status_code == 200
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    page = response.content
    print(f"{url}: children x teachers {args.children} x {args.teachers}, {args.free} free times")
    print(f"page                {len(page)} bytes, {len(gzip.compress(page))} gzipped")
    print(f"forms               {page.count(b'<form')}")
    print(f"per render          {cpu / args.renders * 1000:.1f} ms CPU", end="")
    print(f", {wall / args.renders * 1000:.1f} ms wall (mean of {args.renders})")
    if args.profile:
        profile(client, url, args)


def profile(client, url: str, args) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.renders):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="rendezvous-page-") as tmp:
        prepare(Path(tmp), args.postgres)
        measure(args, create_school(args))


if __name__ == "__main__":
    main()
