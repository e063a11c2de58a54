"""Threads against the database, for the tests that race for the same rows.

`race(calls)` starts one thread per call, holds them at a barrier until all are running, then
lets them go at once. Each thread uses its own database connection and closes it at the end;
what each call returned or raised is kept, in the calls' order, for the test to count. A
thread still running after the timeout fails the test instead of hanging the suite.

`run_in_threads(work, count)` races `count` copies of the same work (workers draining one
queue) and fails the test if any of them raised.

`in_thread(call)` and `finish(threads)` are the same parts for a test that orders its threads
with events (one holds a lock, the other is let in) rather than releasing them together.

Threads see only committed rows, so the tests that use these helpers need
`@pytest.mark.django_db(transaction=True)`.
"""

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, connections

TIMEOUT = 60  # seconds; a race of twenty bookings takes well under one


class Racer(threading.Thread):
    """One call in its own thread; `outcome` is what it returned or the exception it raised."""

    def __init__(self, call: Callable[[], Any], barrier: threading.Barrier | None = None):
        super().__init__(daemon=True)  # a hung thread must not keep the test run alive
        self.call = call
        self.barrier = barrier
        self.outcome: Any = None

    def run(self) -> None:
        try:
            if self.barrier is not None:
                self.barrier.wait(timeout=TIMEOUT)
            self.outcome = self.call()
        # Everything, pytest.fail's outcome included: the test asserts on what came back.
        except BaseException as error:
            self.outcome = error
        finally:
            connections.close_all()


def _refuse_open_transaction() -> None:
    assert not connection.in_atomic_block, (
        "threads cannot see the rows of the test's open transaction: "
        "mark the test @pytest.mark.django_db(transaction=True)"
    )


def in_thread(call: Callable[[], Any]) -> Racer:
    """Start `call` in a thread of its own at once; `finish` collects it."""
    _refuse_open_transaction()
    thread = Racer(call)
    thread.start()
    return thread


def finish(threads: Sequence[Racer], *, timeout: float = TIMEOUT) -> list:
    """Wait for the threads (all within `timeout` seconds); what each returned or raised."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    hung = [thread.name for thread in threads if thread.is_alive()]
    assert not hung, f"{len(hung)} of {len(threads)} threads still running after {timeout}s"
    return [thread.outcome for thread in threads]


def race(calls: Sequence[Callable[[], Any]], *, timeout: float = TIMEOUT) -> list:
    """Run the calls at the same moment, one thread each; what each returned or raised."""
    _refuse_open_transaction()
    barrier = threading.Barrier(len(calls))
    threads = [Racer(call, barrier) for call in calls]
    for thread in threads:
        thread.start()
    return finish(threads, timeout=timeout)


def errors_in(outcomes: Sequence) -> list[BaseException]:
    """The exceptions among the outcomes (an empty list when every call returned)."""
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]


def run_in_threads(work: Callable[[], Any], count: int, *, timeout: float = TIMEOUT) -> list:
    """race() of `count` copies of the same work (workers draining one queue), which must
    all return; what each returned."""
    outcomes = race([work] * count, timeout=timeout)
    errors = errors_in(outcomes)
    assert not errors, errors
    return outcomes


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait for another thread to reach a state the test can see; fail after the timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the threads never got there"
        time.sleep(0.005)
