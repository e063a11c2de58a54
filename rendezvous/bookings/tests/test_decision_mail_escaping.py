"""Stored markup stays text in the mails about decisions and requests: the messages people
write to each other, and the names in the teacher's mails (compare
notifications/tests/test_mail_escaping.py, whose school and checks these reuse)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rendezvous.accounts.models import RequestMails
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking
from rendezvous.bookings.services.booking_mails import send_request_mails
from rendezvous.bookings.services.digest import send_request_digests, set_request_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.notifications.tests.test_mail_escaping import (
    CLASS,
    IMG,
    PARENT,
    PUPIL,
    ROOM,
    SCRIPT,
    SVG,
    TEMPLATE,
    markup_problems,
    school,
    subject_problems,
    text_problems,
)

MESSAGE = f"Sorry {SCRIPT}\n{IMG} {SVG} {TEMPLATE}"

__all__ = ["school"]  # the fixture, imported for the tests below


def problems_of(mail: OutgoingEmail, shown: list[str]) -> dict:
    found = {
        "html": markup_problems(mail.body_html, shown),
        "text": text_problems(mail.body_text, shown),
        "subject": subject_problems(mail.subject),
    }
    return {part: problems for part, problems in found.items() if problems}


def booked(school):
    set_request_mails(user=school.teacher, choice=RequestMails.IMMEDIATELY)
    booking = book_slot(booker=school.parent, slot=school.slot, pupil=school.pupil)
    send_request_mails()
    return booking


@pytest.mark.django_db
def test_the_request_mail_to_the_teacher_shows_names_as_text(school):
    booked(school)

    mail = OutgoingEmail.objects.get(template="booking_request_for_teacher")
    assert problems_of(mail, [PUPIL, PARENT, CLASS, ROOM]) == {}


@pytest.mark.django_db
def test_a_rejection_message_stays_text(school):
    decide_booking(booking=booked(school), confirm=False, message=MESSAGE, actor=school.teacher)

    mail = OutgoingEmail.objects.get(template="booking_rejected")
    assert problems_of(mail, [MESSAGE, PUPIL]) == {}


@pytest.mark.django_db
def test_a_parents_note_to_the_teacher_stays_text(school):
    cancel_booking(booking=booked(school), actor=school.parent, message=MESSAGE)

    for template in ("booking_cancelled", "booking_cancelled_for_teacher"):
        mail = OutgoingEmail.objects.get(template=template)
        assert problems_of(mail, [MESSAGE, PUPIL]) == {}, template


@pytest.mark.django_db
def test_the_daily_summary_shows_names_as_text(school):
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        set_request_mails(user=school.teacher, choice=RequestMails.DAILY)
    book_slot(booker=school.parent, slot=school.slot, pupil=school.pupil)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert send_request_digests() == 1

    mail = OutgoingEmail.objects.get(template="booking_requests_digest")
    assert problems_of(mail, [PUPIL, PARENT, CLASS]) == {}
