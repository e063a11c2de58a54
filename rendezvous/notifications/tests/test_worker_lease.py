"""Workers hold the rows they claimed on a short lease: every mail is sent once, or is visible
as failed, even when a worker dies or stalls.

A live worker renews its lease while it sends, so nobody takes its rows however long the batch
takes; the rows of a dead one come back after about one lease; an attempt is counted only for a
send that really started; and a worker that lost its rows can no longer change them.
"""

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import (
    claim_due,
    record_failure,
    record_success,
    requeue_expired,
    send_due_emails,
    start_attempt,
)
from rendezvous.notifications.tests.factories import OutgoingEmailFactory

LEASE = 60


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.OUTBOX_LEASE_SECONDS = LEASE


def after_the_lease() -> datetime:
    return timezone.now() + timedelta(seconds=LEASE + 1)


def sends_per_email(smtp_server) -> dict[int, int]:
    return {
        int(pk): n
        for pk, n in Counter(m["X-Rendezvous-Email"] for m in smtp_server.messages).items()
    }


@pytest.mark.django_db(transaction=True)
def test_a_stalled_worker_loses_its_rows_after_one_lease_and_sends_none_when_it_wakes(
    smtp_server, organisation
):
    interrupted, first_waiting, second_waiting = OutgoingEmailFactory.create_batch(
        3, organisation=organisation
    )
    smtp_server.stall()  # the worker hands over its first message and hangs waiting for the reply

    def stalled_worker():
        try:
            send_due_emails()
        finally:
            connection.close()

    stalled = threading.Thread(target=stalled_worker)
    stalled.start()
    try:
        assert smtp_server.handler.stalled.wait(timeout=5)
        assert send_due_emails() == (0, 0)  # within the lease the rows are still the worker's

        with time_machine.travel(after_the_lease()):
            assert send_due_emails() == (3, 0)
    finally:
        smtp_server.resume()  # the worker wakes up, long after its lease
        stalled.join(timeout=10)

    for email in (interrupted, first_waiting, second_waiting):
        email.refresh_from_db()
        assert email.state == EmailState.SENT
    assert (interrupted.attempts, first_waiting.attempts, second_waiting.attempts) == (2, 1, 1)
    # Only the message on the wire when the worker stopped may arrive twice.
    assert sends_per_email(smtp_server) == {
        interrupted.pk: 2,
        first_waiting.pk: 1,
        second_waiting.pk: 1,
    }


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_mid_send_loses_no_mail_and_counts_one_attempt(
    smtp_server, organisation, tmp_path
):
    interrupted, first_waiting, second_waiting = OutgoingEmailFactory.create_batch(
        3, organisation=organisation
    )
    smtp_server.stall()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://{smtp_server.host}:{smtp_server.port}?timeout=30",
        "OUTBOX_LEASE_SECONDS": str(LEASE),
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "worker-under-test",
    }
    manage = django_settings.BASE_DIR / "manage.py"
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, manage, "run_worker", "--once"], env=env, stdout=output, stderr=output
        )
    try:
        stalled = smtp_server.handler.stalled.wait(timeout=60)
    finally:
        worker.kill()  # SIGKILL: no handler runs, nothing is recorded
        worker.wait()
    assert stalled, log.read_text()
    smtp_server.resume()  # whether the first message went out, the worker never learnt

    assert send_due_emails() == (0, 0)  # within the lease the rows are still the dead worker's
    with time_machine.travel(after_the_lease()):
        assert send_due_emails() == (3, 0)

    for email in (interrupted, first_waiting, second_waiting):
        email.refresh_from_db()
        assert email.state == EmailState.SENT
    assert (interrupted.attempts, first_waiting.attempts, second_waiting.attempts) == (2, 1, 1)
    assert sends_per_email(smtp_server)[first_waiting.pk] == 1
    assert sends_per_email(smtp_server)[second_waiting.pk] == 1


@pytest.mark.django_db
def test_rows_a_dead_worker_never_started_go_back_after_one_lease_without_an_attempt(
    smtp_server, organisation
):
    email = OutgoingEmailFactory(organisation=organisation, attempts=2, last_error="421 Busy")
    claim_due(token="dead-worker")  # and the worker dies before sending anything

    assert send_due_emails() == (0, 0)
    with time_machine.travel(after_the_lease()):
        assert requeue_expired() == 1
        email.refresh_from_db()
        assert (email.state, email.attempts, email.last_error) == (
            EmailState.QUEUED,
            2,
            "421 Busy",
        )
        assert send_due_emails() == (1, 0)

    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 3)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_mail_that_keeps_killing_workers_ends_up_failed(settings, smtp_server, organisation):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    email = OutgoingEmailFactory(organisation=organisation)
    (claimed,) = claim_due(token="dead-worker")
    assert start_attempt(claimed)  # and the worker dies while sending it

    with time_machine.travel(after_the_lease()):
        assert send_due_emails() == (0, 0)

    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert email.attempts == 1
    assert email.last_error == "The worker stopped while sending this email."
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_worker_whose_lease_ran_out_cannot_change_rows_another_worker_took(organisation):
    OutgoingEmailFactory.create_batch(3, organisation=organisation)
    first, second, third = claim_due(token="late")
    with time_machine.travel(after_the_lease()):
        requeue_expired()
        taken = claim_due(token="current")
    assert len(taken) == 3

    # The late worker wakes up and carries on with what it believes is its batch.
    assert not start_attempt(first)
    assert not record_success(second)
    assert not record_failure(third, OSError("Connection reset"))

    for row in OutgoingEmail.objects.all():
        assert (row.state, row.claimed_by, row.attempts, row.last_error) == (
            EmailState.SENDING,
            "current",
            0,
            "",
        )
    for email in taken:
        assert start_attempt(email)
        assert record_success(email)
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {EmailState.SENT}


class SlowDelivery(EmailBackend):
    """Each message takes MESSAGE_SECONDS on the test's clock; while it is on its way another
    worker does a round (whose own sends take no time)."""

    MESSAGE_SECONDS = 45
    clock: time_machine.Traveller
    rival_rounds: list[tuple[int, int]] = []
    in_rival_round = False

    def send_messages(self, messages):
        cls = type(self)
        if not cls.in_rival_round:
            cls.clock.shift(cls.MESSAGE_SECONDS)
            cls.in_rival_round = True
            try:
                cls.rival_rounds.append(send_due_emails())
            finally:
                cls.in_rival_round = False
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_batch_that_takes_many_leases_is_never_taken_over_while_its_worker_lives(
    settings, organisation
):
    emails = OutgoingEmailFactory.create_batch(15, organisation=organisation)
    settings.OUTBOX_DELIVERY_BACKEND = f"{__name__}.SlowDelivery"
    SlowDelivery.rival_rounds = []

    with time_machine.travel(timezone.now(), tick=False) as clock:
        SlowDelivery.clock = clock
        assert send_due_emails() == (15, 0)

    assert len(SlowDelivery.rival_rounds) == 15
    assert set(SlowDelivery.rival_rounds) == {(0, 0)}  # over eleven minutes, yet never taken
    assert sorted(int(m.extra_headers["X-Rendezvous-Email"]) for m in mail.outbox) == sorted(
        e.pk for e in emails
    )
    assert set(OutgoingEmail.objects.values_list("state", "attempts")) == {(EmailState.SENT, 1)}
