"""Production on one machine, without containers: the topology of deploy/compose.yaml.

Migrates the database and collects the static files, then starts WEB web servers (gunicorn
with config/gunicorn.py) on PORT, PORT+1, … and WORKERS outbox workers (manage.py
run_worker), all on the database, cache and mail server the environment names (README,
Settings). Ctrl+C or SIGTERM stops them all; if one of them ends, the others are stopped too.

    .venv/bin/python scripts/serve.py [--web 2] [--workers 2] [--host 127.0.0.1] [--port 8000]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config/gunicorn.py")]
STOP_SECONDS = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web", type=int, default=2, help="web server processes")
    parser.add_argument("--workers", type=int, default=2, help="outbox worker processes")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    return parser.parse_args(argv)


def prepare() -> None:
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run([*MANAGE, *command], cwd=ROOT, check=True)


def start(args) -> list[subprocess.Popen]:
    web = [
        subprocess.Popen(
            GUNICORN, cwd=ROOT, env={**os.environ, "HOST": args.host, "PORT": str(args.port + n)}
        )
        for n in range(args.web)
    ]
    workers = [subprocess.Popen([*MANAGE, "run_worker"], cwd=ROOT) for _ in range(args.workers)]
    return web + workers


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to all (web servers finish their requests, workers their round), then SIGKILL
    to whatever is still running after STOP_SECONDS."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv=None) -> int:
    args = parse_args(argv)
    # Mails and letters link to the first web server unless SITE_URL names the public address.
    os.environ.setdefault("SITE_URL", f"http://{args.host}:{args.port}")
    prepare()
    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: stopping.append(signum))
    processes = start(args)
    addresses = ", ".join(f"http://{args.host}:{args.port + n}/" for n in range(args.web))
    print(f"Rendezvous runs at {addresses} with {args.workers} worker(s); Ctrl+C stops all")
    try:
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.2)
    finally:
        stop(processes)
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
