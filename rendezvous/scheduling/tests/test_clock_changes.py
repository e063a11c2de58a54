"""Days on which the clocks change: a slot lasts what the teacher asked for, nothing overlaps,
and the preview of a pattern says what the change did to its slots."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.models import Phase, Slot
from rendezvous.scheduling.patterns import SlotPattern, expand, expand_pattern
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.scheduling.tests.helpers import BERLIN

SPRING = date(2026, 3, 29)  # a Sunday: at 02:00 Berlin's clocks jump to 03:00
AUTUMN = date(2026, 10, 25)  # a Sunday: at 03:00 Berlin's clocks go back to 02:00
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # before both, so every slot is in the future


@pytest.fixture(autouse=True)
def frozen():
    """Replaces the package's fixed moment, which lies after the 2026 clock changes."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def year(organisation, school_class):
    """An open event over both clock changes, bookable from now until the autumn."""
    event = EventFactory(
        organisation=organisation,
        starts_on=SPRING - timedelta(days=7),
        ends_on=AUTUMN + timedelta(days=7),
        booking_opens_at=NOW - timedelta(days=1),
        booking_closes_at=datetime(2026, 10, 20, tzinfo=UTC),
        phase=Phase.OPEN,
    )
    event.classes.add(school_class)
    return event


def wall(spans):
    """Local (start, end) of each span as the clock in Berlin shows them."""
    return [
        (start.astimezone(BERLIN).strftime("%H:%M"), end.astimezone(BERLIN).strftime("%H:%M"))
        for start, end in spans
    ]


def lengths(spans):
    return {end - start for start, end in spans}


def assert_no_overlaps(spans):
    ordered = sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ordered))


def night(day, start, end, minutes, **fields):
    return SlotPattern(
        first_day=day,
        window_start=time.fromisoformat(start),
        window_end=time.fromisoformat(end),
        slot_minutes=minutes,
        **fields,
    )


def slot_form(event, day, start, end):
    return {
        "event": event.pk,
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "capacity": "1",
        "mode": "on_site",
        "room": "A 101",
        "video_url": "",
    }


def pattern_form(event, day, start, end, minutes):
    return {
        "event": event.pk,
        "first_day": day.isoformat(),
        "last_day": "",
        "weekdays": [str(day.weekday())],
        "window_start": start,
        "window_end": end,
        "slot_minutes": str(minutes),
        "break_every": "",
        "break_minutes": "",
        "fixed_breaks": "",
        "excluded_dates": "",
        "capacity": "1",
        "mode": "on_site",
        "room": "B 12",
        "video_url": "",
    }


@pytest.mark.django_db
def test_a_half_hour_slot_in_the_repeated_hour_lasts_half_an_hour_in_the_invitation(
    client, teacher, parent, pupil, year
):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-create"), slot_form(year, AUTUMN, "02:30", "03:00"))
    assert r.status_code == 302
    slot = Slot.objects.get(host=teacher)
    # The first 02:30 of the night, still summer time.
    assert slot.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=30)

    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round

    mail = OutgoingEmail.objects.get(template="booking_received")
    (event,) = icalendar.Calendar.from_ical(mail.ics).walk("VEVENT")
    assert event.decoded("DTSTART") == slot.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)


@pytest.mark.django_db
def test_a_slot_ending_at_the_spring_jump_keeps_its_length(client, teacher, year):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-create"), slot_form(year, SPRING, "01:30", "02:00"))
    assert r.status_code == 302
    slot = Slot.objects.get(host=teacher)
    assert wall([(slot.starts_at, slot.ends_at)]) == [("01:30", "03:00")]
    assert slot.ends_at - slot.starts_at == timedelta(minutes=30)


@pytest.mark.django_db
def test_a_slot_starting_in_the_skipped_hour_is_refused_on_the_form(client, teacher, year):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-create"), slot_form(year, SPRING, "02:30", "03:00"))
    assert r.status_code == 200
    assert "This time does not exist on that day (clock change)." in r.content.decode()
    assert not Slot.objects.exists()


@pytest.mark.parametrize("minutes", [10, 20, 30, 45, 60, 90])
def test_every_slot_of_the_autumn_night_lasts_the_slot_length(minutes):
    spans = expand_pattern(night(AUTUMN, "00:00", "05:00", minutes), BERLIN)
    assert lengths(spans) == {timedelta(minutes=minutes)}
    assert_no_overlaps(spans)


def test_the_repeated_hour_is_filled_once_in_its_first_pass():
    spans = expand_pattern(night(AUTUMN, "01:00", "04:00", 30), BERLIN)
    # 02:30 summer time plus half an hour is 02:00 winter time; the second 02:00-03:00 stays free.
    assert wall(spans) == [
        ("01:00", "01:30"),
        ("01:30", "02:00"),
        ("02:00", "02:30"),
        ("02:30", "02:00"),
        ("03:00", "03:30"),
        ("03:30", "04:00"),
    ]


def test_a_window_ending_at_the_spring_jump_keeps_its_last_slot():
    spans = expand_pattern(night(SPRING, "01:00", "02:00", 30), BERLIN)
    assert wall(spans) == [("01:00", "01:30"), ("01:30", "03:00")]
    assert lengths(spans) == {timedelta(minutes=30)}
    assert spans[-1][1] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_slots_starting_in_the_skipped_hour_are_left_out_and_counted():
    expansion = expand(night(SPRING, "01:00", "04:00", 30), BERLIN)
    assert wall(expansion.spans) == [
        ("01:00", "01:30"),
        ("01:30", "03:00"),
        ("03:00", "03:30"),
        ("03:30", "04:00"),
    ]
    (change,) = expansion.clock_changes
    assert (change.day, change.forward, change.left_out) == (SPRING, True, 2)


def test_a_slot_running_across_the_spring_jump_leaves_out_the_one_it_would_overlap():
    expansion = expand(night(SPRING, "01:10", "05:00", 40), BERLIN)
    # 01:50 plus 40 minutes is 03:30 once the clock has jumped, so 03:10 cannot start; 02:30
    # does not exist.
    assert wall(expansion.spans) == [("01:10", "01:50"), ("01:50", "03:30"), ("03:50", "04:30")]
    assert lengths(expansion.spans) == {timedelta(minutes=40)}
    assert expansion.clock_changes[0].left_out == 2


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (SPRING, "16:00", "18:00"),
        (SPRING, "01:00", "02:00"),
        (AUTUMN, "03:00", "04:00"),
        (date(2026, 5, 3), "02:00", "03:00"),
    ],
    ids=["spring afternoon", "spring up to the jump", "autumn after the hour", "ordinary night"],
)
def test_only_a_window_that_meets_the_change_gets_a_note(day, start, end):
    assert expand(night(day, start, end, 30), BERLIN).clock_changes == []


def test_a_week_across_the_change_gets_one_note_for_the_change_day():
    pattern = night(SPRING - timedelta(days=3), "01:00", "04:00", 30, last_day=SPRING)
    assert [c.day for c in expand(pattern, BERLIN).clock_changes] == [SPRING]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "note", "times"),
    [
        (
            SPRING,
            "On Sunday, 29 March 2026 the clocks go forward from 02:00 to 03:00, "
            "so 2 slots were left out.",
            ["01:30–03:00", "03:00–03:30"],
        ),
        (
            AUTUMN,
            "On Sunday, 25 October 2026 the clocks go back from 03:00 to 02:00: the slots "
            "between 02:00 and 03:00 are in the first of the two hours.",
            ["02:30–02:00", "03:00–03:30"],
        ),
    ],
    ids=["spring", "autumn"],
)
def test_the_preview_says_what_the_clock_change_did(client, teacher, year, day, note, times):
    client.force_login(teacher)
    r = client.post(
        reverse("scheduling:slot-generate"), pattern_form(year, day, "01:00", "04:00", 30)
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert note in page
    assert all(t in page for t in times)
    assert not Slot.objects.exists()


@pytest.mark.django_db
def test_the_note_gives_the_day_in_the_teachers_language(client, teacher, year):
    teacher.language = "de"
    teacher.save(update_fields=["language"])
    client.force_login(teacher)
    r = client.post(
        reverse("scheduling:slot-generate"), pattern_form(year, SPRING, "01:00", "04:00", 30)
    )
    assert "Sonntag, 29. März 2026" in r.content.decode()


@pytest.mark.django_db
def test_the_preview_of_an_ordinary_day_has_no_clock_change_note(client, teacher, year):
    client.force_login(teacher)
    r = client.post(
        reverse("scheduling:slot-generate"), pattern_form(year, SPRING, "16:00", "18:00", 30)
    )
    assert r.status_code == 200
    assert "the clocks go" not in r.content.decode()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    change=st.sampled_from([SPRING, AUTUMN]),
    days_before=st.integers(0, 3),
    days_after=st.integers(0, 3),
    start=st.integers(0, 5 * 12).map(lambda n: n * 5),
    window=st.integers(5, 6 * 60),
    minutes=st.integers(5, 120),
    break_every=st.integers(0, 3),
    break_minutes=st.integers(0, 30),
)
def test_around_a_clock_change_every_slot_lasts_its_length_and_none_overlap(
    change, days_before, days_after, start, window, minutes, break_every, break_minutes
):
    window_end = min(start + window, 23 * 60 + 59)
    pattern = SlotPattern(
        first_day=change - timedelta(days=days_before),
        last_day=change + timedelta(days=days_after),
        window_start=time(start // 60, start % 60),
        window_end=time(window_end // 60, window_end % 60),
        slot_minutes=minutes,
        break_every=break_every,
        break_minutes=break_minutes,
    )
    spans = expand_pattern(pattern, BERLIN)
    assert lengths(spans) <= {timedelta(minutes=minutes)}
    assert_no_overlaps(spans)
    # Every slot starts inside the daily window, and never in the second pass of the hour the
    # clock shows twice.
    for starts_at, _ends_at in spans:
        local = starts_at.astimezone(BERLIN)
        assert pattern.window_start <= local.time() < pattern.window_end
        assert local.fold == 0
