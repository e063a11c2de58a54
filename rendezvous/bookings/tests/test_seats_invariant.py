"""After any sequence of book / cancel / move / reject / confirm / change of capacity, every
invariant of ARCHITECTURE.md holds: each slot's seats_taken equals the seats of its active
bookings and never exceeds its capacity, no booker has two active appointments at overlapping
times, and a child has at most one active appointment with each teacher per event. Two
teachers' times overlap, so the overlap rule is exercised. Runs on the suite's database
(SQLite or PostgreSQL)."""

import contextlib
import itertools
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services import (
    book_slot,
    cancel_booking,
    decide_booking,
    move_booking,
    update_slot,
)
from rendezvous.lib.errors import DomainError
from rendezvous.scheduling.models import Slot
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

FAMILIES = 2
SLOTS = 4

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("book"),
            st.integers(0, FAMILIES - 1),
            st.integers(0, SLOTS - 1),
            st.sampled_from([1, 1, 2]),
        ),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, SLOTS - 1)),
        st.tuples(st.just("reject"), st.integers(0, 20)),
        st.tuples(st.just("confirm"), st.integers(0, 20)),
        st.tuples(st.just("capacity"), st.integers(0, SLOTS - 1), st.integers(1, 3)),
    ),
    max_size=15,
)


@pytest.fixture
def world(organisation, school_class, teacher, subject_teacher, admin, make_slot):
    families = []
    for _ in range(FAMILIES):
        parent = ParentFactory(organisation=organisation)
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        families.append((parent, child))
    # Single places and pairs' places; each teacher's times follow one another, and the
    # second teacher's overlap the first's by five minutes.
    slots = [
        make_slot(
            host=(teacher, subject_teacher)[n % 2],
            minutes=20 * (n // 2 + 1) + 5 * (n % 2),
            capacity=1 + n // 2 % 2,
        )
        for n in range(SLOTS)
    ]
    return {"families": families, "slots": slots, "admin": admin}


def apply(op, world, made):
    kind, *args = op
    if kind == "capacity":
        slot = Slot.objects.get(pk=world["slots"][args[0]].pk)
        update_slot(slot=slot, starts_at=slot.starts_at, ends_at=slot.ends_at, capacity=args[1])
        return
    if kind == "book":
        (parent, child), slot = world["families"][args[0]], world["slots"][args[1]]
        made.append(book_slot(booker=parent, slot=slot, pupil=child, seats=args[2]))
        return
    if not made:
        return
    booking = made[args[0] % len(made)]
    if kind == "cancel":
        cancel_booking(booking=booking, actor=booking.booker)
    elif kind == "move":
        move_booking(booking=booking, to_slot=world["slots"][args[1]], actor=booking.booker)
    else:
        decide_booking(booking=booking, confirm=kind == "confirm")


def assert_invariants():
    for slot in Slot.objects.all():
        held = Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).aggregate(
            seats=Sum("seats")
        )["seats"]
        assert slot.seats_taken == (held or 0) <= slot.capacity
    active = Booking.objects.filter(status__in=ACTIVE_STATUSES).select_related("slot")
    times = defaultdict(list)
    for booking in active:
        times[booking.booker_id].append((booking.slot.starts_at, booking.slot.ends_at))
    for spans in times.values():
        spans.sort()
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))
    per_teacher = Counter((b.pupil_id, b.host_id, b.event_id) for b in active)
    assert max(per_teacher.values(), default=0) <= 1


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_every_invariant_holds_after_any_sequence(world, ops):
    with transaction.atomic():
        made: list[Booking] = []
        for op in ops:
            with contextlib.suppress(DomainError):
                apply(op, world, made)
            assert_invariants()
        transaction.set_rollback(True)
