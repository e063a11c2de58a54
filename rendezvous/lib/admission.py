"""Admission control: every web process works on a few requests at a time and answers the rest
at once with 503 and Retry-After. At the peak of a booking rush every answer, a refusal
included, then comes within a fraction of a second, instead of every request waiting in a
queue that only grows until browsers give up.

A process lets WEB_ACTIVE_REQUESTS requests in at once; a request that finds them all busy
waits up to WEB_QUEUE_WAIT_MS for its turn. A form sent (a POST: a booking, a cancellation)
goes before every page still waiting: it finishes what a person began, where a page starts
something new. Static files (answered before) and /healthz are not counted.

A refused request is asked to come back after a random whole number of seconds, from 1 to
as many as the process has just refused requests for each one it served, and at most 5
(Places.retry_after). The people refused together then come back spread out, and the later
the more are refused, instead of all of them a second later, to be refused again. A refused
page loads itself again when that time is up (templates/503.html).

Sign-in's password hash is bounded across all web processes of the machine as well
(SIGN_IN_HASHES at once, by locks on files in VAR_DIR): a burst of parents signing in then
leaves the other cores to the bookings. A sign-in steps out of its process's count while it
waits for a hash, so that the process goes on serving others meanwhile.
"""

import contextlib
import fcntl
import os
import random
import threading
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.middleware import busy_response

# Seconds a refused client is asked to wait before trying again: at least, and at most.
RETRY_AFTER = 1
RETRY_AFTER_MAX = 5
# Seconds a sign-in waits for a free hash before it is refused.
SIGN_IN_WAIT = 0.25

_admitted = threading.local()


class Overloaded(Exception):
    """No room for this request now; answered 503 with Retry-After."""

    code = "overloaded"
    message = _("Rendezvous is very busy at this moment. Please try again in a few seconds.")


class Places:
    """A process's places for requests at work. A place that comes free goes to a waiting
    urgent request first, then to the others; each waits at most its own time."""

    def __init__(self, count: int, clock=time.monotonic):
        self.free = count
        self._clock = clock  # for the counts of the last seconds
        self._lock = threading.Lock()
        self._urgent = threading.Condition(self._lock)
        self._others = threading.Condition(self._lock)
        self._urgent_waiting = 0
        self._waiting = 0
        # Requests served and refused in this second and the one before (retry_after).
        self._second = 0
        self._served, self._refused = [0, 0], [0, 0]

    def waiting(self) -> int:
        """Requests waiting for a place now."""
        with self._lock:
            return self._waiting

    def take(self, *, urgent: bool, timeout: float) -> bool:
        """Take a place within `timeout` seconds; False when none came free."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._urgent_waiting += urgent
            self._waiting += 1
            taken = self._wait_for_turn(urgent, deadline)
            self._waiting -= 1
            self._urgent_waiting -= urgent
            self.free -= taken
            self._pass_on()  # a place left free, or one this request gave up on, goes on
            return taken

    def _wait_for_turn(self, urgent: bool, deadline: float) -> bool:
        turn = self._urgent if urgent else self._others
        while not (self.free > 0 and (urgent or not self._urgent_waiting)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            turn.wait(remaining)
        return True

    def give_back(self) -> None:
        with self._lock:
            self.free += 1
            self._count(self._served)
            self._pass_on()

    def retry_after(self) -> int:
        """Counts a refusal and says how many seconds to ask it to wait: a whole number
        drawn evenly from RETRY_AFTER up to the requests refused for each one served over
        the last second or two, and at most RETRY_AFTER_MAX."""
        with self._lock:
            self._count(self._refused)
            refused_per_served = sum(self._refused) / max(sum(self._served), 1)
        spread = min(refused_per_served, RETRY_AFTER_MAX - RETRY_AFTER + 1)
        return RETRY_AFTER + int(random.random() * spread)  # noqa: S311 (a spread, not a secret)

    def _count(self, counts: list[int]) -> None:
        second = int(self._clock())
        if second != self._second:  # a new second: this one's counts become the one before's
            for window in (self._served, self._refused):
                window[:] = [0, window[0] if second == self._second + 1 else 0]
            self._second = second
        counts[0] += 1

    def _pass_on(self) -> None:
        if self.free > 0:
            (self._urgent if self._urgent_waiting else self._others).notify()


class AdmissionMiddleware:
    """A bounded number of requests at once per process; the rest wait briefly, then 503."""

    EXEMPT = ("/healthz",)

    def __init__(self, get_response):
        if settings.WEB_ACTIVE_REQUESTS < 1:  # the web server then fails at start-up
            raise ImproperlyConfigured(
                "WEB_ACTIVE_REQUESTS must be 1 or more: with none, every request is refused."
            )
        self.get_response = get_response
        self.places = Places(settings.WEB_ACTIVE_REQUESTS)

    def __call__(self, request):
        if request.path in self.EXEMPT:
            return self.get_response(request)
        urgent = request.method == "POST"
        if not self.places.take(urgent=urgent, timeout=settings.WEB_QUEUE_WAIT_MS / 1000):
            return overloaded_response(request, self.places)
        _admitted.places = self.places
        try:
            response = self.get_response(request)
            hand_back_connections()
            return response
        finally:
            step_aside()

    def process_exception(self, request, exception):
        if isinstance(exception, Overloaded):  # no free hash for a sign-in (sign_in_hash)
            return overloaded_response(request, None)
        return None


def step_aside() -> None:
    """The current request gives up its place in the process (it will wait for something
    else, such as a sign-in hash); it then runs to its end without one."""
    places = getattr(_admitted, "places", None)
    if places is not None:
        _admitted.places = None
        places.give_back()


def hand_back_connections() -> None:
    """The request's pooled database connections go back to the pool, as Django does when
    the response is closed, but before the request's place goes to the next one: a response
    still on its way to a slow phone then holds no connection the next request needs. A
    streamed response that reads rows as it goes takes one again, as does a sign-in once its
    hash is done (sign_in_hash). A connection inside a transaction (a test's) is left alone;
    without a pool (SQLite) nothing changes."""
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "pool", None) and not connection.in_atomic_block:
            connection.close()


def overloaded_response(request, places: Places | None):
    """503 for a request refused by the process's `places`, or by the machine's hashes."""
    retry_after = places.retry_after() if places is not None else RETRY_AFTER
    return busy_response(request, Overloaded.code, Overloaded.message, retry_after)


@contextlib.contextmanager
def machine_place(name: str, places: int, wait: float):
    """Hold one of `places` places shared by every process on this machine (a lock on one of
    `places` files in VAR_DIR/locks), waiting up to `wait` seconds for one; Overloaded when
    none came free."""
    folder = settings.VAR_DIR / "locks"
    folder.mkdir(exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        for number in range(places):
            held = _try_lock(folder / f"{name}-{number}")
            if held is None:
                continue
            try:
                yield
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)
                os.close(held)
            return
        if time.monotonic() >= deadline:
            raise Overloaded()
        time.sleep(0.01)


def _try_lock(path) -> int | None:
    """An open descriptor holding the file's lock, or None when another holds it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


@contextlib.contextmanager
def sign_in_hash():
    """Around a sign-in's password hash: out of the process's count, into the machine's.
    The request's pooled database connection goes back first, so that a burst of sign-ins
    waiting for their hashes holds none of the connections the bookings need: read the
    account before, and a connection is taken again only if the hash must be stored anew."""
    hand_back_connections()
    step_aside()
    with machine_place("sign-in", settings.SIGN_IN_HASHES, SIGN_IN_WAIT):
        yield
