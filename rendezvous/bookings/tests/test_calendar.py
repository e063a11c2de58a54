"""The teacher's calendar: day, week and month, blocks by status, true local times across the
clock changes, navigation, answering requests, and a fixed number of queries."""

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.services import book_slot, decide_booking
from rendezvous.bookings.templatetags.booking_tags import long_date
from rendezvous.bookings.tests.calendar_html import agenda_items, blocks, elements
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.scheduling.models import SlotStatus
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.scheduling.tests.helpers import BERLIN, EVENING, at

pytestmark = pytest.mark.django_db

AUTUMN_CHANGE = date(2030, 10, 27)  # a Sunday: at 03:00 summer time the clocks go back to 02:00
SPRING_CHANGE = date(2030, 3, 31)  # a Sunday: at 02:00 the clocks jump to 03:00


def calendar(view: str, day: date) -> str:
    query = urlencode({"view": view, "date": day.isoformat()})
    return f"{reverse('bookings:teacher-calendar')}?{query}"


def slot_at(teacher, starts, minutes=10, **fields):
    return SlotFactory(
        organisation=teacher.organisation,
        host=teacher,
        starts_at=starts,
        # In UTC: a local time plus ten minutes would forget which 02:30 of the autumn night.
        ends_at=starts.astimezone(UTC) + timedelta(minutes=minutes),
        **fields,
    )


def times_of(block) -> list[tuple[str, str]]:
    return [(when, text) for when, text in block.times if text]


def test_the_week_shows_a_booked_slot_as_a_block_with_time_status_and_child(
    client, teacher, parent, pupil, event
):
    slot = slot_at(teacher, at(EVENING, "16:10"), event=event, room="A 101")
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)
    r = client.get(calendar("week", EVENING))
    [block] = blocks(r)
    assert "is-pending" in block.classes
    assert times_of(block) == [
        ("2030-03-14T16:10:00+01:00", "16:10"),
        ("2030-03-14T16:20:00+01:00", "16:20"),
    ]
    assert "Pending" in block.text
    assert f"{pupil} (7a)" in block.text and parent.full_name in block.text
    assert "A 101" in block.text
    assert reverse("bookings:slot-edit", args=[slot.pk]) in block.links
    assert reverse("bookings:slot-delete", args=[slot.pk]) in block.links
    decide = reverse("bookings:booking-decide", args=[booking.pk])
    assert f'action="{decide}"' in r.content.decode()


def test_each_state_of_a_slot_has_its_word_and_class(
    client, teacher, parent, pupil, other_parent, other_pupil, event
):
    free = slot_at(teacher, at(EVENING, "16:00"), event=event)
    pending = slot_at(teacher, at(EVENING, "16:10"), event=event)
    confirmed = slot_at(teacher, at(EVENING, "16:20"), event=event, capacity=2)
    slot_at(teacher, at(EVENING, "16:30"), event=event, status=SlotStatus.TENTATIVE)
    slot_at(teacher, at(EVENING, "16:40"), event=event, status=SlotStatus.CANCELLED)
    book_slot(booker=parent, slot=pending, pupil=pupil)
    other = book_slot(booker=other_parent, slot=confirmed, pupil=other_pupil)
    decide_booking(booking=other, confirm=True, actor=teacher)
    client.force_login(teacher)
    found = blocks(client.get(calendar("day", EVENING)))
    states = [
        (
            {"free", "pending", "confirmed", "tentative", "cancelled"}
            & {name.removeprefix("is-") for name in block.classes}
        ).pop()
        for block in found
    ]
    words = [block.text.split()[1] for block in found]
    assert states == ["free", "pending", "confirmed", "tentative", "cancelled"]
    assert words == ["Free", "Pending", "Confirmed", "Tentative", "Cancelled"]
    assert free.pk  # the free slot still offers its links
    assert reverse("bookings:slot-edit", args=[free.pk]) in found[0].links
    assert not found[4].links  # a cancelled slot can be neither edited nor deleted
    assert "1 of 2 places taken" in found[2].text


def test_a_slot_at_0230_on_the_autumn_change_day_shows_at_its_true_local_time(client, teacher):
    summer = slot_at(teacher, datetime(2030, 10, 27, 2, 30, tzinfo=BERLIN))
    winter = slot_at(teacher, datetime(2030, 10, 27, 2, 30, fold=1, tzinfo=BERLIN))
    assert winter.starts_at.astimezone(UTC) - summer.starts_at.astimezone(UTC) == timedelta(
        hours=1
    )
    client.force_login(teacher)
    r = client.get(calendar("day", AUTUMN_CHANGE))
    first, second = blocks(r)
    assert times_of(first)[0] == ("2030-10-27T02:30:00+02:00", "02:30")
    assert times_of(second)[0] == ("2030-10-27T02:30:00+01:00", "02:30")
    # Both sit at 02:30 on the axis, which starts at 02:00 for them.
    assert r.context["grid"].axis.rows[0].start == 2
    for block in (first, second):
        assert {"cal-h0", "cal-g0", "cal-m30", "cal-lh0", "cal-lm10"} <= block.classes
    assert [item.times[0][1] for item in agenda_items(r)] == ["02:30", "02:30"]


def test_slots_at_ten_before_and_after_the_autumn_change_share_their_row(client, teacher):
    before = slot_at(teacher, at(date(2030, 10, 24), "10:00"))  # Thursday, summer time
    after = slot_at(teacher, at(AUTUMN_CHANGE, "10:00"))  # Sunday, winter time
    client.force_login(teacher)
    r = client.get(calendar("week", AUTUMN_CHANGE))
    first, second = blocks(r)
    assert times_of(first)[0] == ("2030-10-24T10:00:00+02:00", "10:00")
    assert times_of(second)[0] == ("2030-10-27T10:00:00+01:00", "10:00")
    placement = {name for name in first.classes if name.startswith("cal-")}
    assert placement == {name for name in second.classes if name.startswith("cal-")}
    assert before.pk != after.pk


def test_a_slot_after_the_spring_change_shows_at_its_true_local_time(client, teacher):
    slot_at(teacher, datetime(2030, 3, 31, 3, 15, tzinfo=BERLIN))
    client.force_login(teacher)
    r = client.get(calendar("day", SPRING_CHANGE))
    [block] = blocks(r)
    assert times_of(block)[0] == ("2030-03-31T03:15:00+02:00", "03:15")
    assert {"cal-m15", "cal-h0"} <= block.classes
    assert r.context["grid"].axis.rows[0].start == 3


def test_the_month_shows_each_days_figures_and_links_to_the_day(
    client, teacher, parent, pupil, other_pupil, other_parent, event
):
    slot_at(teacher, at(EVENING, "16:00"), event=event)
    pending = slot_at(teacher, at(EVENING, "16:10"), event=event)
    confirmed = slot_at(teacher, at(EVENING, "16:20"), event=event)
    slot_at(teacher, at(EVENING + timedelta(days=1), "16:00"), status=SlotStatus.CANCELLED)
    book_slot(booker=parent, slot=pending, pupil=pupil)
    decide_booking(
        booking=book_slot(booker=other_parent, slot=confirmed, pupil=other_pupil),
        confirm=True,
        actor=teacher,
    )
    client.force_login(teacher)
    r = client.get(calendar("month", EVENING))
    days = elements(r.content.decode(), "cal-month-day")
    assert len(days) == 35  # 25 February to 31 March 2030, Monday to Sunday
    [thursday] = [day for day in days if calendar("day", EVENING).replace("&", "&") in day.links]
    assert "3 slots" in thursday.text and "2 booked" in thursday.text
    assert "1 to confirm" in thursday.text and "1 free" in thursday.text
    friday = days[days.index(thursday) + 1]
    assert "No slots." in friday.text  # a cancelled slot is no slot
    assert "is-outside" in days[0].classes and "is-outside" not in thursday.classes


def test_today_is_marked_in_the_week_and_the_month(client, teacher):
    with time_machine.travel(datetime(2030, 3, 14, 9, 0, tzinfo=BERLIN), tick=False):
        client.force_login(teacher)  # a session from today's date would have expired by then
        week = client.get(calendar("week", EVENING)).content.decode()
        month = client.get(calendar("month", EVENING)).content.decode()
    columns = elements(week, "cal-col")
    assert ["is-today" in column.classes for column in columns] == [False] * 3 + [True] + [
        False
    ] * 3
    [today] = [day for day in elements(month, "cal-month-day") if "is-today" in day.classes]
    assert f"{long_date(EVENING)} Today" in today.text
    assert 'aria-current="date"' in month


@pytest.mark.parametrize(
    ("view", "day", "previous", "following"),
    [
        ("day", date(2030, 3, 1), date(2030, 2, 28), date(2030, 3, 2)),
        ("week", date(2030, 3, 14), date(2030, 3, 7), date(2030, 3, 21)),
        ("month", date(2030, 1, 31), date(2029, 12, 1), date(2030, 2, 1)),
    ],
)
def test_previous_and_next_move_by_the_view(client, teacher, view, day, previous, following):
    client.force_login(teacher)
    r = client.get(calendar(view, day))
    assert r.context["previous_url"] == calendar(view, previous)
    assert r.context["next_url"] == calendar(view, following)
    links = dict((name, url) for name, _label, url in r.context["view_links"])
    assert links == {name: calendar(name, day) for name in ("day", "week", "month")}


def test_the_date_picker_works_without_javascript(client, teacher):
    client.force_login(teacher)
    page = client.get(calendar("month", EVENING)).content.decode()
    form = page[page.index('<form method="get" class="cal-jump">') :]
    form = form[: form.index("</form>")]
    assert 'type="date" id="calendar-date" name="date" value="2030-03-14"' in form
    assert '<input type="hidden" name="view" value="month">' in form
    assert '<label for="calendar-date">' in form


def test_requests_waiting_are_listed_and_answered_from_the_calendar(
    client, teacher, parent, pupil, event
):
    slot = slot_at(teacher, at(EVENING, "16:10"), event=event)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)
    url = calendar("week", EVENING)
    r = client.get(url)
    assert [pair[1] for pair in r.context["grid"].requests] == [booking]
    requests = elements(r.content.decode(), "cal-requests")[0]
    assert f"{pupil} (7a)" in requests.text and "Confirm" in requests.text
    answer = client.post(
        reverse("bookings:booking-decide", args=[booking.pk]),
        {"decision": "confirm", "next": r.context["here"]},
    )
    assert answer.status_code == 302 and answer.url == url
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not client.get(url).context["grid"].requests


def test_the_agenda_lists_the_same_slots_as_the_grid(client, teacher, event):
    for hhmm in ("16:00", "16:10", "17:30"):
        slot_at(teacher, at(EVENING, hhmm), event=event)
    slot_at(teacher, at(EVENING + timedelta(days=1), "08:00"), event=event)
    client.force_login(teacher)
    r = client.get(calendar("week", EVENING))
    assert [item.times[0][1] for item in agenda_items(r)] == ["16:00", "16:10", "17:30", "08:00"]
    assert len(blocks(r)) == 4


def test_the_axis_covers_the_working_day_and_widens_to_early_slots(client, teacher):
    slot_at(teacher, at(EVENING, "07:30"), minutes=30)
    client.force_login(teacher)
    rows = client.get(calendar("day", EVENING)).context["grid"].axis.rows
    assert rows[0].start == 7 and rows[-1].end == 18


def test_the_calendar_shows_only_my_own_slots(client, teacher, other_teacher, outsider):
    mine = slot_at(teacher, at(EVENING, "16:00"))
    slot_at(other_teacher, at(EVENING, "16:30"))
    client.force_login(teacher)
    [block] = blocks(client.get(calendar("week", EVENING)))
    assert reverse("bookings:slot-edit", args=[mine.pk]) in block.links
    client.force_login(outsider)
    assert not blocks(client.get(calendar("week", EVENING)))


def test_an_empty_week_says_what_to_do(client, teacher):
    client.force_login(teacher)
    page = client.get(calendar("week", EVENING)).content.decode()
    assert "No slots this week" in page
    assert reverse("scheduling:slot-generate") in page


def _fill_day(teacher, parent, pupil, count: int, first: int = 0) -> None:
    """Slots of five minutes on the evening from 05:00, every other one booked, some bookings
    rejected (shown as history)."""
    start = datetime.combine(EVENING, time(5), tzinfo=BERLIN)
    for n in range(first, first + count):
        slot = slot_at(teacher, start + timedelta(minutes=5 * n), minutes=5, seats_taken=n % 2)
        if n % 2:
            status = BookingStatus.PENDING if n % 4 == 1 else BookingStatus.CONFIRMED
            BookingFactory(slot=slot, booker=parent, pupil=pupil, status=status)
        elif n % 6 == 0:
            BookingFactory(slot=slot, booker=parent, pupil=pupil, status=BookingStatus.REJECTED)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_200_slots_take_no_more_queries_than_5(
    client, teacher, parent, pupil, view, django_assert_max_num_queries
):
    client.force_login(teacher)
    url = calendar(view, EVENING)
    client.get(url)  # the session settles
    _fill_day(teacher, parent, pupil, 5)
    few = _queries(client, url)
    _fill_day(teacher, parent, pupil, 195, first=5)
    with django_assert_max_num_queries(few):
        r = client.get(url)
    if view != "month":
        assert len(blocks(r)) == 200
        assert r.context["counts"].booked == 100
    else:
        assert r.context["counts"].slots == 200
