"""`make run` on any port: it links to itself, serves static files under hashed names, and
Ctrl+C stops web server and worker within seconds. Runs the real command on a fresh data
directory."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HASHED_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+\.[0-9a-f]{12}\.css)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, f"make run ended early:\n{log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"make run did not start:\n{log.read_text()[-3000:]}")


def still_running(group: int, seconds: float = 5) -> list[str]:
    """The processes of `group` that are still alive after `seconds` (zombies have ended: a
    worker that gunicorn had to kill may wait a moment for its reaper)."""
    deadline = time.monotonic() + seconds
    while True:
        table = subprocess.run(
            ["ps", "-eo", "pid=,pgid=,stat=,args="], capture_output=True, text=True
        ).stdout
        alive = [
            line.strip()
            for line in table.splitlines()
            if line.split()[1] == str(group) and not line.split()[2].startswith("Z")
        ]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def wait_for_mails(folder: Path, seconds: float = 60) -> str:
    """The text of the mails the worker wrote, once it has written any (a busy machine may
    take a while to start it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = list(folder.glob("*"))
        if files:
            time.sleep(1)  # the round may still be writing the rest
            return "".join(path.read_text(errors="replace") for path in folder.glob("*"))
        time.sleep(0.2)
    return ""


@pytest.mark.slow
def test_make_run_links_to_its_own_port_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "DJANGO_SETTINGS_MODULE", "STATIC_HASHED"}
    }
    env["VAR_DIR"] = str(tmp_path / "var")
    env["STATIC_ROOT"] = str(tmp_path / "static")  # not the checkout's, which other tests read
    with log.open("w") as output:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_listening(port, process, log)
        mails = wait_for_mails(tmp_path / "var/mail")  # the worker's first round writes them
        assert f"http://127.0.0.1:{port}/" in mails
        assert "localhost:8000" not in mails
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/?next=/x") as page:
            assert page.status == 200
            html = page.read().decode()
        stylesheet = HASHED_STYLESHEET.search(html)
        assert stylesheet, "the page links its stylesheet under a hashed name"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet[1]}") as css:
            assert css.status == 200
            assert "immutable" in css.headers["Cache-Control"]

        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
        assert time.monotonic() - started < 10
        leftovers = still_running(process.pid)
        assert not leftovers, f"still running after Ctrl+C: {leftovers}"
        output = log.read_text()
        assert "Traceback" not in output
        requests = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        assert any(r["view"] == "account_login" and r["status"] == 200 for r in requests)
        assert "next=" not in "".join(line for line in output.splitlines() if '"request"' in line)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
