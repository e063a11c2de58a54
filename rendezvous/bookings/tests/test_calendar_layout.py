"""Where blocks sit on the calendar's time axis: pure arithmetic, no database."""

from datetime import datetime
from zoneinfo import ZoneInfo

from rendezvous.bookings.selectors.calendar_layout import (
    THREE_LINES,
    AxisRow,
    build_axis,
    wall_span,
)

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args, fold=0):
    return datetime(*args, tzinfo=BERLIN, fold=fold)


def test_an_empty_calendar_shows_the_working_day_hour_by_hour():
    axis = build_axis([])
    assert [row.start for row in axis.rows] == list(range(8, 18))
    assert not any(row.is_gap for row in axis.rows)


def test_the_axis_widens_to_early_and_late_slots():
    axis = build_axis([(7 * 60 + 30, 8 * 60), (19 * 60 + 50, 20 * 60 + 10)])
    assert axis.rows[0].start == 7
    assert axis.rows[-1].end == 21


def test_long_empty_stretches_fold_into_one_band_and_single_hours_stay():
    axis = build_axis([(8 * 60, 8 * 60 + 10), (10 * 60, 10 * 60 + 10), (16 * 60, 16 * 60 + 10)])
    assert [(row.start, row.end, row.is_gap) for row in axis.rows] == [
        (8, 9, False),
        (9, 10, False),  # one empty hour is drawn as it is
        (10, 11, False),
        (11, 16, True),
        (16, 17, False),
        (17, 18, False),
    ]


def test_a_block_is_placed_after_the_hours_and_bands_before_it():
    axis = build_axis([(8 * 60, 8 * 60 + 10), (16 * 60 + 10, 16 * 60 + 20)])
    # 08:00 row, then 09:00–16:00 folded, then 16:00: one hour and one band before 16:10.
    assert axis.place(16 * 60 + 10, 16 * 60 + 20).split() == [
        "cal-h1",
        "cal-g1",
        "cal-m10",
        "cal-lh0",
        "cal-lm10",
    ]


def test_the_scale_gives_the_shortest_slot_room_for_its_lines():
    assert build_axis([(16 * 60, 16 * 60 + 10)]).scale == 4  # 40 px for two lines
    assert build_axis([(16 * 60, 16 * 60 + 10)], THREE_LINES).scale == 6
    assert build_axis([(16 * 60, 16 * 60 + 5)], THREE_LINES).scale == 8  # the largest
    assert build_axis([(9 * 60, 10 * 60)]).scale == 1


def test_a_slot_in_the_repeated_hour_of_the_autumn_change_keeps_its_wall_clock_place():
    # On 27 October 2030 the clocks go back from 03:00 to 02:00: 02:30 happens twice.
    first = wall_span(local(2030, 10, 27, 2, 30), local(2030, 10, 27, 2, 40))
    second = wall_span(local(2030, 10, 27, 2, 30, fold=1), local(2030, 10, 27, 2, 40, fold=1))
    assert first == second == (150, 160)
    assert build_axis([second]).place(*second).split()[2] == "cal-m30"
    assert build_axis([second]).rows[0] == AxisRow(2, 3)


def test_a_slot_across_the_autumn_change_keeps_its_real_length():
    # 02:50 summer time to 02:10 winter time: twenty minutes, though the clock reads back.
    assert wall_span(local(2030, 10, 27, 2, 50), local(2030, 10, 27, 2, 10, fold=1)) == (170, 190)


def test_a_slot_after_the_spring_change_sits_at_its_wall_clock_hour():
    # On 31 March 2030 the clocks jump from 02:00 to 03:00: a slot at 03:15 is drawn at 03:15.
    assert wall_span(local(2030, 3, 31, 3, 15), local(2030, 3, 31, 3, 25)) == (195, 205)


def test_a_slot_running_past_midnight_is_cut_at_the_end_of_its_day():
    start, end = wall_span(local(2030, 3, 14, 23, 30), local(2030, 3, 15, 0, 30))
    assert (start, end) == (23 * 60 + 30, 24 * 60)
    assert build_axis([(start, end)]).rows[-1].end == 24
