"""Teachers hear of new requests as they chose: at once, in a daily summary, or not at all."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from rendezvous.accounts.models import RequestMails, Role
from rendezvous.accounts.services import create_staff_user
from rendezvous.bookings.services import (
    book_slot,
    cancel_booking,
    decide_booking,
)
from rendezvous.bookings.services.booking_mails import send_booker_mails, send_request_mails
from rendezvous.bookings.services.digest import send_request_digests, set_request_mails
from rendezvous.lib.tests.race import race
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.notifications.worker import JOBS, run_worker_round

BERLIN = ZoneInfo("Europe/Berlin")


def teacher_mails(teacher, template: str):
    return OutgoingEmail.objects.filter(to=teacher.email, template=template)


def local(day, hour: int, minute: int = 0, tz=BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


@pytest.fixture
def teacher(teacher):
    """The shared teacher, with the choice a new account starts with (whatever the test
    factories give), so that each test below says what it changes."""
    set_request_mails(user=teacher, choice=RequestMails.IMMEDIATELY)
    return teacher


@pytest.fixture
def tomorrow():
    """A day inside the test event's booking window (it opened yesterday, closes in six)."""
    return timezone.localdate() + timedelta(days=1)


# At once.


@pytest.mark.django_db
def test_a_new_staff_account_hears_of_requests_at_once(organisation):
    user = create_staff_user(
        organisation=organisation,
        email="new.teacher@example.org",
        first_name="Nina",
        last_name="Neu",
        role=Role.TEACHER,
        language="en",
        send_welcome=False,
    )

    assert user.request_mails == RequestMails.IMMEDIATELY


@pytest.mark.django_db
def test_a_new_request_is_mailed_to_the_teacher_in_the_next_worker_round(
    teacher, parent, pupil, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    # The booking only marks the mail due: the worker renders and queues it.
    assert not teacher_mails(teacher, "booking_request_for_teacher").exists()

    done = run_worker_round()

    mail = teacher_mails(teacher, "booking_request_for_teacher").get()
    assert done.done["send_request_mails"] == 1
    assert mail.state == "sent"  # queued and sent in the same round
    assert str(pupil) in mail.subject
    assert parent.full_name in mail.body_text
    assert reverse("bookings:teacher-home") in mail.body_text
    assert reverse("bookings:teacher-home") in mail.body_html
    booking.refresh_from_db()
    assert booking.is_pending and not booking.request_mail_due


@pytest.mark.django_db
def test_a_request_is_mailed_once(teacher, parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)

    assert send_request_mails() == 1
    assert send_request_mails() == 0
    assert teacher_mails(teacher, "booking_request_for_teacher").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["confirmed", "rejected", "cancelled"])
def test_a_request_no_longer_waiting_when_its_mail_is_due_is_not_mailed(
    teacher, parent, pupil, slot, outcome
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    if outcome == "cancelled":
        cancel_booking(booking=booking, actor=parent)
    else:
        decide_booking(booking=booking, actor=teacher, confirm=outcome == "confirmed")

    assert send_request_mails() == 1  # taken, and found to need no mail
    assert not teacher_mails(teacher, "booking_request_for_teacher").exists()
    booking.refresh_from_db()
    assert not booking.request_mail_due


@pytest.mark.django_db
def test_the_choice_when_the_request_came_in_counts(teacher, parent, pupil, slot):
    """A request made just before the teacher chose the summary still gets its mail: the
    summary starts from the moment of the choice and would not list it."""
    book_slot(booker=parent, slot=slot, pupil=pupil)
    set_request_mails(user=teacher, choice=RequestMails.DAILY)

    assert send_request_mails() == 1
    assert teacher_mails(teacher, "booking_request_for_teacher").count() == 1


@pytest.mark.django_db
def test_the_worker_reads_a_request_with_its_organisation(teacher, parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)

    with CaptureQueriesContext(connection) as queries:
        send_request_mails()

    tables = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "organisations_organisation"' in q["sql"]
    ]
    assert tables == []
    assert (
        parent.organisation.name
        in teacher_mails(teacher, "booking_request_for_teacher").get().body_text
    )


def test_the_request_mails_are_one_of_the_workers_jobs():
    assert send_request_mails in JOBS


@pytest.mark.django_db
def test_the_mails_of_a_booking_read_the_organisation_no_more(teacher, parent, pupil, slot):
    """The booker's organisation is loaded with the request, and the worker reads it with the
    booking: the teacher's and the parent's mails name it without reading it again."""
    assert parent.organisation.name and parent.email and teacher.email
    with CaptureQueriesContext(connection) as queries:
        book_slot(booker=parent, slot=slot, pupil=pupil)
        assert send_booker_mails() == send_request_mails() == 1

    reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "organisations_organisation"' in q["sql"]
    ]
    assert reads == []
    assert OutgoingEmail.objects.get(template="booking_received").organisation_id == (
        parent.organisation_id
    )


@pytest.mark.django_db
def test_the_teachers_mail_is_in_the_teachers_language(teacher, parent, pupil, slot):
    teacher.language = "de"
    teacher.save(update_fields=["language"])

    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()
    send_request_mails()

    mail = teacher_mails(teacher, "booking_request_for_teacher").get()
    with translation.override("de"), timezone.override(BERLIN):
        weekday = formats.date_format(timezone.localtime(slot.starts_at), "l")
    assert mail.language == "de"
    assert "Guten Tag" in mail.body_text
    assert weekday in mail.body_text and weekday in mail.body_html
    # The parent's own mail stays in the parent's language.
    assert OutgoingEmail.objects.get(template="booking_received").language == parent.language


@pytest.mark.django_db
@pytest.mark.parametrize("choice", [RequestMails.DAILY, RequestMails.NEVER])
def test_no_mail_at_once_for_teachers_who_chose_otherwise(teacher, parent, pupil, slot, choice):
    set_request_mails(user=teacher, choice=choice)

    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    send_request_mails()

    assert not booking.request_mail_due
    assert not OutgoingEmail.objects.filter(to=teacher.email).exists()


@pytest.mark.django_db
def test_an_automatically_confirmed_booking_is_no_request(teacher, parent, pupil, event, slot):
    event.auto_confirm = True
    event.save(update_fields=["auto_confirm"])

    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    send_request_mails()

    assert not booking.request_mail_due
    assert not teacher_mails(teacher, "booking_request_for_teacher").exists()


# The daily summary.


@pytest.mark.django_db
def test_the_summary_comes_once_a_day_at_its_hour(teacher, parent, pupil, slot, tomorrow):
    with time_machine.travel(local(tomorrow, 10), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.DAILY)
    with time_machine.travel(local(tomorrow, 11), tick=False):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    with time_machine.travel(local(tomorrow, 23, 59), tick=False):
        assert send_request_digests() == 0  # today's hour had struck before the choice
    next_day = tomorrow + timedelta(days=1)
    with time_machine.travel(local(next_day, 6, 59), tick=False):
        assert send_request_digests() == 0
    with time_machine.travel(local(next_day, 7, 1), tick=False):
        assert send_request_digests() == 1
    with time_machine.travel(local(next_day, 12), tick=False):
        assert send_request_digests() == 0

    mail = teacher_mails(teacher, "booking_requests_digest").get()
    assert mail.subject == "1 new appointment request"
    assert str(pupil) in mail.body_text and str(pupil) in mail.body_html


@pytest.mark.django_db
def test_the_hour_is_the_setting_in_the_schools_time_zone(
    settings, organisation, teacher, parent, pupil, slot, tomorrow
):
    settings.DIGEST_HOUR = 18
    organisation.time_zone = "Asia/Tokyo"
    organisation.save(update_fields=["time_zone"])
    tokyo = ZoneInfo("Asia/Tokyo")
    with time_machine.travel(local(tomorrow, 9, tz=tokyo), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.DAILY)
    with time_machine.travel(local(tomorrow, 10, tz=tokyo), tick=False):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    with time_machine.travel(local(tomorrow, 17, 59, tz=tokyo), tick=False):
        assert send_request_digests() == 0
    with time_machine.travel(local(tomorrow, 18, 1, tz=tokyo), tick=False):
        assert send_request_digests() == 1


@pytest.mark.django_db
def test_a_summary_lists_only_requests_since_the_last_and_still_waiting(
    teacher, parent, pupil, second_child, other_parent, other_pupil, make_slot, slot, tomorrow
):
    with time_machine.travel(local(tomorrow, 5), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.DAILY)
    with time_machine.travel(local(tomorrow, 6), tick=False):
        first = book_slot(booker=parent, slot=slot, pupil=pupil)
    with time_machine.travel(local(tomorrow, 7, 1), tick=False):
        assert send_request_digests() == 1
    with time_machine.travel(local(tomorrow, 9), tick=False):
        second = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=second_child)
        third = book_slot(booker=other_parent, slot=make_slot(minutes=60), pupil=other_pupil)
        decide_booking(booking=third, confirm=True)
    with time_machine.travel(local(tomorrow + timedelta(days=1), 7, 1), tick=False):
        assert send_request_digests() == 1

    latest = teacher_mails(teacher, "booking_requests_digest").order_by("pk").last()
    assert str(second.pupil) in latest.body_text
    assert str(first.pupil) not in latest.body_text
    assert str(third.pupil) not in latest.body_text
    assert "1 earlier request is still waiting as well." in latest.body_text


@pytest.mark.django_db
def test_no_summary_without_new_requests(teacher, tomorrow):
    with time_machine.travel(local(tomorrow, 6), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.DAILY)
    with time_machine.travel(local(tomorrow, 7, 1), tick=False):
        assert send_request_digests() == 0
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_teachers_who_want_no_mail_get_no_summary(teacher, parent, pupil, slot, tomorrow):
    with time_machine.travel(local(tomorrow, 6), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.NEVER)
        book_slot(booker=parent, slot=slot, pupil=pupil)
    with time_machine.travel(local(tomorrow + timedelta(days=1), 7, 1), tick=False):
        assert send_request_digests() == 0
    assert not OutgoingEmail.objects.filter(to=teacher.email).exists()


@pytest.mark.django_db
def test_the_summary_is_in_the_teachers_language(teacher, parent, pupil, slot, tomorrow):
    teacher.language = "de"
    teacher.save(update_fields=["language"])
    with time_machine.travel(local(tomorrow, 5), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.DAILY)
    with time_machine.travel(local(tomorrow, 6), tick=False):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    with time_machine.travel(local(tomorrow, 7, 1), tick=False):
        send_request_digests()

    mail = teacher_mails(teacher, "booking_requests_digest").get()
    with translation.override("de"):
        weekday = formats.date_format(timezone.localtime(slot.starts_at, BERLIN), "l")
    assert mail.language == "de"
    assert "Guten Tag" in mail.body_text
    assert weekday in mail.body_text


def test_the_summary_is_one_of_the_workers_jobs():
    assert send_request_digests in JOBS


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_the_summary_once(teacher, parent, pupil, slot, tomorrow):
    with time_machine.travel(local(tomorrow, 5), tick=False):
        set_request_mails(user=teacher, choice=RequestMails.DAILY)
    with time_machine.travel(local(tomorrow, 6), tick=False):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    with time_machine.travel(local(tomorrow, 7, 1), tick=False):
        outcomes = race([send_request_digests, send_request_digests])

    assert sorted(outcomes) == [0, 1]
    assert teacher_mails(teacher, "booking_requests_digest").count() == 1


# The teacher's choice.


@pytest.mark.django_db
def test_the_teacher_chooses_the_summary_on_the_start_page(client, teacher):
    client.force_login(teacher)
    home = reverse("bookings:teacher-home")
    assert 'value="immediately" selected' in client.get(home).content.decode()

    r = client.post(
        reverse("bookings:teacher-request-mails"), {"request_mails": "daily", "next": home}
    )

    assert r.status_code == 302 and r.url == home
    teacher.refresh_from_db()
    assert teacher.request_mails == RequestMails.DAILY
    assert teacher.digest_sent_at is not None


@pytest.mark.django_db
def test_an_unknown_choice_changes_nothing(client, teacher):
    client.force_login(teacher)
    r = client.post(reverse("bookings:teacher-request-mails"), {"request_mails": "hourly"})

    assert r.status_code == 302
    teacher.refresh_from_db()
    assert teacher.request_mails == RequestMails.IMMEDIATELY
