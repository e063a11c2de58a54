import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.services import book_slot, cancel_booking
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling import services
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.scheduling.tests.helpers import EVENING, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(parent, pupil, slot):
    return book_slot(booker=parent, slot=slot, pupil=pupil)


def calendar(day=EVENING, view="week"):
    return f"{reverse('bookings:teacher-calendar')}?view={view}&date={day.isoformat()}"


def slot_form(for_event, **changes):
    data = {
        "event": for_event.pk,
        "date": EVENING.isoformat(),
        "start": "16:00",
        "end": "16:10",
        "capacity": "1",
        "mode": "on_site",
        "room": "A 101",
        "video_url": "",
    }
    return {**data, **changes}


def pattern_form(event, **changes):
    data = {
        "event": event.pk,
        "first_day": EVENING.isoformat(),
        "last_day": "",
        "weekdays": ["3"],
        "window_start": "16:00",
        "window_end": "17:00",
        "slot_minutes": "10",
        "break_every": "3",
        "break_minutes": "10",
        "fixed_breaks": "",
        "excluded_dates": "",
        "capacity": "1",
        "mode": "on_site",
        "room": "B 12",
        "video_url": "",
    }
    return {**data, **changes}


def test_the_week_shows_my_slots_with_their_bookings(client, teacher, booking, pupil):
    client.force_login(teacher)
    r = client.get(calendar())
    page = r.content.decode()
    assert r.status_code == 200
    assert "10:00–10:10" in page
    assert booking.booker.full_name in page
    assert str(pupil) in page and "7a" in page
    assert "badge-pending" in page
    assert reverse("bookings:booking-decide", args=[booking.pk]) in page


def test_the_calendar_opens_on_the_week_of_the_next_event(client, teacher, slot):
    client.force_login(teacher)
    r = client.get(reverse("bookings:teacher-calendar"))
    assert r.context["first"] <= EVENING <= r.context["last"]
    assert [s for _day, slots in r.context["days"] for s in slots] == [slot]


def test_the_day_view_shows_one_day(client, teacher, slot):
    client.force_login(teacher)
    r = client.get(calendar(EVENING.replace(day=15), view="day"))
    assert [day for day, _slots in r.context["days"]] == [EVENING.replace(day=15)]
    assert "10:00–10:10" not in r.content.decode()
    assert r.context["previous_url"] == calendar(EVENING, view="day")


def test_the_calendar_lists_only_my_own_slots(client, other_teacher, slot):
    client.force_login(other_teacher)
    r = client.get(calendar())
    assert all(not slots for _day, slots in r.context["days"])


def test_a_bad_calendar_date_falls_back_to_the_default(client, teacher):
    client.force_login(teacher)
    r = client.get(reverse("bookings:teacher-calendar") + "?date=tomorrow&view=year")
    assert r.status_code == 200 and r.context["view"] == "week"


def test_the_calendar_keeps_its_queries_few(
    client, teacher, booking, django_assert_max_num_queries
):
    client.force_login(teacher)
    with django_assert_max_num_queries(12):
        client.get(calendar())


def test_confirm_changes_the_booking_and_mails_the_parent(client, teacher, parent, booking):
    client.force_login(teacher)
    url = reverse("bookings:booking-decide", args=[booking.pk])
    r = client.post(url, {"decision": "confirm", "next": calendar()})
    assert r.status_code == 302 and r.url == calendar()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert OutgoingEmail.objects.filter(to=parent.email, template="booking_confirmed").count() == 1


def test_reject_asks_first_then_changes_the_booking_and_mails_the_parent(
    client, teacher, parent, booking
):
    client.force_login(teacher)
    r = client.post(
        reverse("bookings:booking-decide", args=[booking.pk]),
        {"decision": "reject", "next": calendar()},
    )
    reject = reverse("bookings:booking-reject", args=[booking.pk])
    assert r.status_code == 302 and r.url.startswith(reject)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert not OutgoingEmail.objects.filter(template="booking_rejected").exists()

    r = client.post(r.url, {"message": "I am ill that evening."})
    assert r.status_code == 302 and r.url == calendar()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED
    mail = OutgoingEmail.objects.get(to=parent.email, template="booking_rejected")
    assert "I am ill that evening." in mail.body_text


def test_deciding_twice_says_why_instead_of_failing(client, teacher, booking):
    client.force_login(teacher)
    url = reverse("bookings:booking-decide", args=[booking.pk])
    client.post(url, {"decision": "confirm"})
    r = client.post(url, {"decision": "reject"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "not in a state" in r.content.decode()


def test_a_foreign_redirect_target_is_ignored(client, teacher, booking):
    client.force_login(teacher)
    url = reverse("bookings:booking-decide", args=[booking.pk])
    r = client.post(url, {"decision": "confirm", "next": "https://evil.example.com/"})
    assert r.url.startswith(reverse("bookings:teacher-calendar"))


@pytest.mark.parametrize("who", ["other_teacher", "outsider"])
def test_others_get_404_when_deciding_my_bookings(client, request, booking, who):
    client.force_login(request.getfixturevalue(who))
    r = client.post(reverse("bookings:booking-decide", args=[booking.pk]), {"decision": "confirm"})
    assert r.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_a_teacher_creates_a_slot_in_local_time(client, teacher, event):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-create"), slot_form(event))
    slot = Slot.objects.get(host=teacher)
    assert r.status_code == 302
    assert (slot.starts_at, slot.ends_at, slot.room) == (
        at(EVENING, "16:00"),
        at(EVENING, "16:10"),
        "A 101",
    )


def test_an_admin_can_host_slots_too(client, admin, event):
    client.force_login(admin)
    client.post(reverse("scheduling:slot-create"), slot_form(event))
    assert Slot.objects.get().host == admin


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "15:50"}, "The end must be after the start."),
        ({"start": ""}, "This field is required."),
        ({"event": ""}, "This field is required."),
        ({"mode": "online"}, "An online slot needs a video link."),
        (
            {"date": EVENING.replace(day=20).isoformat()},
            "Slots must lie on the days of the event.",
        ),
    ],
    ids=["end before start", "missing start", "missing event", "online without link", "outside"],
)
def test_bad_slot_input_gets_a_form_error_and_writes_nothing(
    client, teacher, event, changes, message
):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-create"), slot_form(event, **changes))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Slot.objects.exists()


def test_an_overlapping_slot_gets_a_form_error_listing_the_clash(client, teacher, event):
    client.force_login(teacher)
    client.post(reverse("scheduling:slot-create"), slot_form(event))
    r = client.post(
        reverse("scheduling:slot-create"), slot_form(event, start="16:05", end="16:15")
    )
    assert "16:00–16:10" in r.content.decode()
    assert Slot.objects.count() == 1


def test_a_teacher_edits_a_slot(client, teacher, slot):
    client.force_login(teacher)
    url = reverse("bookings:slot-edit", args=[slot.pk])
    assert client.get(url).status_code == 200
    data = slot_form(slot.event, start="17:00", end="17:15", capacity="2")
    r = client.post(url, data)
    assert r.status_code == 302
    slot.refresh_from_db()
    assert (slot.starts_at, slot.capacity) == (at(EVENING, "17:00"), 2)


def test_an_edit_into_another_slot_is_refused_on_the_form(client, teacher, event):
    first = services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "16:00"), ends_at=at(EVENING, "16:10")
    )
    second = services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "16:10"), ends_at=at(EVENING, "16:20")
    )
    client.force_login(teacher)
    r = client.post(
        reverse("bookings:slot-edit", args=[second.pk]),
        slot_form(event, start="16:05", end="16:15"),
    )
    assert "16:00–16:10" in r.content.decode()
    second.refresh_from_db()
    assert second.starts_at == at(EVENING, "16:10") and first.pk != second.pk


def test_the_delete_page_says_bookers_will_be_told(client, teacher, booking):
    client.force_login(teacher)
    r = client.get(reverse("bookings:slot-delete", args=[booking.slot_id]))
    assert "will be told" in r.content.decode()
    assert booking.booker.full_name in r.content.decode()


def test_deleting_a_booked_slot_cancels_it_and_mails_the_booker(client, teacher, parent, booking):
    client.force_login(teacher)
    r = client.post(reverse("bookings:slot-delete", args=[booking.slot_id]))
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.slot.status == SlotStatus.CANCELLED
    assert booking.status == BookingStatus.CANCELLED
    assert OutgoingEmail.objects.filter(to=parent.email, template="booking_cancelled").exists()


def test_deleting_a_free_slot_removes_it(client, teacher, slot):
    client.force_login(teacher)
    client.post(reverse("bookings:slot-delete", args=[slot.pk]))
    assert not Slot.objects.filter(pk=slot.pk).exists()


@pytest.mark.parametrize("who", ["other_teacher", "outsider"])
@pytest.mark.parametrize("name", ["bookings:slot-edit", "bookings:slot-delete"])
def test_others_get_404_on_my_slot(client, request, slot, who, name):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[slot.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, slot_form(slot.event, start="18:00", end="18:10")).status_code == 404
    assert Slot.objects.get(pk=slot.pk).starts_at == slot.starts_at


def test_the_office_may_edit_a_teachers_slot(client, admin, slot):
    client.force_login(admin)
    assert client.get(reverse("bookings:slot-edit", args=[slot.pk])).status_code == 200


def test_the_preview_lists_the_new_slots_and_writes_nothing(client, teacher, event):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-generate"), pattern_form(event))
    page = r.content.decode()
    assert r.status_code == 200
    assert len(r.context["preview"].creatable) == 5
    assert "16:40–16:50" in page and 'name="confirm"' in page
    assert not Slot.objects.exists()


def test_confirming_the_preview_creates_the_slots(client, teacher, event):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-generate"), {**pattern_form(event), "confirm": "1"})
    assert r.status_code == 302
    assert Slot.objects.filter(host=teacher, event=event, room="B 12").count() == 5


def test_a_clashing_pattern_is_shown_and_cannot_be_confirmed(client, teacher, event):
    services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "16:15"), ends_at=at(EVENING, "16:25")
    )
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-generate"), pattern_form(event))
    page = r.content.decode()
    assert len(r.context["preview"].clashing) == 2
    assert "16:15–16:25" in page
    assert 'name="confirm"' not in page
    r = client.post(reverse("scheduling:slot-generate"), {**pattern_form(event), "confirm": "1"})
    assert r.status_code == 200 and "16:15–16:25" in r.content.decode()
    assert Slot.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"window_end": "15:00"}, "The daily window must end after it starts."),
        ({"slot_minutes": ""}, "This field is required."),
        ({"fixed_breaks": "after lunch"}, "is not a break like 18:00-18:20"),
        ({"fixed_breaks": "16:30-25:00"}, "is not a break like 18:00-18:20"),
        ({"fixed_breaks": "16:30-16:10"}, "must end after it starts"),
        ({"excluded_dates": "someday"}, "Enter a valid date."),
        ({"weekdays": ["0"]}, "The pattern gives no slots."),
    ],
)
def test_bad_pattern_input_gets_a_form_error_and_writes_nothing(
    client, teacher, event, changes, message
):
    client.force_login(teacher)
    r = client.post(
        reverse("scheduling:slot-generate"), {**pattern_form(event, **changes), "confirm": "1"}
    )
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Slot.objects.exists()


def test_fixed_breaks_and_excluded_dates_reach_the_pattern(client, teacher, organisation):
    from rendezvous.scheduling.tests.helpers import fixed_event

    event = fixed_event(organisation, days=3)
    client.force_login(teacher)
    data = pattern_form(
        event,
        last_day=EVENING.replace(day=16).isoformat(),
        weekdays=["3", "4", "5"],
        excluded_dates=EVENING.replace(day=15).isoformat(),
        fixed_breaks="16:30-16:45",
        break_every="",
        break_minutes="",
    )
    client.post(reverse("scheduling:slot-generate"), {**data, "confirm": "1"})
    starts = sorted(s.starts_at for s in Slot.objects.all())
    # Thursday and Saturday (Friday left out): 16:00, 16:10, 16:20, then after the break 16:45.
    assert len(starts) == 8
    assert at(EVENING, "16:30") not in starts and at(EVENING, "16:45") in starts


TEACHER_PAGES = [
    ("bookings:teacher-calendar", False),
    ("scheduling:slot-create", False),
    ("scheduling:slot-generate", False),
    ("bookings:slot-edit", True),
    ("bookings:slot-delete", True),
]


@pytest.mark.parametrize(("name", "takes_slot"), TEACHER_PAGES)
def test_parents_get_403_on_teacher_pages(client, parent, slot, name, takes_slot):
    client.force_login(parent)
    url = reverse(name, args=[slot.pk] if takes_slot else [])
    assert client.get(url).status_code == 403


def test_parents_get_403_on_deciding(client, parent, booking):
    client.force_login(parent)
    r = client.post(reverse("bookings:booking-decide", args=[booking.pk]), {"decision": "confirm"})
    assert r.status_code == 403


@pytest.mark.parametrize(("name", "takes_slot"), TEACHER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, slot, name, takes_slot):
    r = client.get(reverse(name, args=[slot.pk] if takes_slot else []))
    assert r.status_code == 302 and "login" in r.url


@pytest.mark.parametrize(("name", "takes_slot"), TEACHER_PAGES[:3])
def test_an_outsider_sees_only_their_own_empty_pages(client, outsider, event, name, takes_slot):
    client.force_login(outsider)
    r = client.get(reverse(name))
    assert r.status_code == 200
    assert event.name not in r.content.decode()


def test_the_calendar_speaks_the_teachers_language(client, teacher, slot):
    teacher.language = "de"
    teacher.save(update_fields=["language"])
    client.force_login(teacher)
    page = client.get(calendar()).content.decode()
    assert "Donnerstag" in page and "10:00–10:10" in page


def test_the_preview_carries_the_pattern_to_the_confirm_button(client, teacher, event):
    client.force_login(teacher)
    data = pattern_form(event, fixed_breaks="16:30-16:45", break_every="", break_minutes="")
    page = client.post(reverse("scheduling:slot-generate"), data).content.decode()
    confirm_form = page.split('name="confirm"')[0].rsplit("<form", 1)[1]
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm_form)
    posted: dict[str, list[str]] = {}
    for name, value in fields:
        posted.setdefault(name, []).append(html.unescape(value))
    assert "weekdays" in posted and "fixed_breaks" in posted
    client.post(reverse("scheduling:slot-generate"), {**posted, "confirm": "1"})
    assert Slot.objects.filter(host=teacher).count() == 4


def test_moving_a_booked_slot_onto_the_parents_other_appointment_names_the_parent(
    client, teacher, other_teacher, school_class, parent, pupil, booking
):
    school_class.class_teachers.add(other_teacher)
    later = services.create_slot(
        host=other_teacher,
        event=booking.event,
        starts_at=at(EVENING, "10:30"),
        ends_at=at(EVENING, "10:40"),
    )
    book_slot(booker=parent, slot=later, pupil=pupil)
    client.force_login(teacher)
    r = client.post(
        reverse("bookings:slot-edit", args=[booking.slot_id]),
        slot_form(booking.event, start="10:30", end="10:40"),
    )
    assert r.status_code == 200
    assert parent.full_name in html.unescape(r.content.decode())
    assert Slot.objects.get(pk=booking.slot_id).starts_at == at(EVENING, "10:00")


def test_an_edit_into_the_past_gets_a_form_error(client, teacher, organisation):
    today = timezone.localdate()
    running = EventFactory(organisation=organisation, starts_on=today, ends_on=EVENING)
    slot = services.create_slot(
        host=teacher, event=running, starts_at=at(EVENING, "16:00"), ends_at=at(EVENING, "16:10")
    )
    client.force_login(teacher)
    r = client.post(
        reverse("bookings:slot-edit", args=[slot.pk]),
        slot_form(running, date=today.isoformat(), start="06:00", end="06:10"),
    )
    assert r.status_code == 200
    assert "cannot start in the past" in r.content.decode()
    assert Slot.objects.get(pk=slot.pk).starts_at == at(EVENING, "16:00")


@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.ARCHIVED])
def test_a_slot_of_a_closed_event_is_not_deleted_and_the_teacher_told_why(
    client, teacher, slot, phase
):
    Event.objects.filter(pk=slot.event_id).update(phase=phase)
    client.force_login(teacher)
    url = reverse("bookings:slot-delete", args=[slot.pk])
    page = client.get(url).content.decode()
    assert "This event is closed" in page and "Delete the slot" not in page
    r = client.post(url, follow=True)
    assert r.status_code == 200
    assert "This event is closed" in r.content.decode()
    assert Slot.objects.filter(pk=slot.pk, status=SlotStatus.OPEN).exists()


def test_a_slot_that_has_begun_is_not_deleted(client, teacher, slot):
    client.force_login(teacher)
    with time_machine.travel(slot.starts_at + timedelta(minutes=5), tick=False):
        r = client.post(reverse("bookings:slot-delete", args=[slot.pk]), follow=True)
    assert "already begun" in r.content.decode()
    assert Slot.objects.filter(pk=slot.pk, status=SlotStatus.OPEN).exists()


def test_a_slot_with_a_cancelled_booking_is_cancelled_and_stays_in_the_history(
    client, teacher, parent, booking
):
    cancel_booking(booking=booking, actor=parent)
    client.force_login(teacher)
    url = reverse("bookings:slot-delete", args=[booking.slot_id])
    assert "will be cancelled" in client.get(url).content.decode()
    client.post(url)
    booking.refresh_from_db()
    assert booking.slot.status == SlotStatus.CANCELLED
