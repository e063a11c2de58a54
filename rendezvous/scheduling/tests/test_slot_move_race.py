"""Nobody's appointments overlap while a teacher moves a booked slot: the move and a parent's
new booking elsewhere are serialised on the parent, so one of them sees the other and refuses."""

import itertools
import threading
import time

import pytest
from django.db import connection, transaction

from rendezvous.bookings import errors as booking_errors
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services import slots as booked_slots
from rendezvous.lib.tests.race import TIMEOUT, finish, in_thread
from rendezvous.scheduling import errors, services
from rendezvous.scheduling.tests.helpers import EVENING, at

# SQLite's IMMEDIATE transactions serialise all writes; the row locks matter on PostgreSQL.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's concern"
    ),
]


@pytest.fixture
def setting(parent, pupil, teacher, other_teacher, school_class, event):
    """The parent holds the teacher's 10:00 slot; other_teacher's 10:30 slot is free."""
    school_class.class_teachers.add(other_teacher)
    mine = services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "10:00"), ends_at=at(EVENING, "10:10")
    )
    free = services.create_slot(
        host=other_teacher,
        event=event,
        starts_at=at(EVENING, "10:30"),
        ends_at=at(EVENING, "10:40"),
    )
    book_slot(booker=parent, slot=mine, pupil=pupil)
    return mine, free


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def while_held(first, second):
    """Run `first` in a transaction that stays open until `second`, started meanwhile in
    another thread, is seen waiting for a lock, or has finished without waiting; then commit.

    A handshake, not a pause: the holder says when it holds (`holding`), the other side
    starts, and the holder lets go (`release`) only once the database shows where the other
    side is. What each returned or raised, and whether `second` waited."""
    holding, release, connected = threading.Event(), threading.Event(), threading.Event()
    pids = []

    def hold():
        try:
            with transaction.atomic():
                result = first()
                holding.set()
                assert release.wait(TIMEOUT), "nobody let the holder go"
            return result
        finally:
            holding.set()  # also when `first` failed: the test reads its error

    def wait_then_run():
        pids.append(backend_pid())
        connected.set()
        return second()

    holder = in_thread(hold)
    assert holding.wait(TIMEOUT), "the holder never got its lock"
    waiter = in_thread(wait_then_run)
    assert connected.wait(TIMEOUT), "the second thread never reached the database"
    waited = False
    deadline = time.monotonic() + TIMEOUT
    while waiter.is_alive() and not waited and time.monotonic() < deadline:
        waited = waits_for_a_lock(pids[0])
        waiter.join(0.01)  # how often to look, not how long the lock is held
    release.set()
    held, ran = finish([holder, waiter])
    return held, ran, waited


def move(slot, to):
    return booked_slots.update_slot(
        slot=slot, starts_at=to.starts_at, ends_at=to.ends_at, capacity=1, mode="on_site"
    )


def assert_no_overlap(parent):
    spans = sorted(
        Booking.objects.filter(booker=parent, status__in=ACTIVE_STATUSES).values_list(
            "slot__starts_at", "slot__ends_at"
        )
    )
    assert all(end <= start for (_s, end), (start, _e) in itertools.pairwise(spans))


def test_a_move_waits_for_the_parents_booking_in_progress(parent, pupil, setting):
    mine, free = setting
    booked, moved, waited = while_held(
        lambda: book_slot(booker=parent, slot=free, pupil=pupil), lambda: move(mine, free)
    )
    assert isinstance(booked, Booking)
    assert waited, "the move did not wait for the booking in progress"
    assert isinstance(moved, errors.BookersNotFree)
    assert_no_overlap(parent)


def test_a_booking_waits_for_a_move_in_progress(parent, pupil, setting):
    mine, free = setting
    moved, booked, waited = while_held(
        lambda: move(mine, free), lambda: book_slot(booker=parent, slot=free, pupil=pupil)
    )
    assert not isinstance(moved, BaseException), moved
    assert waited, "the booking did not wait for the move in progress"
    assert isinstance(booked, booking_errors.BookerOverlap)
    assert_no_overlap(parent)
