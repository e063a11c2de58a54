"""Helpers for booking tests: more slots, a subject teacher, a second child."""

from datetime import timedelta

import pytest

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory


@pytest.fixture
def make_slot(organisation, teacher, event, slot):
    """make_slot(minutes=30) is the teacher's slot starting 30 minutes after `slot`."""

    def make(*, host=None, minutes=None, starts_at=None, **fields):
        if starts_at is None and minutes is not None:
            starts_at = slot.starts_at + timedelta(minutes=minutes)
        if starts_at is not None:
            fields["starts_at"] = starts_at
            fields.setdefault("ends_at", starts_at + timedelta(minutes=10))
        return SlotFactory(organisation=organisation, host=host or teacher, event=event, **fields)

    return make


@pytest.fixture
def subject_teacher(other_teacher, school_class):
    """other_teacher teaches a subject in the pupil's class."""
    school_class.subject_teachers.add(other_teacher)
    return other_teacher


@pytest.fixture
def second_child(organisation, school_class, parent):
    child = PupilFactory(organisation=organisation, school_class=school_class)
    GuardianshipFactory(pupil=child, parent=parent)
    return child


@pytest.fixture
def co_parent(organisation, pupil):
    """The pupil's other parent, with an account of their own."""
    other = ParentFactory(organisation=organisation, email="co.parent@example.org")
    GuardianshipFactory(pupil=pupil, parent=other)
    return other
