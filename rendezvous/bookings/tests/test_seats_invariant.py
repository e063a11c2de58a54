"""After any sequence of book / cancel / move / reject, every slot's seats_taken
equals the seats of its active bookings and never exceeds its capacity."""

import contextlib

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking, move_booking
from rendezvous.lib.errors import DomainError
from rendezvous.scheduling.models import Slot
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

FAMILIES = 4
SLOTS = 4

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("book"),
            st.integers(0, FAMILIES - 1),
            st.integers(0, SLOTS - 1),
            st.sampled_from([1, 2]),
        ),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, SLOTS - 1)),
        st.tuples(st.just("reject"), st.integers(0, 20)),
        st.tuples(st.just("confirm"), st.integers(0, 20)),
    ),
    max_size=15,
)


@pytest.fixture
def world(organisation, school_class, teacher, admin, make_slot):
    families = []
    for _ in range(FAMILIES):
        parent = ParentFactory(organisation=organisation)
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        families.append((parent, child))
    # Two single places and two pairs' places, far enough apart not to overlap.
    slots = [make_slot(minutes=20 * (n + 1), capacity=1 + n % 2) for n in range(SLOTS)]
    return {"families": families, "slots": slots, "admin": admin}


def apply(op, world, made):
    kind, *args = op
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


def assert_seats_match():
    for slot in Slot.objects.all():
        held = Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).aggregate(
            seats=Sum("seats")
        )["seats"]
        assert slot.seats_taken == (held or 0) <= slot.capacity


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_seats_taken_always_equals_the_active_bookings_seats(world, ops):
    with transaction.atomic():
        made: list[Booking] = []
        for op in ops:
            with contextlib.suppress(DomainError):
                apply(op, world, made)
            assert_seats_match()
        transaction.set_rollback(True)
