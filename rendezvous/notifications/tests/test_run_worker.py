"""manage.py run_worker: one round with --once; SIGTERM ends the loop."""

import os
import signal
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from rendezvous.bookings.services import book_slot
from rendezvous.notifications.models import EmailState, OutgoingEmail


@pytest.mark.django_db
def test_run_worker_once_delivers_what_is_due(smtp_server, parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    out = StringIO()

    call_command("run_worker", "--once", stdout=out)

    assert "emails sent: 1, failed: 0" in out.getvalue()
    assert OutgoingEmail.objects.get().state == EmailState.SENT
    assert len(smtp_server.messages_to(parent.email)) == 1


@pytest.mark.django_db
def test_run_worker_once_with_nothing_to_do_says_nothing(smtp_server):
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert out.getvalue() == ""
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_sigterm_stops_the_worker_loop_and_restores_the_handler(smtp_server):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("run_worker", "--interval", "0.05", stdout=StringIO())
    finally:
        timer.cancel()
    assert signal.getsignal(signal.SIGTERM) == before
