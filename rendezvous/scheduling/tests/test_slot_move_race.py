"""Invariant 3 while a teacher moves a booked slot: the move and a parent's new booking elsewhere
are serialised on the parent, so one of them sees the other and refuses."""

import itertools
import threading
import time

import pytest
from django.db import connection, transaction

from rendezvous.bookings import errors as booking_errors
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services import book_slot
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


def hold_open(work, started: threading.Event, errors_seen: list) -> threading.Thread:
    """Run `work` in a transaction that stays open a moment after `started` is set."""

    def run():
        try:
            with transaction.atomic():
                work()
                started.set()
                time.sleep(0.5)
        except Exception as exc:  # reported to the test
            errors_seen.append(exc)
            started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def move(slot, to):
    return services.update_slot(
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
    started, seen = threading.Event(), []
    thread = hold_open(lambda: book_slot(booker=parent, slot=free, pupil=pupil), started, seen)
    started.wait(5)
    with pytest.raises(errors.BookersNotFree):
        move(mine, free)
    thread.join(10)
    assert seen == []
    assert_no_overlap(parent)


def test_a_booking_waits_for_a_move_in_progress(parent, pupil, setting):
    mine, free = setting
    started, seen = threading.Event(), []
    thread = hold_open(lambda: move(mine, free), started, seen)
    started.wait(5)
    with pytest.raises(booking_errors.BookerOverlap):
        book_slot(booker=parent, slot=free, pupil=pupil)
    thread.join(10)
    assert seen == []
    assert_no_overlap(parent)
