"""The worker's jobs that queue a new booking's mails, the booker's and the teacher's: each mail
queued once however many workers run, and neither a broken mail nor a database error loses the
others."""

import logging
import threading
from dataclasses import dataclass
from time import sleep
from unittest.mock import Mock

import pytest
from django.db import OperationalError, connection
from django.template import TemplateSyntaxError
from django.test.utils import CaptureQueriesContext

from rendezvous.accounts.models import RequestMails
from rendezvous.bookings.services import book_slot, booking_mails
from rendezvous.bookings.services.digest import set_request_mails
from rendezvous.lib.tests.race import finish, in_thread
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.tests.factories import SlotFactory


@dataclass(frozen=True)
class Job:
    name: str  # in booking_mails
    notify: str  # the function that queues one booking's mail, in booking_mails
    mark: str  # the booking's field that marks it due
    what: str  # as the log names it
    template: str

    def __call__(self) -> int:
        return getattr(booking_mails, self.name)()


@pytest.fixture(
    params=[
        Job(
            "send_booker_mails",
            "notify_booker_of_booking",
            "booker_mail_due",
            "booker's mail",
            "booking_received",
        ),
        Job(
            "send_request_mails",
            "notify_host_of_request",
            "request_mail_due",
            "request mail",
            "booking_request_for_teacher",
        ),
    ],
    ids=lambda job: job.name,
)
def job(request, teacher) -> Job:
    set_request_mails(user=teacher, choice=RequestMails.IMMEDIATELY)
    return request.param


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_leaves_the_bookings_a_first_one_holds(
    job, parent, pupil, slot, monkeypatch
):
    """The first worker is held while it writes the mail; the second runs meanwhile. It passes
    over the rows the first holds (PostgreSQL) or waits for it (SQLite), and finds nothing due."""
    book_slot(booker=parent, slot=slot, pupil=pupil)
    holding, go_on = threading.Event(), threading.Event()
    write = getattr(booking_mails, job.notify)

    def held(booking):
        holding.set()
        assert go_on.wait(10)
        return write(booking)

    monkeypatch.setattr(booking_mails, job.notify, held)
    first = in_thread(job)
    assert holding.wait(10)
    monkeypatch.setattr(booking_mails, job.notify, write)
    second = in_thread(job)
    sleep(0.2)  # the second worker's round, while the first holds its rows
    go_on.set()

    assert finish([first, second]) == [1, 0]
    assert OutgoingEmail.objects.filter(template=job.template).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_round_stores_each_mail_with_one_insert_and_no_savepoint(
    job, parent, pupil, slot, other_parent, other_pupil
):
    """A mail's row is its one write, made once the mail is written: nothing for a savepoint
    around each mail to undo, so none is taken."""
    later = SlotFactory(organisation=slot.organisation, host=slot.host, event=slot.event)
    book_slot(booker=parent, slot=slot, pupil=pupil)
    book_slot(booker=other_parent, slot=later, pupil=other_pupil)

    with CaptureQueriesContext(connection) as queries:
        assert job() == 2

    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert "SAVEPOINT" not in statements
    assert statements.count("INSERT") == 2
    assert OutgoingEmail.objects.filter(template=job.template).count() == 2


@pytest.mark.django_db
def test_a_mail_that_cannot_be_written_holds_up_no_other_booking(
    job, parent, pupil, slot, monkeypatch, caplog
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    broken = Mock(side_effect=TemplateSyntaxError("a broken template"))
    monkeypatch.setattr(booking_mails, job.notify, broken)

    with caplog.at_level(logging.ERROR, logger=booking_mails.__name__):
        assert job() == 1

    assert f"{job.what} of booking {booking.pk} failed" in caplog.text
    booking.refresh_from_db()
    assert not getattr(booking, job.mark)  # not tried again, round after round
    assert job() == 0


@pytest.mark.django_db
def test_a_database_error_leaves_the_bookings_due(job, parent, pupil, slot, monkeypatch):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    broken = Mock(side_effect=OperationalError("server closed"))
    monkeypatch.setattr(booking_mails, job.notify, broken)

    with pytest.raises(OperationalError):
        job()

    booking.refresh_from_db()
    assert getattr(booking, job.mark)  # the next round tries again
