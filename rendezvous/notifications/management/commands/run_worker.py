import logging
import os
import signal
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from rendezvous.lib.database import log_failure
from rendezvous.notifications.worker import Round, run_worker_round

log = logging.getLogger(__name__)


def run_below_the_web(niceness: int) -> None:
    """Lower this process's CPU priority to `niceness` (a nice value, 0 to 19), unless it is
    that low already. On a machine the worker shares with the web server, a booking rush then
    has the cores first and the mail about it follows once they are free. Meanwhile a worker
    still gets some CPU (at 10, a busy web process gets about nine times its share of a core),
    so the mail never stops."""
    if not 0 <= niceness <= 19:
        raise ImproperlyConfigured(f"WORKER_NICENESS must be from 0 to 19, not {niceness}.")
    try:
        if niceness > os.getpriority(os.PRIO_PROCESS, 0):
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
    except OSError as error:  # a sandbox that forbids it: the worker runs as it is
        log.warning("the worker keeps its CPU priority: %s", error)


class Command(BaseCommand):
    help = "Send due emails from the outbox and run due jobs, in a loop (stops on SIGTERM)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do one round and stop.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds.")

    def handle(self, *args, once: bool = False, interval: float = 2.0, **options):
        run_below_the_web(settings.WORKER_NICENESS)
        self.stopping = threading.Event()
        previous = self.catch_signals()
        try:
            while not self.stopping.is_set():
                done = self.round()
                if once:
                    break
                pause = done.pause(interval) if done is not None else interval
                if pause:
                    self.stopping.wait(pause)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def catch_signals(self) -> dict:
        """SIGTERM (systemd, docker stop) and Ctrl-C finish the current round, then stop."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, self.stop)
        return previous

    def round(self) -> Round | None:
        """One pass: what it did, or None when it failed."""
        if not connection.in_atomic_block:  # never under a caller's transaction (tests)
            close_old_connections()  # a long-running process must not keep a dead connection
        try:
            result = run_worker_round()
        except Exception as error:  # a locked or restarting database must not end the worker
            log_failure(log, "worker round", error)
            return None
        for job, count in result.done.items():
            if count:
                self.stdout.write(f"{job}: {count}")
        if result.sent or result.failed:
            self.stdout.write(f"emails sent: {result.sent}, failed: {result.failed}")
        return result

    def stop(self, *args):
        self.stopping.set()
