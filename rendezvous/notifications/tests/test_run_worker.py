"""manage.py run_worker: one round with --once; SIGTERM ends the loop; the pause between
rounds."""

import os
import signal
import threading
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import MAILS_AT_ONCE
from rendezvous.notifications.management.commands import run_worker
from rendezvous.notifications.management.commands.run_worker import Command
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import BATCH
from rendezvous.notifications.worker import GATHER_SECONDS, Round


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


# The pause between rounds.


def test_after_a_full_batch_the_next_round_comes_at_once():
    assert Round(sent=BATCH).pause(2.0) == 0
    assert Round(sent=BATCH - 1, failed=1).pause(2.0) == 0


def test_after_a_job_did_its_whole_batch_the_next_round_comes_at_once():
    assert Round(done={"send_request_mails": MAILS_AT_ONCE}).pause(2.0) == 0
    # Jobs whose count is what they finished of more they took go on after any work.
    assert Round(done={"send_requested_credentials": 1}).pause(2.0) == 0
    assert Round(done={"send_request_digests": 1}).pause(2.0) == 0


def test_after_some_work_the_next_round_waits_a_moment_to_gather_more():
    assert Round(sent=3).pause(2.0) == GATHER_SECONDS
    assert Round(done={"send_request_mails": 3}).pause(2.0) == GATHER_SECONDS
    assert Round(sent=3).pause(0.05) == 0.05  # never longer than the interval


def test_after_nothing_to_do_the_next_round_waits_the_interval():
    assert Round().pause(2.0) == 2.0
    assert Round(done={"send_request_mails": 0, "send_request_digests": 0}).pause(2.0) == 2.0


def test_the_worker_waits_between_rounds_as_each_round_asks(monkeypatch):
    """Rounds: some mail, a full batch, a failed round, nothing; the command waits after each
    what its round asks for, the interval after the failed one."""
    rounds = iter([Round(sent=3), Round(sent=BATCH), None, Round()])
    waits = []

    class Stopping(threading.Event):
        def wait(self, timeout=None):
            waits.append(timeout)
            if len(waits) == 3:
                self.set()
            return self.is_set()

    command = Command()
    monkeypatch.setattr(command, "round", lambda: next(rounds))
    monkeypatch.setattr(command, "catch_signals", dict)
    monkeypatch.setattr(run_worker, "threading", SimpleNamespace(Event=Stopping))
    command.handle(interval=2.0)

    assert waits == [GATHER_SECONDS, 2.0, 2.0]


# Its priority.


class Priority:
    """The process's niceness as run_worker sees and sets it, without changing the test's."""

    def __init__(self, niceness: int, refuse: bool = False):
        self.niceness, self.refuse, self.set_to = niceness, refuse, []

    def get(self, which, who):
        assert (which, who) == (os.PRIO_PROCESS, 0)
        return self.niceness

    def set(self, which, who, niceness):
        assert (which, who) == (os.PRIO_PROCESS, 0)
        if self.refuse:
            raise PermissionError("not permitted")
        self.set_to.append(niceness)
        self.niceness = niceness


@pytest.fixture
def priority(monkeypatch):
    def at(niceness: int, refuse: bool = False) -> Priority:
        process = Priority(niceness, refuse)
        monkeypatch.setattr(run_worker.os, "getpriority", process.get)
        monkeypatch.setattr(run_worker.os, "setpriority", process.set)
        return process

    return at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "before", "after"),
    [(10, 0, 10), (7, 3, 7), (10, 12, 12), (0, 0, 0), (0, 5, 5)],
    ids=["lowered", "lowered-from-3", "lower-already", "kept", "never-raised"],
)
def test_the_worker_lowers_its_priority_to_the_setting_and_never_raises_it(
    settings, priority, setting, before, after
):
    settings.WORKER_NICENESS = setting
    process = priority(before)
    call_command("run_worker", "--once", stdout=StringIO())
    assert process.niceness == after
    assert process.set_to == ([after] if after != before else [])


@pytest.mark.django_db
def test_a_worker_not_allowed_to_lower_its_priority_runs_as_it_is(
    settings, priority, smtp_server, parent, pupil, slot, caplog
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    settings.WORKER_NICENESS = 10
    process = priority(0, refuse=True)
    call_command("run_worker", "--once", stdout=StringIO())
    assert process.niceness == 0
    assert "keeps its CPU priority" in caplog.text
    assert len(smtp_server.messages_to(parent.email)) == 1


@pytest.mark.parametrize("niceness", [-1, 20])
def test_a_niceness_out_of_range_is_refused_with_its_name(settings, niceness):
    settings.WORKER_NICENESS = niceness
    with pytest.raises(ImproperlyConfigured, match="WORKER_NICENESS must be from 0 to 19"):
        call_command("run_worker", "--once", stdout=StringIO())
