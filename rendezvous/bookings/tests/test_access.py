"""Permitted lookups of bookings.access that the views rely on."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.bookings.access import get_booking_for_user, get_move_target
from rendezvous.bookings.services import book_slot
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory


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


@pytest.mark.django_db
def test_the_other_parent_of_the_child_reads_but_never_changes_the_booking(
    booking, pupil, organisation
):
    co_parent = ParentFactory(organisation=organisation)
    GuardianshipFactory(pupil=pupil, parent=co_parent)

    assert get_booking_for_user(co_parent, booking.pk) == booking
    with pytest.raises(PermissionDenied):
        get_booking_for_user(co_parent, booking.pk, write=True)


@pytest.mark.django_db
def test_the_booker_and_the_teacher_may_change_the_booking(booking, parent, teacher, admin):
    for who in (parent, teacher, admin):
        assert get_booking_for_user(who, booking.pk, write=True) == booking


@pytest.mark.django_db
def test_a_former_parent_of_the_child_no_longer_sees_the_booking(booking, parent, pupil):
    pupil.guardianships.filter(parent=parent).delete()
    with pytest.raises(Http404):
        get_booking_for_user(parent, booking.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_parent", "other_teacher", "outsider"])
def test_others_get_404_on_the_booking(booking, request, who):
    with pytest.raises(Http404):
        get_booking_for_user(request.getfixturevalue(who), booking.pk)
