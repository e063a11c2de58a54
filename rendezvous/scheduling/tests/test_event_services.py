from datetime import timedelta

import pytest

from rendezvous.bookings.services import book_slot
from rendezvous.lib.errors import NotAllowed
from rendezvous.scheduling import errors, services
from rendezvous.scheduling.models import Event, Phase
from rendezvous.scheduling.tests.helpers import EVENING, at, fixed_event
from rendezvous.school.tests.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db


def fields(**changes):
    data = {
        "name": "Elternsprechtag",
        "starts_on": EVENING,
        "ends_on": EVENING,
        "booking_opens_at": at(EVENING - timedelta(days=14), "08:00"),
        "booking_closes_at": at(EVENING - timedelta(days=1), "12:00"),
    }
    return {**data, **changes}


def test_the_office_creates_a_draft_event_with_classes(organisation, school_class):
    event = services.create_event(
        organisation=organisation, classes=[school_class], auto_confirm=True, **fields()
    )
    assert event.phase == Phase.DRAFT
    assert list(event.classes.all()) == [school_class]
    assert event.auto_confirm and event.default_slot_minutes == 10


@pytest.mark.parametrize(
    "changes",
    [
        {"ends_on": EVENING - timedelta(days=1)},
        {"booking_closes_at": at(EVENING - timedelta(days=14), "08:00")},
        {"default_slot_minutes": 0},
    ],
    ids=["last day before first", "window closes before it opens", "no slot length"],
)
def test_inconsistent_events_are_refused(organisation, changes):
    with pytest.raises(errors.EventInvalid):
        services.create_event(organisation=organisation, **fields(**changes))
    assert not Event.objects.exists()


def test_classes_of_another_organisation_are_refused(organisation):
    with pytest.raises(NotAllowed):
        services.create_event(
            organisation=organisation, classes=[SchoolClassFactory()], **fields()
        )
    assert not Event.objects.exists()


def test_an_event_is_updated(organisation, school_class):
    event = fixed_event(organisation)
    services.update_event(
        event=event,
        classes=[school_class],
        **fields(name="Spring", ends_on=EVENING + timedelta(days=1)),
    )
    event.refresh_from_db()
    assert (event.name, event.ends_on) == ("Spring", EVENING + timedelta(days=1))
    assert list(event.classes.all()) == [school_class]


def test_an_event_cannot_shrink_past_its_slots(organisation, teacher):
    event = fixed_event(organisation, days=2)
    services.create_slot(
        host=teacher,
        event=event,
        starts_at=at(EVENING + timedelta(days=1), "16:00"),
        ends_at=at(EVENING + timedelta(days=1), "16:10"),
    )
    with pytest.raises(errors.EventSlotsOutside):
        services.update_event(event=event, **fields())
    event.refresh_from_db()
    assert event.ends_on == EVENING + timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Phase.DRAFT, Phase.OPEN),
        (Phase.OPEN, Phase.CLOSED),
        (Phase.CLOSED, Phase.ARCHIVED),
        (Phase.OPEN, Phase.DRAFT),
    ],
)
def test_an_event_moves_through_its_phases(organisation, start, target):
    event = fixed_event(organisation, phase=start)
    assert services.set_event_phase(event=event, phase=target).phase == target
    event.refresh_from_db()
    assert event.phase == target


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Phase.DRAFT, Phase.CLOSED),
        (Phase.DRAFT, Phase.ARCHIVED),
        (Phase.CLOSED, Phase.OPEN),
        (Phase.ARCHIVED, Phase.DRAFT),
    ],
)
def test_other_phase_jumps_are_refused(organisation, start, target):
    event = fixed_event(organisation, phase=start)
    with pytest.raises(errors.PhaseChangeRefused) as refused:
        services.set_event_phase(event=event, phase=target)
    assert "draft to open" in str(refused.value.message)
    event.refresh_from_db()
    assert event.phase == start


def test_an_event_with_bookings_cannot_go_back_to_draft(parent, pupil, event, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(errors.PhaseChangeRefused) as refused:
        services.set_event_phase(event=event, phase=Phase.DRAFT)
    assert "already has bookings" in str(refused.value.message)
    event.refresh_from_db()
    assert event.phase == Phase.OPEN
