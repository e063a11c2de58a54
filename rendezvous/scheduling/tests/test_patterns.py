from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from rendezvous.scheduling.errors import PatternInvalid, PatternTooLarge
from rendezvous.scheduling.services import SlotPattern, expand_pattern

BERLIN = ZoneInfo("Europe/Berlin")


def local(spans, tz=BERLIN):
    return [
        (start.astimezone(tz).strftime("%a %d.%m. %H:%M"), end.astimezone(tz).strftime("%H:%M"))
        for start, end in spans
    ]


def test_a_window_is_cut_into_slots_stored_in_utc():
    pattern = SlotPattern(
        first_day=date(2025, 3, 10),
        window_start=time(16, 0),
        window_end=time(16, 30),
        slot_minutes=10,
    )
    spans = expand_pattern(pattern, BERLIN)
    assert spans[0] == (
        datetime(2025, 3, 10, 15, 0, tzinfo=UTC),
        datetime(2025, 3, 10, 15, 10, tzinfo=UTC),
    )
    assert local(spans) == [
        ("Mon 10.03. 16:00", "16:10"),
        ("Mon 10.03. 16:10", "16:20"),
        ("Mon 10.03. 16:20", "16:30"),
    ]


def test_a_slot_that_does_not_fit_the_window_is_left_out():
    pattern = SlotPattern(
        first_day=date(2025, 3, 10),
        window_start=time(16, 0),
        window_end=time(16, 25),
        slot_minutes=10,
    )
    assert len(expand_pattern(pattern, BERLIN)) == 2


def test_a_break_follows_every_n_slots():
    pattern = SlotPattern(
        first_day=date(2025, 3, 10),
        window_start=time(16, 0),
        window_end=time(17, 0),
        slot_minutes=10,
        break_every=2,
        break_minutes=5,
    )
    assert [s for s, _e in local(expand_pattern(pattern, BERLIN))] == [
        "Mon 10.03. 16:00",
        "Mon 10.03. 16:10",
        "Mon 10.03. 16:25",
        "Mon 10.03. 16:35",
        "Mon 10.03. 16:50",
    ]


def test_fixed_breaks_are_kept_free():
    pattern = SlotPattern(
        first_day=date(2025, 3, 10),
        window_start=time(16, 0),
        window_end=time(17, 0),
        slot_minutes=15,
        fixed_breaks=((time(16, 20), 20),),
    )
    # 16:15-16:30 would touch the 16:20-16:40 break, so the next slot starts when it ends.
    assert local(expand_pattern(pattern, BERLIN)) == [
        ("Mon 10.03. 16:00", "16:15"),
        ("Mon 10.03. 16:40", "16:55"),
    ]


def test_weekdays_and_excluded_dates_choose_the_days():
    pattern = SlotPattern(
        first_day=date(2025, 3, 10),  # Monday
        last_day=date(2025, 3, 23),
        weekdays=frozenset({0, 2}),  # Mondays and Wednesdays
        excluded_dates=frozenset({date(2025, 3, 12)}),
        window_start=time(16, 0),
        window_end=time(16, 10),
        slot_minutes=10,
    )
    days = [start for start, _end in local(expand_pattern(pattern, BERLIN))]
    assert days == ["Mon 10.03. 16:00", "Mon 17.03. 16:00", "Wed 19.03. 16:00"]


@pytest.mark.parametrize(
    ("first_day", "last_day"),
    [(date(2025, 3, 27), date(2025, 4, 1)), (date(2025, 10, 23), date(2025, 10, 28))],
    ids=["end of March", "end of October"],
)
def test_a_dst_week_keeps_local_wall_clock_times(first_day, last_day):
    pattern = SlotPattern(
        first_day=first_day,
        last_day=last_day,
        weekdays=frozenset({0, 1, 3}),  # Thursday before, Monday and Tuesday after the change
        window_start=time(16, 0),
        window_end=time(16, 20),
        slot_minutes=10,
    )
    spans = expand_pattern(pattern, BERLIN)
    assert {start.astimezone(BERLIN).time() for start, _end in spans} == {time(16), time(16, 10)}
    assert {(end - start).total_seconds() for start, end in spans} == {600}
    utc_hours = [start.hour for start, _end in spans if start.minute == 0]
    # One UTC hour before the change, the other after it: the wall clock did not move.
    assert len(set(utc_hours)) == 2


def test_local_times_the_clock_skips_are_left_out():
    pattern = SlotPattern(
        first_day=date(2025, 3, 30),  # 02:00 jumps to 03:00 in Berlin
        window_start=time(1, 0),
        window_end=time(3, 30),
        slot_minutes=30,
    )
    # 01:30 still exists: it lasts its half hour and ends at 03:00, right after the jump.
    assert local(expand_pattern(pattern, BERLIN)) == [
        ("Sun 30.03. 01:00", "01:30"),
        ("Sun 30.03. 01:30", "03:00"),
        ("Sun 30.03. 03:00", "03:30"),
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"window_end": time(15, 0)},
        {"slot_minutes": 0},
        {"last_day": date(2025, 3, 1)},
        {"capacity": 0},
        {"fixed_breaks": ((time(16, 0), 0),)},
    ],
)
def test_an_invalid_pattern_is_refused(changes):
    fields = {
        "first_day": date(2025, 3, 10),
        "window_start": time(16, 0),
        "window_end": time(17, 0),
        "slot_minutes": 10,
    }
    with pytest.raises(PatternInvalid):
        expand_pattern(SlotPattern(**{**fields, **changes}), BERLIN)


def test_a_huge_pattern_is_refused():
    pattern = SlotPattern(
        first_day=date(2025, 1, 1),
        last_day=date(2025, 12, 31),
        window_start=time(0, 0),
        window_end=time(23, 0),
        slot_minutes=5,
    )
    with pytest.raises(PatternTooLarge):
        expand_pattern(pattern, BERLIN)
