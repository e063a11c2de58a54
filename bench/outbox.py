"""The outbox worker's delivery: its CPU and queries per mail, as it sends a queue of mails.

Fills a fresh outbox (SQLite, or PostgreSQL with --postgres) with MAILS messages the size of a
booking's (text, HTML and an invitation) and lets the worker's delivery round, send_due_emails,
send them in batches of BATCH to files, as the embedded set-up does. Prints the CPU time (this
process's, and PostgreSQL's on this machine) and queries per mail; the rendering of a mail is
the booking's or the request-mail job's, not counted here. With --profile, the functions that
took the most time.

    .venv/bin/python bench/outbox.py [--batch 50] [--mails 1000] [--postgres] [--profile]
"""

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from booking_rush import fresh_postgres  # noqa: E402 (beside this file)
from rush import cpu_seconds  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/rendezvous_outbox"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=50, help="mails a round takes at most")
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help=f"use {PG_URL}")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    return parser.parse_args()


def set_up(args, var_dir: Path) -> None:
    os.environ.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        EMAIL_URL=f"file://{var_dir / 'mail'}",
    )
    os.environ.pop("DATABASE_URL", None)
    if args.postgres:
        os.environ["DATABASE_URL"] = fresh_postgres(PG_URL)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()


def queue(mails: int) -> None:
    """Mails the size of a booking's: about 1 KB of text, 8 KB of HTML, 1 KB of invitation."""
    from django.utils import timezone

    from rendezvous.notifications.models import OutgoingEmail

    line = "Guten Tag, Ihr Termin bei Frau Schmidt ist am Dienstag um 17:20 Uhr.\n"
    html = "<html><body>" + f"<p>{line}</p>" * 100 + "</body></html>"
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n" + "DESCRIPTION:Termin\r\n" * 50
    ics += "END:VCALENDAR\r\n"
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            to=f"parent{n}@school.example",
            language="de",
            template="booking_received",
            subject="Ihre Terminanfrage",
            body_text=line * 14,
            body_html=html,
            ics=ics,
            send_after=timezone.now(),
        )
        for n in range(mails)
    )


def deliver(batch: int) -> int:
    """Rounds until a round sends nothing: the mails sent, which must be every one queued."""
    from rendezvous.notifications.models import EmailState, OutgoingEmail
    from rendezvous.notifications.services import send_due_emails

    sent = 0
    while round_sent := send_due_emails(batch)[0]:
        sent += round_sent
    if left := OutgoingEmail.objects.exclude(state=EmailState.SENT).count():
        raise SystemExit(f"{left} mails were not sent")
    return sent


def queries_per_mail(batch: int) -> float:
    """Counted apart from the timing, which Django's logging of queries would slow (BEGIN, which
    only SQLite's log shows, left out)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queue(4 * batch)
    with CaptureQueriesContext(connection) as queries:
        sent = deliver(batch)
    return sum(not query["sql"].startswith("BEGIN") for query in queries) / sent


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="rendezvous-outbox-") as tmp:
        set_up(args, Path(tmp))
        queue(args.batch)
        deliver(args.batch)  # the first round opens the connection
        queue(args.mails)
        profile = cProfile.Profile()
        began, cpu_began = time.perf_counter(), cpu_seconds(os.getpid())
        if args.profile:
            profile.enable()
        sent = deliver(args.batch)
        profile.disable()
        cpu, wall = cpu_seconds(os.getpid()), time.perf_counter() - began
        queries = queries_per_mail(args.batch)
    name = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{name}, {sent} mails in batches of {args.batch}")
    # cpu_seconds counts the process it is given as "web".
    worker, database = (1000 * (cpu[p] - cpu_began[p]) / sent for p in ("web", "database"))
    print(f"per mail            {worker:.2f} ms CPU, {1000 * wall / sent:.2f} ms wall")
    if args.postgres:
        print(f"database per mail   {database:.2f} ms CPU (every PostgreSQL process)")
    print(f"queries per mail    {queries:.2f}")
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
