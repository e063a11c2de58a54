"""Permitted lookups of bookings.access that the views rely on."""

import pytest
from django.http import Http404

from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.bookings.access import get_move_target
from rendezvous.bookings.services import book_slot
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory


@pytest.fixture
def booking(parent, pupil, slot):
    return book_slot(booker=parent, slot=slot, pupil=pupil)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["parent", "admin"])
def test_a_slot_of_the_same_teacher_and_event_is_a_move_target(booking, make_slot, who, request):
    later = make_slot(minutes=60)
    assert get_move_target(request.getfixturevalue(who), booking, later.pk) == later


@pytest.mark.django_db
def test_another_teachers_slot_is_not_a_move_target(parent, booking, other_teacher, make_slot):
    other = make_slot(host=other_teacher, minutes=60)
    with pytest.raises(Http404):
        get_move_target(parent, booking, other.pk)


@pytest.mark.django_db
def test_the_teachers_slot_in_another_event_is_not_a_move_target(
    parent, booking, organisation, teacher
):
    elsewhere = EventFactory(organisation=organisation)
    other = SlotFactory(organisation=organisation, host=teacher, event=elsewhere)
    with pytest.raises(Http404):
        get_move_target(parent, booking, other.pk)


@pytest.mark.django_db
def test_nothing_is_a_move_target_for_another_organisation(booking, make_slot, outsider):
    later = make_slot(minutes=60)
    with pytest.raises(Http404):
        get_move_target(outsider, booking, later.pk)
    foreign = SlotFactory(
        organisation=outsider.organisation, host=UserFactory(organisation=outsider.organisation)
    )
    with pytest.raises(Http404):
        get_move_target(outsider, booking, foreign.pk)


@pytest.mark.django_db
def test_an_unknown_slot_is_not_a_move_target(parent, booking):
    with pytest.raises(Http404):
        get_move_target(parent, booking, 987654)
