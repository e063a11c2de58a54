from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection

from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking
from rendezvous.bookings.services import slots as booked_slots
from rendezvous.lib.errors import NotAllowed
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling import errors, services
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus
from rendezvous.scheduling.services import SlotPattern, bulk
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.scheduling.tests.helpers import EVENING, NOW, at, fixed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(organisation):
    return fixed_event(organisation)


def make_slot(host, event, start, end, **extra):
    return services.create_slot(
        host=host, event=event, starts_at=at(EVENING, start), ends_at=at(EVENING, end), **extra
    )


def test_a_teacher_creates_a_slot(teacher, evening):
    slot = make_slot(teacher, evening, "16:00", "16:10", room="A 101")
    assert slot.organisation_id == teacher.organisation_id
    assert (slot.starts_at, slot.room, slot.status) == (at(EVENING, "16:00"), "A 101", "open")


def test_an_overlapping_slot_is_refused_and_the_clash_listed(teacher, evening):
    first = make_slot(teacher, evening, "16:00", "16:10")
    with pytest.raises(errors.SlotOverlap) as refused:
        make_slot(teacher, evening, "16:05", "16:15")
    assert refused.value.code == "slot_overlap"
    [clash] = refused.value.details["clashes"]
    assert clash["slot"] == first.pk
    assert datetime.fromisoformat(clash["starts_at"]) == at(EVENING, "16:00")
    assert datetime.fromisoformat(clash["ends_at"]) == at(EVENING, "16:10")
    assert "16:00–16:10" in str(refused.value.message)
    assert Slot.objects.count() == 1


def test_touching_slots_cancelled_slots_and_other_teachers_do_not_clash(
    teacher, other_teacher, evening
):
    make_slot(teacher, evening, "16:00", "16:10")
    make_slot(teacher, evening, "16:10", "16:20")
    make_slot(other_teacher, evening, "16:00", "16:10")
    cancelled = make_slot(teacher, evening, "17:00", "17:10")
    Slot.objects.filter(pk=cancelled.pk).update(status=SlotStatus.CANCELLED)
    make_slot(teacher, evening, "17:00", "17:10")
    assert Slot.objects.filter(host=teacher).exclude(status="cancelled").count() == 3


def test_find_overlaps_can_leave_out_the_slot_itself(teacher, evening):
    slot = make_slot(teacher, evening, "16:00", "16:10")
    start, end = at(EVENING, "15:55"), at(EVENING, "16:05")
    assert list(services.find_overlaps(teacher, start, end)) == [slot]
    assert list(services.find_overlaps(teacher, start, end, exclude=slot)) == []


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("16:10", "16:00", errors.SlotTimesInvalid),
        ("16:00", "16:00", errors.SlotTimesInvalid),
    ],
)
def test_an_end_not_after_the_start_is_refused(teacher, evening, start, end, error):
    with pytest.raises(error):
        make_slot(teacher, evening, start, end)
    assert not Slot.objects.exists()


def test_a_slot_outside_the_event_days_is_refused(teacher, evening):
    with pytest.raises(errors.SlotOutsideEvent):
        services.create_slot(
            host=teacher,
            event=evening,
            starts_at=at(EVENING + timedelta(days=1), "16:00"),
            ends_at=at(EVENING + timedelta(days=1), "16:10"),
        )
    assert not Slot.objects.exists()


def test_a_closed_event_takes_no_new_slots(teacher, organisation):
    closed = fixed_event(organisation, phase=Phase.CLOSED)
    with pytest.raises(errors.EventNotOpenForSlots):
        make_slot(teacher, closed, "16:00", "16:10")


def test_a_slot_in_another_organisations_event_is_refused(teacher):
    foreign = fixed_event(OrganisationFactory())
    with pytest.raises(NotAllowed):
        make_slot(teacher, foreign, "16:00", "16:10")


def test_a_parent_cannot_host_slots(parent, evening):
    with pytest.raises(NotAllowed):
        make_slot(parent, evening, "16:00", "16:10")


def test_an_edit_into_another_slot_is_refused(teacher, evening):
    make_slot(teacher, evening, "16:00", "16:10")
    second = make_slot(teacher, evening, "16:10", "16:20")
    with pytest.raises(errors.SlotOverlap) as refused:
        booked_slots.update_slot(
            slot=second,
            starts_at=at(EVENING, "16:05"),
            ends_at=at(EVENING, "16:15"),
            capacity=1,
            mode="on_site",
        )
    assert len(refused.value.details["clashes"]) == 1
    second.refresh_from_db()
    assert second.starts_at == at(EVENING, "16:10")


def test_an_edit_may_keep_its_own_time(teacher, evening):
    slot = make_slot(teacher, evening, "16:00", "16:10")
    booked_slots.update_slot(
        slot=slot,
        starts_at=slot.starts_at,
        ends_at=at(EVENING, "16:20"),
        capacity=3,
        mode="online",
        video_url="https://meet.example.org/x",
    )
    slot.refresh_from_db()
    assert (slot.ends_at, slot.capacity, slot.mode) == (at(EVENING, "16:20"), 3, "online")


def edit(slot, **changes):
    fields = {
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "capacity": slot.capacity,
        "mode": slot.mode,
        "room": slot.room,
    }
    return booked_slots.update_slot(slot=slot, **{**fields, **changes})


def test_capacity_cannot_drop_below_the_places_taken(parent, pupil, slot):
    Slot.objects.filter(pk=slot.pk).update(capacity=3)
    slot.refresh_from_db()
    book_slot(booker=parent, slot=slot, pupil=pupil, seats=2)
    slot.refresh_from_db()
    with pytest.raises(errors.CapacityBelowTaken):
        edit(slot, capacity=1)
    edit(slot, capacity=2)
    slot.refresh_from_db()
    assert slot.capacity == 2


def test_moving_a_booked_slot_tells_the_booker(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    edit(
        slot,
        starts_at=slot.starts_at + timedelta(minutes=5),
        ends_at=slot.ends_at + timedelta(minutes=5),
    )
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert OutgoingEmail.objects.filter(to=parent.email, template="booking_moved").count() == 1


def test_a_cancelled_slot_cannot_be_edited(teacher, evening):
    slot = make_slot(teacher, evening, "16:00", "16:10")
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.CANCELLED)
    with pytest.raises(errors.SlotCancelled):
        edit(slot, room="B 2")


def test_a_free_slot_is_deleted(slot):
    assert booked_slots.delete_slot(slot=slot) is True
    assert not Slot.objects.filter(pk=slot.pk).exists()


def test_a_booked_slot_is_cancelled_and_its_booker_mailed(
    mailoutbox, parent, pupil, teacher, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    assert booked_slots.delete_slot(slot=slot) is False
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.status, slot.seats_taken) == (SlotStatus.CANCELLED, 0)
    assert booking.status == BookingStatus.CANCELLED
    email = OutgoingEmail.objects.get(template="booking_cancelled")
    assert email.to == parent.email
    # The time is free again for a new slot.
    services.create_slot(
        host=teacher, event=slot.event, starts_at=slot.starts_at, ends_at=slot.ends_at
    )


def evening_pattern(**changes) -> SlotPattern:
    fields = {
        "first_day": EVENING,
        "window_start": time(16, 0),
        "window_end": time(17, 0),
        "slot_minutes": 10,
        "room": "B 12",
    }
    return SlotPattern(**{**fields, **changes})


def test_preview_splits_creatable_and_clashing_times(teacher, evening):
    existing = make_slot(teacher, evening, "16:25", "16:35")
    preview = services.preview_slots(host=teacher, event=evening, pattern=evening_pattern())
    assert [c.starts_at for c in preview.clashing] == [at(EVENING, "16:20"), at(EVENING, "16:30")]
    assert all(c.clashes == [existing] for c in preview.clashing)
    assert len(preview.creatable) == 4
    assert Slot.objects.count() == 1


def test_generate_creates_every_slot_of_the_pattern(teacher, evening):
    slots = services.generate_slots(
        host=teacher, event=evening, pattern=evening_pattern(break_every=3, break_minutes=10)
    )
    stored = Slot.objects.filter(host=teacher).order_by("starts_at")
    assert len(slots) == stored.count() == 5
    assert stored[3].starts_at == at(EVENING, "16:40")
    assert {s.room for s in stored} == {"B 12"}


def test_generate_with_a_clash_creates_nothing_and_lists_it(teacher, evening):
    existing = make_slot(teacher, evening, "16:25", "16:35")
    with pytest.raises(errors.SlotOverlap) as refused:
        services.generate_slots(host=teacher, event=evening, pattern=evening_pattern())
    assert [c["slot"] for c in refused.value.details["clashes"]] == [existing.pk]
    assert len(refused.value.details["candidates"]) == 2
    assert Slot.objects.count() == 1


def test_a_pattern_outside_the_event_days_is_refused(teacher, evening):
    pattern = evening_pattern(last_day=EVENING + timedelta(days=1))
    with pytest.raises(errors.SlotOutsideEvent):
        services.generate_slots(host=teacher, event=evening, pattern=pattern)
    assert not Slot.objects.exists()


def test_a_pattern_without_slots_is_refused(teacher, evening):
    pattern = evening_pattern(weekdays=frozenset({0}))  # the evening is a Thursday
    with pytest.raises(errors.PatternEmpty):
        services.generate_slots(host=teacher, event=evening, pattern=pattern)


def test_clashes_inside_a_pattern_are_marked(teacher, evening):
    preview = services.SlotPreview(creatable=[], clashing=[])
    candidates = [
        bulk.Candidate(at(EVENING, "16:00"), at(EVENING, "16:20")),
        bulk.Candidate(at(EVENING, "16:10"), at(EVENING, "16:30")),
        bulk.Candidate(at(EVENING, "16:30"), at(EVENING, "16:40")),
    ]
    bulk._mark_internal_clashes(candidates)
    assert [c.clashes_in_pattern for c in candidates] == [True, True, False]
    assert preview.existing_clashes == []


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"
)


@needs_postgres
def test_the_exclusion_constraint_is_reported_as_an_overlap(monkeypatch, teacher, evening):
    first = make_slot(teacher, evening, "16:00", "16:10")
    # As if a concurrent request had inserted `first` after our check ran.
    real = services.find_overlaps
    calls = []

    def blind_once(*args, **kwargs):
        calls.append(1)
        return Slot.objects.none() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services.slots, "find_overlaps", blind_once)
    with pytest.raises(errors.SlotOverlap) as refused:
        make_slot(teacher, evening, "16:05", "16:15")
    assert [c["slot"] for c in refused.value.details["clashes"]] == [first.pk]


@needs_postgres
def test_the_exclusion_constraint_guards_bulk_creation(monkeypatch, teacher, evening):
    make_slot(teacher, evening, "16:25", "16:35")
    real = services.find_overlaps
    calls = []

    def blind_once(*args, **kwargs):
        calls.append(1)
        return Slot.objects.none() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services.bulk, "find_overlaps", blind_once)
    with pytest.raises(errors.SlotOverlap):
        services.generate_slots(host=teacher, event=evening, pattern=evening_pattern())
    assert Slot.objects.count() == 1


def test_slot_factory_still_builds_rows(organisation):
    # Guard for the helpers above: the factory's event-less slots bypass the service.
    assert SlotFactory(organisation=organisation).event is None
    assert EventFactory(organisation=organisation).phase == Phase.OPEN


@pytest.fixture
def two_appointments(parent, pupil, teacher, other_teacher, school_class, slot):
    """The parent holds the teacher's 10:00 slot and other_teacher's 10:30 slot."""
    school_class.class_teachers.add(other_teacher)
    later = services.create_slot(
        host=other_teacher,
        event=slot.event,
        starts_at=at(EVENING, "10:30"),
        ends_at=at(EVENING, "10:40"),
    )
    book_slot(booker=parent, slot=slot, pupil=pupil)
    book_slot(booker=parent, slot=later, pupil=pupil)
    return slot, later


def test_a_booked_slot_cannot_move_onto_its_bookers_other_appointment(parent, two_appointments):
    slot, later = two_appointments
    with pytest.raises(errors.BookersNotFree) as refused:
        edit(slot, starts_at=at(EVENING, "10:25"), ends_at=at(EVENING, "10:35"))
    assert parent.full_name in str(refused.value.message)
    assert refused.value.details["bookers"] == [parent.pk]
    slot.refresh_from_db()
    assert slot.starts_at == at(EVENING, "10:00")
    assert not OutgoingEmail.objects.filter(template="booking_moved").exists()
    # Right up to the other appointment is fine.
    edit(slot, starts_at=at(EVENING, "10:20"), ends_at=later.starts_at)
    slot.refresh_from_db()
    assert slot.starts_at == at(EVENING, "10:20")


def test_a_slot_cannot_move_into_the_past(teacher, organisation):
    today = NOW.date()
    running = EventFactory(organisation=organisation, starts_on=today, ends_on=EVENING)
    slot = services.create_slot(
        host=teacher, event=running, starts_at=at(EVENING, "16:00"), ends_at=at(EVENING, "16:10")
    )
    with pytest.raises(errors.SlotStartInPast):
        edit(slot, starts_at=at(today, "08:00"), ends_at=at(today, "08:10"))
    slot.refresh_from_db()
    assert slot.starts_at == at(EVENING, "16:00")


def test_a_slot_without_event_cannot_move_into_the_past_either(teacher):
    slot = services.create_slot(
        host=teacher, event=None, starts_at=at(EVENING, "16:00"), ends_at=at(EVENING, "16:10")
    )
    yesterday = NOW.date() - timedelta(days=1)
    with pytest.raises(errors.SlotStartInPast):
        edit(slot, starts_at=at(yesterday, "16:00"), ends_at=at(yesterday, "16:10"))


def test_a_slot_that_has_begun_can_no_longer_be_edited(slot):
    with (
        time_machine.travel(slot.starts_at + timedelta(minutes=1), tick=False),
        pytest.raises(errors.SlotInPast),
    ):
        edit(slot, room="B 2")
    slot.refresh_from_db()
    assert slot.room == ""


@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.ARCHIVED])
def test_a_slot_of_a_closed_event_cannot_be_deleted(slot, phase):
    Event.objects.filter(pk=slot.event_id).update(phase=phase)
    with pytest.raises(errors.EventNotOpenForSlots) as refused:
        booked_slots.delete_slot(slot=slot)
    assert refused.value.message == errors.EventNotOpenForSlots.message
    assert Slot.objects.filter(pk=slot.pk, status=SlotStatus.OPEN).exists()


def test_a_slot_in_the_past_cannot_be_deleted(slot):
    with (
        time_machine.travel(slot.starts_at + timedelta(minutes=1), tick=False),
        pytest.raises(errors.SlotInPast),
    ):
        booked_slots.delete_slot(slot=slot)
    assert Slot.objects.filter(pk=slot.pk, status=SlotStatus.OPEN).exists()


@pytest.mark.parametrize("decision", ["cancel", "reject"])
def test_a_slot_with_past_bookings_is_cancelled_not_deleted(
    parent, pupil, teacher, slot, decision
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    if decision == "cancel":
        cancel_booking(booking=booking, actor=parent)
    else:
        decide_booking(booking=booking, confirm=False)
    mails = OutgoingEmail.objects.count()
    assert booked_slots.delete_slot(slot=slot) is False
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CANCELLED
    assert Booking.objects.filter(pk=booking.pk, slot=slot).exists()
    assert OutgoingEmail.objects.count() == mails


def test_deleting_a_cancelled_slot_with_history_keeps_it(parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    booked_slots.delete_slot(slot=slot)
    assert booked_slots.delete_slot(slot=slot) is False
    assert Slot.objects.filter(pk=slot.pk, status=SlotStatus.CANCELLED).exists()
    assert OutgoingEmail.objects.filter(template="booking_cancelled").count() == 1


def test_a_new_slot_cannot_start_in_the_past(teacher, evening):
    with (
        time_machine.travel(at(EVENING, "16:30"), tick=False),
        pytest.raises(errors.SlotStartInPast),
    ):
        services.create_slot(
            host=teacher,
            event=evening,
            starts_at=at(EVENING, "16:00"),
            ends_at=at(EVENING, "16:10"),
        )
    assert not Slot.objects.exists()


def test_a_pattern_reaching_into_the_past_creates_nothing(teacher, evening):
    with (
        time_machine.travel(at(EVENING, "16:30"), tick=False),
        pytest.raises(errors.SlotStartInPast),
    ):
        services.generate_slots(host=teacher, event=evening, pattern=evening_pattern())
    assert not Slot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x"]
)
def test_a_video_link_that_is_no_web_address_is_refused(teacher, link):
    with pytest.raises(errors.VideoLinkInvalid):
        services.create_slot(
            host=teacher,
            event=None,
            starts_at=at(EVENING, "16:00"),
            ends_at=at(EVENING, "16:10"),
            mode="online",
            video_url=link,
        )
    assert not Slot.objects.exists()
