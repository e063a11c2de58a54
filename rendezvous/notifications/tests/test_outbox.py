"""The outbox against a real SMTP server: nothing lost, nothing sent twice."""

from datetime import timedelta

import icalendar
import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import claim_due, send_due_emails
from rendezvous.notifications.tests.factories import OutgoingEmailFactory
from rendezvous.school.credentials import send_parent_credentials


class Rollback(Exception):
    pass


def booked_and_queued(parent, pupil, slot):
    """A booking, and the parent's mail about it queued, as the worker's next round does."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    assert send_booker_mails() == 1
    return booking


def ics_of(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.iter_attachments() if a.get_filename() == "invite.ics"]
    return icalendar.Calendar.from_ical(attachment.get_content())


@pytest.mark.django_db
def test_a_rolled_back_booking_sends_nothing(smtp_server, parent, pupil, slot):
    with pytest.raises(Rollback), transaction.atomic():
        assert book_slot(booker=parent, slot=slot, pupil=pupil).booker_mail_due
        raise Rollback
    assert send_booker_mails() == 0
    assert not OutgoingEmail.objects.exists()
    assert send_due_emails() == (0, 0)
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_the_worker_delivers_a_booking_email_once_with_text_html_and_invitation(
    smtp_server, parent, pupil, slot
):
    booking = booked_and_queued(parent, pupil, slot)

    assert send_due_emails() == (1, 0)
    assert send_due_emails() == (0, 0)

    (message,) = smtp_server.messages
    assert message["To"] == parent.email
    assert message.get_body(preferencelist=("plain",)).get_content().strip()
    assert "<html" in message.get_body(preferencelist=("html",)).get_content()
    calendar = ics_of(message)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == booking.ical_uid
    assert event["SEQUENCE"] == 0
    email = OutgoingEmail.objects.get()
    assert email.state == EmailState.SENT
    assert email.attempts == 1
    assert email.sent_at is not None


@pytest.mark.django_db
def test_the_invitation_part_says_its_method(smtp_server, parent, pupil, slot):
    booked_and_queued(parent, pupil, slot)
    send_due_emails()
    (message,) = smtp_server.messages
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_content_charset() == "utf-8"


@pytest.mark.django_db
def test_booking_succeeds_while_smtp_is_down_and_the_mail_follows_once_it_is_back(
    smtp_server, parent, pupil, slot
):
    smtp_server.stop()

    booking = booked_and_queued(parent, pupil, slot)

    assert booking.pk is not None
    email = OutgoingEmail.objects.get()
    assert email.state == EmailState.QUEUED

    assert send_due_emails() == (0, 1)
    email.refresh_from_db()
    assert email.state == EmailState.QUEUED
    assert email.attempts == 1
    assert email.last_error
    assert email.send_after > timezone.now()

    smtp_server.start()
    assert send_due_emails() == (0, 0)  # not due yet: the back-off is respected
    with time_machine.travel(email.send_after + timedelta(seconds=1)):
        assert send_due_emails() == (1, 0)
        assert send_due_emails() == (0, 0)

    assert len(smtp_server.messages_to(parent.email)) == 1
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert email.attempts == 2


@pytest.mark.django_db
def test_the_wait_grows_between_failed_attempts(smtp_server, parent, pupil, slot):
    smtp_server.stop()
    booked_and_queued(parent, pupil, slot)
    waits = []
    for _ in range(3):
        email = OutgoingEmail.objects.get()
        with time_machine.travel(email.send_after + timedelta(seconds=1), tick=False):
            send_due_emails()
            email.refresh_from_db()
            waits.append(email.send_after - timezone.now())
    assert waits[0] < waits[1] < waits[2]


@pytest.mark.django_db
def test_after_the_last_attempt_the_email_is_failed(settings, smtp_server, parent, pupil, slot):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_server.stop()
    booked_and_queued(parent, pupil, slot)
    send_due_emails()
    email = OutgoingEmail.objects.get()
    with time_machine.travel(email.send_after + timedelta(seconds=1)):
        assert send_due_emails() == (0, 1)
    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.attempts == 2
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert send_due_emails() == (0, 0)


@pytest.mark.django_db
def test_one_round_uses_one_smtp_connection(smtp_server, organisation, parent, pupil, slot):
    booked_and_queued(parent, pupil, slot)
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            organisation=organisation,
            to=f"someone{n}@example.org",
            subject="Hello",
            body_text="Hello",
            send_after=timezone.now(),
        )
        for n in range(3)
    )
    assert send_due_emails() == (4, 0)
    assert len(smtp_server.handler.peers) == 4
    assert len(set(smtp_server.handler.peers)) == 1


def statements_of_a_round(organisation, emails: int) -> list[str]:
    OutgoingEmailFactory.create_batch(emails, organisation=organisation)
    with CaptureQueriesContext(connection) as queries:
        assert send_due_emails() == (emails, 0)
    return [query["sql"].split()[0] for query in queries]


@pytest.mark.django_db
def test_a_round_claims_its_batch_at_once_and_then_writes_twice_per_mail(
    smtp_server, organisation
):
    """Each mail counts its attempt before it goes and records its delivery after; the claim
    of the whole batch is one UPDATE."""
    few = statements_of_a_round(organisation, 2)
    more = statements_of_a_round(organisation, 7)
    assert len(more) - len(few) == 2 * 5
    assert more.count("UPDATE") == 1 + 2 * 7


@pytest.mark.django_db
def test_a_round_with_nothing_due_writes_nothing(smtp_server, organisation):
    OutgoingEmailFactory(organisation=organisation, state=EmailState.SENT)
    OutgoingEmailFactory(organisation=organisation, send_after=timezone.now() + timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        assert send_due_emails() == (0, 0)
    statements = [query["sql"].split()[0] for query in queries]
    assert "UPDATE" not in statements
    assert statements.count("SELECT") == 2  # anything expired? anything due?


@pytest.mark.django_db
def test_a_refused_address_does_not_hold_up_the_others(smtp_server, organisation):
    smtp_server.handler.refuse.add("nobody@example.org")
    for to in ("first@example.org", "nobody@example.org", "last@example.org"):
        OutgoingEmail.objects.create(
            organisation=organisation,
            to=to,
            subject="Hi",
            body_text="Hi",
            send_after=timezone.now(),
        )
    assert send_due_emails() == (2, 1)
    refused = OutgoingEmail.objects.get(to="nobody@example.org")
    assert refused.state == EmailState.QUEUED
    assert "550" in refused.last_error
    assert {m["To"] for m in smtp_server.messages} == {"first@example.org", "last@example.org"}


@pytest.mark.django_db
def test_a_row_left_sending_by_a_crashed_worker_is_sent_after_its_lease(
    settings, smtp_server, parent, pupil, slot
):
    settings.OUTBOX_LEASE_SECONDS = 60
    booked_and_queued(parent, pupil, slot)
    (claimed,) = claim_due(token="crashed")  # the worker that claimed it dies here
    assert send_due_emails() == (0, 0)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert send_due_emails() == (1, 0)
    claimed.refresh_from_db()
    assert claimed.state == EmailState.SENT
    assert claimed.attempts == 1  # it died before trying: only the real send counts
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_the_embedded_mode_writes_mail_to_files(settings, tmp_path, parent, pupil, slot):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    booked_and_queued(parent, pupil, slot)

    assert send_due_emails() == (1, 0)

    (written,) = (tmp_path / "mail").iterdir()
    content = written.read_text()
    assert f"To: {parent.email}" in content
    assert "invite.ics" in content


@pytest.mark.django_db
def test_a_delivered_credentials_mail_no_longer_holds_the_password(smtp_server, parent):
    send_parent_credentials(parents=[parent])
    send_due_emails()
    (received,) = smtp_server.messages_to(parent.email)
    stored = OutgoingEmail.objects.get(template="parent_credentials")
    assert parent.login_code in received.get_body(("plain",)).get_content()
    assert stored.state == EmailState.SENT
    assert parent.login_code not in stored.body_text + stored.body_html
