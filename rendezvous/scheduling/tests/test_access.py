import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.scheduling.access import get_event_for_user, get_slot_for_user
from rendezvous.scheduling.models import Event, Phase
from rendezvous.scheduling.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_office_may_change_its_events(admin, event):
    assert get_event_for_user(admin, event.pk, write=True) == event


def test_teachers_read_their_organisations_events(teacher, event):
    assert get_event_for_user(teacher, event.pk) == event
    with pytest.raises(PermissionDenied):
        get_event_for_user(teacher, event.pk, write=True)


def test_a_parent_sees_an_open_event_of_a_childs_class(parent, pupil, event):
    assert get_event_for_user(parent, event.pk) == event
    with pytest.raises(PermissionDenied):
        get_event_for_user(parent, event.pk, write=True)


def test_a_parent_does_not_see_a_draft_event(parent, pupil, event):
    Event.objects.filter(pk=event.pk).update(phase=Phase.DRAFT)
    with pytest.raises(Http404):
        get_event_for_user(parent, event.pk)


def test_a_parent_does_not_see_events_of_other_classes(parent, pupil, organisation):
    other = EventFactory(organisation=organisation)
    with pytest.raises(Http404):
        get_event_for_user(parent, other.pk)


@pytest.mark.parametrize("who", ["outsider", "other_parent"])
def test_others_get_404_on_the_event(request, event, who):
    with pytest.raises(Http404):
        get_event_for_user(request.getfixturevalue(who), event.pk)


def test_a_student_gets_404_on_the_event(organisation, event):
    student = UserFactory(organisation=organisation, role=Role.STUDENT)
    with pytest.raises(Http404):
        get_event_for_user(student, event.pk)


def test_a_teacher_gets_their_own_slot(teacher, slot):
    assert get_slot_for_user(teacher, slot.pk, write=True) == slot


def test_the_office_gets_any_slot_of_its_organisation(admin, slot):
    assert get_slot_for_user(admin, slot.pk, write=True) == slot


@pytest.mark.parametrize("who", ["other_teacher", "outsider", "parent"])
def test_others_get_404_on_the_slot(request, slot, who):
    with pytest.raises(Http404):
        get_slot_for_user(request.getfixturevalue(who), slot.pk)


def test_a_parent_reads_but_never_changes_a_slot_of_their_childs_teacher(parent, pupil, slot):
    assert get_slot_for_user(parent, slot.pk) == slot
    with pytest.raises(PermissionDenied):
        get_slot_for_user(parent, slot.pk, write=True)


def test_a_parent_does_not_see_slots_of_a_draft_evening(parent, pupil, slot, event):
    Event.objects.filter(pk=event.pk).update(phase=Phase.DRAFT)
    with pytest.raises(Http404):
        get_slot_for_user(parent, slot.pk)
