"""Does a burst of sign-ins starve the bookings? Parents book through a live server (as in
bench/rush.py) for a while alone, then while SIGN_INS other parents sign in with code and
password (bcrypt, as deployed) spread evenly over the burst; a parent answered 503 tries again
after the seconds its Retry-After asks for. Prints the bookings per second and the booking
latency before and during the burst, and the sign-ins' own latency.

    .venv/bin/python bench/sign_in_burst.py [--postgres] [--sign-ins 500] [--seconds 60]
        [--connections 16]
"""

import argparse
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import rush
from booking_rush import free_port

PASSWORD = "Burst-Eltern-2026"  # noqa: S105 (the bench parents' password)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--sign-ins", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60, help="the burst's length")
    parser.add_argument("--connections", type=int, default=16, help="parents booking at once")
    return parser.parse_args()


def with_passwords(count: int) -> list[str]:
    """`count` more parents of the rush school, with a real bcrypt password; their codes."""
    from rendezvous.accounts.models import Role, User
    from rendezvous.organisations.models import Organisation

    organisation = Organisation.objects.get(slug="rush")
    model = User(role=Role.PARENT)
    model.set_password(PASSWORD)  # one hash for all: each sign-in still checks it
    parents = User.objects.bulk_create(
        User(
            organisation=organisation,
            role=Role.PARENT,
            login_code=str(90000 + n),
            last_name=f"S{n}",
            password=model.password,
        )
        for n in range(count)
    )
    return [parent.login_code for parent in parents]


def sign_in(client: rush.Client, code: str, number: int) -> bool:
    """One parent's sign-in, from an address of their own behind the proxy."""
    address = {"X-Forwarded-For": f"10.{number // 65536}.{number // 256 % 256}.{number % 256}"}
    status, page, _, cookies = client.request(None, "GET", "/accounts/login/", headers=address)
    while status == 503:  # busy: the parent tries again after the seconds the page asks for
        client.wait_as_asked()
        status, page, _, cookies = client.request(None, "GET", "/accounts/login/", headers=address)
    csrf = next((c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), "")
    token = CSRF_FIELD.search(page)[1]
    fields = {"csrfmiddlewaretoken": token, "login": code, "password": PASSWORD}
    began = time.perf_counter()
    while True:
        status, _, location, _ = client.request(
            None, "POST", "/accounts/login/", csrf, urlencode(fields), headers=address
        )
        if status != 503:
            break
        with client.lock:  # busy: the parent tries again after the seconds the page asks for
            client.statuses["sign-in 503"] += 1
        client.wait_as_asked()
    with client.lock:
        client.latencies.setdefault("sign-in", []).append(time.perf_counter() - began)
    return status == 302 and "/accounts/login/" not in location


def bookings_for(client: rush.Client, sessions: list[str], popular, seconds: float, connections):
    """Parents book for `seconds`; (bookings per second, booking latency percentiles)."""
    client.latencies["booking"], client.booked_at = [], []
    deadline = time.perf_counter() + seconds
    queue = list(sessions)
    took = rush.in_threads(
        connections, lambda session: rush.parent(client, session, popular, deadline), queue
    )
    return len(client.booked_at) / took, rush.percentiles(client.latencies["booking"])


def main():
    args = parse_args()
    database = "postgres" if args.postgres else "sqlite"
    with rush.collected_static(), tempfile.TemporaryDirectory(prefix="rendezvous-burst-") as tmp:
        env = {**rush.environment(database, Path(tmp)), "TRUSTED_PROXY_COUNT": "1"}
        school = rush.create_school(2000)
        codes = with_passwords(args.sign_ins)
        sessions = school["sessions"]
        port = free_port()
        server = rush.start_server(env, port, "config.settings")
        client = rush.Client(port)
        try:
            calm = bookings_for(client, sessions[:1000], school["popular"], 20, args.connections)
            signed_in = []
            gap = args.seconds / args.sign_ins

            def burst():
                for number, code in enumerate(codes):
                    started = time.perf_counter()
                    worker = threading.Thread(
                        target=lambda c=code, n=number: signed_in.append(sign_in(client, c, n))
                    )
                    worker.start()
                    time.sleep(max(0, gap - (time.perf_counter() - started)))

            burster = threading.Thread(target=burst)
            burster.start()
            busy = bookings_for(
                client, sessions[1000:], school["popular"], args.seconds, args.connections
            )
            burster.join()
            while len(signed_in) < len(codes):
                time.sleep(0.1)
        finally:
            rush.stop_server(server)
    sign_ins = rush.percentiles(client.latencies["sign-in"])
    latency = "booking ms p50/p95/p99"
    print(f"{database}, {args.connections} parents booking at once, as deployed")
    print(f"bookings alone            {calm[0]:6.1f}/s   {latency} {fmt(calm[1])}")
    print(f"during the sign-ins       {busy[0]:6.1f}/s   {latency} {fmt(busy[1])}")
    print(f"sign-ins                  {sum(signed_in)} of {len(codes)} in {args.seconds:.0f} s")
    print(f"sign-in ms p50/p95/p99    {fmt(sign_ins)} (until signed in, tries again included)")
    print(f"sign-ins answered 503     {client.statuses['sign-in 503']} (and tried again)")


def fmt(values) -> str:
    return "/".join(f"{value:.0f}" for value in values)


if __name__ == "__main__":
    sys.exit(main())
