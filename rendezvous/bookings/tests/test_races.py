"""Races for one place and double submissions, with real threads against the database."""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.bookings import errors
from rendezvous.bookings.models import Booking
from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.lib.tests.race import race
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

RACERS = 20


@pytest.fixture
def families(organisation, school_class):
    """Twenty parents, each with a child in the class."""
    pairs = []
    for _ in range(RACERS):
        parent = ParentFactory(organisation=organisation)
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        pairs.append((parent, child))
    return pairs


def kinds(results):
    return Counter(type(r).__name__ for r in results)


@pytest.mark.django_db(transaction=True)
def test_twenty_parents_racing_for_one_slot_give_one_booking(families, slot):
    results = race(
        [
            lambda p=parent, c=child: book_slot(booker=p, slot=slot, pupil=c)
            for parent, child in families
        ]
    )
    assert kinds(results) == {"Booking": 1, "SlotTaken": RACERS - 1}
    slot.refresh_from_db()
    assert slot.seats_taken == 1
    assert Booking.objects.count() == 1
    assert send_booker_mails() == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_requests_for_one_slot_give_one_booking(families, slot):
    clients = []
    for parent, child in families:
        client = Client()
        client.force_login(parent)
        clients.append((client, child))
    url = reverse("bookings:parent-book")
    results = race(
        [
            lambda cl=client, c=child: cl.post(url, {"slot": slot.pk, "pupil": c.pk})
            for client, child in clients
        ]
    )
    assert {getattr(r, "status_code", r) for r in results} == {302}
    assert Counter(r["Location"] for r in results) == {
        reverse("bookings:parent-appointments"): 1,
        reverse("bookings:parent-home"): RACERS - 1,
    }
    slot.refresh_from_db()
    assert slot.seats_taken == 1
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_sent_concurrently_books_once(parent, pupil, slot):
    results = race(
        [
            lambda: book_slot(booker=parent, slot=slot, pupil=pupil, idempotency_key="same")
            for _ in range(5)
        ]
    )
    assert {type(r) for r in results} == {Booking}
    assert len({r.pk for r in results}) == 1
    assert Booking.objects.count() == 1
    assert send_booker_mails() == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_form_posted_concurrently_books_once(parent, pupil, slot):
    clients = [Client() for _ in range(5)]
    for client in clients:
        client.force_login(parent)
    url = reverse("bookings:parent-book")
    data = {"slot": slot.pk, "pupil": pupil.pk, "idempotency_key": "form-1"}
    results = race([lambda c=client: c.post(url, data) for client in clients])
    assert {getattr(r, "status_code", r) for r in results} == {302}
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.seats_taken == 1


@pytest.mark.django_db(transaction=True)
def test_one_parent_racing_two_overlapping_slots_gets_one(
    parent, pupil, subject_teacher, slot, make_slot
):
    clashing = make_slot(host=subject_teacher, minutes=5)
    results = race(
        [
            lambda: book_slot(booker=parent, slot=slot, pupil=pupil),
            lambda: book_slot(booker=parent, slot=clashing, pupil=pupil),
        ]
    )
    assert kinds(results) == {"Booking": 1, "BookerOverlap": 1}
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_parents_of_one_child_racing_for_one_teacher_get_one(
    parent, co_parent, pupil, slot, make_slot
):
    later = make_slot(minutes=30)
    results = race(
        [
            lambda: book_slot(booker=parent, slot=slot, pupil=pupil),
            lambda: book_slot(booker=co_parent, slot=later, pupil=pupil),
        ]
    )
    assert kinds(results) == {"Booking": 1, "AlreadyBooked": 1}
    assert sum(s.seats_taken for s in type(slot).objects.all()) == 1
    assert isinstance(next(r for r in results if not isinstance(r, Booking)), errors.Conflict)
